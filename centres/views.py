"""Geography look-ups for the cascading address selects, and the access mixins of staff views."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from centres.access import scope_for
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


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Class-based views read only through the model's ``visible_to(user)``.

    Detail, update and delete views therefore answer 404 for a record outside the user's scope,
    and list views never show one.
    """

    model = None

    def get_queryset(self):
        return self.model._default_manager.visible_to(self.request.user)


# Lazy, so the error page shows it (it shows only messages raised as lazy translations).
READ_ONLY = _(
    "Your role lets you read these records but not change them. To record something, ask a "
    "chair or the staff of the centre."
)


class WriterRequiredMixin(LoginRequiredMixin):
    """Refuses (403) users whose scope is read-only, such as supervisors."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_can_write(request.user):
            raise PermissionDenied(READ_ONLY) if reads_only(request.user) else PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def user_can_write(user) -> bool:
    return scope_for(user).can_write


def reads_only(user) -> bool:
    """A logged-in user who reads records but may change none (a supervisor); not someone
    without a current assignment, who reads nothing either."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return not scope.can_write and not scope.is_empty
