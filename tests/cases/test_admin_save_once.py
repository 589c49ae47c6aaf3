"""An admin save runs each service once: no dry run in a rolled-back savepoint before the real
one. A refused save still shows the service's message beside the field, with nothing saved."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent, Visit
from cases.services import case_change_status, referral_create, visit_record
from tests import clock
from tests.cases.factories import AgencyFactory, open_case
from tests.cases.test_admin import be, change_post, inline_management, staff
from tests.factories import RegistrationFactory


def inserts(queries, table: str) -> int:
    return sum(q["sql"].startswith(f'INSERT INTO "{table}"') for q in queries)


def rollbacks(queries) -> int:
    return sum(q["sql"].startswith("ROLLBACK TO SAVEPOINT") for q in queries)


def a_visit(**extra):
    return {
        "visits-TOTAL_FORMS": 1,
        "visits-0-visited_on": be(clock.today()),
        "visits-0-findings": "เยี่ยมบ้าน พบผู้สูงอายุอยู่ลำพัง",
        **extra,
    }


def inline_form(response, prefix: str, n: int = 0):
    formsets = {i.formset.prefix: i.formset for i in response.context["inline_admin_formsets"]}
    return formsets[prefix].forms[n]


@pytest.mark.parametrize("user", ["chair_a", "ministry_admin"])
def test_a_visit_saved_in_the_admin_is_written_once_with_one_event(
    request, client, centre_a, chair_a, user
):
    client.force_login(staff(request.getfixturevalue(user)))
    case = open_case(chair_a, centre_a)
    page = reverse("admin:cases_case_change", args=[case.pk])
    data = {**change_post_data(client, case), **a_visit()}
    data["visits-TOTAL_FORMS"] += 1
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(page, data)
    assert response.status_code == 302
    assert inserts(ctx.captured_queries, "cases_visit") == 1
    assert inserts(ctx.captured_queries, "cases_caseevent") == 1
    assert rollbacks(ctx.captured_queries) == 0
    assert case.events.filter(kind=CaseEvent.Kind.VISIT).count() == 1
    assert Visit.objects.filter(case=case).count() == 1


def change_post_data(client, case) -> dict:
    """The change page's own fields, as the browser would post them."""
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    return {
        "intake_channel": case.intake_channel,
        "reporter_type": case.reporter_type,
        "reporter_name": case.reporter_name,
        "reporter_phone": "",
        "problems": case.problems,
        "urgency": case.urgency,
        "summary": case.summary,
        **inline_management(page),
    }


def test_a_correction_and_a_status_step_in_one_save_write_one_event_each(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    with CaptureQueriesContext(connection) as ctx:
        response = change_post(
            chair_a_client, case, summary="ครอบครัวรายได้น้อย", new_status="assessing"
        )
    assert response.status_code == 302
    kinds = list(case.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["opened", "updated", "status"]
    # One event insert for the correction, one for the status step (the page's GET inserts
    # nothing).
    assert inserts(ctx.captured_queries, "cases_caseevent") == 2
    assert rollbacks(ctx.captured_queries) == 0


def test_a_refused_status_step_undoes_the_assignment_and_correction_of_the_same_save(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    for status in ["assessing", "assisting", "monitoring"]:
        case_change_status(actor=chair_a, case=case, to_status=status)
    events = case.events.count()
    # Closing needs a reason: the service refuses, after the assignment and the correction
    # of the same save were written.
    response = change_post(
        chair_a_client,
        case,
        summary="แก้ไขพร้อมกัน",
        new_status="closed",
        **{"assignments-TOTAL_FORMS": 1, "assignments-0-volunteer": volunteer.pk},
    )
    assert response.status_code == 200
    assert "close_reason" in response.context["adminform"].form.errors
    case.refresh_from_db()
    assert (case.status, case.summary) == ("monitoring", "")
    assert not case.volunteers.exists()
    assert case.events.count() == events


def test_every_refusal_of_one_save_is_shown_beside_its_field(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    response = change_post(
        chair_a_client,
        case,
        **a_visit(**{"visits-0-visited_on": be(case.opened_on - dt.timedelta(days=1))}),
        **{
            "assistance-TOTAL_FORMS": 1,
            "assistance-0-kind": "money",
            "assistance-0-programme": "low_income_grant",
            "assistance-0-amount": "30000000",
            "assistance-0-given_on": be(clock.today()),
        },
    )
    assert response.status_code == 200
    assert "visited_on" in inline_form(response, "visits").errors
    assert "amount" in inline_form(response, "assistance").errors
    assert response.context["errors"]  # the admin's "correct the errors below"
    assert not Visit.objects.exists()
    assert not case.assistance.exists()
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]


def test_a_case_opened_in_the_admin_is_opened_once(chair_a_client, centre_a, chair_a):
    from tests.cases.factories import PersonFactory

    person = PersonFactory(centre=centre_a)
    data = {
        "centre": centre_a.pk,
        "person": person.pk,
        "opened_on": be(clock.today()),
        "intake_channel": "walk_in",
        "reporter_type": "self",
        "problems": ["poverty"],
        "urgency": "normal",
    }
    with CaptureQueriesContext(connection) as ctx:
        response = chair_a_client.post(reverse("admin:cases_case_add"), data)
    assert response.status_code == 302
    assert inserts(ctx.captured_queries, "cases_case") == 1
    assert rollbacks(ctx.captured_queries) == 0
    case = Case.objects.get(person=person)
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]
    # Refused by the service (opened in the future): the message beside the date, no case.
    data["opened_on"] = be(clock.today() + dt.timedelta(days=3))
    response = chair_a_client.post(reverse("admin:cases_case_add"), data)
    assert response.status_code == 200
    assert "opened_on" in response.context["adminform"].form.errors
    assert Case.objects.filter(person=person).count() == 1


def test_a_referral_status_saved_in_the_admin_is_written_once(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    referral = referral_create(
        actor=chair_a,
        case=case,
        agency=AgencyFactory(),
        reason="x",
        basis="legal_duty",
        basis_note="พ.ร.บ.",
    )
    url = reverse("admin:cases_referral_change", args=[referral.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = chair_a_client.post(url, {"new_status": "accepted", "new_outcome": "รับไว้"})
    assert response.status_code == 302
    assert inserts(ctx.captured_queries, "cases_caseevent") == 1
    assert rollbacks(ctx.captured_queries) == 0
    # A date before the referral was sent: refused beside the date, nothing recorded.
    events = referral.events.count()
    response = chair_a_client.post(
        url, {"new_status": "done", "status_on": be(clock.today() - dt.timedelta(days=400))}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.events.count() == events


def test_an_admin_save_costs_the_same_queries_with_2_or_12_visits_on_the_case(
    chair_a_client, centre_a, chair_a, django_assert_max_num_queries
):
    volunteer = RegistrationFactory(centre=centre_a).volunteer

    def save_cost(visits: int) -> int:
        case = open_case(chair_a, centre_a, opened_on=clock.today() - dt.timedelta(days=30))
        for n in range(visits):
            visit_record(
                actor=chair_a,
                case=case,
                visited_on=clock.today() - dt.timedelta(days=n),
                findings=f"ครั้งที่ {n}",
                volunteers=[volunteer],
            )
        data = {**change_post_data(chair_a_client, case), **a_visit()}
        data["visits-TOTAL_FORMS"] += 1
        url = reverse("admin:cases_case_change", args=[case.pk])
        with CaptureQueriesContext(connection) as ctx:
            assert chair_a_client.post(url, data).status_code == 302
        return len(ctx.captured_queries)

    few = save_cost(2)
    assert save_cost(12) == few
    assert few <= 60
