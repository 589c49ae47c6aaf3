from django.contrib.auth.models import User
from django.utils import timezone

from centres.models import Account
from tests.browser.conftest import has_sideways_scroll, log_in


def be_today() -> str:
    today = timezone.localdate()
    return f"{today.day:02d}/{today.month:02d}/{today.year + 543}"


def test_an_administrator_makes_a_chairs_account_and_the_chair_reaches_the_desk(
    page, phone_page, ministry_admin, centre_a
):
    log_in(page, ministry_admin.username)
    page.click("nav.main >> text=บัญชีผู้ใช้")
    page.click("#new-account")
    page.fill("#id_username", "somsri.bkn")
    page.fill("#id_first_name", "สมศรี")
    page.fill("#id_last_name", "ใจงาม")
    page.select_option("#id_role", "chair")
    page.fill("#id_centre", "bkn")
    page.fill("#id_starts_on", be_today())
    page.click("#create-account")
    page.wait_for_url("**/accounts/manage/*/password/")
    password = page.locator("#one-time-password").inner_text().strip()
    assert User.objects.get(username="somsri.bkn").check_password(password)
    # Shown once: a reload no longer shows it.
    page.reload()
    assert page.locator("#one-time-password").count() == 0

    # The chair, on a phone: the one-time password works once, to choose their own.
    log_in(phone_page, "somsri.bkn", password)
    assert "/accounts/password/" in phone_page.url
    assert phone_page.locator("#must-change").is_visible()
    phone_page.goto(f"{phone_page.base}/cases/")
    assert "/accounts/password/" in phone_page.url  # every page leads back here
    assert not has_sideways_scroll(phone_page)
    phone_page.fill("#id_old_password", password)
    phone_page.fill("#id_new_password1", "ขอบฟ้า-2568-ไกล")
    phone_page.fill("#id_new_password2", "ขอบฟ้า-2568-ไกล")
    phone_page.click("#change-password")
    phone_page.wait_for_url("**/accounts/password/done/")
    phone_page.click("#continue")
    phone_page.wait_for_url(f"{phone_page.base}/")
    assert "สมศรี" in phone_page.locator("h1").inner_text()  # the desk greets the chair
    assert not Account.objects.get(user__username="somsri.bkn").must_change_password


def test_on_a_phone_an_administrator_corrects_links_and_reactivates_an_account(
    phone_page, ministry_admin, chair_a, centre_a
):
    from centres.services import account_deactivate
    from tests.factories import RegistrationFactory

    volunteer = RegistrationFactory(centre=centre_a, number="0007/2562").volunteer
    account_deactivate(actor=ministry_admin, user=chair_a)
    page = phone_page
    log_in(page, ministry_admin.username)
    page.goto(f"{page.base}/accounts/manage/{chair_a.pk}/")
    assert not has_sideways_scroll(page)
    # The name and email.
    page.click("#edit-account")
    page.fill("#id_first_name", "วิไลวรรณ")
    page.fill("#id_email", "ไม่ใช่อีเมล")
    page.click("#save-account")
    assert page.locator("#field-email.has-error").is_visible()  # beside the field, in Thai
    page.fill("#id_email", "wilai@example.org")
    page.click("#save-account")
    page.wait_for_url(f"**/accounts/manage/{chair_a.pk}/")
    assert "วิไลวรรณ" in page.content()
    # The volunteer record, by its registration number typed short.
    page.click("#edit-volunteer")
    page.fill("#id_volunteer", "7/2562")
    page.click("#save-volunteer")
    page.wait_for_url(f"**/accounts/manage/{chair_a.pk}/")
    assert volunteer.display_name in page.content()
    # Reactivated: a new one-time password, shown once, and a reminder to give it a role.
    page.click("#reactivate")
    page.click("#confirm-reactivate")
    page.wait_for_url("**/accounts/manage/*/password/")
    password = page.locator("#one-time-password").inner_text().strip()
    assert page.locator("#no-assignment").is_visible()
    assert not has_sideways_scroll(page)
    chair_a.refresh_from_db()
    assert chair_a.is_active
    assert chair_a.check_password(password)
    assert chair_a.first_name == "วิไลวรรณ"
    assert chair_a.volunteer == volunteer
