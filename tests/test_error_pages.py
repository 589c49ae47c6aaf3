"""The error pages: in the site's layout (menu, home link, language switch) and the user's
language, saying why when the code said so for users, and showing nothing internal."""

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.urls import reverse

from tests.cases.factories import PersonFactory
from tests.cases.test_admin import staff
from tests.error_urls import SECRET

TEST_URLS = pytest.mark.urls("tests.error_urls")
INTERNALS = (
    "Traceback",
    "SECRET",
    "1103700012345",
    "/srv/app",
    "SELECT",
    "auth_user",
    "RuntimeError",
    'File "',
)


def failing_processor(request):
    raise RuntimeError(SECRET)


def with_failing_processor():
    """The site's template settings plus a context processor that always fails."""
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "context_processors": [
            *engine["OPTIONS"]["context_processors"],
            "tests.test_error_pages.failing_processor",
        ],
    }
    return override_settings(TEMPLATES=[engine])


def crash_client() -> Client:
    """A client that gets the 500 page, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch sets
    return client


def page_of(response) -> str:
    return response.content.decode()


def assert_layout(page: str, *, menu: bool):
    assert 'id="error-home" href="/"' in page  # the way back
    assert 'class="language-switch"' in page
    assert ('<nav class="main">' in page) is menu
    if menu:
        assert 'href="/cases/"' in page
        assert 'href="/volunteers/"' in page


def assert_nothing_internal(page: str):
    for text in INTERNALS:
        assert text not in page, text


# -- 404 --------------------------------------------------------------------------------------


def test_an_unknown_address_gets_a_404_page_in_thai_with_the_menu(client, chair_a):
    client.force_login(chair_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert '<html lang="th">' in page
    assert "ไม่พบหน้านี้" in page
    assert "ไปหน้าหลัก" in page
    assert ">หน้าหลัก</a>" in page
    assert ">รายกรณี</a>" in page
    assert_layout(page, menu=True)


@pytest.fixture
def staff_a(centre_a):
    from tests.factories import StaffAssignmentFactory, UserFactory

    user = UserFactory(username="staff-a")
    StaffAssignmentFactory(user=user, role="staff", centre=centre_a)
    return user


@pytest.fixture
def chair_supervising_the_north(chair_a):
    from tests.factories import also_supervising_the_north

    return also_supervising_the_north(chair_a)


@pytest.mark.parametrize(
    "role",
    ["ministry_admin", "supervisor_north", "chair_a", "staff_a", "chair_supervising_the_north"],
)
def test_every_role_gets_the_404_page_with_its_menu(db, client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert "ไม่พบหน้านี้" in page
    assert_layout(page, menu=True)


def test_the_404_page_is_in_english_when_the_user_chose_english(client, chair_a):
    client.force_login(chair_a)
    page = page_of(english(client).get("/no-such-page/"))
    assert '<html lang="en">' in page
    assert "Page not found" in page
    assert "Go to the home page" in page
    assert ">Cases</a>" in page
    assert "ไม่พบหน้านี้" not in page


def test_an_anonymous_visitor_gets_the_404_page_without_a_menu(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert "ไม่พบหน้านี้" in page
    assert_layout(page, menu=False)


def test_a_record_of_another_centre_in_the_admin_gets_the_404_page_with_its_reason(
    client, chair_a, centre_b
):
    other = PersonFactory(centre=centre_b)
    client.force_login(staff(chair_a))
    response = client.get(reverse("admin:cases_person_change", args=[other.pk]))
    assert response.status_code == 404
    page = page_of(response)
    assert "ไม่พบข้อมูลนี้ หรือข้อมูลอยู่นอกศูนย์ที่ท่านรับผิดชอบ" in page  # the admin's message
    assert other.first_name not in page
    assert_layout(page, menu=True)


def test_an_unknown_admin_address_gets_the_friendly_404_page(client, chair_a):
    client.force_login(staff(chair_a))
    response = client.get("/admin/cases/no-such-model/")
    assert response.status_code == 404
    page = page_of(response)
    assert "ไม่พบหน้านี้" in page
    assert_layout(page, menu=True)


def test_a_dashboard_place_out_of_reach_gets_the_404_page_with_its_reason(client, supervisor_north):
    client.force_login(supervisor_north)
    response = client.get(reverse("dashboards:unit", args=["province", "10"]))  # Bangkok
    assert response.status_code == 404
    assert "พื้นที่นี้อยู่นอกความรับผิดชอบของท่าน" in page_of(response)


def test_djangos_own_404_messages_are_not_shown(client, chair_a):
    client.force_login(chair_a)
    page = page_of(client.get(reverse("cases:case-detail", args=[999999])))
    assert "ไม่พบหน้านี้" in page
    assert "matches the given query" not in page
    assert "Case" not in page


@TEST_URLS
@override_settings(DEBUG=False)
def test_a_404_raised_with_an_internal_message_shows_none_of_it(client, chair_a):
    client.force_login(chair_a)
    response = client.get("/test-errors/missing/")
    assert response.status_code == 404
    assert "ไม่พบหน้านี้" in page_of(response)
    assert 'id="error-reason"' not in page_of(response)
    assert_nothing_internal(page_of(response))


# -- 403 --------------------------------------------------------------------------------------


def test_a_supervisor_opening_the_intake_gets_a_403_in_thai_saying_they_may_only_read(
    client, supervisor_north
):
    client.force_login(supervisor_north)
    response = client.get(reverse("cases:case-create"))
    assert response.status_code == 403
    page = page_of(response)
    assert '<html lang="th">' in page
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in page
    assert "บทบาทของท่านดูข้อมูลเหล่านี้ได้อย่างเดียว แก้ไขหรือบันทึกไม่ได้" in page
    assert_layout(page, menu=True)


def test_the_403_page_is_in_english_when_the_user_chose_english(client, supervisor_north):
    client.force_login(supervisor_north)
    page = page_of(english(client).get(reverse("volunteers:volunteer-create")))
    assert "You may not open this page" in page
    assert "Your role lets you read these records but not change them." in page


def test_a_supervisor_on_a_case_action_is_told_they_may_only_read(
    client, supervisor_north, centre_b, chair_b
):
    """The case actions refuse with a bare 403; for a read-only user that is the reason."""
    from tests.cases.factories import open_case

    case = open_case(chair_b, centre_b)
    client.force_login(supervisor_north)
    response = client.get(reverse("cases:visit-create", args=[case.pk]))
    assert response.status_code == 403
    assert "ดูข้อมูลเหล่านี้ได้อย่างเดียว" in page_of(response)


def test_a_user_without_an_assignment_is_refused_without_being_told_they_may_read(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("cases:case-create"))
    assert response.status_code == 403
    page = page_of(response)
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in page
    assert 'id="error-reason"' not in page


def test_a_supervisor_adding_a_case_in_the_admin_gets_the_friendly_403_page(
    client, supervisor_north
):
    client.force_login(staff(supervisor_north))
    response = client.get(reverse("admin:cases_case_add"))
    assert response.status_code == 403
    page = page_of(response)
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in page
    assert "ดูข้อมูลเหล่านี้ได้อย่างเดียว" in page
    assert_layout(page, menu=True)
    assert 'href="/admin/"' in page  # the menu leads back to the administration


@TEST_URLS
@override_settings(DEBUG=False)
def test_a_403_raised_with_an_internal_message_shows_none_of_it(client, chair_a):
    client.force_login(chair_a)
    response = client.get("/test-errors/refuse/")
    assert response.status_code == 403
    page = page_of(response)
    assert "ท่านไม่มีสิทธิ์เปิดหน้านี้" in page
    assert 'id="error-reason"' not in page  # a chair writes: not "read only" either
    assert_nothing_internal(page)


# -- 400 --------------------------------------------------------------------------------------


@TEST_URLS
@override_settings(DEBUG=False)
def test_a_suspicious_request_gets_the_400_page_without_its_details(client, chair_a):
    client.force_login(chair_a)
    response = client.get("/test-errors/suspicious/")
    assert response.status_code == 400
    page = page_of(response)
    assert "ระบบอ่านคำขอนี้ไม่ได้" in page
    assert_layout(page, menu=True)
    assert_nothing_internal(page)


@override_settings(DEBUG=False)
def test_a_request_for_another_host_gets_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="intruder.example")
    assert response.status_code == 400
    page = page_of(response)
    assert "ระบบอ่านคำขอนี้ไม่ได้" in page
    assert "intruder.example" not in page


# -- 500 --------------------------------------------------------------------------------------


@TEST_URLS
@override_settings(DEBUG=False)
def test_a_crash_gets_the_500_page_in_thai_with_nothing_internal(chair_a):
    client = crash_client()
    client.force_login(chair_a)
    response = client.get("/test-errors/crash/")
    assert response.status_code == 500
    page = page_of(response)
    assert '<html lang="th">' in page
    assert "ระบบขัดข้อง" in page
    assert "ไปหน้าหลัก" in page
    assert 'id="error-home" href="/"' in page
    assert 'class="language-switch"' in page
    assert_nothing_internal(page)


@TEST_URLS
@override_settings(DEBUG=False)
def test_the_500_page_is_in_english_when_the_user_chose_english(db):
    page = page_of(english(crash_client()).get("/test-errors/crash/"))
    assert '<html lang="en">' in page
    assert "Something went wrong" in page
    assert_nothing_internal(page)


@override_settings(DEBUG=False)
def test_a_failing_context_processor_still_gets_the_500_page(chair_a):
    client = crash_client()
    client.force_login(chair_a)
    with with_failing_processor():
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "ระบบขัดข้อง" in page_of(response)
    assert_nothing_internal(page_of(response))


@override_settings(DEBUG=False)
def test_a_failing_context_processor_keeps_a_404_a_404(chair_a):
    client = crash_client()
    client.force_login(chair_a)
    with with_failing_processor():
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert "ไม่พบหน้านี้" in page
    assert 'id="error-home" href="/"' in page
    assert_nothing_internal(page)


@override_settings(DEBUG=False)
def test_the_500_page_renders_while_the_database_is_unreachable(django_db_blocker):
    """A logged-in user's next page while PostgreSQL is down: loading the session fails, and
    the 500 page must not need the database itself."""
    connection = connections["default"]
    port = connection.settings_dict["PORT"]
    client = crash_client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["PORT"] = "1"  # nothing listens there: connection refused
        try:
            response = client.get(reverse("cases:case-list"))
        finally:
            connection.close()
            connection.settings_dict["PORT"] = port
    assert response.status_code == 500
    page = page_of(response)
    assert "ระบบขัดข้อง" in page
    assert 'id="error-home" href="/"' in page
    assert "connection" not in page.lower()
    assert "5432" not in page


# -- CSRF -------------------------------------------------------------------------------------


def test_a_form_sent_without_the_security_cookie_gets_the_csrf_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = page_of(response)
    assert "ส่งแบบฟอร์มไม่สำเร็จ" in page
    assert "โปรดอนุญาตคุกกี้สำหรับเว็บไซต์นี้" in page
    assert "CSRF" not in page
    assert "Forbidden" not in page
    assert_layout(page, menu=False)


def test_a_form_from_an_expired_page_gets_the_csrf_page_saying_to_reload(chair_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair_a)
    client.get(reverse("cases:case-create"))  # sets the CSRF cookie
    response = client.post(reverse("cases:case-create"), {"csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    page = page_of(response)
    assert "หน้าที่มีแบบฟอร์มนี้หมดอายุแล้ว" in page
    assert_layout(page, menu=True)


def test_the_csrf_page_is_in_english_when_the_user_chose_english(db):
    client = english(Client(enforce_csrf_checks=True))
    page = page_of(client.post(reverse("login"), {"username": "x", "password": "y"}))
    assert "The form could not be sent" in page
    assert "Allow cookies for this site" in page
