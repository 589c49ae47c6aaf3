"""Corrections of a person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseEvent, NoIdReason, Person, TargetGroup
from cases.services._checks import _choice, _choices, _invalid
from cases.services.corrections import (
    NO_CASE_MESSAGE,
    PERSON_FIELDS,
    _check_version,
    _correction_events,
    _same,
    _stored,
    _text,
    person_correction_cases,
    person_version,
)
from volunteer_centre.identity import normalise_national_id, normalise_phone, normalise_postcode

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_CURRENT_ADDRESS_FIELDS = (
    "current_house_number",
    "current_moo",
    "current_village",
    "current_soi",
    "current_road",
    "current_postcode",
)


def _checked_national_id(actor: User, locked: Person, national_id: str) -> str:
    """``national_id`` normalised, refused when malformed or already held by another person
    (one the actor may not see is named only as "at another centre")."""
    try:
        national_id = normalise_national_id(national_id)
    except ValidationError as error:
        raise _invalid("national_id", error.messages[0], error.code or "invalid") from None
    holder, visible = Person.objects.national_id_holder(
        national_id, user=actor, exclude_pk=locked.pk
    )
    if holder is not None:
        message: StrOrPromise
        if visible:
            message = _("A person with this national ID is already recorded: %(name)s.") % {
                "name": holder.display_name
            }
        else:
            # Nothing more about a person the actor may not see.
            message = _("This national ID is already recorded at another centre.")
        raise _invalid("national_id", message, "duplicate_national_id")
    return national_id


def _checked_no_id_reason(values: dict[str, Any]) -> str:
    """The reason a person without a national ID has none, from the list; "other" needs a
    note."""
    reason = values["no_id_reason"]
    if not reason:
        raise _invalid(
            "no_id_reason",
            _("Give the national ID, or the reason the person has none."),
            "no_id_reason_missing",
        )
    chosen = _choice(reason, NoIdReason, "no_id_reason")
    if reason == NoIdReason.OTHER and not values["no_id_note"]:
        raise _invalid("no_id_note", _("Say why the person has no national ID."), "required")
    return chosen


def _person_values(actor: User, locked: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """The person's fields after ``changes``, checked as the intake checks them."""
    from volunteers.models import Sex

    values = {f: changes.get(f, getattr(locked, f)) for f in PERSON_FIELDS}
    for field in PERSON_FIELDS:
        if isinstance(Person._meta.get_field(field), models.CharField) and field not in (
            "national_id",
            "no_id_reason",
            "sex",
            "target_groups",
        ):
            values[field] = _text(values[field], field, Person)
    if not values["first_name"]:
        raise _invalid("first_name", _("Give the person's first name."), "required")
    national_id = values["national_id"]
    if national_id:
        national_id = _checked_national_id(actor, locked, national_id)
        # A reason for having no ID no longer applies once the ID is known.
        values.update(national_id=national_id, no_id_reason="", no_id_note="")
    else:
        values["national_id"] = None
        values["no_id_reason"] = _checked_no_id_reason(values)
    birth_date = values["birth_date"]
    if birth_date and birth_date > timezone.localdate():
        raise _invalid("birth_date", _("This date is in the future."), "future_date")
    if values["sex"]:
        values["sex"] = _choice(values["sex"], Sex, "sex")
    values["target_groups"] = _choices(values["target_groups"], TargetGroup, "target_groups")
    values["has_disability"] = bool(values["has_disability"])
    try:
        values["phone"] = normalise_phone(values["phone"])
    except ValidationError as error:
        raise _invalid("phone", error.messages[0], "phone") from None
    for prefix in ("", "current_"):
        try:
            values[f"{prefix}postcode"] = normalise_postcode(values[f"{prefix}postcode"])
        except ValidationError as refused:
            raise ValidationError({f"{prefix}postcode": refused}) from None
    values["current_same_as_registered"] = bool(values["current_same_as_registered"])
    if values["current_same_as_registered"]:
        # One address: the current one is the registered one, and no second one is kept.
        values.update(dict.fromkeys(_CURRENT_ADDRESS_FIELDS, ""), current_subdistrict=None)
    return values


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    note: str = "",
    expected_version: str | None = None,
    **changes: Any,
) -> Person:
    """Correct ``person`` (``PERSON_FIELDS``: names, national ID or the reason for having none,
    birth date, sex, target groups, disability, both addresses, phone) with the intake's
    checks, and append the replaced and new values of each changed field to the timeline of
    every case of the person at the centres ``actor`` writes at (see the block comment in
    corrections.py).

    Refuses with a ValidationError keyed by field, saving nothing: a malformed or already
    recorded national ID (one held outside the actor's scope is named only as "at another
    centre"), a birth date in the future, a choice not on the list. Refuses with a
    ValidationError (no field) when the person has no case there. Look-alikes are warned of
    by the page, not here: two people may share a name and a birthday. Fields not given keep
    their values; a call that changes nothing records nothing. ``expected_version``: see
    case_update."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update cannot change {', '.join(sorted(unknown))}")
    if not Person.objects.writable_by(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may not change the persons of this centre."))
    # Two corrections at once: the second waits, then compares with what the first saved.
    locked = (
        Person.objects.select_for_update(of=("self",))
        .select_related(
            "subdistrict__district__province", "current_subdistrict__district__province"
        )
        .get(pk=person.pk)
    )
    _check_version(expected_version, person_version(locked))
    cases = person_correction_cases(actor, locked)
    if not cases:
        raise ValidationError(NO_CASE_MESSAGE, code="no_case")
    values = _person_values(actor, locked, changes)
    changed = {
        f: {"from": _stored(getattr(locked, f)), "to": _stored(values[f])}
        for f in PERSON_FIELDS
        if not _same(getattr(locked, f), values[f])
    }
    if not changed:
        return person
    for field in changed:
        setattr(locked, field, values[field])
    try:
        locked.full_clean(exclude=["centre"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    try:
        with transaction.atomic():
            locked.save(update_fields=list(changed))
    except IntegrityError as error:
        # Another intake or correction saved the same ID since the check above.
        if "person_unique_national_id" not in str(error):
            raise
        raise _invalid(
            "national_id",
            _("A person with this national ID was recorded a moment ago."),
            "duplicate_national_id",
        ) from None
    for field in changed:
        setattr(person, field, values[field])
    _correction_events(
        cases, actor, CaseEvent.Kind.PERSON_UPDATED, note, {"person": locked.pk, "changed": changed}
    )
    return person
