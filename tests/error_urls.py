"""The site's URLs plus views that fail on purpose, for the error page tests. The handlers are
the site's: Django reads them from the URLconf in use."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from volunteer_centre.urls import (  # noqa: F401 - Django reads the handlers from here
    handler400,
    handler403,
    handler404,
    handler500,
)
from volunteer_centre.urls import urlpatterns as site_urlpatterns

# What a crash could carry: a path, SQL, a national ID. None of it may reach the page.
SECRET = "SECRET-1103700012345 /srv/app/cases/services.py SELECT * FROM auth_user"


def crash(request):
    raise RuntimeError(SECRET)


def refuse(request):
    raise PermissionDenied(SECRET)


def missing(request):
    raise Http404(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test-errors/crash/", crash),
    path("test-errors/refuse/", refuse),
    path("test-errors/missing/", missing),
    path("test-errors/suspicious/", suspicious),
    *site_urlpatterns,
]
