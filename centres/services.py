"""The accounts of the people who work in the centres: made, reset and deactivated by ministry
administrators on the account pages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeAlias, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from centres.models import (
    Account,
    Centre,
    Province,
    Region,
    StaffAssignment,
)
from centres.roles import (
    SYSTEM,
    Role,
    _System,
    require_ministry,
    roles_sync,
    staff_assignment_create,
    staff_assignment_end,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from volunteers.models import Volunteer

# Who calls a service: a logged-in user, or SYSTEM for a management command.
Actor: TypeAlias = User | _System


# No 0/O, 1/l/I: the password is read off a screen and typed on a phone.
_ONE_TIME_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
# Roles the account pages give; a ministry administrator is made in the admin, deliberately.
ACCOUNT_ROLES = (Role.SUPERVISOR, Role.CHAIR, Role.STAFF)


def one_time_password() -> str:
    """A random password of 12 characters (about 69 bits) in three groups of four."""
    raw = get_random_string(12, _ONE_TIME_ALPHABET)
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _invalid(field: str, message: StrOrPromise, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def account_manageable(actor: Actor, user: User) -> bool:
    """Whether ``actor`` may change ``user``'s account: a superuser's account is the
    operator's, and only a superuser changes it."""
    return actor is SYSTEM or not user.is_superuser or getattr(actor, "is_superuser", False)


def _require_manageable(actor: Actor, user: User) -> None:
    if not account_manageable(actor, user):
        raise PermissionDenied(_("Only a superuser may change a superuser's account."))


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str = "",
    email: str = "",
    role: str,
    centre: Centre | None = None,
    province: Province | None = None,
    region: Region | None = None,
    starts_on: dt.date | None = None,
    volunteer: Volunteer | None = None,
) -> tuple[User, str]:
    """Create a login with its staff assignment (and, if given, its link to the person's
    volunteer record), all or nothing. The password is random and must be changed at the
    first log-in. Returns the user and the password, which is shown once and stored nowhere."""
    require_ministry(actor)
    if role not in ACCOUNT_ROLES:
        raise _invalid("role", _("Choose a supervisor, centre chair or centre staff role."), "role")
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise _invalid("username", _("This username is taken."), "username_taken")
    password = one_time_password()
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=(email or "").strip(),
        is_active=True,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    Account.objects.create(
        user=user,
        must_change_password=True,
        created_by=None if isinstance(actor, _System) else actor,
    )
    staff_assignment_create(
        actor=actor,
        user=user,
        role=role,
        centre=centre,
        province=province,
        region=region,
        starts_on=starts_on or timezone.localdate(),
    )
    if volunteer is not None:
        volunteer_link(actor=actor, volunteer=volunteer, user=user)
    return user, password


# The fields of an account an administrator edits on the account pages.
ACCOUNT_NAME_FIELDS = ("first_name", "last_name", "email")


@transaction.atomic
def account_update(
    *, actor: Actor, user: User, first_name: str, last_name: str = "", email: str = ""
) -> User:
    """Correct an account's name and email. Bad input raises ValidationError keyed by field;
    nothing else of the account changes."""
    require_ministry(actor)
    _require_manageable(actor, user)
    user.first_name = (first_name or "").strip()
    user.last_name = (last_name or "").strip()
    user.email = (email or "").strip()
    if not user.first_name:
        raise _invalid("first_name", _("Give the person's first name."), "required")
    others = [f.name for f in User._meta.fields if f.name not in ACCOUNT_NAME_FIELDS]
    user.clean_fields(exclude=others)
    user.save(update_fields=list(ACCOUNT_NAME_FIELDS))
    return user


@transaction.atomic
def volunteer_link(*, actor: Actor, volunteer: Volunteer, user: User) -> None:
    """Link a login to the person's volunteer record (a chair is a volunteer of the centre);
    a volunteer record the login had before is unlinked. A volunteer already linked to another
    account is refused: an administrator removes that link first, never by accident."""
    require_ministry(actor)
    _require_manageable(actor, user)
    volunteer = type(volunteer).objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.user_id and volunteer.user_id != user.pk:
        raise ValidationError(
            {
                "volunteer": ValidationError(
                    _(
                        "This volunteer is already linked to the account %(username)s: remove that "
                        "link first."
                    ),
                    # The volunteer has a user_id, so it has a user.
                    code="volunteer_linked",
                    params={"username": cast(User, volunteer.user).username},
                )
            }
        )
    type(volunteer).objects.filter(user=user).exclude(pk=volunteer.pk).update(user=None)
    volunteer.user = user
    volunteer.save(update_fields=["user"])


@transaction.atomic
def volunteer_unlink(*, actor: Actor, user: User) -> None:
    """Undo the link of a login to its volunteer record (the record itself stays)."""
    require_ministry(actor)
    _require_manageable(actor, user)
    from volunteers.models import Volunteer

    Volunteer.objects.filter(user=user).update(user=None)


@transaction.atomic
def account_password_reset(*, actor: Actor, user: User) -> str:
    """Give ``user`` a new random password, to be changed at their next log-in (their open
    sessions end, since the password changed). Returns the password, shown once."""
    require_ministry(actor)
    _require_manageable(actor, user)
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."), code="inactive")
    password = one_time_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    Account.objects.update_or_create(user=user, defaults={"must_change_password": True})
    return password


@transaction.atomic
def account_password_changed(*, actor: User) -> None:
    """The user chose their own password: they are no longer sent to the change page."""
    Account.objects.filter(user=actor, must_change_password=True).update(must_change_password=False)
    account = getattr(actor, "account", None)
    if account is not None:
        account.must_change_password = False


@transaction.atomic
def account_deactivate(*, actor: Actor, user: User) -> None:
    """Close a login for good: no more log-ins, its current and future assignments ended,
    its role groups and staff status taken away. Nothing it recorded is touched: an account
    is never deleted."""
    require_ministry(actor)
    _require_manageable(actor, user)
    # SYSTEM is the one _System: isinstance says "is SYSTEM" in a way mypy narrows.
    if not isinstance(actor, _System) and user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."), code="self")
    today = timezone.localdate()
    open_assignments = StaffAssignment.objects.filter(user=user).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    for assignment in open_assignments.select_for_update():
        staff_assignment_end(actor=actor, assignment=assignment)
    user.is_active = False
    user.save(update_fields=["is_active"])
    roles_sync(user)


@transaction.atomic
def account_reactivate(*, actor: Actor, user: User) -> str:
    """Open a deactivated login again, with a new random password to be changed at the first
    log-in (as a reset). It gets no role back: its assignments stay ended, and an administrator
    gives it a new one. Returns the password, shown once."""
    require_ministry(actor)
    _require_manageable(actor, user)
    # Locked and re-read: two administrators reactivating at once make one password, not two.
    if User.objects.select_for_update().get(pk=user.pk).is_active:
        raise ValidationError(_("This account is active."), code="active")
    password = one_time_password()
    user.is_active = True
    user.set_password(password)
    user.save(update_fields=["is_active", "password"])
    Account.objects.update_or_create(user=user, defaults={"must_change_password": True})
    roles_sync(user)
    return password
