"""The dashboard levels and who may open which.

The nation has a row per region, a region a row per province, a province a row per district and
a district a row per centre. A centre belongs to the rows of its own geography (``Centre.province``
and ``Centre.district``, the same fields the access rule reads), so:

- centres with no province (the national centre) have a row of their own at the nation level,
  "national centre", and appear at no lower level;
- centres with a province but no district (a provincial centre) have a row of their own at the
  province level.

A user may open a level when their scope covers all of it (see ``Reach``); the figures on it
still count only the rows of centres they may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from centres.access import Scope, scope_for
from centres.models import Centre, District, Province, Region

NATION, REGION, PROVINCE, DISTRICT, CENTRE = "nation", "region", "province", "district", "centre"
LEVELS = (NATION, REGION, PROVINCE, DISTRICT)
CHILD = {NATION: REGION, REGION: PROVINCE, PROVINCE: DISTRICT, DISTRICT: CENTRE}

# The Centre field a row groups on at each level, and the Centre lookup that keeps a level's
# own centres; both are prefixed with the path from the counted model to its centre.
_ROW_KEY = {NATION: "province__region_id", REGION: "province_id", PROVINCE: "district_id",
            DISTRICT: "id"}  # fmt: skip
_WITHIN = {REGION: "province__region_id", PROVINCE: "province_id", DISTRICT: "district_id"}

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
        return Q(**{prefix + _WITHIN[self.level]: self.code})

    def row_key(self, prefix: str = "") -> str:
        """The lookup whose value names the row a counted object falls in."""
        return prefix + _ROW_KEY[self.level]


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
    except (Region.DoesNotExist, Province.DoesNotExist, District.DoesNotExist):
        pass
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
        label = th if name == "name_th" else en
        url = unit_url(level, code) if reach.covers(level, code, _parent_codes(unit)) else ""
        rows.append(Row(code, label, url))
    return rows


def _parent_codes(unit: Unit) -> dict[str, str]:
    return {u.level: u.code for u in unit.lineage()}


EXTRA_ROW_LABELS = {
    NATION: _("National centre"),
    PROVINCE: _("Centres of the province without a district"),
}


@dataclass(frozen=True)
class Reach:
    """The places a user may open: those their assignments cover entirely.

    A ministry administrator, a superuser or anyone assigned the national centre reaches the
    nation; a region or province assignment reaches that place; a centre assignment reaches
    the place of that centre (a regional centre its region, a provincial centre its province,
    a district or community centre its district).
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
            "level", "province_id", "province__region_id", "district_id"
        )
        for level, province, region, district in centres if scope.centre_ids else ():
            if level == Centre.Level.NATIONAL or not province:
                nation = True
            elif level == Centre.Level.REGIONAL:
                regions.add(region)
            elif not district or level == Centre.Level.PROVINCIAL:
                provinces.add(province)
            else:
                districts.add(district)
        reach = Reach(nation, frozenset(regions), frozenset(provinces), frozenset(districts))
    user._vc_dashboard_reach = reach
    return reach
