import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer_centre.settings")
application = get_wsgi_application()

# The URLconf loaded now (every app's views and admin with it), then the heap frozen: Python's
# full garbage collections no longer walk these long-lived objects, some 100,000 of them, a
# pause of 50-90 ms that fell on one request in ten or twenty on the admin's heavier pages
# (its p95). With ``gunicorn --preload`` the frozen pages are also shared by the workers.
get_resolver().url_patterns  # noqa: B018 - loads the URLconf
gc.freeze()
