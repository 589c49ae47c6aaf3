"""How long a sign-in lasts: SESSION_IDLE_TIMEOUT seconds without a request (30 minutes by
default) or SESSION_ABSOLUTE_LIFETIME seconds from signing in (12 hours), whichever comes
first. Then the next request signs the user out and takes them to the sign-in page, which
says why; after signing in they come back to the page they asked for."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

SIGNED_IN_AT = "vc_signed_in_at"
SEEN_AT = "vc_seen_at"
# The time of the last request is written at most once a minute, so that an ordinary page
# does not write the session: the idle timeout is measured to within that minute.
SEEN_EVERY = 60


def mark_signed_in(sender: object, request: HttpRequest, user: object, **kwargs: Any) -> None:
    """On user_logged_in: the clock of both limits starts."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def session_expired(request: HttpRequest) -> bool:
    """Whether the signed-in user's session is past either limit; else its last request is
    noted (a session from before these limits starts them now)."""
    now = int(time.time())
    session = request.session
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        mark_signed_in(None, request, request.user)
        return False
    if (
        now - seen_at > settings.SESSION_IDLE_TIMEOUT
        or now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME
    ):
        return True
    if now - seen_at >= SEEN_EVERY:
        session[SEEN_AT] = now
    return False


class SessionLimitsMiddleware:
    """Signs out a user whose session is past its limits (session_expired)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and session_expired(request):
            logout(request)
            messages.info(
                request,
                _(
                    "You were signed out after a time without use, or at the end of the "
                    "day's sign-in. Sign in again; what you had typed was not saved."
                ),
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
