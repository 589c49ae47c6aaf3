"""The access matrix: every URL of the staff pages and of the admin, with the records of
centre A, as the chair of centre B, as a supervisor of another region and as an anonymous user.
None of them may read or change anything of centre A: each request ends in a 404, a 403 or the
login page, or in a page that shows nothing of A; and no request changes the database.

The outsiders are given every model permission and staff status, the worst a careless ministry
administrator could do, so that it is the scope rule, not a missing permission, that stops them.
A URL pattern added without a case here fails test_every_url_pattern_has_a_case, named or not.
A URL about one record (a pk or an object id) must answer 404, 403 or the login page: a form
page, an empty page or any other redirect would confirm that the record exists.

The POST bodies are ones the services accept from A's own chair (test_the_insider_can_post_
every_body_of_the_matrix shows it), so an outsider's refusal can only come from the scope.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.models import Agency, Household, HouseholdMember, Person
from cases.services import (
    assistance_record,
    case_assign_volunteers,
    case_open,
    case_transfer_request,
    consent_record,
    referral_create,
    visit_record,
)
from centres.roles import SYSTEM
from centres.services import account_deactivate
from tests.factories import (
    CentreFactory,
    CentreRoleFactory,
    RegistrationFactory,
    StaffAssignmentFactory,
    UserFactory,
    national_id,
)
from volunteers.models import Event, Membership, Organisation, VolunteerImport
from volunteers.services import registration_suspend

SECRET = "ลับเฉพาะเอ"  # in the names of centre A's records; no outsider page may show it


def walk(resolver=None, prefix="", namespace=None):
    """Every (name, route) of the project, namespaced like reverse() wants it."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern)


# Public or self-only pages: they show nothing of any centre.
PUBLIC = {
    "healthz",
    "set_language",
    "login",
    "logout",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "centres:district-options",
    "centres:subdistrict-options",
}
# Reference data every logged-in user may read; none of it belongs to a centre.
REFERENCE_MODELS = {"centres.region", "centres.province", "centres.district", "centres.subdistrict"}
# Kept by the ministry for every centre (see the records fixture): read by anyone with a scope.
SHARED_MODELS = {"volunteers.organisation", "cases.agency"}
ADMIN_ACTIONS = ("changelist", "add", "history", "delete", "change")
# Unnamed URL patterns outside the admin, each with the reason it needs no case: none so far.
UNNAMED = {}
# URL keywords that name one record.
RECORD_KWARGS = {"pk", "object_id", "id"}


def today_be() -> str:
    """Today as the staff forms take it (dd/mm/yyyy, BE): a date every service accepts for a
    case opened three days ago, unlike a fixed date that would be refused before the scope."""
    return be(timezone.localdate())


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@dataclass
class Staff:
    """A staff page: how to build its kwargs from A's records, and a POST that tries to write."""

    kwargs: object = None  # callable(records) -> dict
    post: object = None  # callable(records) -> dict
    insider: bool = True  # whether A's chair reads A's records there (not the nation's figures)
    insider_status: int = 200  # what A's chair gets there (a chair has no nation-level view)
    by: str = "chair"  # the insider: A's chair, or "ministry" for the ministry's own pages


STAFF = {
    # The desk: A's open cases by number (test_the_insider_does_see_the_records checks them).
    "home": Staff(insider=False),
    "admin:index": Staff(insider=False),  # outsiders are staff here, with every permission
    "volunteers:volunteer-list": Staff(),
    "volunteers:volunteer-create": Staff(
        post=lambda r: {
            "national_id": national_id(90_001),
            "first_name": "แทรก",
            "birth_date": "15/01/2523",
            "reg-programme": "apm",
            "reg-centre": r["centres.centre"].pk,
            "reg-registered_on": "01/01/2562",
        }
    ),
    "volunteers:volunteer-detail": Staff(kwargs=lambda r: {"pk": r["volunteers.volunteer"].pk}),
    "cases:case-list": Staff(),
    "cases:case-create": Staff(
        post=lambda r: {
            "person_choice": r["cases.person"].pk,
            "case-centre": r["centres.centre"].pk,
            "case-intake_channel": "walk_in",
            "case-reporter_type": "self",
            "case-problems": ["poverty"],
            "case-urgency": "normal",
        }
    ),
    "cases:case-detail": Staff(kwargs=lambda r: {"pk": r["cases.case"].pk}),
    "cases:visit-create": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {"visited_on": today_be(), "findings": "แทรก"},
    ),
    "cases:assistance-create": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {
            "kind": "money",
            "programme": "other",
            "amount": "100",
            "given_on": today_be(),
        },
    ),
    "cases:referral-create": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {
            "agency": r["cases.agency"].pk,
            "referred_on": today_be(),
            "reason": "แทรก",
            "basis": "consent",
            "consent": r["cases.consent"].pk,
        },
    ),
    "cases:case-status": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {"to_status": "assessing"},
    ),
    "cases:case-assign": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {"volunteers": [r["volunteers.volunteer"].pk]},
    ),
    "cases:referral-status": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.referral"].pk},
        post=lambda r: {"to_status": "accepted"},
    ),
    "cases:person-detail": Staff(kwargs=lambda r: {"pk": r["cases.person"].pk}),
    # Transfers: A's case to centre C; C's case to A (A's to answer); A's other case to C.
    "cases:transfer-create": Staff(
        insider=False,  # a form page: it shows the case number, not the records' text
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {"to_centre": r["cases.casetransfer"].from_centre.code, "reason": "แทรก"},
    ),
    "cases:transfer-detail": Staff(kwargs=lambda r: {"pk": r["cases.casetransfer"].pk}),
    "cases:transfer-accept": Staff(
        insider=False,  # a GET leads to the transfer page
        insider_status=302,
        kwargs=lambda r: {"pk": r["cases.casetransfer"].pk},
        post=lambda r: {"accept-note": "แทรก"},
    ),
    "cases:transfer-decline": Staff(
        insider=False,
        insider_status=302,
        kwargs=lambda r: {"pk": r["cases.casetransfer"].pk},
        post=lambda r: {"decline-reason": "แทรก"},
    ),
    "cases:transfer-cancel": Staff(
        insider=False,
        insider_status=302,
        kwargs=lambda r: {"pk": r["transfer sent by A"].pk},
        post=lambda r: {"cancel-note": "แทรก"},
    ),
    "volunteers:registration-suspend": Staff(
        kwargs=lambda r: {"pk": r["volunteers.registration"].pk},
        post=lambda r: {"on": today_be(), "reason": "แทรก"},
    ),
    "volunteers:registration-reinstate": Staff(
        kwargs=lambda r: {"pk": r["suspended registration"].pk},
        post=lambda r: {"on": today_be(), "reason": ""},
    ),
    "volunteers:registration-end": Staff(
        kwargs=lambda r: {"pk": r["volunteers.registration"].pk},
        post=lambda r: {"on": today_be(), "reason": "แทรก"},
    ),
    # Corrections (issue 11): form pages, which show the record's fields, not its text.
    "cases:case-edit": Staff(
        insider=False,
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {
            "opened_on": be(r["cases.case"].opened_on),
            "intake_channel": "walk_in",
            "reporter_type": "self",
            "problems": ["poverty"],
            "urgency": "urgent",
        },
    ),
    "cases:case-unassign": Staff(
        insider=False,
        kwargs=lambda r: {"pk": r["cases.case"].pk},
        post=lambda r: {"volunteers": [r["cases.caseassignment"].volunteer_id], "note": "แทรก"},
    ),
    "cases:consent-withdraw": Staff(
        insider=False,
        kwargs=lambda r: {"pk": r["cases.consent"].pk},
        post=lambda r: {"withdrawn_on": today_be(), "note": "แทรก"},
    ),
    "cases:person-edit": Staff(
        kwargs=lambda r: {"pk": r["cases.person"].pk},
        post=lambda r: {
            "person-first_name": "แทรก",
            "person-no_id_reason": "unknown",
            "person-current_same_as_registered": "on",
        },
    ),
    "cases:household-edit": Staff(
        kwargs=lambda r: {"pk": r["cases.household"].pk},
        post=lambda r: {
            "household-name": "แทรก",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    ),
    "dashboards:index": Staff(),
    "dashboards:nation": Staff(),
    "dashboards:nation-export": Staff(
        kwargs=lambda r: {"table": "volunteers", "fmt": "csv"}, insider=False, insider_status=404
    ),
    "dashboards:unit": Staff(
        kwargs=lambda r: {"level": "district", "code": r["centres.centre"].district_id}
    ),
    "dashboards:unit-export": Staff(
        kwargs=lambda r: {
            "level": "district",
            "code": r["centres.centre"].district_id,
            "table": "volunteers",
            "fmt": "csv",
        }
    ),
    # Accounts: a ministry administrator's pages, about A's chair's account. A's chair is the
    # record here; an outsider (with every model permission) must not reach it.
    "centres:account-list": Staff(by="ministry", insider=False),
    "centres:account-create": Staff(
        by="ministry",
        post=lambda r: {
            "username": "new-chair-a",
            "first_name": "แทรก",
            "role": "staff",
            "centre": r["centres.centre"].code,
            "starts_on": today_be(),
        },
    ),
    "centres:account-detail": Staff(by="ministry", kwargs=lambda r: {"pk": r["auth.user"].pk}),
    "centres:account-credentials": Staff(
        by="ministry", insider=False, kwargs=lambda r: {"pk": r["auth.user"].pk}
    ),
    "centres:account-password-reset": Staff(
        by="ministry",
        insider=False,
        kwargs=lambda r: {"pk": r["auth.user"].pk},
        post=lambda r: {},
    ),
    "centres:account-deactivate": Staff(
        by="ministry",
        insider=False,
        kwargs=lambda r: {"pk": r["auth.user"].pk},
        post=lambda r: {},
    ),
    "centres:account-edit": Staff(
        by="ministry",
        insider=False,  # a form page: it shows the account's name, not A's records
        kwargs=lambda r: {"pk": r["auth.user"].pk},
        post=lambda r: {"first_name": "แทรก", "last_name": "", "email": ""},
    ),
    "centres:account-volunteer": Staff(
        by="ministry",
        insider=False,
        kwargs=lambda r: {"pk": r["auth.user"].pk},
        post=lambda r: {"volunteer": r["volunteers.volunteer"].national_id},
    ),
    "centres:account-reactivate": Staff(
        by="ministry",
        insider=False,
        kwargs=lambda r: {"pk": r["deactivated account"].pk},
        post=lambda r: {},
    ),
    # The user's own password: an outsider's POST (not knowing even their own) changes nothing.
    "centres:password-change": Staff(insider=False),
    "centres:password-change-done": Staff(insider=False),
}


@pytest.fixture
def insiders(chair_a, ministry_admin):
    """Who reads A's records on each page of the matrix (see Staff.by)."""
    return {"chair": chair_a, "ministry": ministry_admin}


@pytest.fixture
def records(centre_a, chair_a):
    """One record of centre A for every model the admin shows, named with SECRET."""
    centre_a.name_th = f"ศูนย์{SECRET}"
    centre_a.save()
    registration = RegistrationFactory(centre=centre_a, volunteer__first_name=SECRET)
    role = CentreRoleFactory(centre=centre_a, volunteer=registration.volunteer)
    found = {
        "centres.centre": centre_a,
        "centres.staffassignment": chair_a.staff_assignments.get(),
        "auth.user": chair_a,
        "auth.group": chair_a.groups.create(name=SECRET),
        "volunteers.volunteer": registration.volunteer,
        "volunteers.registration": registration,
        "volunteers.centrerole": role,
    }
    found.update(case_records(centre_a, chair_a))
    found.update(transfer_records(centre_a, chair_a))
    suspended = RegistrationFactory(
        centre=centre_a, volunteer=registration.volunteer, programme="network"
    )
    registration_suspend(
        actor=chair_a, registration=suspended, on=timezone.localdate(), reason=SECRET
    )
    found["suspended registration"] = suspended
    found["volunteers.registrationstatuschange"] = suspended.status_changes.get()
    # A staff member of A whose account was closed: the account pages reactivate it.
    gone = UserFactory(username="gone-a")
    StaffAssignmentFactory(user=gone, role="staff", centre=centre_a)
    account_deactivate(actor=SYSTEM, user=gone)
    found["deactivated account"] = gone
    found["volunteers.event"] = Event.objects.create(
        kind="training", title=SECRET, organiser=centre_a, starts_on=dt.date(2019, 3, 11)
    )
    # Defined by the code, for everyone; what a group or an account is given, so the
    # ministry's alone to read (outsiders with every permission included).
    found["auth.permission"] = Permission.objects.get(codename="view_volunteer")
    # Shared by every centre: any user with a scope reads it, so it carries no secret.
    found["volunteers.organisation"] = Organisation.objects.create(
        name="เครือข่ายทดสอบ", kind="network"
    )
    # A's volunteer's membership of the shared organisation: A's record, as the volunteer is.
    found["volunteers.membership"] = Membership.objects.create(
        volunteer=registration.volunteer,
        organisation=found["volunteers.organisation"],
        role=SECRET,
    )
    found["volunteers.volunteerimport"] = VolunteerImport.objects.create(
        created_by=chair_a, file_name=f"{SECRET}.csv", content=f"first_name\n{SECRET}\n".encode()
    )
    return found


def case_records(centre, chair):
    """A case of centre A with a visit, assistance, consent and a referral, all named SECRET."""
    today = timezone.localdate()
    person = Person.objects.create(first_name=SECRET, centre=centre, no_id_reason="unknown")
    case = case_open(
        actor=chair,
        centre=centre,
        person=person,
        intake_channel="walk_in",
        reporter_type="self",
        problems=["poverty"],
        summary=SECRET,
        opened_on=today - dt.timedelta(days=3),
    )
    visit = visit_record(actor=chair, case=case, visited_on=today, findings=SECRET)
    consent = consent_record(actor=chair, case=case, given_by="self", purpose=SECRET)
    agency = Agency.objects.create(name_th="หน่วยงานปลายทาง", type="foundation")
    referral = referral_create(actor=chair, case=case, agency=agency, reason=SECRET)
    assistance = assistance_record(
        actor=chair,
        case=case,
        kind="goods",
        given_on=today,
        description=SECRET,
        items=[{"name": SECRET}],
    )
    household = Household.objects.create(name=SECRET, centre=centre)
    # A member with a case: a household's corrections are kept on its persons' timelines.
    HouseholdMember.objects.create(household=household, person=person, relation="head")
    assigned = RegistrationFactory(centre=centre, volunteer__first_name=SECRET).volunteer
    (assignment,) = case_assign_volunteers(actor=chair, case=case, volunteers=[assigned])
    return {
        "cases.person": person,
        "cases.case": case,
        "cases.visit": visit,
        "cases.consent": consent,
        "cases.agency": agency,
        "cases.referral": referral,
        "cases.assistance": assistance,
        "cases.caseevent": case.events.first(),
        "cases.household": household,
        "cases.caseassignment": assignment,
    }


def transfer_records(centre_a, chair_a):
    """Centre C, another Bangkok centre (outside B and the North): a case of C waiting for A to
    take it over, and another case of A waiting for C, both asked for with SECRET."""
    centre_c = CentreFactory(code="TRF", parent=centre_a.parent)
    chair_c = UserFactory(username="chair-c")
    StaffAssignmentFactory(user=chair_c, role="chair", centre=centre_c)
    opened = timezone.localdate() - dt.timedelta(days=3)
    cases = [
        case_open(
            actor=chair,
            centre=centre,
            intake_channel="walk_in",
            reporter_type="self",
            problems=["poverty"],
            opened_on=opened,
            person=Person.objects.create(
                first_name="โอนย้าย", centre=centre, no_id_reason="unknown"
            ),
        )
        for chair, centre in ((chair_c, centre_c), (chair_a, centre_a))
    ]
    return {
        "cases.casetransfer": case_transfer_request(
            actor=chair_c, case=cases[0], to_centre=centre_a, reason=SECRET
        ),
        "transfer sent by A": case_transfer_request(
            actor=chair_a, case=cases[1], to_centre=centre_c, reason=SECRET
        ),
    }


@pytest.fixture
def outsiders(chair_b, supervisor_north):
    every_permission = list(Permission.objects.all())
    for user in (chair_b, supervisor_north):
        user.is_staff = True
        user.save()
        user.user_permissions.set(every_permission)
    return {"chair of centre B": chair_b, "supervisor of the North": supervisor_north}


def writes():
    """Rows inserted, updated and deleted by table so far in this test's transaction, as
    PostgreSQL counts them (sessions and the admin's log aside). A write that a later error
    rolled back still counts: an outsider's request may not even try one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
            " AND relname NOT IN ('django_session', 'django_admin_log')"
        )
        return {name: counts for name, *counts in cursor.fetchall()}


# The admin's own extra pages, by model: (kwargs from A's records, POST that tries to write).
ADMIN_EXTRA = {
    "volunteers.volunteer": {
        "volunteers_volunteer_import": (lambda r: {}, {}),
        "volunteers_volunteer_import_preview": (
            lambda r: {"pk": r["volunteers.volunteerimport"].pk},
            {"confirm": "1"},
        ),
        "volunteers_volunteer_import_rejects": (
            lambda r: {"pk": r["volunteers.volunteerimport"].pk},
            {},
        ),
        "volunteers_volunteer_export": (lambda r: {}, {"file_format": "csv"}),
        "volunteers_volunteer_export_file": (lambda r: {"file_format": "csv"}, {}),
    },
}


def admin_url_cases(records):
    """(name, kwargs, post data) for every admin page of every registered model."""
    for model in admin.site._registry:
        label = model._meta.label_lower
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if label in REFERENCE_MODELS:
            record = model._default_manager.first()
        else:
            assert label in records, f"the matrix has no record of centre A for {label}"
            record = records[label]
        yield (
            f"{info}_changelist",
            {},
            {
                "action": "delete_selected",
                "_selected_action": [record.pk],
                "post": "yes",
            },
        )
        yield f"{info}_add", {}, {}
        for action in ("history", "delete", "change"):
            yield f"{info}_{action}", {"object_id": record.pk}, {"post": "yes"}
        for name, (kwargs, post) in ADMIN_EXTRA.get(label, {}).items():
            yield f"admin:{name}", kwargs(records), post
        if label == "auth.user":
            yield (
                "admin:auth_user_password_change",
                {"id": record.pk},
                {
                    "password1": "x-Very-Long-1234",
                    "password2": "x-Very-Long-1234",
                },
            )


def staff_url_cases(records):
    for name, case in STAFF.items():
        kwargs = case.kwargs(records) if case.kwargs else {}
        yield name, kwargs, case.post(records) if case.post else {"x": "1"}


def test_every_url_pattern_has_a_case(db):
    admin_names = {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_{a}"
        for m in admin.site._registry
        for a in ADMIN_ACTIONS
    }
    admin_names |= {"admin:auth_user_password_change", "admin:autocomplete", "admin:view_on_site"}
    admin_names |= {f"admin:{name}" for extra in ADMIN_EXTRA.values() for name in extra}
    admin_names.add("admin:app_list")
    unnamed_admin = [route for name, route in walk() if name is None and route.startswith("admin/")]
    unnamed_site = [
        route
        for name, route in walk()
        if name is None and not route.startswith("admin/") and route not in UNNAMED
    ]
    assert not unnamed_site, f"unnamed URL patterns without a case in the matrix: {unnamed_site}"
    missing = [
        (name, route)
        for name, route in walk()
        if name is not None and name not in PUBLIC | admin_names | set(STAFF)
    ]
    assert not missing, f"URL patterns without a case in the access matrix: {missing}"
    # The admin's unnamed patterns are its redirect to the change page and its catch-all.
    assert all(r.endswith("<path:object_id>/") or r.endswith("(?P<url>.*)$") for r in unnamed_admin)


def assert_nothing_of_a(client, response, who, url, hops=0, *, record=False, secrets=(SECRET,)):
    """The response, and any redirect it leads to, shows nothing of centre A. A URL about one
    of A's records (``record``) must refuse outright: 404, 403 or the login page."""
    status = response.status_code
    if status == 302 and "/login/" in response["Location"]:
        return
    if record:
        # A page that takes no POST at all answers 405 whatever the record: that says nothing.
        no_post = status == 405 and "POST" not in response.get("Allow", "")
        assert status in (403, 404) or no_post, (
            f"{who} got {status} at {url}, about one of A's records"
        )
        return
    if status in (403, 404, 405):
        return
    if status == 302:
        location = response["Location"]
        assert hops < 3, f"{who}: redirect loop at {url}"
        assert_nothing_of_a(client, client.get(location), who, location, hops + 1, secrets=secrets)
        return
    assert status in (200, 400), (who, url, status)
    content = response.getvalue().decode()  # streamed responses (the CSV export) too
    for secret in secrets:
        assert secret not in content, f"{who} read centre A's {secret!r} at {url}"


def secrets_of(records):
    """What no outsider may read: the SECRET in A's names and the number of A's case."""
    return (SECRET, records["cases.case"].number)


def names_a_record(name, kwargs) -> bool:
    """Whether the URL is about one of A's records (reference data belongs to no centre)."""
    if not RECORD_KWARGS & set(kwargs):
        return False
    reference = {f"admin:{label.replace('.', '_')}_" for label in REFERENCE_MODELS | SHARED_MODELS}
    return not any(name.startswith(prefix) for prefix in reference)


@pytest.mark.parametrize("who", ["chair of centre B", "supervisor of the North", "anonymous"])
def test_outsiders_read_and_change_nothing_of_centre_a(client, records, outsiders, who):
    if who != "anonymous":
        client.force_login(outsiders[who])
    cases = list(admin_url_cases(records)) + list(staff_url_cases(records))
    secrets = secrets_of(records)
    before = writes()
    for name, kwargs, post in cases:
        url = reverse(name, kwargs=kwargs)
        record = names_a_record(name, kwargs)
        for response in (client.get(url), client.post(url, post)):
            assert_nothing_of_a(client, response, who, url, record=record, secrets=secrets)
        assert writes() == before, f"{who} changed data with POST {url}"
    # Autocomplete for every field that chooses a centre-owned record: no result of A.
    for model, model_admin in admin.site._registry.items():
        for field in model_admin.autocomplete_fields:
            url = reverse("admin:autocomplete")
            params = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
                "term": "",
            }
            response = client.get(url, params)
            assert_nothing_of_a(client, response, who, f"{url}?{params}", secrets=secrets)
    # The admin's shortcut to an object's public page: a redirect there would confirm that
    # the record exists, so it too must refuse.
    from django.contrib.contenttypes.models import ContentType

    for label, record in records.items():
        ct = ContentType.objects.get_for_model(record)
        url = reverse("admin:view_on_site", args=[ct.pk, record.pk])
        owned = label not in SHARED_MODELS
        assert_nothing_of_a(client, client.get(url), who, url, record=owned, secrets=secrets)


def test_the_insider_does_see_the_records(client, records, chair_a, insiders):
    """The matrix would pass vacuously if A's own chair could not see A's records either."""
    for name, case in STAFF.items():
        if case.kwargs:
            client.force_login(insiders[case.by])
            response = client.get(reverse(name, kwargs=case.kwargs(records)))
            assert response.status_code == case.insider_status, name
            if case.insider:
                assert SECRET in response.content.decode(), name
    client.force_login(chair_a)
    for name in ("volunteers:volunteer-list", "cases:case-list"):
        assert SECRET in client.get(reverse(name)).content.decode(), name
    desk = client.get(reverse("home")).content.decode()
    assert records["cases.case"].number in desk


@pytest.mark.parametrize("name", [name for name, case in STAFF.items() if case.post])
def test_the_insider_can_post_every_body_of_the_matrix(client, records, insiders, name):
    """The outsiders' POSTs are refused by the scope, not by the body: from A's own chair (or,
    on the account pages, a ministry administrator) the same body is accepted and changes the
    database."""
    case = STAFF[name]
    client.force_login(insiders[case.by])
    url = reverse(name, kwargs=case.kwargs(records) if case.kwargs else {})
    before = writes()
    response = client.post(url, case.post(records))
    assert response.status_code == 302, (name, response.content.decode()[:3000])
    assert "/login/" not in response["Location"]
    assert writes() != before, f"{name}: the body was accepted but nothing was saved"


def test_staff_of_another_centre_given_an_assignment_at_a_sees_a(client, records, chair_b):
    """And the rule is the assignment: give B's chair a role at A and A's records appear."""
    StaffAssignmentFactory(user=chair_b, centre=records["centres.centre"])
    client.force_login(chair_b)
    url = reverse("volunteers:volunteer-detail", args=[records["volunteers.volunteer"].pk])
    assert client.get(url).status_code == 200
