"""The rules of a volunteer's record that read more than one field, or another row.

Each rule is a small function that takes the row and returns its errors by field, empty when
the row keeps the rule; each error has a code (what the services' callers and tests read) and a
message in the user's language. A model's ``clean()`` runs its rules, so ``full_clean()``, which
the admin and staff forms, the import and the services call, enforces every one of them.

A field's own checks (a date not before the ministry, a valid national ID) are its validators,
in volunteers.validation and volunteer_centre.identity; the database keeps what it can as
constraints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from volunteer_centre.identity import normalise_postcode
from volunteer_centre.thai import to_arabic_digits
from volunteers.models.programmes import Programme
from volunteers.validation import age_on

Errors = dict[str, ValidationError]
Rule = Callable[[object], Errors]

# The code of the error an อพม. registration without the volunteer's birth date gets.
BIRTH_DATE_REQUIRED = "apm_birth_date_required"
# The code of an end date before its start date (a role, a membership, an event, a service).
ENDS_BEFORE_START = "ends_before_start"
# The code of a date before the volunteer's birth date.
BEFORE_BIRTH = "before_birth"
_BEFORE_BIRTH_MESSAGE = _("This date is before the volunteer's birth date.")


def _error(field: str, message, code: str, params: dict | None = None) -> Errors:
    return {field: ValidationError(message, code=code, params=params)}


def errors_of(row, rules: Iterable[Rule]) -> Errors:
    """The errors of every rule that ``row`` breaks, by field; a field keeps the error of the
    first rule that names it."""
    errors: Errors = {}
    for rule in rules:
        for field, error in rule(row).items():
            errors.setdefault(field, error)
    return errors


def check_all(row, rules: Iterable[Rule]) -> None:
    """Raise the errors of every rule that ``row`` breaks, together."""
    if errors := errors_of(row, rules):
        raise ValidationError(errors)


def check_first(row, rules: Iterable[Rule]) -> None:
    """Raise the errors of the first rule that ``row`` breaks: the later ones would repeat it."""
    for rule in rules:
        if errors := rule(row):
            raise ValidationError(errors)


def _related(row, name: str):
    """The row ``name`` refers to, or None while it refers to none."""
    try:
        return getattr(row, name)
    except ObjectDoesNotExist:
        return None


def _in_order(start, end, field: str, message) -> Errors:
    """``message`` on ``field`` when the end date comes before the start date."""
    if start and end and end < start:
        return _error(field, message, ENDS_BEFORE_START)
    return {}


def _birth_date(row):
    return row.volunteer.birth_date if row.volunteer_id else None


def one_identity(volunteer) -> Errors:
    """A Thai national ID, or a passport with the country that issued it: one of them."""
    if volunteer.national_id and (volunteer.passport_number or volunteer.nationality):
        return _error(
            "passport_number",
            _(
                "A volunteer with a Thai national ID has no passport number or nationality "
                "here: give one identity only."
            ),
            "two_identities",
        )
    if not volunteer.national_id and not volunteer.passport_number:
        return _error(
            "national_id",
            _(
                "Give the Thai national ID, or for a foreign volunteer the passport number "
                "and nationality."
            ),
            "identity_required",
        )
    if volunteer.passport_number and not volunteer.nationality:
        return _error(
            "nationality", _("Give the country that issued the passport."), "passport_country"
        )
    return {}


def latin_name_of_foreigner(volunteer) -> Errors:
    """A volunteer identified by passport has their name as the passport writes it."""
    if volunteer.passport_number and not volunteer.national_id and not volunteer.name_latin:
        return _error(
            "name_latin",
            _("A foreign volunteer needs the name in Latin script, as in the passport."),
            "name_latin_required",
        )
    return {}


def typed_postcode(volunteer) -> str:
    """The postcode as typed, in Arabic digits and without spaces around it."""
    return to_arabic_digits(volunteer.postcode or "").strip()


def postcode_of_subdistrict(volunteer) -> Errors:
    """Five digits, and one of the subdistrict's postcodes when there is a subdistrict (read
    ``postcode`` through typed_postcode first)."""
    try:
        postcode = normalise_postcode(volunteer.postcode)
    except ValidationError as refused:
        return {"postcode": refused}
    if postcode and volunteer.subdistrict_id:
        postcodes = volunteer.subdistrict.postcodes.split()
        if postcode not in postcodes:
            message = _("The postcode of %(subdistrict)s is %(postcodes)s, not %(postcode)s.") % {
                "subdistrict": volunteer.subdistrict.name_th,
                "postcodes": ", ".join(postcodes),
                "postcode": postcode,
            }
            return _error("postcode", message, "postcode_of_other_subdistrict")
    return {}


VOLUNTEER_RULES: tuple[Rule, ...] = (one_identity, latin_name_of_foreigner, postcode_of_subdistrict)


def end_matches_status(registration) -> Errors:
    """An ended registration has its end date, after the registration; no other has one."""
    ended = registration.Status.ENDED
    registered_on, ended_on = registration.registered_on, registration.ended_on
    if registered_on and ended_on and ended_on < registered_on:
        return _error(
            "ended_on",
            _("The end date is before the registration date."),
            "ended_before_registration",
        )
    if registration.status == ended and not ended_on:
        return _error("ended_on", _("Give the date the registration ended."), "end_date_required")
    if ended_on and registration.status != ended:
        return _error(
            "status",
            _("The registration has an end date: set its status to ended."),
            "end_date_without_ending",
        )
    return {}


def suspension_matches_status(registration) -> Errors:
    """A suspension's date (after the registration) and reason belong to a suspended
    registration only."""
    registered_on, suspended_on = registration.registered_on, registration.suspended_on
    if registered_on and suspended_on and suspended_on < registered_on:
        return _error(
            "suspended_on",
            _("The suspension date is before the registration date."),
            "suspended_before_registration",
        )
    suspended = registration.status == registration.Status.SUSPENDED
    if not suspended and (suspended_on or registration.suspension_reason):
        return _error(
            "suspended_on",
            _(
                "Only a suspended registration has a suspension date and reason: clear them, "
                "or set its status to suspended."
            ),
            "suspension_without_suspended",
        )
    return {}


def service_in_order(registration) -> Errors:
    """A foreign volunteer's service ends after it starts."""
    return _in_order(
        registration.service_starts_on,
        registration.service_ends_on,
        "service_ends_on",
        _("The service ends before it starts."),
    )


def ministry_named(registration) -> Errors:
    """A volunteer of another ministry: which one."""
    if registration.programme == Programme.MINISTRY and not registration.other_ministry:
        return _error(
            "other_ministry", _("Name the ministry this volunteer serves."), "ministry_required"
        )
    return {}


def foreigner_by_passport(registration) -> Errors:
    """A foreign-volunteer registration is of a volunteer identified by passport."""
    volunteer = _related(registration, "volunteer")
    if volunteer is None or registration.programme != Programme.FOREIGN:
        return {}
    if not volunteer.passport_number:
        return _error(
            "programme",
            _("A foreign-volunteer registration needs a volunteer identified by passport."),
            "foreign_without_passport",
        )
    return {}


def registered_after_birth(registration) -> Errors:
    volunteer = _related(registration, "volunteer")
    birth = volunteer.birth_date if volunteer is not None else None
    day = registration.registered_on
    if isinstance(birth, dt.date) and isinstance(day, dt.date) and day < birth:
        return _error(
            "registered_on",
            _("The registration date is before the birth date."),
            "registered_before_birth",
        )
    return {}


def apm_of_age(registration) -> Errors:
    """An อพม. is at least VOLUNTEER_MIN_AGE years old on registration, which needs the
    volunteer's birth date: without it the rule could not be checked, and would be skipped."""
    volunteer = _related(registration, "volunteer")
    if volunteer is None or registration.programme != Programme.APM:
        return {}
    birth, day = volunteer.birth_date, registration.registered_on
    minimum = settings.VOLUNTEER_MIN_AGE
    if not isinstance(birth, dt.date):
        return _error(
            "programme",
            _(
                "An อพม. is at least %(minimum)d years old on registration: give the "
                "volunteer's birth date."
            ),
            BIRTH_DATE_REQUIRED,
            params={"minimum": minimum},
        )
    if isinstance(day, dt.date) and age_on(birth, day) < minimum:
        message = _(
            "An อพม. is at least %(minimum)d years old on registration; this volunteer was %(age)d."
        ) % {"minimum": minimum, "age": age_on(birth, day)}
        return _error("registered_on", message, "apm_under_age")
    return {}


def dates_after_birth(registration) -> Errors:
    """A foreign volunteer's service and visa come after their birth."""
    volunteer = _related(registration, "volunteer")
    birth = volunteer.birth_date if volunteer is not None else None
    if not isinstance(birth, dt.date):
        return {}
    errors: Errors = {}
    for name in ("service_starts_on", "visa_expires_on"):
        value = getattr(registration, name)
        if isinstance(value, dt.date) and value < birth:
            errors.update(_error(name, _BEFORE_BIRTH_MESSAGE, BEFORE_BIRTH))
    return errors


# In the order of their messages (the import lists them so).
REGISTRATION_RULES: tuple[Rule, ...] = (
    end_matches_status,
    suspension_matches_status,
    service_in_order,
    ministry_named,
    foreigner_by_passport,
    registered_after_birth,
    apm_of_age,
    dates_after_birth,
)


def term_in_order(role) -> Errors:
    return _in_order(
        role.starts_on, role.ends_on, "ends_on", _("The end date is before the start date.")
    )


def term_after_birth(role) -> Errors:
    birth = _birth_date(role)
    if role.starts_on and birth and role.starts_on < birth:
        return _error("starts_on", _BEFORE_BIRTH_MESSAGE, BEFORE_BIRTH)
    return {}


def one_chair_at_a_time(role) -> Errors:
    """The chair terms of a centre never overlap: the database's constraint, checked here
    so that its message stands beside the dates rather than at the top of the form."""
    if role.role != role.Role.CHAIR or not role.centre_id or not role.starts_on:
        return {}
    others = type(role).objects.filter(centre_id=role.centre_id, role=role.Role.CHAIR)
    if role.pk:
        others = others.exclude(pk=role.pk)
    other = others.overlapping(role.starts_on, role.ends_on).order_by("starts_on").first()
    if other is not None:
        return _error("starts_on", chair_overlap_message(other), "chair_terms_overlap")
    return {}


def chair_overlap_message(other) -> str:
    """Why a chair term cannot start: ``other`` chairs the same centre on some of its days."""
    from django.template.defaultfilters import date as date_filter

    if other.ends_on:
        return _(
            "This centre already has a chair from %(start)s to %(end)s: the terms of two chairs "
            "cannot overlap."
        ) % {"start": date_filter(other.starts_on), "end": date_filter(other.ends_on)}
    return _(
        "This centre already has a chair since %(start)s: end that term first (the terms of two "
        "chairs cannot overlap)."
    ) % {"start": date_filter(other.starts_on)}


# The first broken rule only.
CENTRE_ROLE_RULES: tuple[Rule, ...] = (term_in_order, term_after_birth, one_chair_at_a_time)


def membership_in_order(membership) -> Errors:
    return _in_order(
        membership.since, membership.until, "until", _("The end date is before the start date.")
    )


def membership_after_birth(membership) -> Errors:
    birth = _birth_date(membership)
    if membership.since and birth and membership.since < birth:
        return _error("since", _BEFORE_BIRTH_MESSAGE, BEFORE_BIRTH)
    return {}


# The first broken rule only.
MEMBERSHIP_RULES: tuple[Rule, ...] = (membership_in_order, membership_after_birth)


def event_in_order(event) -> Errors:
    return _in_order(
        event.starts_on, event.ends_on, "ends_on", _("The event ends before it starts.")
    )


EVENT_RULES: tuple[Rule, ...] = (event_in_order,)


def hours_attended(attendance) -> Errors:
    """Hours for a volunteer who attended, at most 24 a day of the event."""
    event = _related(attendance, "event")
    hours = attendance.hours
    if event is not None and event.starts_on and hours and hours > 24 * event.days:
        message = _("This event lasted %(days)d day(s): at most %(hours)d hours.") % {
            "days": event.days,
            "hours": 24 * event.days,
        }
        return _error("hours", message, "hours_over_event")
    if hours and not attendance.attended:
        return _error(
            "hours", _("Hours count only for a volunteer who attended."), "hours_not_attended"
        )
    return {}


def place_at_event(attendance) -> Errors:
    """A new attendee of an event with a capacity takes one of its free places."""
    event = _related(attendance, "event")
    full = event is not None and event.pk and event.capacity and attendance._state.adding
    if full and event.attendances.count() >= event.capacity:
        message = _("This event is full (%(capacity)d places).") % {"capacity": event.capacity}
        return _error("event", message, "event_full")
    return {}


ATTENDANCE_RULES: tuple[Rule, ...] = (hours_attended, place_at_event)
