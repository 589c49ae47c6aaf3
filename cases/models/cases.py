"""Cases, their numbering, the overdue rule and the volunteers assigned to them."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.fields import ChoiceArrayField
from cases.models._common import _trgm
from cases.models.persons import Person
from centres.access import ScopedQuerySet
from centres.models import Centre
from volunteers.models import Volunteer


class Problem(models.TextChoices):
    """The 1300 hotline's ten issues, then poverty and housing."""

    FAMILY_VIOLENCE = "family_violence", _("family violence")
    TEEN_PREGNANCY = "teen_pregnancy", _("teenage pregnancy")
    TRAFFICKING = "trafficking", _("human trafficking")
    DRUGS = "drugs", _("drugs")
    HOMELESS = "homeless", _("homeless and destitute people")
    CHILDREN_YOUTH = "children_youth", _("children and youth")
    MISSING = "missing", _("missing persons")
    OLDER_PEOPLE = "older_people", _("older people")
    DISABILITY = "disability", _("disability")
    BEGGING = "begging", _("beggars")
    POVERTY = "poverty", _("poverty")
    HOUSING = "housing", _("housing")


class IntakeChannel(models.TextChoices):
    HOTLINE = "hotline_1300", _("1300 hotline")
    WALK_IN = "walk_in", _("walk-in")
    FIELD_VISIT = "field_visit", _("volunteer field visit")
    REFERRAL_IN = "referral_in", _("referred by another agency")
    MEDIA = "media", _("media")
    ONLINE = "online", _("online (web, LINE, Facebook, email)")


class ReporterType(models.TextChoices):
    SELF = "self", _("the person")
    RELATIVE = "relative", _("a relative")
    PUBLIC = "public", _("a member of the public")
    AGENCY = "agency", _("an agency")
    VOLUNTEER = "volunteer", _("a volunteer")


class RiskFlag(models.TextChoices):
    SUICIDE = "suicide", _("suicide risk")
    TRAFFICKING = "trafficking", _("trafficking")
    REPEATED_ABUSE = "repeated_abuse", _("repeated abuse")
    CHILD_AT_RISK = "child_at_risk", _("child at risk")
    OTHER = "other", _("other risk")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal (ปกติ)")
    URGENT = "urgent", _("urgent (ด่วน)")
    MOST_URGENT = "most_urgent", _("most urgent (ด่วนที่สุด)")


class CaseStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("case status", "new")
    ASSESSING = "assessing", pgettext_lazy("case status", "assessing")
    ASSISTING = "assisting", pgettext_lazy("case status", "assisting")
    REFERRED = "referred", pgettext_lazy("case status", "referred")
    MONITORING = "monitoring", pgettext_lazy("case status", "monitoring")
    CLOSED = "closed", pgettext_lazy("case status", "closed")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("problem resolved")
    TRANSFERRED = "transferred", _("taken over by another agency")
    MOVED = "moved", _("moved out of the area")
    DECLINED = "declined", _("declined help")
    UNREACHABLE = "unreachable", _("could not be reached")
    DIED = "died", _("died")
    OTHER = "other", _("other")


# Days an open case may go without a visit before it counts as overdue, by urgency. There is no
# official figure (docs/domain.md), so settings.CASE_FIRST_VISIT_DAYS may replace these defaults.
DEFAULT_FIRST_VISIT_DAYS = {"normal": 7, "urgent": 3, "most_urgent": 1}


def first_visit_days() -> dict[str, int]:
    return {**DEFAULT_FIRST_VISIT_DAYS, **getattr(settings, "CASE_FIRST_VISIT_DAYS", {})}


class CaseQuerySet(ScopedQuerySet["Case"]):
    """Cases of centres in the user's scope."""

    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def with_next_follow_up(self):
        """Annotate ``next_follow_up_on`` (the follow-up date set by the latest visit) and
        ``has_visits``, which ``Case.next_follow_up`` and ``Case.is_overdue`` then use.

        Both are read from the case's own columns, which a trigger on the visits keeps equal
        to the latest visit (see ``Case.follow_up_on``), so no page asks the visits."""
        return self.annotate(next_follow_up_on=F("follow_up_on"), has_visits=F("visited"))

    def overdue(self, today: dt.date | None = None):
        """Open cases whose follow-up date has passed, or never visited past the first-visit
        allowance of their urgency."""
        today = today or timezone.localdate()
        return self.open().with_next_follow_up().filter(overdue_q(today))

    def not_yet_due(self, today: dt.date | None = None):
        """Open cases with a follow-up still to come: visited with a follow-up date from
        ``today`` on, or never visited and still inside the first-visit allowance. With the
        open cases that have no follow-up date at all, the complement of ``overdue``: the
        dashboards count these few (served by two small indexes) instead of the overdue."""
        today = today or timezone.localdate()
        return self.open().filter(not_yet_due_q(today))


def unvisited_q(today: dt.date, *, passed: bool) -> Q:
    """Never visited, and the first-visit allowance of the urgency over (or not yet)."""
    q = Q(pk__in=[])
    for urgency, days in first_visit_days().items():
        cutoff = today - dt.timedelta(days=days)
        dates = {"opened_on__lt" if passed else "opened_on__gte": cutoff}
        q |= Q(urgency=urgency, **dates)
    return Q(visited=False) & q


def overdue_q(today: dt.date) -> Q:
    """The overdue rule on an open case's columns: its latest visit's follow-up date has
    passed, or it was never visited and the first-visit allowance of its urgency is over."""
    return Q(follow_up_on__lt=today) | unvisited_q(today, passed=True)


def not_yet_due_q(today: dt.date) -> Q:
    """Open cases that are not overdue yet but will be unless visited (see ``overdue_q``)."""
    return Q(follow_up_on__gte=today) | unvisited_q(today, passed=False)


class Case(models.Model):
    """A case of a person facing a social problem, handled by one centre."""

    number = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="cases", verbose_name=_("centre")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=pgettext_lazy("person helped", "person"),
    )
    intake_channel = models.CharField(
        _("intake channel"), max_length=20, choices=IntakeChannel.choices
    )
    reporter_type = models.CharField(_("reported by"), max_length=12, choices=ReporterType.choices)
    reporter_anonymous = models.BooleanField(_("anonymous reporter"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    problems = ChoiceArrayField(
        models.CharField(max_length=20, choices=Problem.choices),
        verbose_name=_("problems"),
        default=list,
    )
    risk_flags = ChoiceArrayField(
        models.CharField(max_length=20, choices=RiskFlag.choices),
        verbose_name=_("risk flags"),
        default=list,
        blank=True,
    )
    risk_note = models.CharField(_("about the risk"), max_length=300, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    summary = models.TextField(_("what happened"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CaseStatus.choices,
        default=CaseStatus.NEW,
        editable=False,
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    closure_reason = models.CharField(
        _("closure reason"),
        max_length=12,
        choices=ClosureReason.choices,
        blank=True,
        editable=False,
    )
    volunteers = models.ManyToManyField(
        Volunteer,
        through="CaseAssignment",
        related_name="cases",
        blank=True,
        verbose_name=_("assigned volunteers"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # The latest visit's follow-up date and whether there is any visit: what the overdue rule
    # reads. A trigger on cases_visit (migration 0150) sets both on every write of a visit,
    # bulk and raw writes included, so they equal the latest visit at every instant.
    follow_up_on = models.DateField(_("next follow-up on"), null=True, blank=True, editable=False)
    visited = models.BooleanField(_("visited"), default=False, db_default=False, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # No unique (centre, fiscal_year, sequence): a transferred case keeps the number its
        # first centre gave it (BKN-2562-0001 at another centre), so the receiving centre may
        # hold its own 2562-0001 too. The number is unique, and the counter of the centre that
        # gave it never gives it again.
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="case_closed_on_iff_closed",
            ),
            models.CheckConstraint(condition=~Q(problems=[]), name="case_has_a_problem"),
        ]
        indexes = [
            models.Index(fields=["centre", "status"], name="case_centre_status"),
            models.Index(fields=["centre", "fiscal_year"], name="case_centre_fy"),
            models.Index(fields=["status", "opened_on"], name="case_status_opened"),
            GinIndex(_trgm("number"), name="case_number_trgm"),
            GinIndex(fields=["problems"], name="case_problems"),
            # The desk's lists and the dashboards' "not yet due" count (see
            # CaseQuerySet.not_yet_due) read open cases by follow-up or by opening date; the
            # included columns let the dashboards count them from the index alone.
            models.Index(
                fields=["follow_up_on"],
                include=["centre", "problems"],
                condition=~Q(status="closed") & Q(follow_up_on__isnull=False),
                name="case_open_follow_up",
            ),
            models.Index(
                fields=["opened_on"],
                include=["centre", "urgency", "problems"],
                condition=~Q(status="closed") & Q(visited=False),
                name="case_open_unvisited",
            ),
            models.Index(
                fields=["opened_on", "id"],
                condition=~Q(status="closed"),
                name="case_open_opened",
            ),
            # The lists' order (newest first), all cases and a centre's: the first page and
            # page 500 read their own rows from the index, not a sort of every case. With the
            # person: a name search walks the order checking persons, and a centre's persons
            # are gathered, from the index alone.
            models.Index(
                fields=["-opened_on", "-id"], include=["person"], name="case_opened_order"
            ),
            models.Index(
                fields=["centre", "-opened_on", "-id"],
                include=["person"],
                name="case_centre_opened_order",
            ),
            # The fiscal years that have cases, found by skipping from one year to the next.
            models.Index(fields=["fiscal_year", "centre"], name="case_fy_centre"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    def problem_labels(self) -> list[str]:
        """The problems in the user's language, in the order of the list."""
        return [str(Problem(p).label) for p in self.problems if p in Problem.values]

    def risk_labels(self) -> list[str]:
        return [str(RiskFlag(r).label) for r in self.risk_flags if r in RiskFlag.values]

    def next_follow_up(self) -> dt.date | None:
        """The follow-up date set by the latest visit (uses the ``with_next_follow_up``
        annotation or prefetched visits when present)."""
        if hasattr(self, "next_follow_up_on"):
            return self.next_follow_up_on
        visits = sorted(self.visits.all(), key=lambda v: (v.visited_on, v.pk))
        return visits[-1].next_follow_up_on if visits else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Open and past its follow-up date, or never visited past the first-visit allowance
        of its urgency (see ``first_visit_days``)."""
        if not self.is_open:
            return False
        today = today or timezone.localdate()
        follow_up = self.next_follow_up()
        if follow_up is not None:
            return follow_up < today
        if hasattr(self, "has_visits"):
            visited = self.has_visits
        elif "visits" in getattr(self, "_prefetched_objects_cache", {}):
            visited = bool(self.visits.all())
        else:
            visited = self.visits.exists()
        if visited:
            return False
        return self.opened_on < today - dt.timedelta(days=first_visit_days()[self.urgency])

    def timeline(self):
        """Events, visits, assistance and referrals in one ordered list (see services)."""
        from cases.services import case_timeline

        return case_timeline(self)


class CaseCounter(models.Model):
    """The last case number given per centre and fiscal year.

    case_open bumps it with INSERT ... ON CONFLICT DO UPDATE ... RETURNING, which takes the
    row lock, so two simultaneous intakes wait for each other instead of sharing a number.
    """

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "fiscal_year"], name="case_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.fiscal_year}: {self.last_sequence}"


_M = TypeVar("_M", bound=models.Model)


class CaseChildQuerySet(ScopedQuerySet[_M]):
    """Rows that belong to a case are visible when the case is."""

    centre_path = "case__centre"


class CaseAssignment(models.Model):
    """A volunteer assigned to a case. Only volunteers active at the case's centre."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="case_assignments",
        verbose_name=_("volunteer"),
    )
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["case", "assigned_on", "pk"]
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [
            models.UniqueConstraint(fields=["case", "volunteer"], name="case_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.volunteer}"
