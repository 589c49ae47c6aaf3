from decimal import Decimal

from cases.models import CaseEvent, Household, HouseholdMember, Person
from tests.browser.conftest import has_sideways_scroll, log_in
from tests.cases.factories import PersonFactory, open_case


def test_chair_corrects_an_address_with_the_cascading_selects_on_a_phone(
    phone_page, chair_a, centre_a
):
    """The person moved to Chiang Mai: the province narrows the districts, the district the
    subdistricts, and the timeline keeps the old address beside the new one."""
    page = phone_page
    person = PersonFactory(centre=centre_a, first_name="บุญมี")
    case = open_case(chair_a, centre_a, person=person)
    log_in(page, chair_a.username)
    page.goto(f"{page.base}/cases/persons/{person.pk}/")
    page.click("#edit-person")
    page.wait_for_url(f"**/persons/{person.pk}/edit/")
    assert not has_sideways_scroll(page)
    page.select_option("#id_person-province", "50")
    page.select_option("#id_person-district", "5001")  # filled by the cascading select
    page.select_option("#id_person-subdistrict", "500101")
    page.fill("#id_person-house_number", "12/3")
    page.fill("#id_person-correction_note", "ย้ายไปอยู่กับลูกสาว")
    page.click("#save-person")
    page.wait_for_url(f"**/cases/persons/{person.pk}/")
    person.refresh_from_db()
    assert (person.subdistrict_id, person.house_number) == ("500101", "12/3")
    # The postcode of the new subdistrict, filled in by the page as the intake does.
    assert person.postcode == "50200"
    corrections = page.locator("#corrections").inner_text()
    assert "ศรีภูมิ" in corrections
    assert "อนุสาวรีย์" in corrections
    page.goto(f"{page.base}/cases/{case.pk}/")
    timeline = page.locator("#timeline").inner_text()
    assert "ที่อยู่ตามทะเบียนบ้าน" in timeline
    assert "ย้ายไปอยู่กับลูกสาว" in timeline
    assert CaseEvent.objects.get(kind="person_updated").actor == chair_a
    assert not has_sideways_scroll(page)


def test_the_household_form_fits_a_phone_and_shows_errors_beside_the_rows(
    phone_page, chair_a, centre_a
):
    page = phone_page
    case = open_case(chair_a, centre_a)
    household = Household.objects.create(name="ครอบครัวทดสอบ", centre=centre_a)
    HouseholdMember.objects.create(
        household=household, person=case.person, relation="head", monthly_income=Decimal("2000")
    )
    log_in(page, chair_a.username)
    page.goto(f"{page.base}/cases/persons/{case.person_id}/")
    page.click(f"#edit-household-{household.pk}")
    page.wait_for_url(f"**/households/{household.pk}/edit/")
    assert not has_sideways_scroll(page)
    page.fill("#id_members-1-name", "เด็กชายต้น")  # a new row, without its relation
    page.click("#save-household")
    page.wait_for_selector("#member-1 .errorlist")
    assert not has_sideways_scroll(page)
    page.select_option("#id_members-1-relation", "child")
    page.fill("#id_members-0-monthly_income", "๒๕๐๐")
    page.click("#save-household")
    page.wait_for_url(f"**/cases/persons/{case.person_id}/")
    assert household.members.filter(name="เด็กชายต้น", relation="child").exists()
    assert household.members.get(person=case.person).monthly_income == Decimal("2500")
    assert "2,000.00 → 2,500.00" in page.locator("#corrections").inner_text()
    assert Person.objects.count() == 1
