"""The dashboards' tables: their columns, their cells in the active language's number format,
and each table a dashboard shows, made from its figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import formats, numberformat
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.dashboards.levels import DISTRICT, Row
from cases.models import CaseStatus, Problem, ReferralStatus, Urgency
from volunteers.models import Programme

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
        number = self._number_format
        return [(c.key, number(c, values[c.key])) for c in self.columns]

    @cached_property
    def _number_format(self):
        """``formats.number_format`` with the active language's separators looked up once
        for the table instead of three times a cell (the same text)."""
        lang = get_language()
        separators = [
            formats.get_format(name, lang, use_l10n=True)
            for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
        ]
        decimal, grouping, thousands = separators

        def number(column: Column, value) -> str:
            places = 2 if column.money else 0
            return numberformat.format(
                value, decimal, places, grouping, thousands, force_grouping=True, use_l10n=True
            )

        return number

    def cells_html(self, values: dict) -> str:
        """The row's figure cells as HTML, built here rather than by a template loop: a
        province's page has some 8,000 of them, which the template engine takes 200 ms to
        render one by one."""
        return format_html_join("", '<td class="num" data-column="{}">{}</td>', self.cells(values))

    @property
    def display_rows(self) -> list[tuple[Row, str]]:
        return [(row, self.cells_html(values)) for row, values in self.rows]

    @property
    def display_total(self) -> str:
        return self.cells_html(self.total)

    def raw_rows(self) -> list[list]:
        """Label and values of every row, then the total row: what the exports write."""
        out = [[row.label, *(values[c.key] for c in self.columns)] for row, values in self.rows]
        out.append([str(_("Total")), *(self.total[c.key] for c in self.columns)])
        return out


class DashboardTables:
    """The tables of a Dashboard, from its rows and figure families (a part of Dashboard)."""

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
