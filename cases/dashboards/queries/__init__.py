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

from cases.dashboards.queries.dashboard import Dashboard, analytic_transaction
from cases.dashboards.queries.filters import Filters
from cases.dashboards.queries.tables import OPEN_STATUSES, PROGRAMME_SHORT, Column, Table

__all__ = [
    "OPEN_STATUSES",
    "PROGRAMME_SHORT",
    "Column",
    "Dashboard",
    "Filters",
    "Table",
    "analytic_transaction",
]
