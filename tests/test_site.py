import pytest
from django.db import connection
from django.urls import reverse

ADMIN_PAGES = [
    "admin:index",
    "admin:centres_region_changelist",
    "admin:centres_province_changelist",
    "admin:centres_district_changelist",
    "admin:centres_subdistrict_changelist",
    "admin:centres_centre_changelist",
    "admin:centres_centre_add",
    "admin:centres_staffassignment_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_answer_a_superuser(client, superuser, reference_centres, name):
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_send_an_anonymous_user_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_is_thai_by_default_with_english_on_request(client, superuser):
    client.force_login(superuser)
    thai = client.get(reverse("admin:index")).content.decode()
    assert 'lang="th"' in thai
    assert "จังหวัด" in thai
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    english = client.get(reverse("admin:index")).content.decode()
    assert 'lang="en"' in english and "Provinces" in english


def test_centre_page_shows_dates_in_buddhist_era(client, superuser, reference_centres):
    client.force_login(superuser)
    page = client.get(reverse("admin:centres_centre_changelist")).content.decode()
    assert "11 มี.ค. 2562" in page
    from centres.models import Centre

    bkn = Centre.objects.get(code="BKN")
    form = client.get(reverse("admin:centres_centre_change", args=[bkn.pk])).content.decode()
    assert 'value="11/03/2562"' in form


def test_admin_saves_a_centre_with_a_be_date(client, superuser, reference_centres):
    from centres.models import Centre

    client.force_login(superuser)
    national = Centre.objects.get(code="NAT")
    response = client.post(
        reverse("admin:centres_centre_add"),
        {
            "code": "BKK-X",
            "level": "district",
            "parent": national.pk,
            "name_th": "ศูนย์ทดสอบ",
            "status": "active",
            "district": "1005",
            "province": "10",
            "opened_on": "๐๑/๐๔/๒๕๖๒",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(Centre.objects.get(code="BKK-X").opened_on) == "2019-04-01"


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, transactional_db):
    # Point the connection at a port where no server listens: a real refused connection.
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.connect()
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_answers_a_plain_http_probe_when_https_is_enforced(db):
    """Production redirects HTTP to HTTPS; the load balancer's plain-HTTP probe of /healthz
    must still get its 200, not a 301 it would count as a failure."""
    from django.test import Client, override_settings

    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()  # the middleware reads the setting when the client first loads it
        assert client.get("/accounts/login/").status_code == 301
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
