"""On a phone: a case transferred from one chair to another, and a registration suspended."""

from cases.models import Case, Person
from cases.services import case_open
from tests.browser.conftest import has_sideways_scroll, log_in
from tests.factories import RegistrationFactory


def test_a_chair_transfers_a_case_and_the_other_chair_accepts_it_on_a_phone(
    phone_page, chair_a, chair_b, centre_a, centre_b
):
    page = phone_page
    person = Person.objects.create(first_name="ย้ายไปเหนือ", centre=centre_a, no_id_reason="unknown")
    case = case_open(
        actor=chair_a,
        centre=centre_a,
        person=person,
        intake_channel="walk_in",
        reporter_type="self",
        problems=["poverty"],
    )
    log_in(page, chair_a.username)
    page.goto(f"{page.base}/cases/{case.pk}/")
    page.click("#transfer-case")
    page.fill("#centre_q", "เชียงใหม่")
    page.click("#centre-search button")
    page.click(f"#centres-found a[href='?to={centre_b.code}']")
    assert page.input_value("#id_to_centre") == centre_b.code
    page.fill("#id_reason", "ครอบครัวย้ายไปอยู่เชียงใหม่")
    assert not has_sideways_scroll(page)
    page.click("#request-transfer")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.locator("#pending-transfer").is_visible()
    assert page.locator("#add-visit").count() == 0

    page.context.clear_cookies()
    log_in(page, chair_b.username)
    page.goto(f"{page.base}/")
    page.click(f"#incoming-transfers a:has-text('{case.number}')")
    assert "ย้ายไปเหนือ" in page.locator("#case-summary").inner_text()
    assert not has_sideways_scroll(page)
    page.click("#accept-transfer")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.locator("h1").inner_text().startswith(case.number)
    assert "ครอบครัวย้ายไปอยู่เชียงใหม่" in page.locator("#timeline").inner_text()
    assert Case.objects.get(pk=case.pk).centre == centre_b
    assert not has_sideways_scroll(page)


def test_a_chair_suspends_a_registration_on_a_phone(phone_page, chair_a, centre_a):
    page = phone_page
    registration = RegistrationFactory(centre=centre_a, volunteer__first_name="พักงานชั่วคราว")
    log_in(page, chair_a.username)
    page.goto(f"{page.base}/volunteers/{registration.volunteer_id}/")
    assert not has_sideways_scroll(page)
    page.click(f"a[href$='/registrations/{registration.pk}/suspend/']")
    page.fill("#id_on", "๐๑/๐๕/๒๕๖๗")
    page.fill("#id_reason", "ไม่ได้ปฏิบัติงานสามเดือน")
    page.click("#save-status")
    page.wait_for_url(f"**/volunteers/{registration.volunteer_id}/")
    assert "ไม่ได้ปฏิบัติงานสามเดือน" in page.locator("#status-history").inner_text()
    assert page.locator(f"a[href$='/registrations/{registration.pk}/reinstate/']").is_visible()
    assert not has_sideways_scroll(page)
