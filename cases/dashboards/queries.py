"""The dashboards' figures: a fixed number of aggregate queries per page, whatever the size.

Every figure starts from the model's ``visible_to(user)``, is narrowed to the unit shown
(``Unit.centre_q``) and grouped by the unit's rows (``Unit.row_key``) in the database; nothing
is counted in Python. Definitions (also in the README, section "Dashboards"):

- stock figures are as they stand today: active volunteers (registrations whose status is
  active), centres (status active), current chairs, open cases (status other than closed),
  overdue follow-ups (``CaseQuerySet.overdue``, the rule the chairs' home page uses);
- flow figures are those dated in the chosen fiscal year (1 October to 30 September):
  registrations (registered on), endings (ended on), cases opened and closed, cases opened by
  problem, home visits, assistance (count and baht, given on) and referrals (referred on, by
  their status now);
- "active volunteers, total" counts distinct persons: someone active in two programmes counts
  once per programme and once in the total. A person active at centres in two rows counts in
  each row and once in the total row, so the total row counts persons, not the rows' sum.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.dashboards.levels import (
    DISTRICT,
    EXTRA_ROW_LABELS,
    Reach,
    Row,
    Unit,
    child_rows,
)
from cases.models import Assistance, Case, CaseStatus, Problem, Referral, ReferralStatus, Urgency
from cases.models import Visit as HomeVisit
from centres.models import Centre
from volunteer_centre.thai import fiscal_year, fiscal_year_bounds
from volunteers.models import CentreRole, Programme, Registration

# Short column headings; the programme's full name is its title attribute.
PROGRAMME_SHORT = {
    Programme.APM: _("SDHS (อพม.)"),
    Programme.APS: _("Elderly care (อผส.)"),
    Programme.APMK: _("Disability (อพมก.)"),
    Programme.FOREIGN: _("Foreign"),
    Programme.MINISTRY: _("Other ministries"),
    Programme.NETWORK: _("Network"),
}
OPEN_STATUSES = [s for s in CaseStatus if s != CaseStatus.CLOSED]


@dataclass(frozen=True)
class Filters:
    fiscal_year: int
    programme: str = ""
    problem: str = ""

    @classmethod
    def default(cls, today: dt.date | None = None) -> Filters:
        return cls(fiscal_year(today or timezone.localdate()))

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return fiscal_year_bounds(self.fiscal_year)

    def as_query(self) -> dict[str, str]:
        return {
            k: str(v)
            for k, v in (("fy", self.fiscal_year), ("programme", self.programme),
                         ("problem", self.problem))
            if v
        }  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    money: bool = False
    title: str = ""

    def format(self, value) -> str:
        return formats.number_format(value, 2 if self.money else 0, force_grouping=True)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[tuple[Row, dict]]
    total: dict
    note: str = ""
    export_urls: dict[str, str] = field(default_factory=dict)

    def cells(self, values: dict) -> list[tuple[str, str]]:
        """(column key, the figure in the active language's number format) per column."""
        return [(c.key, c.format(values[c.key])) for c in self.columns]

    @property
    def display_rows(self) -> list[tuple[Row, list[tuple[str, str]]]]:
        return [(row, self.cells(values)) for row, values in self.rows]

    @property
    def display_total(self) -> list[tuple[str, str]]:
        return self.cells(self.total)

    def raw_rows(self) -> list[list]:
        """Label and values of every row, then the total row: what the exports write."""
        out = [[row.label, *(values[c.key] for c in self.columns)] for row, values in self.rows]
        out.append([str(_("Total")), *(self.total[c.key] for c in self.columns)])
        return out


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


class Dashboard:
    """The figures of one unit for one user and one set of filters.

    Each figure family is one query, run on first use and shared by the tables that show it.
    """

    def __init__(self, user, unit: Unit, reach: Reach, filters: Filters, today=None):
        self.user, self.unit, self.reach, self.filters = user, unit, reach, filters
        self.today = today or timezone.localdate()
        self.start, self.end = filters.bounds

    # -- rows ---------------------------------------------------------------------------------

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

    def _fy(self, lookup: str) -> Q:
        return Q(**{f"{lookup}__range": (self.start, self.end)})

    # -- figure families, one query each ------------------------------------------------------

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

    def _registration_aggregates(self) -> dict:
        active = Q(status=Registration.Status.ACTIVE)
        aggregates = {
            f"active_{p}": Count("volunteer_id", distinct=True, filter=active & Q(programme=p))
            for p in self.programmes
        }
        aggregates["active"] = Count("volunteer_id", distinct=True, filter=active)
        aggregates["registered"] = Count("pk", filter=self._fy("registered_on"))
        aggregates["ended"] = Count("pk", filter=self._fy("ended_on"))
        return aggregates

    def _registrations(self):
        qs = self._in_unit(Registration.objects.visible_to(self.user), "centre__")
        if self.filters.programme:
            qs = qs.filter(programme=self.filters.programme)
        return qs

    @cached_property
    def registration_figures(self) -> dict:
        return _grouped(
            self._registrations(), self.unit.row_key("centre__"), self._registration_aggregates()
        )

    @cached_property
    def registration_total(self) -> dict:
        """Distinct persons over the whole unit: not the sum of the rows (see module doc)."""
        return self._registrations().aggregate(**self._registration_aggregates())

    def _cases(self):
        qs = Case.objects.visible_to(self.user)
        if self.filters.problem:
            qs = qs.filter(problems__contains=[self.filters.problem])
        return qs

    @property
    def problems(self) -> list[str]:
        return [self.filters.problem] if self.filters.problem else list(Problem.values)

    @cached_property
    def case_figures(self) -> dict:
        is_open = ~Q(status=CaseStatus.CLOSED)
        opened = self._fy("opened_on")
        aggregates = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in OPEN_STATUSES}
        aggregates["open"] = Count("pk", filter=is_open)
        for u in Urgency.values:
            aggregates[f"urgency_{u}"] = Count("pk", filter=is_open & Q(urgency=u))
        aggregates["opened"] = Count("pk", filter=opened)
        aggregates["closed"] = Count("pk", filter=self._fy("closed_on"))
        for p in self.problems:
            aggregates[f"problem_{p}"] = Count("pk", filter=opened & Q(problems__contains=[p]))
        return self._family(self._cases(), "centre__", aggregates)

    @cached_property
    def overdue_figures(self) -> dict:
        return self._family(self._cases().overdue(self.today), "centre__", {"overdue": Count("pk")})

    def _case_children(self, model, date_field: str, aggregates: dict) -> dict:
        qs = model.objects.visible_to(self.user).filter(self._fy(date_field))
        if self.filters.problem:
            qs = qs.filter(case__problems__contains=[self.filters.problem])
        return self._family(qs, "case__centre__", aggregates)

    @cached_property
    def visit_figures(self) -> dict:
        return self._case_children(HomeVisit, "visited_on", {"visits": Count("pk")})

    @cached_property
    def assistance_figures(self) -> dict:
        return self._case_children(
            Assistance, "given_on", {"assistance": Count("pk"), "baht": Sum("amount")}
        )

    @cached_property
    def referral_figures(self) -> dict:
        aggregates = {f"referral_{s}": Count("pk", filter=Q(status=s)) for s in ReferralStatus}
        aggregates["referrals"] = Count("pk")
        return self._case_children(Referral, "referred_on", aggregates)

    # -- tables -------------------------------------------------------------------------------

    def _table(self, slug, title, columns, families, total=None, note="") -> Table:
        """Rows of ``columns`` merged from ``families``; the total is the rows' sum unless
        given (figures a row may share with another, such as distinct persons)."""
        table_rows = []
        for row in self.rows:
            values = {}
            for family in families:
                values.update(family.get(row.key, {}))
            table_rows.append((row, {c.key: _zero(c, values.get(c.key)) for c in columns}))
        total = total or {}
        sums = {
            c.key: _zero(c, total[c.key])
            if c.key in total
            else sum((values[c.key] for _row, values in table_rows), _zero(c, None))
            for c in columns
        }
        return Table(slug, title, columns, table_rows, sums, note)

    def volunteers_table(self) -> Table:
        columns = [
            Column(f"active_{p}", PROGRAMME_SHORT[p], title=Programme(p).label)
            for p in self.programmes
        ]
        columns += [
            Column("active", _("Active volunteers (persons)")),
            Column("registered", _("Registered in the fiscal year")),
            Column("ended", _("Ended in the fiscal year")),
            Column("centres", _("Centres")),
            Column("chairs", _("Current chairs")),
        ]
        return self._table(
            "volunteers",
            _("Volunteers"),
            columns,
            [self.registration_figures, self.centre_figures],
            total=self.registration_total,
            note=_(
                "Active volunteers are counted as they stand today; a person active in two "
                "programmes counts in each programme and once in the persons column, and the "
                "total row counts each person once."
            ),
        )

    def cases_table(self) -> Table:
        columns = [Column(f"status_{s.value}", s.label) for s in OPEN_STATUSES]
        columns.append(Column("open", _("Open cases")))
        columns += [Column(f"urgency_{u.value}", u.label) for u in Urgency]
        columns += [
            Column("opened", _("Opened in the fiscal year")),
            Column("closed", _("Closed in the fiscal year")),
            Column("overdue", _("Overdue follow-ups")),
        ]
        return self._table(
            "cases",
            _("Cases"),
            columns,
            [self.case_figures, self.overdue_figures],
            note=_(
                "Open cases and overdue follow-ups as they stand today; opened and closed in "
                "the chosen fiscal year."
            ),
        )

    def problems_table(self) -> Table:
        columns = [Column(f"problem_{p}", Problem(p).label) for p in self.problems]
        return self._table(
            "problems",
            _("Cases opened in the fiscal year by problem"),
            columns,
            [self.case_figures],
            note=_("A case with several problems counts under each of them."),
        )

    def activity_table(self) -> Table:
        columns = [
            Column("visits", _("Home visits")),
            Column("assistance", _("Assistance given")),
            Column("baht", _("Assistance (baht)"), money=True),
            Column("referrals", _("Referrals")),
        ]
        columns += [Column(f"referral_{s.value}", s.label) for s in ReferralStatus]
        return self._table(
            "activity",
            _("Visits, assistance and referrals in the fiscal year"),
            columns,
            [self.visit_figures, self.assistance_figures, self.referral_figures],
            note=_("Referrals made in the fiscal year, by their status today."),
        )

    TABLES = ("volunteers", "cases", "problems", "activity")

    def table(self, slug: str) -> Table:
        return getattr(self, f"{slug}_table")()

    def tables(self) -> list[Table]:
        return [self.table(slug) for slug in self.TABLES]

    @property
    def rows_are_centres(self) -> bool:
        return self.unit.level == DISTRICT


def _zero(column: Column, value):
    if value is None:
        return Decimal(0) if column.money else 0
    return value
