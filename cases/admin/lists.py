"""The cases admin's lists at national size: their paging, their rows, and a search of
several words, each found through an index (cases.search: names by Thai substring on the
trigram indexes, national IDs and case numbers by equality)."""

from __future__ import annotations

from django.db.models import Q

from cases.models import Case
from cases.search import (
    CasesPaginator,
    InArray,
    case_children_listed_for,
    case_number_in,
    case_number_q,
    may_be_in_a_number,
)


class CasesListAdminMixin:
    """The cases admin's lists at national size: CasesPaginator, and 50 rows a page (Django's
    100 took as long to render as the rest of the page, and a searched page of a common name
    reads twice the rows to fill).

    ``listed(request)``, when an admin defines it, gives the changelist's rows: the same rows
    as get_queryset (visible_to), in a form a list of many of them wants (cases.search). The
    change pages keep get_queryset, for their one record."""

    paginator = CasesPaginator
    list_per_page = 50

    def changelist_view(self, request, extra_context=None):
        request._vc_listing = True
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        listed = getattr(self, "listed", None)
        if listed is not None and getattr(request, "_vc_listing", False):
            return listed(request)
        return super().get_queryset(request)


class CaseChildListAdminMixin(CasesListAdminMixin):
    """Referrals and consents: a centre's among the country's found through its cases."""

    def listed(self, request):
        return case_children_listed_for(self.model, request.user)

    def own_word_q(self, word: str) -> Q:
        """What a search word matches in the record's own columns (its case number aside)."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        """The search_fields: each word in the case number or the record's own columns
        (``own_word_q``), through the cases' and those columns' indexes instead of a join ORed
        across tables; a whole case number by the number's unique index."""
        if number := case_number_in(search_term):
            return queryset.filter(case_number_q(number, "case__")), False

        def test(word):
            q = self.own_word_q(word)
            # The numbers' test only for a word that can be in one: an empty part left in has
            # PostgreSQL walk the whole list in its order to find nothing.
            if may_be_in_a_number(word):
                cases = Case.objects.filter(number__icontains=word).values("pk")
                q |= Q(InArray("case_id", cases))
            return q

        words = search_term.split()
        return (queryset.filter(_any_word(words, test)) if words else queryset), False


def _any_word(words: list[str], test) -> Q:
    """Every word passes ``test(word)`` (a Q): the admin's rule for a search of several words."""
    q = Q()
    for word in words:
        q &= test(word)
    return q
