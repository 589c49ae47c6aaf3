"""A sign-in ends after SESSION_IDLE_TIMEOUT without use or SESSION_ABSOLUTE_LIFETIME after
signing in; the user is taken to the sign-in page, told why, and brought back afterwards. A
password change ends the account's other sessions."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from volunteer_centre.sessions import SEEN_AT, SIGNED_IN_AT


def age_session(client, *, signed_in_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_signing_in_starts_both_clocks(client, chair_a):
    client.force_login(chair_a)
    now = int(time.time())
    assert now - 5 <= client.session[SIGNED_IN_AT] <= now
    assert client.session[SEEN_AT] == client.session[SIGNED_IN_AT]
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("signed_in_ago", "seen_ago"),
    [(31 * 60, 31 * 60), (12 * 3600 + 1, 60)],  # idle too long; signed in too long ago
    ids=["idle", "absolute"],
)
def test_a_session_past_a_limit_signs_out_says_why_and_comes_back(
    client, chair_a, signed_in_ago, seen_ago
):
    client.force_login(chair_a)
    age_session(client, signed_in_ago=signed_in_ago, seen_ago=seen_ago)
    url = reverse("cases:case-list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    login = client.get(response["Location"])
    with translation.override("th"):
        assert "ออกจากระบบให้แล้ว" in login.content.decode()
    # Signed out for real: the desk now asks for a sign-in too.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_post_after_the_limit_saves_nothing_and_is_told(client, chair_a, centre_a):
    from cases.models import Case

    client.force_login(chair_a)
    age_session(client, signed_in_ago=3600, seen_ago=3600)
    response = client.post(reverse("cases:case-create"), {"case-summary": "ไม่ควรบันทึก"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Case.objects.exists()


def test_use_within_the_limits_keeps_the_session_and_notes_the_time(client, chair_a):
    client.force_login(chair_a)
    age_session(client, signed_in_ago=11 * 3600, seen_ago=20 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5


@override_settings(SESSION_IDLE_TIMEOUT=120)
def test_the_idle_limit_is_a_setting(client, chair_a):
    client.force_login(chair_a)
    age_session(client, signed_in_ago=180, seen_ago=180)
    assert client.get(reverse("home")).status_code == 302


def test_a_session_from_before_the_limits_starts_them_instead_of_ending(client, chair_a):
    client.force_login(chair_a)
    session = client.session
    del session[SIGNED_IN_AT], session[SEEN_AT]
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert SIGNED_IN_AT in client.session


def test_a_password_change_ends_the_accounts_other_sessions(client, chair_a):
    from django.test import Client

    other = Client()
    other.force_login(chair_a)
    client.force_login(chair_a)
    chair_a.set_password("new-Passw0rd-ยาว")
    chair_a.save()
    assert other.get(reverse("home"))["Location"].startswith(reverse("login"))
