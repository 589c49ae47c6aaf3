"""Summary tables of the dashboards and the desk (issue 12)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from centres.access import ScopedQuerySet
from centres.models import Centre
from volunteers.models import Volunteer


class DashboardTallyQuerySet(ScopedQuerySet["DashboardTally"]):
    """Tallies of centres in the user's scope: the same centres as their cases."""


class DashboardTally(models.Model):
    """One figure of one centre: a count (and a sum of baht) that PostgreSQL triggers keep
    equal to the live rule in the same transaction as every write (migration 0150).

    ``facet`` is "" for all records, else a problem (case figures: the case and its visits,
    assistance and referrals counted under each problem of the case) or a programme
    (registration figures). ``fiscal_year`` is 0 for figures as they stand today (open cases
    by status and urgency, open cases visited with no follow-up date, active volunteers),
    else the Thai fiscal year of the figure's date. ``active`` counts distinct persons at the
    centre; ``ActiveVolunteer`` corrects the sums over several centres."""

    # No index of its own: the key's index, (facet, fiscal year, figure, centre), serves every
    # read, and the table is written in that order (see cases.tallies) so a page's slice is a
    # few contiguous pages.
    centre = models.ForeignKey(
        Centre, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    facet = models.CharField(max_length=20, blank=True)
    figure = models.CharField(max_length=30)
    fiscal_year = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    objects = DashboardTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "fiscal_year", "figure", "centre"], name="dashboard_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.facet} {self.figure} {self.fiscal_year}: {self.n}"


class ActiveVolunteer(models.Model):
    """The active registrations of one volunteer as "centre:programme" strings, kept by the
    registration trigger (migration 0150). The trigger counts a person once per centre from
    it, and those active at two centres or more (``centre_count``) are the only ones the
    dashboards must not count twice in a row or total spanning both."""

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    placements = ArrayField(models.CharField(max_length=40), default=list)
    centre_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["centre_count"],
                condition=Q(centre_count__gte=2),
                name="active_volunteer_multi",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {', '.join(self.placements)}"
