import datetime as dt

from django.utils import timezone

from cases.models import Agency, Case
from tests.browser.conftest import has_sideways_scroll, log_in
from tests.factories import RegistrationFactory, national_id


def be_today() -> str:
    today = timezone.localdate()
    return f"{today.day:02d}/{today.month:02d}/{today.year + 543}"


def test_chair_logs_a_case_visit_and_referral_and_sees_them_on_the_timeline(
    page, chair_a, centre_a, chair_b
):
    volunteer = RegistrationFactory(centre=centre_a, volunteer__first_name="อาสาบางเขน").volunteer
    Agency.objects.create(name_th="มูลนิธิปลายทาง", type="foundation")
    log_in(page, chair_a.username)

    page.goto(f"{page.base}/cases/new/")
    page.fill("#id_person-first_name", "บุญมี")
    page.fill("#id_person-last_name", "ลำบากยิ่ง")
    page.fill("#id_person-national_id", national_id(31337))
    page.fill("#id_person-birth_date", "12/08/2510")  # BE: 12 August 1967
    page.select_option("#id_person-province", "10")
    page.select_option("#id_person-district", "1005")  # filled by the cascading select
    page.select_option("#id_person-subdistrict", "100502")
    page.select_option("#id_case-intake_channel", "field_visit")
    page.select_option("#id_case-reporter_type", "volunteer")
    page.check("input[name=case-problems][value=poverty]")
    page.select_option("#id_case-urgency", "urgent")
    page.check(f"input[name=case-volunteers][value='{volunteer.pk}']")
    page.click("#open-case")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert case.person.birth_date == dt.date(1967, 8, 12)
    assert case.person.postcode == "10220"
    assert page.locator("h1").inner_text().startswith(case.number)

    page.click("#add-visit")
    page.fill("#id_visited_on", be_today())
    page.check(f"input[name=volunteers][value='{volunteer.pk}']")
    page.fill("#id_findings", "บ้านหลังคารั่ว ลูกสามคนไม่ได้ไปโรงเรียน")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/cases/{case.pk}/")

    page.click("#add-referral")
    page.select_option("#id_agency", label="มูลนิธิปลายทาง")
    page.fill("#id_referred_on", be_today())
    page.fill("#id_reason", "ต้องการทุนการศึกษาให้บุตร")
    page.select_option("#id_consent_given_by", "self")
    page.fill("#id_consent_purpose", "ส่งข้อมูลให้มูลนิธิ")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/cases/{case.pk}/")

    timeline = page.locator("#timeline").inner_text()
    assert "บ้านหลังคารั่ว" in timeline
    assert "มูลนิธิปลายทาง" in timeline
    assert timeline.index("บ้านหลังคารั่ว") < timeline.index("มูลนิธิปลายทาง")

    # The chair of another centre gets 404 on the same address.
    page.context.clear_cookies()
    log_in(page, chair_b.username)
    response = page.goto(f"{page.base}/cases/{case.pk}/")
    assert response.status == 404


def test_intake_form_fits_a_phone_without_sideways_scroll(phone_page, chair_a, centre_a):
    log_in(phone_page, chair_a.username)
    phone_page.goto(f"{phone_page.base}/cases/new/")
    assert phone_page.locator("#id_person-first_name").is_visible()
    assert not has_sideways_scroll(phone_page)
    # Errors beside the fields must not widen the page either.
    phone_page.click("#open-case")
    phone_page.wait_for_selector(".errorlist")
    assert not has_sideways_scroll(phone_page)
    # The Thai web font is served by the site itself.
    assert phone_page.evaluate("document.fonts.check('16px Sarabun', 'ก')")
