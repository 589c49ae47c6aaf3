"""Every request carries an id, so that a change in the history, a line in the read log and a
line in the server's log can be traced to the same request.

The id comes from the reverse proxy's ``X-Request-ID`` when it sends one that looks like an id
(letters, digits, ``-`` and ``_``, at most 64), so the proxy's access log and ours agree; any
other value is replaced, never trusted. Otherwise a new UUID is drawn. The id is set on
``request.request_id``, readable anywhere in the request through ``current_request_id()``, and
sent back in the response's ``X-Request-ID``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{1,64}")
_current: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request being answered, or "" outside one (a management command)."""
    return _current.get()


def request_id_from(header: str | None) -> str:
    if header and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers[HEADER] = request_id
        return response
