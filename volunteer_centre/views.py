from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypedDict

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from centres.views import READ_ONLY, reads_only
from volunteer_centre.middleware import chosen_language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not. For load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# ---------------------------------------------------------------------------------------------
# Error pages (wired in urls.py as handler400/403/404/500, and CSRF_FAILURE_VIEW)
#
# 400, 403, 404 and the CSRF failure are drawn in the site's layout (menu, language switch)
# and say why where the code said so for users; the 500 page is a template that needs neither
# the database nor a context processor. Nothing internal is ever shown: an exception's message
# appears only when it was raised as a lazy translation (``raise Http404(gettext_lazy(...))``),
# the form our code uses for messages meant for users. Django's own messages ("No Case matches
# the given query.", the resolver's list of patterns tried) are plain strings and never shown.
# ---------------------------------------------------------------------------------------------

ERROR_TEMPLATE = "errors/error.html"
MINIMAL_TEMPLATE = "errors/minimal.html"

# Last resort when even the minimal template cannot be rendered (whatever the status, it is
# then the server's fault): both languages, no template.
BARE_500 = (
    '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>ระบบขัดข้อง · Server error</title></head><body>"
    "<h1>ระบบขัดข้อง</h1><p>โปรดลองใหม่อีกครั้งในอีกสักครู่</p>"
    '<h1 lang="en">Something went wrong</h1><p lang="en">Please try again in a few minutes.</p>'
    '<p><a href="/">หน้าหลัก · Home</a></p></body></html>'
)


class ErrorContext(TypedDict):
    """What the error templates are given."""

    status: int
    title: StrOrPromise
    explanation: StrOrPromise
    reason: Promise | None
    error_code: str


def _user_message(exception: object) -> Promise | None:
    """The exception's message if it was written for users (a lazy translation), else None."""
    args: tuple[object, ...] = getattr(exception, "args", ())
    if len(args) == 1 and isinstance(args[0], Promise):
        return args[0]
    return None


def _error_page(
    request: HttpRequest,
    status: int,
    title: StrOrPromise,
    explanation: StrOrPromise,
    reason: Promise | None = None,
    *,
    code: str,
) -> HttpResponse:
    context: ErrorContext = {
        "status": status,
        "title": title,
        "explanation": explanation,
        "reason": reason,
        "error_code": code,
    }
    try:
        # The language again, in case the error came before the locale middleware ran.
        with translation.override(chosen_language(request)):
            return render(request, ERROR_TEMPLATE, context, status=status)
    except Exception:  # a failing menu or context processor must not hide the page
        logger.exception("The %s page could not be drawn in the site's layout", status)
        return _minimal_page(request, status, context)


def _minimal_page(request: HttpRequest, status: int, context: ErrorContext) -> HttpResponse:
    """The page without the layout: rendered without the request's context processors, so
    it needs no database (no user, no session, no menu)."""
    html: str
    stylesheet: str
    csrf_token: str | None
    try:
        with translation.override(chosen_language(request)):
            try:
                stylesheet = static("css/site.css")
            except ValueError:  # no manifest entry (collectstatic not run): go unstyled
                stylesheet = ""
            try:
                csrf_token = get_token(request)
            except Exception:  # the switch is a convenience; the page goes without it
                csrf_token = None
            html = loader.render_to_string(
                MINIMAL_TEMPLATE,
                {**context, "stylesheet": stylesheet, "request": request, "csrf_token": csrf_token},
            )
    except Exception:
        logger.exception("The minimal %s page could not be rendered", status)
        html = BARE_500
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The message of a SuspiciousOperation names headers, hosts, field counts: never shown.
    return _error_page(
        request,
        400,
        _("The request could not be read"),
        _(
            "Your browser sent something this site cannot read, such as a form that is too "
            "large or an address that is not this site's. Go back, reload the page and try "
            "again."
        ),
        code="bad-request",
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    reason = _user_message(exception)
    if reason is None and _reads_only(request):
        reason = READ_ONLY
    return _error_page(
        request,
        403,
        _("You may not open this page"),
        _("Your role does not allow what this page does."),
        reason,
        code="permission-denied",
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(
        request,
        404,
        _("Page not found"),
        _(
            "The address may be mistyped or out of date, or the record is outside the centres "
            "you work with."
        ),
        _user_message(exception),
        code="not-found",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django gives no exception here (it has been logged) and no request context."""
    context: ErrorContext = {
        "status": 500,
        "title": _("Something went wrong"),
        "explanation": _(
            "The site could not finish this request. The error has been recorded for the "
            "administrators. Try again in a few minutes; if it happens again, tell your "
            "centre's administrator what you were doing."
        ),
        "reason": None,
        "error_code": "server-error",
    }
    return _minimal_page(request, 500, context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check, with Django's reason put in words a user acts on."""
    return _error_page(
        request,
        403,
        _("The form could not be sent"),
        _("For your safety this site accepts a form only from a page it sent to this browser."),
        _csrf_reason(reason),
        code="csrf-failure",
    )


def _csrf_reason(reason: str) -> StrPromise:
    if reason == REASON_NO_CSRF_COOKIE or reason.startswith("CSRF cookie "):
        return _(
            "Your browser did not send back this site's security cookie. Allow cookies for "
            "this site, reload the page and send the form again."
        )
    if reason.startswith(("Referer checking failed", "Origin checking failed")):
        return _(
            "Your browser did not show that the form came from this site; a privacy setting "
            "or extension may hide it. Allow this site, reload the page and send the form "
            "again."
        )
    # The token is missing or does not match: the page was older than the session (logged in
    # again, or in another tab since).
    return _(
        "The page the form was on had expired, for example because you logged in again "
        "since it was opened. Reload the page and send the form again."
    )


def _reads_only(request: HttpRequest) -> bool:
    """A logged-in user whose every assignment is read-only (a supervisor): a bare 403 is then
    that, and the page says so."""
    try:
        return reads_only(getattr(request, "user", None))
    except DatabaseError:  # the generic explanation will do
        return False
