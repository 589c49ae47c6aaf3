"""The one access rule. Every centre-owned queryset is narrowed by ``Scope.filter``.

A user sees the centres under those they are assigned to (and, for province or region
assignments, every centre located there); a ministry administrator or a superuser sees all;
a user with no current assignment sees nothing. Deny by default.

Writing is narrower than reading: a user writes only at the centres of their chair and staff
assignments (and the centres under them); a supervisor assignment adds reading, never writing,
so someone who chairs one centre and supervises a region changes the records of that centre only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, Self, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

_SUBTREE_SQL = """
    WITH RECURSIVE subtree(id) AS (
        SELECT id FROM centres_centre WHERE id = ANY(%s)
        UNION
        SELECT c.id FROM centres_centre c JOIN subtree s ON c.parent_id = s.id
    )
    SELECT id FROM subtree
"""

# A user's current assignments and the centres under their assigned centres, in one query:
# rows "a" are assignments (role, centre, province, region), rows "t" the subtree's centres with
# whether a writing role reaches them. Resolving the subtree once per request into a list of
# ids, instead of a recursive CTE inside every query, lets PostgreSQL plan each query on the
# ids themselves: a chair's case list went from 360 ms to 8 ms at national size, where the CTE
# led it to expect 100,000 centres and choose scans and sorts.
_ASSIGNMENTS_SQL = """
    WITH RECURSIVE a AS (
        SELECT role, centre_id, province_id, region_id FROM centres_staffassignment
        WHERE user_id = %(user)s
          AND (starts_on IS NULL OR starts_on <= %(today)s)
          AND (ends_on IS NULL OR ends_on >= %(today)s)
    ), tree(id, writes) AS (
        SELECT centre_id, role = ANY(%(write_roles)s) FROM a WHERE centre_id IS NOT NULL
        UNION
        SELECT c.id, t.writes FROM centres_centre c JOIN tree t ON c.parent_id = t.id
    )
    SELECT 'a', role, centre_id, province_id, region_id, NULL::boolean FROM a
    UNION ALL
    SELECT 't', NULL, id, NULL, NULL, writes FROM tree
"""

# The StaffAssignment.Role values that write (centres.models imports this module, so the
# values are spelled out here; tests/centres/test_access.py checks them against the model).
WRITE_ROLES = frozenset({"ministry_admin", "chair", "staff"})

# Where scope_for keeps a user's scope (centres.roles forgets it when their roles change).
_SCOPE_CACHE = "_vc_scope"

_M = TypeVar("_M", bound=Model)
_QS = TypeVar("_QS", bound=QuerySet[Model])


@dataclass(frozen=True)
class Scope:
    sees_all: bool
    centre_ids: tuple[int, ...] = ()
    province_codes: tuple[str, ...] = ()
    region_codes: tuple[str, ...] = ()
    can_write: bool = False
    write_centre_ids: tuple[int, ...] = ()
    # The centres under centre_ids (and under write_centre_ids), themselves included, when
    # scope_for resolved them; None has centre_q find them in the query itself.
    subtree_ids: tuple[int, ...] | None = None
    write_subtree_ids: tuple[int, ...] | None = None

    @property
    def writable(self) -> Scope:
        """The part of this scope the user may change: all for a ministry administrator, else
        the subtrees of their chair and staff centres."""
        if self.sees_all and self.can_write:
            return self
        return Scope(
            sees_all=False,
            centre_ids=self.write_centre_ids,
            can_write=self.can_write,
            write_centre_ids=self.write_centre_ids,
            subtree_ids=self.write_subtree_ids,
            write_subtree_ids=self.write_subtree_ids,
        )

    @property
    def writes_all_it_reads(self) -> bool:
        """True unless some of what the user reads is read-only for them (a supervisor's area
        beside a chair's centre)."""
        return self.writable == self

    @property
    def is_empty(self) -> bool:
        return not (self.sees_all or self.centre_ids or self.province_codes or self.region_codes)

    def centre_q(self, prefix: str = "") -> Q:
        """A Q on the centre reached through ``prefix`` ("" for Centre itself, "centre__")."""
        if self.sees_all:
            return Q()
        if self.is_empty:
            return Q(pk__in=[])
        pk = f"{prefix}pk" if prefix else "pk"
        subtree: list[int] | RawSQL
        if self.subtree_ids is not None:
            subtree = list(self.subtree_ids)
        else:
            # The SQL is a constant; the ids go in as a bound parameter.
            subtree = RawSQL(_SUBTREE_SQL, (list(self.centre_ids),))  # noqa: S611
        q = Q(**{f"{pk}__in": subtree})
        if self.province_codes:
            q |= Q(**{f"{prefix}province_id__in": self.province_codes})
        if self.region_codes:
            q |= Q(**{f"{prefix}province__region_id__in": self.region_codes})
        return q

    def filter(self, queryset: _QS, centre_path: str) -> _QS:
        """Narrow ``queryset`` to rows whose centre (reached by ``centre_path``) is in scope.

        ``centre_path`` is the lookup from the model to its owning Centre, such as
        ``"centre"`` for a Case or ``"case__centre"`` for a Visit; "" for Centre itself.
        The path must be single-valued (foreign keys only); for a many-valued one such as a
        volunteer's registrations, filter on ``Exists`` of the related rows with ``centre_q``.
        """
        if self.sees_all:
            return queryset
        if self.is_empty:
            return queryset.none()
        return queryset.filter(self.centre_q(f"{centre_path}__" if centre_path else ""))


def scope_for(user: User | AnonymousUser) -> Scope:
    """The scope of ``user``, computed once per user object (one query)."""
    cached: Scope | None = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = Scope(sees_all=False)
    elif user.is_superuser:
        scope = Scope(sees_all=True, can_write=True)
    else:
        with connection.cursor() as cursor:
            params: dict[str, int | dt.date | list[str]] = {
                "user": user.pk,
                "today": timezone.localdate(),
                "write_roles": sorted(WRITE_ROLES),
            }
            cursor.execute(_ASSIGNMENTS_SQL, params)
            fetched = cursor.fetchall()
        rows = [r[1:5] for r in fetched if r[0] == "a"]
        tree = [(r[2], r[5]) for r in fetched if r[0] == "t"]
        roles = {r[0] for r in rows}
        writes = [r for r in rows if r[0] in WRITE_ROLES]
        scope = Scope(
            sees_all="ministry_admin" in roles,
            centre_ids=tuple(sorted({r[1] for r in rows if r[1]})),
            province_codes=tuple(sorted({r[2] for r in rows if r[2]})),
            region_codes=tuple(sorted({r[3] for r in rows if r[3]})),
            can_write=bool(writes),
            write_centre_ids=tuple(sorted({r[1] for r in writes if r[1]})),
            subtree_ids=tuple(sorted({centre for centre, _w in tree})),
            write_subtree_ids=tuple(sorted({centre for centre, w in tree if w})),
        )
    setattr(user, _SCOPE_CACHE, scope)
    return scope


class ScopedQuerySet(QuerySet[_M]):
    """The base of every centre-owned model's QuerySet: ``visible_to(user)`` and
    ``writable_by(user)`` from one rule.

    A model declares ``centre_path``, the lookup from it to its owning Centre (``"centre"`` for
    a Case, ``"case__centre"`` for a Visit, ``""`` for Centre itself), or ``None`` for shared
    reference data that everyone with a scope reads (partner agencies, organisations). Models
    whose centres are reached through a many-valued relation (a volunteer's registrations)
    override ``in_scope``. Nothing but a user is ever passed in: the writable part of a scope is
    computed here, from the user.
    """

    centre_path: ClassVar[str | None] = "centre"

    def in_scope(self, scope: Scope, user: User | AnonymousUser) -> Self:
        """The rows of ``scope`` (a user's whole scope, or its writable part)."""
        if self.centre_path is None:
            return self.none() if scope.is_empty else self
        return scope.filter(self, self.centre_path)

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """The rows ``user`` may read (see the module's docstring)."""
        return self.in_scope(scope_for(user), user)

    def writable_by(self, user: User | AnonymousUser) -> Self:
        """The rows ``user`` may change, and the rows a form of theirs may point at: all for a
        ministry administrator, else those of their chair and staff centres' subtrees; none for
        a supervisor. Shared reference data is pointed at by every writer."""
        scope = scope_for(user)
        if not scope.can_write:
            return self.none()
        return self.in_scope(scope.writable, user)
