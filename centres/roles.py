"""Roles as data: one permission group per staff assignment role, and the services that keep
each user's groups and staff status in step with their current assignments.

The access rule (centres.access) decides which rows a user reaches; the group of each role
decides which models and actions the admin offers them. Both apply: a chair with the chair
group's "change volunteer" still changes only their own centres' volunteers.

- ``groups_load()`` (run by ``manage.py load_reference_data``) creates the four groups and sets
  each one's permissions to exactly the set defined here, so a reload undoes hand edits.
- ``roles_sync(user)`` gives a user the groups of the roles they currently hold (by the
  assignments' dates) and takes away the others; ``is_staff`` follows (any current assignment,
  or a superuser). Every service that changes an assignment calls it, and so does every
  log-in (centres.auth); ``manage.py sync_roles`` calls it for everyone once a day, since
  assignments start and end as the dates pass.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.access import scope_for
from centres.models import Centre, Province, Region, StaffAssignment

Role = StaffAssignment.Role

# The groups' names are data that code looks up, so they are fixed (never translated); the
# admin shows each one's role in the user's language beside it.
GROUP_NAMES: dict[str, str] = {role.value: f"role:{role.value}" for role in Role}

VIEW = ("view",)
WORK = ("view", "add", "change")
KEEP = ("view", "add", "change", "delete")

# Thailand's geography, loaded from geothai: read-only for everyone (the admin offers no edit).
GEOGRAPHY = ("centres.region", "centres.province", "centres.district", "centres.subdistrict")
# Kept by the ministry for every centre; chairs choose among them.
SHARED = ("volunteers.organisation", "cases.agency")
# The centre tree and the record of imports: read by every role, kept by the ministry.
CENTRE_TREE = ("centres.centre", "volunteers.volunteerimport")
# What a centre owns and its chair and staff keep: the volunteer registry and the cases.
CENTRE_RECORDS = (
    "volunteers.volunteer",
    "volunteers.registration",
    "volunteers.centrerole",
    "volunteers.membership",
    "volunteers.event",
    "volunteers.attendance",
    "cases.person",
    "cases.household",
    "cases.householdmember",
    "cases.case",
    "cases.caseassignment",
    "cases.caseevent",
    "cases.visit",
    "cases.assistance",
    "cases.assistanceitem",
    "cases.referral",
    "cases.consent",
)
# The history of a centre's records written by the services alone (a case's transfers, a
# registration's changes of status): read by every role that reads centre records, written by
# none through the admin.
CENTRE_HISTORY = ("cases.casetransfer", "volunteers.registrationstatuschange")
# Who may log in and what they reach: the ministry's alone.
ACCOUNTS = ("auth.user", "auth.group", "centres.staffassignment")
# Defined by the code; read where a group or an account is given permissions.
PERMISSION_LIST = ("auth.permission",)


def _grant(models: tuple[str, ...], actions: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(models, actions)


_CENTRE_WORK = {
    **_grant(GEOGRAPHY + SHARED + CENTRE_TREE + CENTRE_HISTORY, VIEW),
    **_grant(CENTRE_RECORDS, WORK),
}

# Model label -> actions, per role. The admin narrows further where it offers less to anyone
# (geography and the histories are read-only, cases and their records are never deleted, user
# accounts neither).
PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.MINISTRY_ADMIN: {
        **_grant(GEOGRAPHY + CENTRE_HISTORY + PERMISSION_LIST, VIEW),
        **_grant(SHARED + CENTRE_TREE + CENTRE_RECORDS + ACCOUNTS, KEEP),
    },
    Role.SUPERVISOR: _grant(
        GEOGRAPHY + SHARED + CENTRE_TREE + CENTRE_RECORDS + CENTRE_HISTORY, VIEW
    ),
    Role.CHAIR: _CENTRE_WORK,
    Role.STAFF: _CENTRE_WORK,
}


def role_permissions(role: str) -> list[Permission]:
    """The permissions of ``role``'s group, as defined above. A defined permission missing
    from the database (a model renamed without updating this table) is a configuration error,
    not something to skip silently."""
    wanted = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in PERMISSIONS[role].items()
        for action in actions
    }
    condition = Q(pk__in=[])
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition).select_related("content_type"))
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise ImproperlyConfigured(f"Permissions of the role {role} not found: {sorted(missing)}")
    return found


@transaction.atomic
def groups_load() -> dict[str, int]:
    """Create the group of every role and set its permissions to exactly the defined set
    (permissions added by hand are taken away, missing ones given back). Idempotent.
    Returns how many permissions each group holds."""
    result = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        permissions = role_permissions(role)
        group.permissions.set(permissions)
        result[GROUP_NAMES[role]] = len(permissions)
    return result


def role_groups() -> dict[str, Group]:
    """Role -> its group, creating (with its permissions) any group that is missing, so a
    database that never ran load_reference_data still gives users their roles."""
    groups = {g.name: g for g in Group.objects.filter(name__in=GROUP_NAMES.values())}
    if len(groups) < len(GROUP_NAMES):
        groups_load()
        groups = {g.name: g for g in Group.objects.filter(name__in=GROUP_NAMES.values())}
    return {role: groups[name] for role, name in GROUP_NAMES.items()}


def role_of_group(group: Group) -> str | None:
    """The role whose group this is, or None for a group an administrator made."""
    return next((role for role, name in GROUP_NAMES.items() if name == group.name), None)


def current_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """Assignments current on ``on`` (today): started (or undated) and not yet ended."""
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": on})) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def current_roles(user, on: dt.date | None = None) -> set[str]:
    """The roles ``user`` holds today through their assignments."""
    return set(
        StaffAssignment.objects.filter(current_q(on), user=user).values_list("role", flat=True)
    )


def _forget_cached_rights(user) -> None:
    """Django caches permissions, and centres.access the scope, on the user object."""
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_vc_scope"):
        user.__dict__.pop(attr, None)


@transaction.atomic
def roles_sync(user) -> bool:
    """Give ``user`` the groups of the roles they hold today and remove the other role groups
    (groups an administrator made are left alone); set ``is_staff`` when they hold any role, or
    are a superuser. A deactivated account holds no role. Returns whether anything changed."""
    groups = role_groups()
    held = current_roles(user) if user.is_active else set()
    wanted = {groups[role].pk for role in held}
    role_pks = {group.pk for group in groups.values()}
    has = set(user.groups.filter(pk__in=role_pks).values_list("pk", flat=True))
    if has - wanted:
        user.groups.remove(*(has - wanted))
    if wanted - has:
        user.groups.add(*(wanted - has))
    is_staff = bool(held) or user.is_superuser
    changed = has != wanted or user.is_staff != is_staff
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        get_user_model().objects.filter(pk=user.pk).update(is_staff=is_staff)
    _forget_cached_rights(user)
    return changed


def roles_sync_all() -> tuple[int, int]:
    """``roles_sync`` for every user who holds, held or may hold a role: anyone with an
    assignment, a role group or staff status. Returns (users looked at, users changed)."""
    users = (
        get_user_model()
        .objects.filter(
            Q(staff_assignments__isnull=False)
            | Q(groups__name__in=GROUP_NAMES.values())
            | Q(is_staff=True)
        )
        .distinct()
        .order_by("pk")
    )
    seen = changed = 0
    for user in users.iterator(chunk_size=500):
        seen += 1
        changed += roles_sync(user)
    return seen, changed


# ---------------------------------------------------------------------------------------------
# Services: assignments change through these, so that groups and staff status follow
# ---------------------------------------------------------------------------------------------


class _System:
    """The actor of a management command (the demo loader): no user, every right."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def require_ministry(actor) -> None:
    """Only a ministry administrator (or a superuser, or a management command) changes who
    works where."""
    if actor is SYSTEM:
        return
    scope = scope_for(actor)
    if not (scope.sees_all and scope.can_write):
        raise PermissionDenied(_("Only a ministry administrator manages accounts and roles."))


@transaction.atomic
def staff_assignment_create(
    *,
    actor,
    user,
    role: str,
    centre: Centre | None = None,
    province: Province | None = None,
    region: Region | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> StaffAssignment:
    """Assign ``user`` a role at a centre (or, for a supervisor, a province or a region) and
    sync their groups. Bad input raises ValidationError keyed by field."""
    require_ministry(actor)
    assignment = StaffAssignment(
        user=user,
        role=role,
        centre=centre,
        province=province,
        region=region,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return staff_assignment_save(actor=actor, assignment=assignment)


@transaction.atomic
def staff_assignment_save(*, actor, assignment: StaffAssignment) -> StaffAssignment:
    """Save a new or edited assignment (the admin's form) and sync the groups of its user,
    and of the user it belonged to before if it was moved to someone else."""
    require_ministry(actor)
    if not assignment.user.is_active:
        raise ValidationError(
            {"user": _("This account is deactivated: it cannot be given a role.")}
        )
    assignment.full_clean()
    before = None
    if assignment.pk is not None:
        before = (
            StaffAssignment.objects.filter(pk=assignment.pk).values_list("user_id", flat=True)
        ).first()
    assignment.save()
    roles_sync(assignment.user)
    if before is not None and before != assignment.user_id:
        roles_sync(get_user_model().objects.get(pk=before))
    return assignment


@transaction.atomic
def staff_assignment_end(
    *, actor, assignment: StaffAssignment, last_day: dt.date | None = None
) -> StaffAssignment | None:
    """End an assignment: ``last_day`` (yesterday by default, so that the role stops now) is
    the last day it covers. An assignment that would not have started by then never took
    effect and is removed. Returns the assignment, or None when it was removed."""
    require_ministry(actor)
    last_day = last_day or timezone.localdate() - dt.timedelta(days=1)
    user = assignment.user
    if assignment.starts_on and assignment.starts_on > last_day:
        assignment.delete()
        roles_sync(user)
        return None
    if assignment.ends_on is None or assignment.ends_on > last_day:
        assignment.ends_on = last_day
        assignment.save(update_fields=["ends_on"])
    roles_sync(user)
    return assignment


@transaction.atomic
def staff_assignment_delete(*, actor, assignment: StaffAssignment) -> None:
    """Delete an assignment (a mistake; a role that ends is ended, not deleted) and sync."""
    require_ministry(actor)
    user = assignment.user
    assignment.delete()
    roles_sync(user)
