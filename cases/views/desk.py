"""The chair's desk and the list of cases (its filters and search)."""

import datetime as dt

from django.db.models import Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView

from cases.filters import CaseFilter
from cases.models import Case, CaseEvent, DashboardTally, Urgency
from cases.search import CasesPaginator
from cases.views.transfers import desk_transfers
from centres.access import scope_for
from centres.views import ScopedQuerysetMixin, user_can_write


class CaseListView(ScopedQuerysetMixin, FilterView):
    model = Case
    filterset_class = CaseFilter
    paginate_by = 25
    # PostgreSQL's estimate ("about N") for a list it expects to be large (a ministry's million
    # cases, a common name nationwide), exact counts otherwise; a later page found by its keys.
    paginator_class = CasesPaginator
    template_name = "cases/case_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "centre").with_next_follow_up()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_write=user_can_write(self.request.user), **kwargs)


class DeskView(ScopedQuerysetMixin, TemplateView):
    """The chair's home page: open cases by urgency, follow-ups due and overdue, activity."""

    model = Case
    template_name = "cases/desk.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        week_end = today + dt.timedelta(days=6 - today.weekday())
        cases = self.get_queryset()
        open_cases = cases.open()
        # Open cases by urgency from the summary rows the triggers keep (cases.tallies), of
        # the same centres as the user's cases: a few rows a centre, not every open case.
        by_urgency = (
            DashboardTally.objects.visible_to(self.request.user)
            .filter(facet="", fiscal_year=0, figure__in=[f"urgency_{u}" for u in Urgency.values])
            .aggregate(
                **{
                    u.value: Coalesce(Sum("n", filter=Q(figure=f"urgency_{u.value}")), 0)
                    for u in Urgency
                }
            )
        )
        due = (
            open_cases.with_next_follow_up()
            .filter(next_follow_up_on__gte=today, next_follow_up_on__lte=week_end)
            .select_related("person")
            .order_by("next_follow_up_on")[:20]
        )
        overdue = open_cases.overdue(today).select_related("person").order_by("opened_on")[:20]
        recent = desk_recent_events(self.request.user)
        return super().get_context_data(
            urgency_counts=[(u.label, by_urgency[u.value], u.value) for u in Urgency],
            open_total=sum(by_urgency.values()),
            due=due,
            overdue=overdue,
            recent=recent,
            today=today,
            week_end=week_end,
            can_write=user_can_write(self.request.user),
            **desk_transfers(self.request.user),
            **kwargs,
        )


def desk_recent_events(user, limit: int = 15):
    """The latest events of the user's cases, newest first.

    A ministry administrator's are the newest of all (the index on ``at``). For a scope of a
    few centres, walking that index finds one event of theirs in a thousand; instead each of
    their cases gives its latest events from ``case_event_case_at`` alone (a LATERAL subquery)
    and the newest of those are kept: about 10 ms for a centre of 2,000 cases, not 300."""
    events = CaseEvent.objects.visible_to(user)
    if not scope_for(user).sees_all:
        cases = Case.objects.visible_to(user).order_by().values("id")
        sql, params = cases.query.sql_with_params()
        # The inner SQL is Django's own for the scoped cases; every value is a parameter.
        latest = RawSQL(  # noqa: S611
            f"SELECT x.id FROM ({sql}) c CROSS JOIN LATERAL (SELECT e.id, e.at "  # noqa: S608
            "FROM cases_caseevent e WHERE e.case_id = c.id ORDER BY e.at DESC LIMIT %s) x "
            "ORDER BY x.at DESC LIMIT %s",
            (*params, limit, limit),
        )
        events = events.filter(pk__in=latest)
    return events.select_related("case", "actor").order_by("-at")[:limit]
