"""Every text field of every staff form, given script and over-long text: the answer is the
saved record shown as text, or the form again with a message (400); never a 500, never a
half-saved record, never markup of the user's own on a page."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from cases.models import Assistance, Case, CaseEvent, Consent, Person, Referral, Visit
from cases.services import case_assign_volunteers, consent_record, referral_create
from tests import clock
from tests.factories import RegistrationFactory, national_id
from tests.staff.posts import be, field_errors, intake_post, registration_post
from volunteers.models import Registration, Volunteer

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE = {"script": SCRIPT, "over-long": "ก" * 20000}
MODELS = [Person, Case, CaseEvent, Visit, Assistance, Referral, Consent, Volunteer, Registration]
TEXT_INPUT = re.compile(
    r'<input\b(?=[^>]*\btype="(?:text|tel|email|url|search)")[^>]*\bname="([^"]+)"'
    r'|<textarea\b[^>]*\bname="([^"]+)"'
)


def text_fields(page: str) -> list[str]:
    """The names of the text inputs and text areas of a rendered form."""
    return sorted({a or b for a, b in TEXT_INPUT.findall(page)} - {"csrfmiddlewaretoken"})


def fingerprint() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def base_posts(chair, case, agency, volunteer):
    """Each staff form with a post that saves."""
    referral = referral_create(
        actor=chair,
        case=case,
        agency=agency,
        reason="ต้องการที่พัก",
        basis="legal_duty",
        basis_note="มาตรา",
        referred_on=clock.today(),
    )
    case_id = case.pk
    return {
        reverse("cases:case-create"): intake_post(case.centre, **{"case-volunteers": []}),
        reverse("cases:visit-create", args=[case_id]): {
            "visited_on": be(clock.today()),
            "findings": "พบครอบครัว",
            "volunteers": [volunteer.pk],
        },
        reverse("cases:assistance-create", args=[case_id]): {
            "kind": "goods",
            "programme": "other",
            "given_on": be(clock.today()),
            "item_1_name": "จักรยาน",
            "item_1_quantity": "1",
        },
        reverse("cases:referral-create", args=[case_id]): {
            "agency": agency.pk,
            "referred_on": be(clock.today()),
            "reason": "ต้องการที่พัก",
            "basis": "consent",
            "consent_given_by": "self",
            "consent_purpose": "ส่งต่อ",
        },
        reverse("cases:case-status", args=[case_id]): {"to_status": "assessing", "note": "ok"},
        reverse("cases:referral-status", args=[referral.pk]): {
            "to_status": "accepted",
            "on": be(clock.today()),
            "outcome": "รับไว้",
        },
        reverse("volunteers:volunteer-create"): registration_post(
            case.centre, national_id=national_id(9051)
        ),
        **correction_posts(chair, case, volunteer),
    }


def correction_posts(chair, case, volunteer):
    """The correction pages (issue 11), each with a post that saves."""
    consent = consent_record(actor=chair, case=case, given_by="self", purpose="ส่งต่อ")
    case_assign_volunteers(actor=chair, case=case, volunteers=[volunteer])
    person = case.person
    return {
        reverse("cases:person-edit", args=[person.pk]): {
            "person-first_name": person.first_name,
            "person-last_name": person.last_name,
            "person-no_id_reason": person.no_id_reason,
            "person-current_same_as_registered": "on",
            "person-correction_note": "ตามบัตร",
        },
        reverse("cases:case-edit", args=[case.pk]): {
            "opened_on": be(case.opened_on),
            "intake_channel": case.intake_channel,
            "reporter_type": case.reporter_type,
            "problems": case.problems,
            "urgency": "urgent",
            "summary": "แก้ไข",
        },
        reverse("cases:consent-withdraw", args=[consent.pk]): {
            "withdrawn_on": be(clock.today()),
            "note": "ขอถอน",
        },
        reverse("cases:case-unassign", args=[case.pk]): {
            "volunteers": [volunteer.pk],
            "note": "ย้าย",
        },
    }


def test_every_text_field_of_every_staff_form_survives_script_and_over_long_text(
    client, chair_a, case_a, agency
):
    volunteer = RegistrationFactory(centre=case_a.centre).volunteer
    client.force_login(chair_a)
    posts = base_posts(chair_a, case_a, agency, volunteer)
    tried = 0
    for url, base in posts.items():
        fields = text_fields(client.get(url).content.decode())
        assert fields, url
        with transaction.atomic():
            assert client.post(url, base).status_code == 302, f"the base post of {url} saves"
            transaction.set_rollback(True)
        for field in fields:
            for kind, value in HOSTILE.items():
                with transaction.atomic():
                    before = fingerprint()
                    response = client.post(url, {**base, field: value})
                    page = response.content.decode()
                    where = f"{kind} in {field} of {url}"
                    assert response.status_code in (302, 400), where
                    if response.status_code == 400:
                        assert field_errors(response, field), where
                        assert fingerprint() == before, f"half-saved: {where}"
                    assert SCRIPT not in page, where
                    transaction.set_rollback(True)
                tried += 1
    assert tried > 60  # every form's text fields, not an empty walk


def test_script_saved_in_every_text_field_is_shown_as_text(client, chair_a, case_a, agency):
    """What the forms accept, the pages print escaped: the case, its timeline, the person, the
    lists and the volunteer."""
    volunteer = RegistrationFactory(centre=case_a.centre).volunteer
    client.force_login(chair_a)
    posts = base_posts(chair_a, case_a, agency, volunteer)
    saved = 0
    for url, base in posts.items():
        fields = text_fields(client.get(url).content.decode())
        hostile = {field: SCRIPT for field in fields}
        response = client.post(url, {**base, **hostile})
        if response.status_code == 400:
            # Some fields refuse markup (names, IDs, dates, phones): keep the script only where
            # it is accepted, field by field.
            accepted = {}
            for field in fields:
                with transaction.atomic():
                    ok = client.post(url, {**base, field: SCRIPT}).status_code == 302
                    transaction.set_rollback(True)
                if ok:
                    accepted[field] = SCRIPT
            response = client.post(url, {**base, **accepted})
        assert response.status_code == 302, url
        saved += 1
    assert saved == len(posts)
    pages = [
        reverse("cases:case-detail", args=[case_a.pk]),
        reverse("cases:case-list"),
        reverse("cases:person-detail", args=[case_a.person_id]),
        reverse("volunteers:volunteer-list"),
        "/",
    ]
    pages += [reverse("cases:case-detail", args=[c.pk]) for c in Case.objects.exclude(pk=case_a.pk)]
    pages += [reverse("volunteers:volunteer-detail", args=[v.pk]) for v in Volunteer.objects.all()]
    shown = ""
    for url in pages:
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert "<script>alert" not in page, url
        shown += page
    assert "&lt;script&gt;alert" in shown  # the text is there, escaped


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.mark.parametrize("typed", ["dashes", "thai digits"])
def test_registering_a_volunteer_already_recorded_is_refused_beside_the_id(
    client, chair_a, centre_a, typed
):
    recorded = RegistrationFactory(centre=centre_a).volunteer.national_id
    n = recorded
    national_id_typed = (
        f"{n[0]}-{n[1:5]}-{n[5:10]}-{n[10:12]}-{n[12]}"
        if typed == "dashes"
        else n.translate(THAI_DIGITS)
    )
    client.force_login(chair_a)
    before = fingerprint()
    response = client.post(
        reverse("volunteers:volunteer-create"),
        registration_post(centre_a, national_id=national_id_typed),
    )
    assert response.status_code == 400
    assert "national_id" in response.context["form"].errors
    assert fingerprint() == before
