"""Geography look-ups for the cascading address selects (province → district → subdistrict)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from centres.models import District, Province


@require_GET
@login_required
@cache_control(private=True, max_age=3600)
def district_options(request, code):
    province = get_object_or_404(Province, pk=code)
    rows = province.districts.values_list("code", "name_th", "name_en")
    return JsonResponse({"options": _options(rows, request)})


@require_GET
@login_required
@cache_control(private=True, max_age=3600)
def subdistrict_options(request, code):
    district = get_object_or_404(District, pk=code)
    rows = district.subdistricts.values_list("code", "name_th", "name_en", "postcode")
    return JsonResponse({"options": _options(rows, request)})


def _options(rows, request):
    thai = (request.LANGUAGE_CODE or "th").startswith("th")
    return [
        {
            "value": r[0],
            "label": r[1] if thai else r[2],
            **({"postcode": r[3]} if len(r) > 3 else {}),
        }
        for r in rows
    ]
