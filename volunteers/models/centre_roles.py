"""Centre roles: a volunteer's office in a centre's committee, chairs' terms never overlapping."""

import datetime as dt

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from volunteers import rules
from volunteers.models._common import CentreOwnedQuerySet
from volunteers.models.volunteers import Volunteer
from volunteers.validation import validate_since_ministry


class DateRange(models.Func):
    """PostgreSQL's daterange(start, end, bounds); a NULL end is an open-ended range."""

    function = "daterange"
    output_field = DateRangeField()


class CentreRoleQuerySet(CentreOwnedQuerySet["CentreRole"]):
    def current(self, day: dt.date | None = None):
        """Roles held on ``day`` (today by default): begun, and not ended before it."""
        day = day or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def overlapping(self, starts_on: dt.date, ends_on: dt.date | None):
        """Roles whose term shares a day with ``starts_on``..``ends_on`` (both included)."""
        overlap = Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        if ends_on is not None:
            overlap &= Q(starts_on__lte=ends_on)
        return self.filter(overlap)


class CentreRole(models.Model):
    """A volunteer's office in a centre's committee. The chair terms of a centre never overlap,
    so a centre has at most one chair on any day (and so at most one current chair)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        SECRETARY = "secretary", _("secretary")
        COMMITTEE = "committee", _("committee member")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="centre_roles",
        verbose_name=_("volunteer"),
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="volunteer_roles", verbose_name=_("centre")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    # A successor's term may be recorded before it begins.
    starts_on = models.DateField(_("from"), validators=[validate_since_ministry])
    ends_on = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_since_ministry]
    )

    objects = CentreRoleQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "role", "-starts_on"]
        verbose_name = _("centre role")
        verbose_name_plural = _("centre roles")
        constraints = [
            # A chair ending next year and a new open-ended chair would both be "current" then:
            # compare whole terms, not open ends (needs btree_gist for centre's "=").
            ExclusionConstraint(
                name="chair_terms_do_not_overlap",
                expressions=[
                    ("centre", RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(role="chair"),
                violation_error_message=_(
                    "This centre already has a chair for these dates: the terms of two chairs "
                    "cannot overlap."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="centre_role_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.centre}"

    def clean(self):
        rules.check_first(self, rules.CENTRE_ROLE_RULES)
