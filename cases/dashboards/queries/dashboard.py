"""The figures of a dashboard: a fixed number of aggregate queries per page, whatever the size
(the definitions are in cases.dashboards.queries)."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from cases.dashboards.levels import EXTRA_ROW_LABELS, Reach, Row, Unit, child_rows
from cases.dashboards.queries.filters import Filters
from cases.dashboards.queries.tables import OPEN_STATUSES, DashboardTables
from cases.models import (
    ActiveVolunteer,
    Case,
    DashboardTally,
    Problem,
    ReferralStatus,
    Urgency,
    unvisited_q,
)
from centres.models import Centre
from volunteers.models import CentreRole, Programme, Registration


@contextmanager
def analytic_transaction():
    """One transaction for a page's figures, with PostgreSQL's JIT compiler off.

    The planner prices these aggregates (and the correlated sub-plans of the overdue rule) high
    enough to JIT-compile them, which at national size costs more (about 200 ms a query) than
    it saves; SET LOCAL keeps the change to this transaction.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def _grouped(queryset, key, aggregates: dict) -> dict:
    """{row key: {figure: value}} in one GROUP BY query on the expression ``key``."""
    rows = queryset.values(row=key).annotate(**aggregates).order_by()
    return {r.pop("row"): r for r in rows}


class Dashboard(DashboardTables):
    """The figures of one unit for one user and one set of filters.

    Each figure family is one query, run on first use and shared by the tables that show it.
    """

    def __init__(self, user, unit: Unit, reach: Reach, filters: Filters, today=None):
        self.user, self.unit, self.reach, self.filters = user, unit, reach, filters
        self.today = today or timezone.localdate()
        self.start, self.end = filters.bounds

    @cached_property
    def rows(self) -> list[Row]:
        rows = child_rows(self.unit, self.user, self.reach)
        # Centres outside every child place (the national centre, a provincial centre) get the
        # extra row only where there is such a centre in scope.
        if self.unit.level in EXTRA_ROW_LABELS and None in self.centre_figures:
            rows.append(Row(None, str(EXTRA_ROW_LABELS[self.unit.level])))
        return rows

    def _in_unit(self, queryset, prefix: str):
        return queryset.filter(self.unit.centre_q(prefix))

    def _family(self, queryset, prefix: str, aggregates: dict) -> dict:
        return _grouped(self._in_unit(queryset, prefix), self.unit.row_key(prefix), aggregates)

    @cached_property
    def _centre_rows(self) -> dict:
        """{centre id: row key} of the centres of the unit the user sees (one query)."""
        centres = self._in_unit(Centre.objects.visible_to(self.user), "")
        return dict(centres.values_list("pk", self.unit.row_key("")).order_by())

    @cached_property
    def centre_figures(self) -> dict:
        today = self.today
        current_chair = (
            Q(volunteer_roles__role=CentreRole.Role.CHAIR, volunteer_roles__starts_on__lte=today)
            & (Q(volunteer_roles__ends_on__isnull=True) | Q(volunteer_roles__ends_on__gte=today))
            & Q(status=Centre.Status.ACTIVE)
        )
        return self._family(
            Centre.objects.visible_to(self.user),
            "",
            {
                "centres": Count("pk", distinct=True, filter=Q(status=Centre.Status.ACTIVE)),
                "chairs": Count("volunteer_roles", filter=current_chair),
            },
        )

    @property
    def programmes(self) -> list[str]:
        return [self.filters.programme] if self.filters.programme else list(Programme.values)

    @property
    def problems(self) -> list[str]:
        return [self.filters.problem] if self.filters.problem else list(Problem.values)

    def _tallies(self, q: Q) -> dict:
        """{row key: {(facet, figure): (count, baht)}} of the summary rows matching ``q``
        in the chosen fiscal year or standing today (``fiscal_year`` 0), one query."""
        rows = (
            self._in_unit(DashboardTally.objects.visible_to(self.user), "centre__")
            .filter(q, fiscal_year__in=[0, self.filters.fiscal_year])
            .values("facet", "figure", row=self.unit.row_key("centre__"))
            .annotate(count=Sum("n"), baht=Sum("amount"))
            .order_by()
        )
        out: dict = {}
        for r in rows:
            out.setdefault(r["row"], {})[r["facet"], r["figure"]] = (r["count"], r["baht"])
        return out

    @cached_property
    def _registration_tallies(self) -> dict:
        """Persons active at each centre (by programme and in all), registered and ended in
        the year: with a programme chosen, every figure is of that programme."""
        chosen = self.filters.programme
        if chosen:
            q = Q(facet=chosen)
        else:
            q = Q(facet="") | Q(facet__in=self.programmes, figure="active")
        return self._tallies(q & Q(figure__in=["active", "registered", "ended"]))

    @cached_property
    def _twice_counted(self) -> tuple[dict, dict]:
        """Persons active at several centres of one row counted once per centre by the
        tallies: {row: {column: extra counts}} and the same over the whole unit (the total).

        Only volunteers active at two centres or more (``ActiveVolunteer.centre_count``, a
        small partial index) are read: one query, whatever the size."""
        regs = (
            self._registrations()
            .filter(
                status=Registration.Status.ACTIVE,
                volunteer__in=ActiveVolunteer.objects.filter(centre_count__gte=2).values(
                    "volunteer_id"
                ),
            )
            .values_list(self.unit.row_key("centre__"), "volunteer_id", "centre_id", "programme")
            .order_by()
        )
        by_row: dict = defaultdict(lambda: defaultdict(set))
        in_unit: dict = defaultdict(set)
        for row, volunteer, centre, programme in regs:
            for column in ("active", f"active_{programme}"):
                by_row[row][column, volunteer].add(centre)
                in_unit[column, volunteer].add(centre)

        def extra(places: dict) -> dict:
            out: dict = defaultdict(int)
            for (column, _volunteer), centres in places.items():
                out[column] += len(centres) - 1
            return out

        return {row: extra(places) for row, places in by_row.items()}, extra(in_unit)

    def _registration_values(self, tallies: dict, extra: dict) -> dict:
        facet = self.filters.programme
        values = {
            "active": _count(tallies, facet, "active") - extra.get("active", 0),
            "registered": _count(tallies, facet, "registered"),
            "ended": _count(tallies, facet, "ended"),
        }
        for p in self.programmes:
            values[f"active_{p}"] = _count(tallies, p, "active") - extra.get(f"active_{p}", 0)
        return values

    @cached_property
    def registration_figures(self) -> dict:
        extra, _total = self._twice_counted
        return {
            row: self._registration_values(tallies, extra.get(row, {}))
            for row, tallies in self._registration_tallies.items()
        }

    @cached_property
    def registration_total(self) -> dict:
        """Distinct persons over the whole unit: not the sum of the rows (see module doc)."""
        merged: dict = defaultdict(lambda: (0, 0))
        for tallies in self._registration_tallies.values():
            for key, (count, baht) in tallies.items():
                merged[key] = (merged[key][0] + count, merged[key][1] + baht)
        _rows, extra = self._twice_counted
        return self._registration_values(merged, extra)

    def _registrations(self):
        qs = self._in_unit(Registration.objects.visible_to(self.user), "centre__")
        if self.filters.programme:
            qs = qs.filter(programme=self.filters.programme)
        return qs

    def _cases(self):
        qs = Case.objects.visible_to(self.user)
        if self.filters.problem:
            qs = qs.filter(problems__contains=[self.filters.problem])
        return qs

    @cached_property
    def _case_tallies(self) -> dict:
        """The cases' figures and their visits', assistance's and referrals', under the chosen
        problem (or all), and cases opened by problem: one query on the summary rows."""
        chosen = self.filters.problem
        q = Q(facet=chosen)
        if not chosen:
            q |= Q(facet__in=self.problems, figure="opened")
        return self._tallies(q & ~Q(figure__in=["active", "registered", "ended"]))

    @cached_property
    def case_figures(self) -> dict:
        facet = self.filters.problem
        out = {}
        for row, tallies in self._case_tallies.items():
            values = {f"status_{s}": _count(tallies, facet, f"status_{s}") for s in OPEN_STATUSES}
            values["open"] = sum(values.values())
            for u in Urgency.values:
                values[f"urgency_{u}"] = _count(tallies, facet, f"urgency_{u}")
            values["opened"] = _count(tallies, facet, "opened")
            values["closed"] = _count(tallies, facet, "closed")
            for p in self.problems:
                values[f"problem_{p}"] = _count(tallies, p, "opened")
            out[row] = values
        return out

    @cached_property
    def overdue_figures(self) -> dict:
        """Open cases, less those visited with no follow-up date (both from the tallies), less
        the few not yet due (counted live): exactly ``CaseQuerySet.overdue``, whose rule
        depends on today and so cannot be tallied itself."""
        # Two counts by centre, not one with OR nor joined to the places: each is then read
        # from its partial index alone (the planner, joining, walks each centre's cases).
        cases, rows = self._cases().open(), self._centre_rows  # the same queries at any size
        not_yet: dict = defaultdict(lambda: {"n": 0})
        for qs in (
            cases.filter(follow_up_on__gte=self.today),
            cases.filter(unvisited_q(self.today, passed=False)),
        ):
            # COUNT(*), not COUNT(id): the id is in neither index.
            for centre, n in (
                qs.values("centre_id")
                .annotate(n=Count("*"))
                .values_list("centre_id", "n")
                .order_by()
            ):
                if centre in rows:
                    not_yet[rows[centre]]["n"] += n
        facet = self.filters.problem
        out = {}
        for row, tallies in self._case_tallies.items():
            open_ = sum(_count(tallies, facet, f"status_{s}") for s in OPEN_STATUSES)
            no_due = _count(tallies, facet, "no_due")
            out[row] = {"overdue": open_ - no_due - not_yet.get(row, {}).get("n", 0)}
        return out

    def _activity(self, figures: list[str]) -> dict:
        facet = self.filters.problem
        return {
            row: {figure: _count(tallies, facet, figure) for figure in figures}
            for row, tallies in self._case_tallies.items()
        }

    @cached_property
    def visit_figures(self) -> dict:
        return self._activity(["visits"])

    @cached_property
    def assistance_figures(self) -> dict:
        facet = self.filters.problem
        out = self._activity(["assistance"])
        for row, tallies in self._case_tallies.items():
            out[row]["baht"] = tallies.get((facet, "assistance"), (0, Decimal(0)))[1]
        return out

    @cached_property
    def referral_figures(self) -> dict:
        return self._activity(["referrals", *(f"referral_{s}" for s in ReferralStatus)])


def _count(tallies: dict, facet: str, figure: str) -> int:
    return tallies.get((facet, figure), (0, 0))[0]
