"""Settings for the test suite: production settings with HTTPS redirects and hashed static
names turned off (the test client speaks plain HTTP and nothing runs collectstatic)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from volunteer_centre.settings import *  # noqa: F403
from volunteer_centre.settings import STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
