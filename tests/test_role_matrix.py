"""The role matrix: every admin page and every staff page, with the records of centre A, as
each kind of insider, none of them a superuser. Where the access matrix shows that outsiders get
nothing, this one shows that each role gets exactly what the README's role table gives it:

| role | reads | writes |
|---|---|---|
| ministry administrator | everything | everything, accounts and assignments |
| supervisor (of Bangkok, where A is) | A's records, the reference data | nothing |
| chair of A, staff of A | A's records, the reference data | A's volunteers and cases (no delete) |
| chair of B who also supervises Bangkok | A's records (as a supervisor) | B's, never A's |

Each user holds only what the product gives them: a staff assignment, synchronised into its
role's permission group; nobody is handed a permission by hand. Every page answers 200, 403 or
404 as the table says (a page the admin itself never allows, such as deleting a case, answers
403 to everyone: the superuser's answer is the ceiling), never a 500. A URL pattern without an
entry here fails test_every_url_pattern_has_a_role_entry.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from centres.models import Region, StaffAssignment
from centres.roles import roles_sync
from tests.factories import StaffAssignmentFactory, UserFactory

# The access matrix's records of centre A, a fixture; the tests ask for it by name.
from tests.test_access_matrix import (
    PUBLIC,
    REFERENCE_MODELS,
    SHARED_MODELS,
    STAFF,
    admin_url_cases,
    records,  # noqa: F401
    walk,
)

ADMIN = "ministry administrator"
SUPERVISOR = "supervisor of Bangkok"
CHAIR = "chair of A"
STAFF_A = "staff of A"
MIXED = "chair of B who also supervises Bangkok"
ROLES = [ADMIN, SUPERVISOR, CHAIR, STAFF_A, MIXED]
WRITERS_OF_A = {ADMIN, CHAIR, STAFF_A}

# The permissions, which groups and accounts are given, are read with the accounts.
ACCOUNT_MODELS = {"auth.user", "auth.group", "auth.permission", "centres.staffassignment"}
READ_ACTIONS = {"changelist", "change", "history"}

# Staff pages. READ: every insider reads it. CREATE: a form that records something new at one of
# the user's own centres (a mixed user writes at B). ON_A: a form acting on one of A's records.
# ANSWER: an answer to a transfer at A (its GET leads back to the transfer's page). ACCOUNTS: the
# ministry administrators' account pages.
READ, CREATE, ON_A, ANSWER, ACCOUNTS = "read", "create", "on A", "answer", "accounts"
STAFF_KINDS = {
    "home": READ,
    "admin:index": READ,
    "volunteers:volunteer-list": READ,
    "volunteers:volunteer-detail": READ,
    "volunteers:volunteer-create": CREATE,
    "cases:case-list": READ,
    "cases:case-detail": READ,
    "cases:person-detail": READ,
    "cases:case-create": CREATE,
    "cases:visit-create": ON_A,
    "cases:assistance-create": ON_A,
    "cases:referral-create": ON_A,
    "cases:case-status": ON_A,
    "cases:case-assign": ON_A,
    "cases:referral-status": ON_A,
    "cases:case-edit": ON_A,
    "cases:case-unassign": ON_A,
    "cases:consent-withdraw": ON_A,
    "cases:person-edit": ON_A,
    "cases:household-edit": ON_A,
    "cases:transfer-create": ON_A,
    "cases:transfer-detail": READ,
    "cases:transfer-accept": ANSWER,
    "cases:transfer-decline": ANSWER,
    "cases:transfer-cancel": ANSWER,
    "volunteers:registration-suspend": ON_A,
    "volunteers:registration-reinstate": ON_A,
    "volunteers:registration-end": ON_A,
    "centres:account-list": ACCOUNTS,
    "centres:account-create": ACCOUNTS,
    "centres:account-detail": ACCOUNTS,
    "centres:account-credentials": ACCOUNTS,
    "centres:account-password-reset": ACCOUNTS,
    "centres:account-deactivate": ACCOUNTS,
    "centres:account-reactivate": ACCOUNTS,
    "centres:account-edit": ACCOUNTS,
    "centres:account-volunteer": ACCOUNTS,
    "centres:password-change": READ,
    "centres:password-change-done": READ,
    "dashboards:index": READ,
    "dashboards:unit": READ,
    "dashboards:unit-export": READ,
}
# The nation's figures: the ministry administrator only (the others start lower down).
NATION = {"dashboards:nation", "dashboards:nation-export"}
STAFF_EXPECTED = {
    READ: dict.fromkeys(ROLES, 200),
    CREATE: {**dict.fromkeys(ROLES, 200), SUPERVISOR: 403},
    ON_A: {**dict.fromkeys(ROLES, 403), **dict.fromkeys(WRITERS_OF_A, 200)},
    ANSWER: {**dict.fromkeys(ROLES, 403), **dict.fromkeys(WRITERS_OF_A, 302)},
    ACCOUNTS: {**dict.fromkeys(ROLES, 403), ADMIN: 200},
}


def _assign(user, role, **where):
    StaffAssignmentFactory(user=user, role=role, **where)
    roles_sync(user)
    user.refresh_from_db()
    return user


@pytest.fixture
def insiders(request, centre_a, centre_b, chair_a, chair_b):
    request.getfixturevalue("records")
    bangkok = Region.objects.get(code="BKK")
    roles_sync(chair_a)
    chair_a.refresh_from_db()
    mixed = _assign(chair_b, StaffAssignment.Role.SUPERVISOR, centre=None, region=bangkok)
    return {
        ADMIN: _assign(
            UserFactory(username="ministry"), StaffAssignment.Role.MINISTRY_ADMIN, centre=None
        ),
        SUPERVISOR: _assign(
            UserFactory(username="sup-bkk"),
            StaffAssignment.Role.SUPERVISOR,
            centre=None,
            region=bangkok,
        ),
        CHAIR: chair_a,
        STAFF_A: _assign(
            UserFactory(username="staff-a"), StaffAssignment.Role.STAFF, centre=centre_a
        ),
        MIXED: mixed,
    }


def admin_expected(role: str, name: str, label: str, ceiling: int) -> int:
    """What ``role`` gets at the admin page ``name`` of model ``label``, given the superuser's
    answer there (``ceiling``)."""
    action = name.rsplit("_", 1)[-1]
    if name.startswith("admin:volunteers_volunteer_import") and name != (
        "admin:volunteers_volunteer_import"
    ):
        # An import's preview and rejects belong to whoever uploaded it (A's chair); a
        # supervisor, who imports nothing, is refused before the record is looked for.
        if role == SUPERVISOR:
            return 403
        return ceiling if role in {ADMIN, CHAIR} else 404
    if name == "admin:volunteers_volunteer_import":
        allowed = role != SUPERVISOR
    elif name.startswith("admin:volunteers_volunteer_export"):
        allowed = True
    elif name == "admin:auth_user_password_change" or label in ACCOUNT_MODELS:
        allowed = role == ADMIN
    elif label == "volunteers.volunteerimport":
        # The record of an import is its uploader's (A's chair) and the ministry's.
        if action in {"change", "history"} and role not in {ADMIN, CHAIR}:
            return 404
        allowed = action in READ_ACTIONS or role == ADMIN
    elif action in READ_ACTIONS:
        allowed = True
    elif label in REFERENCE_MODELS | SHARED_MODELS or label == "centres.centre":
        allowed = role == ADMIN
    elif action == "add":
        allowed = role != SUPERVISOR
    else:
        # Deleting: the ministry only (chairs and staff add and change, never delete).
        allowed = role == ADMIN
    return ceiling if allowed else 403


def staff_expected(role: str, name: str) -> int:
    if name in NATION:
        return 200 if role == ADMIN else 404
    return STAFF_EXPECTED[STAFF_KINDS[name]][role]


def test_every_url_pattern_has_a_role_entry(db):
    admin_names = {name for name, _route in walk() if name and name.startswith("admin:")}
    staff = {name for name, _route in walk() if name and not name.startswith("admin:")}
    missing = staff - PUBLIC - set(STAFF_KINDS) - NATION
    assert not missing, f"staff URL patterns without an entry in the role matrix: {missing}"
    assert set(STAFF) <= set(STAFF_KINDS) | NATION | {"admin:index"}
    assert admin_names  # the admin's own pages come from admin_url_cases, model by model


def _status(client, url) -> int:
    response = client.get(url)
    return response.status_code


def _admin_cases(found):
    for name, kwargs, _post in admin_url_cases(found):
        label = name.removeprefix("admin:").split("_", 1)[0]
        for model in admin.site._registry:
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if name.startswith(info):
                label = model._meta.label_lower
                break
        yield name, kwargs, label


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_role_table_gives_it_in_the_admin(
    client, request, insiders, superuser, role
):
    cases = list(_admin_cases(request.getfixturevalue("records")))
    client.force_login(superuser)
    ceilings = {(n, str(k)): _status(client, reverse(n, kwargs=k)) for n, k, _label in cases}
    assert set(ceilings.values()) <= {200, 302, 403, 404}, ceilings
    client.force_login(insiders[role])
    wrong = []
    for name, kwargs, label in cases:
        url = reverse(name, kwargs=kwargs)
        expected = admin_expected(role, name, label, ceilings[(name, str(kwargs))])
        got = _status(client, url)
        if got != expected:
            wrong.append(f"{url}: {got}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_role_table_gives_it_on_the_staff_pages(
    client, request, insiders, role
):
    found = request.getfixturevalue("records")
    client.force_login(insiders[role])
    wrong = []
    for name, case in STAFF.items():
        url = reverse(name, kwargs=case.kwargs(found) if case.kwargs else {})
        expected = staff_expected(role, name)
        got = _status(client, url)
        if name == "dashboards:index" and got == 302:
            got = _status(client, client.get(url)["Location"])
        if got != expected:
            wrong.append(f"{url}: {got}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
