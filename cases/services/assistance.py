"""Assistance given: money, goods, help in kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NotRequired, TypedDict, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import (
    MAX_ASSISTANCE_AMOUNT,
    MAX_ITEM_QUANTITY,
    Agency,
    Assistance,
    AssistanceItem,
    AssistanceKind,
    AssistanceProgramme,
    Case,
    CaseEvent,
)
from cases.services._checks import _choice, _day, _event, _invalid, _require_open, _require_writer
from centres.models import Centre
from volunteer_centre.actors import recorded_actor


def _amount(value: Decimal | int | str | None) -> Decimal:
    not_a_number = _invalid("amount", _("Enter the amount in baht as a number."), "invalid")
    try:
        amount = Decimal(str(value if value not in (None, "") else 0).replace(",", ""))
    except (InvalidOperation, ValueError):
        raise not_a_number from None
    if not amount.is_finite():
        raise not_a_number
    if amount < 0:
        raise _invalid("amount", _("The amount cannot be negative."), "negative")
    if amount > MAX_ASSISTANCE_AMOUNT:
        message = _(
            "%(amount)s baht is more than any assistance (at most %(max)s baht): "
            "please check the number."
        ) % {"amount": f"{amount:,.2f}", "max": f"{MAX_ASSISTANCE_AMOUNT:,.0f}"}
        raise _invalid("amount", message, "absurd_amount")
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Item:
    """A line of goods given, for ``assistance_record(items=...)``."""

    name: str
    quantity: int = 1
    unit: str = ""


class ItemFields(TypedDict):
    """A line of goods as a form gives it: the fields of an ``Item``."""

    name: str
    quantity: NotRequired[int]
    unit: NotRequired[str]


def _check_items(lines: list[Item]) -> None:
    """Every line named, with a quantity from 1 to MAX_ITEM_QUANTITY and texts that fit."""
    # Both are CharFields, which always have a max_length.
    name_max = cast(int, AssistanceItem._meta.get_field("name").max_length)
    unit_max = cast(int, AssistanceItem._meta.get_field("unit").max_length)
    for line in lines:
        name = line.name.strip()
        if not name:
            raise _invalid("items", _("Every item needs a name."), "item_name")
        if len(name) > name_max:
            raise _invalid(
                "items",
                _("The name of an item has at most %(max)d characters: %(item)s…")
                % {"max": name_max, "item": name[:40]},
                "item_name_too_long",
            )
        if len(line.unit.strip()) > unit_max:
            raise _invalid(
                "items",
                _("The unit of %(item)s has at most %(max)d characters.")
                % {"item": name, "max": unit_max},
                "item_unit_too_long",
            )
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_ITEM_QUANTITY:
            raise _invalid(
                "items",
                _("The quantity of %(item)s must be from 1 to %(max)s.")
                % {"item": name, "max": f"{MAX_ITEM_QUANTITY:,}"},
                "item_quantity",
            )


@transaction.atomic
def assistance_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    given_on: dt.date,
    programme: str = "",
    amount: Decimal | int | str | None = 0,
    description: str = "",
    items: Iterable[Item | ItemFields] = (),
    provider_agency: Agency | None = None,
    provider_centre: Centre | None = None,
) -> Assistance:
    """Record help given. Money needs an amount above zero; goods need items or a description.
    The provider is the agency named, else the given centre, else the case's centre."""
    _require_writer(actor, case.centre)
    _require_open(case)
    kind = _choice(kind, AssistanceKind, "kind")
    # Empty: not given under a programme (goods, help in kind, a grant whose programme nobody
    # knows); it is never counted under one.
    programme = _choice(programme, AssistanceProgramme, "programme") if programme else ""
    amount = _amount(amount)
    given_on = _day(given_on, "given_on", case=case)
    lines = [i if isinstance(i, Item) else Item(**i) for i in items]
    _check_items(lines)
    if provider_agency is not None and not provider_agency.active:
        raise _invalid("provider_agency", _("This agency is marked inactive."), "agency_inactive")
    if kind == AssistanceKind.MONEY and amount == 0:
        raise _invalid("amount", _("Give the amount of money in baht."), "money_without_amount")
    if kind == AssistanceKind.GOODS and not lines and not description.strip():
        raise _invalid("items", _("List the goods given, or describe them."), "goods_without_items")
    assistance = Assistance.objects.create(
        case=case,
        kind=kind,
        programme=programme,
        amount=amount,
        description=description.strip(),
        given_on=given_on,
        provider_agency=provider_agency,
        provider_centre=None if provider_agency else (provider_centre or case.centre),
        recorded_by=recorded_actor(actor),
    )
    AssistanceItem.objects.bulk_create(
        AssistanceItem(
            assistance=assistance, name=i.name.strip(), quantity=i.quantity, unit=i.unit.strip()
        )
        for i in lines
    )
    _event(case, actor, CaseEvent.Kind.ASSISTANCE, detail={"assistance": assistance.pk})
    return assistance
