"""Loading reference data (geography from geothai, the coordination centres of the sources), and
the accounts of the people who work in them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Required, TypeAlias, TypedDict, TypeVar, cast

import geothai
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from centres.models import (
    Account,
    Centre,
    District,
    Province,
    Region,
    StaffAssignment,
    Subdistrict,
)
from centres.regions import PROVINCE_REGION, REGIONS
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

_M = TypeVar("_M", bound=Model)


def _sync(model: type[_M], rows: list[dict[str, object]], fields: list[str]) -> tuple[int, int]:
    """Create missing rows and update changed ones, keyed by primary key. Returns (new, changed)."""
    # _default_manager is these models' ``objects`` (they have no other manager); unlike
    # ``objects``, the type checker knows it on any model class.
    existing = model._default_manager.in_bulk([r["pk"] for r in rows])
    new, changed = [], []
    for row in rows:
        obj = existing.get(row["pk"])
        values = {f: row[f] for f in fields}
        if obj is None:
            new.append(model(pk=row["pk"], **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            changed.append(obj)
    model._default_manager.bulk_create(new, batch_size=2000)
    if changed:
        model._default_manager.bulk_update(changed, fields, batch_size=2000)
    return len(new), len(changed)


@transaction.atomic
def geography_load() -> dict[str, tuple[int, int]]:
    """Load regions, provinces, districts and subdistricts; running it twice changes nothing."""
    result: dict[str, tuple[int, int]] = {}
    result["regions"] = _sync(
        Region,
        [{"pk": c, "name_th": th, "name_en": en, "sort_order": o} for c, th, en, o in REGIONS],
        ["name_th", "name_en", "sort_order"],
    )
    provinces = geothai.provinces()
    result["provinces"] = _sync(
        Province,
        [
            {
                "pk": p.code,
                "name_th": p.name_th,
                "name_en": p.name_en,
                "region_id": PROVINCE_REGION[p.code],
            }
            for p in provinces
        ],
        ["name_th", "name_en", "region_id"],
    )
    districts = [d for p in provinces for d in geothai.districts(p.code)]
    result["districts"] = _sync(
        District,
        [
            {
                "pk": d.code,
                "name_th": d.name_th,
                "name_en": d.name_en,
                "province_id": d.province_code,
            }
            for d in districts
        ],
        ["name_th", "name_en", "province_id"],
    )
    subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]
    result["subdistricts"] = _sync(
        Subdistrict,
        [
            {
                "pk": s.code,
                "name_th": s.name_th,
                "name_en": s.name_en,
                "district_id": s.district_code,
                "postcode": s.postal_codes[0],
                "postcodes": " ".join(s.postal_codes),
            }
            for s in subdistricts
        ],
        ["name_th", "name_en", "district_id", "postcode", "postcodes"],
    )
    return result


NATIONAL_CENTRE_CODE = "NAT"


class CentreSpec(TypedDict, total=False):
    """A reference centre as its source gives it: a district centre names its district (and
    perhaps its subdistrict), the national centre its level and Thai name."""

    code: Required[str]
    name_en: Required[str]
    name_th: str
    level: Centre.Level
    district: str
    subdistrict: str
    opened_on: dt.date
    opening_venue: str


# The national centre and the 11 Bangkok district centres named in the source articles
# (docs/domain.md). Opening dates and places only where a source gives them; unknown stays empty.
# Each place is where the source says the centre was opened ("เปิดศูนย์ประสานงานฯ ณ ..."), quoted
# as the source writes it, so all of them go in opening_venue; the centre's postal address is
# left to the ministry.
CENTRES: list[CentreSpec] = [
    {
        "code": NATIONAL_CENTRE_CODE,
        "level": Centre.Level.NATIONAL,
        "name_th": "ศูนย์ประสานงานอาสาสมัครแห่งชาติ",
        "name_en": "National Volunteer Coordination Centre",
        "opened_on": dt.date(2017, 5, 25),
        # seeds/000: "ที่โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพมหานคร"
        "opening_venue": "โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพมหานคร",
    },
    {"code": "KTY", "district": "1033", "name_en": "Khlong Toei"},
    {"code": "DMG", "district": "1036", "name_en": "Don Mueang", "opened_on": dt.date(2018, 5, 15)},
    {"code": "KSW", "district": "1046", "name_en": "Khlong Sam Wa"},
    {"code": "BBN", "district": "1050", "name_en": "Bang Bon"},
    {"code": "TLC", "district": "1019", "name_en": "Taling Chan"},
    {
        "code": "WTL",
        "district": "1045",
        "name_en": "Wang Thonglang",
        "opened_on": dt.date(2018, 7, 5),
    },
    {"code": "LPR", "district": "1038", "name_en": "Lat Phrao"},
    {"code": "BKY", "district": "1016", "name_en": "Bangkok Yai"},
    {"code": "NCK", "district": "1003", "name_en": "Nong Chok"},
    {
        "code": "BKN",
        "district": "1005",
        "subdistrict": "100502",
        "name_en": "Bang Khen",
        "opened_on": dt.date(2019, 3, 11),
        # seeds/003, as written there (Thai digits included).
        "opening_venue": (
            "ที่ทำการชุมชน หมู่บ้านพร้อมสุข (ซ. รามอินทรา ๘) แขวงอนุสาวรีย์ เขตบางเขน กรุงเทพมหานคร"
        ),
    },
    {
        "code": "TWT",
        "district": "1048",
        "subdistrict": "104802",
        "name_en": "Thawi Watthana",
        "opened_on": dt.date(2019, 3, 12),
        # seeds/003 writes "ทำการสุขภาพ", not "ที่ทำการ": quoted, not corrected.
        "opening_venue": "ทำการสุขภาพ เลียบคลองทวีวัฒนา แขวงศาลาธรรมสพน์ เขตทวีวัฒนา กรุงเทพมหานคร",
    },
]


def _centre_values(spec: CentreSpec, national: Centre | None) -> dict[str, object]:
    """Every field of a reference centre that its source gives."""
    values: dict[str, object] = {
        "level": spec.get("level", Centre.Level.DISTRICT),
        "opened_on": spec.get("opened_on"),
        "opening_venue": spec.get("opening_venue", ""),
    }
    if "district" not in spec:
        return values | {"name_th": spec["name_th"], "name_en": spec["name_en"]}
    district = District.objects.select_related("province").get(pk=spec["district"])
    bare = district.name_th.removeprefix("เขต")
    values |= {
        "district": district,
        "province": district.province,
        "parent": national,
        "name_th": f"ศูนย์ประสานงาน อพม. เขต{bare}",
        "name_en": f"{spec['name_en']} District Volunteer Coordination Centre",
    }
    if "subdistrict" in spec:
        values["subdistrict"] = Subdistrict.objects.get(pk=spec["subdistrict"])
    return values


@transaction.atomic
def centres_load() -> int:
    """Create the reference centres that are missing, with every field their sources give; on a
    centre that exists, fill only the fields still empty. The ministry edits these centres in
    the admin (a corrected date, a new address, a renamed centre), and bin/run loads the
    reference data on every start: what an administrator changed is never put back.
    Returns how many centres were created."""
    created = 0
    national: Centre | None = None
    for spec in CENTRES:
        values = _centre_values(spec, national)
        centre = Centre.objects.filter(code=spec["code"]).first()
        if centre is None:
            centre = Centre.objects.create(code=spec["code"], **values)
            created += 1
        else:
            missing = [
                field
                for field, value in values.items()
                if getattr(centre, field) in (None, "") and value not in (None, "")
            ]
            for field in missing:
                setattr(centre, field, values[field])
            if missing:
                centre.save(update_fields=missing)
        if centre.level == Centre.Level.NATIONAL:
            national = centre
    return created


# ---------------------------------------------------------------------------------------------
# Accounts: made, reset and deactivated by ministry administrators on the account pages
# ---------------------------------------------------------------------------------------------

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
