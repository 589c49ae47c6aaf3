from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many Thai staff
    use browsers set to English; the product is Thai first, so only the switch's cookie counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


def chosen_language(request: HttpRequest) -> str:
    """The language of the switch's cookie, Thai without one (the error pages use it too)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# Browser features the site never uses: no page may be given them, even by injected script.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PrivateResponsesMiddleware:
    """What a signed-in user is answered may hold personal data (a person's page, a case, an
    export of volunteers): no browser or proxy keeps it (``Cache-Control: no-store`` with
    Django's never-cache headers), so the back button on a shared computer shows nothing once
    the user has left. Static files are answered before this (WhiteNoise) and stay cached.
    Every response also carries the Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
