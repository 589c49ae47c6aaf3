"""Assistance given on a case: money, goods (line by line) or other help."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models._common import _day
from cases.models.agencies import Agency
from cases.models.cases import Case, CaseChildQuerySet
from centres.access import ScopedQuerySet
from centres.models import Centre
from volunteer_centre.models import RecordedModel

# An assistance amount above this is a typing slip (an extra zero), not a grant: the largest
# grant pays 3,000 baht per case (docs/domain.md).
MAX_ASSISTANCE_AMOUNT = Decimal("1000000")
# Likewise for the quantity of one line of goods (and the column is a 32-bit integer).
MAX_ITEM_QUANTITY = 100_000


class AssistanceKind(models.TextChoices):
    MONEY = "money", _("money")
    GOODS = "goods", _("goods")
    OTHER = "other", _("other help")


class AssistanceProgramme(models.TextChoices):
    LOW_INCOME_GRANT = "low_income_grant", _("grant for low-income families and destitute people")
    NEWBORN_GRANT = "newborn_grant", _("newborn child support grant")
    FUNERAL_GRANT = "funeral_grant", _("funeral grant for low-income older people")
    OTHER = "other", _("other")


class Assistance(RecordedModel):
    """Help given: money, goods or other, from an agency or the centre, and the programme it was
    paid under when it was (empty otherwise: goods are not a grant)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assistance", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AssistanceKind.choices)
    programme = models.CharField(
        pgettext_lazy("assistance", "programme"),
        max_length=20,
        choices=AssistanceProgramme.choices,
        blank=True,
        default="",
        help_text=_("Only for help given under one of these programmes; otherwise leave it empty."),
    )
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(
        _("amount (baht)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_ASSISTANCE_AMOUNT)],
        help_text=_("Money given, or the value of the goods."),
    )
    given_on = models.DateField(_("given on"))
    provider_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
        verbose_name=_("provided by agency"),
    )
    provider_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_given",
        verbose_name=_("provided by centre"),
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["given_on", "recorded_at"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_ASSISTANCE_AMOUNT),
                name="assistance_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(provider_agency__isnull=False) | Q(provider_centre__isnull=False),
                name="assistance_has_provider",
            ),
        ]
        indexes = [models.Index(fields=["case", "given_on"], name="assistance_case_date")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()} · {_day(self.given_on)}"

    @property
    def provider(self):
        return self.provider_agency or self.provider_centre


class AssistanceItemQuerySet(ScopedQuerySet["AssistanceItem"]):
    centre_path = "assistance__case__centre"


class AssistanceItem(models.Model):
    """One line of goods given: a bicycle, a bag of consumer goods."""

    assistance = models.ForeignKey(
        Assistance, on_delete=models.CASCADE, related_name="items", verbose_name=_("assistance")
    )
    name = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)

    objects = AssistanceItemQuerySet.as_manager()

    class Meta:
        ordering = ["assistance", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="assistance_item_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity} {self.unit}".strip()
