"""Persons facing social problems, and households with their members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.fields import ChoiceArrayField
from cases.models._common import _trgm
from centres.access import Scope, ScopedQuerySet
from centres.models import THAI_COLLATION, Centre, Subdistrict, ThaiAddress
from volunteer_centre.identity import PersonDisplayMixin, validate_national_id
from volunteers.models import Sex  # Sex: one list for volunteers and persons


class TargetGroup(models.TextChoices):
    CHILDREN = "children", _("children")
    YOUTH = "youth", _("youth")
    WOMEN = "women", _("women")
    OLDER = "older", _("older people")
    DISABLED = "disabled", _("persons with disabilities")
    FAMILY = "family", _("families")
    DISADVANTAGED = "disadvantaged", _("disadvantaged or destitute people")


class NoIdReason(models.TextChoices):
    STATELESS = "stateless", _("stateless")
    NOT_REGISTERED = "not_registered", _("not yet registered")
    UNKNOWN = "unknown", _("unknown (not given or not at hand)")
    OTHER = "other", _("other")


class PersonQuerySet(ScopedQuerySet["Person"]):
    def in_scope(self, scope: Scope, user) -> Self:
        """Persons recorded by a centre in scope, or with a case at a centre in scope."""
        from cases.models.cases import Case  # which imports this module

        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(
            scope.centre_q("centre__")
            | Exists(Case.objects.filter(person=OuterRef("pk")).filter(scope.centre_q("centre__")))
        )

    def national_id_holder(self, national_id: str, *, user, exclude_pk: int | None = None):
        """The person already recorded with ``national_id`` (other than ``exclude_pk``), and
        whether ``user`` may see them: ``(None, False)`` when nobody holds it. Forms name an
        unseen holder's centre as "another centre" and nothing more."""
        existing = self.filter(national_id=national_id).exclude(pk=exclude_pk).first()
        if existing is None or user is None:
            return existing, False
        return existing, self.visible_to(user).filter(pk=existing.pk).exists()

    def possible_duplicates(
        self,
        *,
        national_id: str | None = None,
        first_name: str = "",
        last_name: str = "",
        birth_date: dt.date | None = None,
        district_code: str | None = None,
        exclude_pk: int | None = None,
    ) -> Self:
        """Persons that look like the one described: the same national ID, or the same first
        and last name, birth date and district (of the registered or the current address).

        Used to warn, never to block: two people may share a name and a birthday.
        """
        q = Q(pk__in=[])
        if national_id:
            q |= Q(national_id=national_id)
        if first_name and last_name and birth_date and district_code:
            q |= Q(
                Q(subdistrict__district_id=district_code)
                | Q(current_subdistrict__district_id=district_code),
                first_name__iexact=first_name.strip(),
                last_name__iexact=last_name.strip(),
                birth_date=birth_date,
            )
        qs = self.filter(q)
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        return qs


class Person(PersonDisplayMixin, ThaiAddress):
    """A person facing a social problem. The inherited address is the registered one
    (ที่อยู่ตามทะเบียนบ้าน); the current_* fields hold where the person lives now."""

    title = models.CharField(_("title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, db_collation=THAI_COLLATION)
    last_name = models.CharField(
        _("last name"), max_length=100, blank=True, db_collation=THAI_COLLATION
    )
    national_id = models.CharField(
        _("national ID"),
        max_length=13,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    no_id_reason = models.CharField(
        _("reason for having no national ID"),
        max_length=20,
        choices=NoIdReason.choices,
        blank=True,
    )
    no_id_note = models.CharField(_("details"), max_length=200, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    target_groups = ChoiceArrayField(
        models.CharField(max_length=20, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    current_same_as_registered = models.BooleanField(
        _("lives at the registered address"), default=True
    )
    current_house_number = models.CharField(_("house number"), max_length=30, blank=True)
    current_moo = models.CharField(_("village no. (หมู่ที่)"), max_length=10, blank=True)
    current_village = models.CharField(_("village or building"), max_length=150, blank=True)
    current_soi = models.CharField(_("lane (ตรอก/ซอย)"), max_length=150, blank=True)
    current_road = models.CharField(_("road"), max_length=150, blank=True)
    current_subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    current_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("recorded by centre"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = pgettext_lazy("person helped", "person")
        verbose_name_plural = pgettext_lazy("person helped", "persons")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="person_unique_national_id",
                violation_error_message=_("A person with this national ID is already recorded."),
            ),
            # A national ID, or the reason there is none (and its details when "other").
            models.CheckConstraint(
                condition=Q(national_id__isnull=False, no_id_reason="")
                | (
                    Q(national_id__isnull=True)
                    & ~Q(no_id_reason="")
                    & (~Q(no_id_reason="other") | ~Q(no_id_note=""))
                ),
                name="person_has_id_or_reason",
                violation_error_message=_(
                    "Give the national ID, or the reason the person has none."
                ),
            ),
        ]
        indexes = [
            # The admin's list order (first name, last name, then the newest first).
            models.Index(fields=["first_name", "last_name", "-id"], name="person_name_order"),
            GinIndex(_trgm("first_name"), name="person_first_name_trgm"),
            GinIndex(_trgm("last_name"), name="person_last_name_trgm"),
            models.Index(fields=["birth_date", "last_name"], name="person_birth_last_name"),
            GinIndex(fields=["target_groups"], name="person_target_groups"),
        ]

    @property
    def district_code(self) -> str | None:
        """District of the registered address, else of the current one (for duplicates)."""
        sub = self.subdistrict_id or self.current_subdistrict_id
        return sub[:4] if sub else None

    def current_address_text(self) -> str:
        """Where the person lives now, on one line (select_related both subdistrict chains)."""
        if self.current_same_as_registered:
            return self.address_text()
        current = ThaiAddress(
            house_number=self.current_house_number,
            moo=self.current_moo,
            village=self.current_village,
            soi=self.current_soi,
            road=self.current_road,
            subdistrict=self.current_subdistrict,
            postcode=self.current_postcode,
        )
        return current.address_text()


class HouseholdQuerySet(ScopedQuerySet["Household"]):
    """Households recorded by a centre in scope."""


class Household(models.Model):
    """A household (ครัวเรือน) of one or more persons, with its members' incomes."""

    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        db_collation=THAI_COLLATION,
        help_text=_("For example the family name of the head of household."),
    )
    house_registration_code = models.CharField(
        _("house registration code"),
        max_length=11,
        blank=True,
        help_text=_("The 11-digit code of the house registration (ทะเบียนบ้าน)."),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("recorded by centre"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["name", "id"], name="household_name_order"),
            GinIndex(_trgm("name"), name="household_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name or _("household %(pk)s") % {"pk": self.pk}


class Relation(models.TextChoices):
    HEAD = "head", pgettext_lazy("household relation", "head of household")
    SPOUSE = "spouse", pgettext_lazy("household relation", "spouse")
    CHILD = "child", pgettext_lazy("household relation", "child")
    PARENT = "parent", pgettext_lazy("household relation", "parent")
    GRANDCHILD = "grandchild", pgettext_lazy("household relation", "grandchild")
    GRANDPARENT = "grandparent", pgettext_lazy("household relation", "grandparent")
    SIBLING = "sibling", pgettext_lazy("household relation", "brother or sister")
    RELATIVE = "relative", pgettext_lazy("household relation", "other relative")
    OTHER = "other", pgettext_lazy("household relation", "not related")


class HouseholdMemberQuerySet(ScopedQuerySet["HouseholdMember"]):
    centre_path = "household__centre"


class HouseholdMember(models.Model):
    """A member of a household: a recorded person, or only a name for the others."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="household_memberships",
        verbose_name=pgettext_lazy("person helped", "person"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        db_collation=THAI_COLLATION,
        help_text=_("For a member who is not recorded as a person."),
    )
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (baht)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        ordering = ["household", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="household_member_has_person_or_name",
                violation_error_message=_("Choose a recorded person or type the member's name."),
            ),
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(person__isnull=False),
                name="household_member_once",
                violation_error_message=_("This person is already a member of the household."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__isnull=True) | Q(monthly_income__gte=0),
                name="household_member_income_not_negative",
            ),
        ]
        indexes = [GinIndex(_trgm("name"), name="household_member_name_trgm")]

    def __str__(self) -> str:
        return str(self.person) if self.person_id else self.name
