"""Organisations (shared by every centre) and the volunteers' memberships of them."""

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from centres.access import Scope, ScopedQuerySet
from centres.models import THAI_COLLATION
from volunteers import rules
from volunteers.countries import ThaiCountries
from volunteers.models.volunteers import Volunteer, _in_scope
from volunteers.validation import PhoneField, validate_recorded_date


class OrganisationQuerySet(ScopedQuerySet["Organisation"]):
    # Organisations are shared by every centre: anyone with a scope sees them all.
    centre_path = None


class Organisation(models.Model):
    """A volunteer organisation, network, civil-society group or ASEAN partner."""

    class Kind(models.TextChoices):
        VOLUNTEER_ORGANISATION = "volunteer_org", _("volunteer organisation")
        NETWORK = "network", _("network")
        CIVIL_SOCIETY = "civil_society", _("civil-society group")
        ASEAN_PARTNER = "asean_partner", _("ASEAN partner")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), default="TH", countries=ThaiCountries)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"],
                name="organisation_unique_name_in_country",
                violation_error_message=_("An organisation of this name already exists here."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    def in_scope(self, scope: Scope, user) -> Self:
        """Memberships of the volunteers of ``scope``."""
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(_in_scope(scope, "volunteer"))


class Membership(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("volunteer")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    since = models.DateField(_("since"), null=True, blank=True, validators=[validate_recorded_date])
    until = models.DateField(_("until"), null=True, blank=True, validators=[validate_recorded_date])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-since"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(since__isnull=True)
                | Q(until__gte=models.F("since")),
                name="membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "organisation"],
                condition=Q(until__isnull=True),
                name="one_current_membership_per_organisation",
                violation_error_message=_("This volunteer is already a member."),
            ),
        ]
        indexes = [
            # An organisation's members in the list's order (organisation, -since, -pk).
            models.Index(
                fields=["organisation", "-since", "-id"], name="membership_organisation_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.organisation}"

    def clean(self):
        rules.check_first(self, rules.MEMBERSHIP_RULES)
