"""The dashboard levels and who may open which.

The nation has a row per region, a region a row per province, a province a row per district and
a district a row per centre. A centre is counted at the place of its district when it has one
(district, then the district's province and region), else at its own province; so a centre whose
province was left empty, or disagrees with its district, still lands in one listed row at every
level and the rows add up to the total. Hence:

- centres with neither district nor province (the national centre) have a row of their own at
  the nation level, and appear at no lower level;
- centres with a province but no district (a provincial centre) have a row of their own at the
  province level.

A district's rows are centres, the last level: they link nowhere further down, and the page says
so beside the table.

A user may open a level when their scope covers all of it (see ``Reach``); the figures on it
still count only the rows of centres they may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from centres.access import Scope, scope_for
from centres.models import Centre, District, Province, Region

NATION, REGION, PROVINCE, DISTRICT, CENTRE = "nation", "region", "province", "district", "centre"
LEVELS = (NATION, REGION, PROVINCE, DISTRICT)
CHILD = {NATION: REGION, REGION: PROVINCE, PROVINCE: DISTRICT, DISTRICT: CENTRE}

# The place of a centre at each level: through its district when it has one, else its own
# province (see the module docstring). Lookups are prefixed with the path from the counted model
# to its centre.
_VIA_DISTRICT = {REGION: "district__province__region_id", PROVINCE: "district__province_id"}
_OWN = {REGION: "province__region_id", PROVINCE: "province_id"}

LEVEL_LABELS = {
    NATION: _("nation"),
    REGION: _("region"),
    PROVINCE: _("province"),
    DISTRICT: _("district"),
    CENTRE: _("centre"),
}


def thai_active() -> bool:
    return (get_language() or "th").startswith("th")


def name_field() -> str:
    """The name column shown, and sorted on, in the active language."""
    return "name_th" if thai_active() else "name_en"


@dataclass(frozen=True)
class Unit:
    """One place on a level: the nation, a region, a province or a district."""

    level: str
    code: str = ""
    name_th: str = ""
    name_en: str = ""
    parent: Unit | None = None

    @property
    def name(self) -> str:
        if self.level == NATION:
            return str(_("Whole country"))
        return self.name_th if thai_active() else (self.name_en or self.name_th)

    @property
    def child_level(self) -> str:
        return CHILD[self.level]

    @property
    def url(self) -> str:
        return unit_url(self.level, self.code)

    def export_url(self, table: str, fmt: str) -> str:
        if self.level == NATION:
            return reverse("dashboards:nation-export", args=[table, fmt])
        return reverse("dashboards:unit-export", args=[self.level, self.code, table, fmt])

    def lineage(self) -> list[Unit]:
        """From the nation down to this unit."""
        chain, unit = [], self
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain[::-1]

    def centre_q(self, prefix: str = "") -> Q:
        """Centres (reached through ``prefix``, e.g. "centre__") inside this unit."""
        if self.level == NATION:
            return Q()
        if self.level == DISTRICT:
            return Q(**{f"{prefix}district_id": self.code})
        return Q(**{prefix + _VIA_DISTRICT[self.level]: self.code}) | Q(
            **{f"{prefix}district__isnull": True, prefix + _OWN[self.level]: self.code}
        )

    def row_key(self, prefix: str = ""):
        """The expression whose value names the row a counted object falls in: a child place
        of this unit, or None for the unit's own centres (the extra row)."""
        if self.level == DISTRICT:
            return F(f"{prefix}id")
        if self.level == PROVINCE:
            return F(f"{prefix}district_id")
        child = CHILD[self.level]
        return Coalesce(F(prefix + _VIA_DISTRICT[child]), F(prefix + _OWN[child]))


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    url: str = ""


def unit_url(level: str, code: str) -> str:
    if level == NATION:
        return reverse("dashboards:nation")
    return reverse("dashboards:unit", args=[level, code])


NATION_UNIT = Unit(NATION)


def load_unit(level: str, code: str) -> Unit:
    """The unit with its ancestors, in one query at most; 404 when there is no such place."""
    if level == NATION:
        return NATION_UNIT
    try:
        if level == REGION:
            region = Region.objects.get(pk=code)
            return _region_unit(region)
        if level == PROVINCE:
            province = Province.objects.select_related("region").get(pk=code)
            return _province_unit(province)
        if level == DISTRICT:
            district = District.objects.select_related("province__region").get(pk=code)
            return Unit(
                DISTRICT,
                district.code,
                district.name_th,
                district.name_en,
                _province_unit(district.province),
            )
    except (Region.DoesNotExist, Province.DoesNotExist, District.DoesNotExist, ValueError):
        pass  # ValueError: a code PostgreSQL refuses (a NUL byte) if the URL pattern let it by
    raise Http404(_("No such place."))


def _region_unit(region: Region) -> Unit:
    return Unit(REGION, region.code, region.name_th, region.name_en, NATION_UNIT)


def _province_unit(province: Province) -> Unit:
    return Unit(
        PROVINCE, province.code, province.name_th, province.name_en, _region_unit(province.region)
    )


def child_rows(unit: Unit, user, reach: Reach) -> list[Row]:
    """The rows of ``unit``'s table, one query. Places without any figure still get a row.

    The extra row keyed ``None`` (the national centre, a province's own centres) is added by the
    caller only when it has something to show.
    """
    name = name_field()
    if unit.level == NATION:
        places = Region.objects.order_by("sort_order")
        level = REGION
    elif unit.level == REGION:
        places = Province.objects.filter(region_id=unit.code).order_by(name)
        level = PROVINCE
    elif unit.level == PROVINCE:
        places = District.objects.filter(province_id=unit.code).order_by(name)
        level = DISTRICT
    else:
        centres = (
            Centre.objects.visible_to(user)
            .filter(district_id=unit.code)
            .order_by(name, "code")
            .values_list("pk", "name_th", "name_en")
        )
        return [Row(pk, th if name == "name_th" else (en or th)) for pk, th, en in centres]
    rows = []
    for code, th, en in places.values_list("code", "name_th", "name_en"):
        label = th if name == "name_th" else (en or th)
        url = unit_url(level, code) if reach.covers(level, code, _parent_codes(unit)) else ""
        rows.append(Row(code, label, url))
    return rows


def _parent_codes(unit: Unit) -> dict[str, str]:
    return {u.level: u.code for u in unit.lineage()}


EXTRA_ROW_LABELS = {
    NATION: _("National centre (no province or district)"),
    PROVINCE: _("Centres of the province without a district"),
}


@dataclass(frozen=True)
class Reach:
    """The places a user may open: those their assignments cover entirely.

    - The nation: only a user who sees all (a ministry administrator, a superuser) or who is
      assigned the national centre (``Centre.Level.NATIONAL``).
    - A region or province assignment: that place.
    - Any other centre assignment: the place of that centre, found as the rows find it (its
      district's province when it has a district, else its own province): a regional centre
      reaches its region, a provincial centre, or any centre with a province but no district,
      its province, a district or community centre its district. So a district centre whose
      province was left empty still reaches its district, not more.
    - A centre that is not the national one and has neither district nor province reaches no
      level: its figures count only in the nation's row of centres without a place, for those
      who reach the nation. Its staff still see it on their own pages.
    """

    nation: bool = False
    regions: frozenset[str] = field(default_factory=frozenset)
    provinces: frozenset[str] = field(default_factory=frozenset)
    districts: frozenset[str] = field(default_factory=frozenset)

    def covers(self, level: str, code: str, ancestors: dict[str, str]) -> bool:
        """Whether the place ``level``/``code`` under ``ancestors`` ({level: code}) is in reach."""
        if self.nation:
            return True
        codes = {**ancestors, level: code}
        return (
            codes.get(REGION) in self.regions
            or codes.get(PROVINCE) in self.provinces
            or codes.get(DISTRICT) in self.districts
        )

    def covers_unit(self, unit: Unit) -> bool:
        return self.covers(unit.level, unit.code, _parent_codes(unit))

    @property
    def is_empty(self) -> bool:
        return not (self.nation or self.regions or self.provinces or self.districts)

    def home_urls(self) -> list[tuple[str, str]]:
        """(level, code) of the top places reached, for the dashboards' entry page."""
        if self.nation:
            return [(NATION, "")]
        return (
            [(REGION, c) for c in sorted(self.regions)]
            + [(PROVINCE, c) for c in sorted(self.provinces)]
            + [(DISTRICT, c) for c in sorted(self.districts)]
        )


def reach_for(user) -> Reach:
    """The places ``user`` may open (one query for centre assignments, cached on the user)."""
    cached = getattr(user, "_vc_dashboard_reach", None)
    if cached is not None:
        return cached
    scope: Scope = scope_for(user)
    if scope.sees_all:
        reach = Reach(nation=True)
    else:
        regions, provinces, districts = set(scope.region_codes), set(scope.province_codes), set()
        nation = False
        centres = Centre.objects.filter(pk__in=scope.centre_ids).values_list(
            "level",
            Coalesce("district__province_id", "province_id"),
            Coalesce("district__province__region_id", "province__region_id"),
            "district_id",
        )
        for level, province, region, district in centres if scope.centre_ids else ():
            if level == Centre.Level.NATIONAL:
                nation = True
            elif not province:
                continue  # no place to start from (see the class docstring)
            elif level == Centre.Level.REGIONAL:
                regions.add(region)
            elif not district or level == Centre.Level.PROVINCIAL:
                provinces.add(province)
            else:
                districts.add(district)
        reach = Reach(nation, frozenset(regions), frozenset(provinces), frozenset(districts))
    user._vc_dashboard_reach = reach
    return reach
