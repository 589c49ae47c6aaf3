"""Settings, all read from the environment (django-environ). See .env.example."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY")  # no default: refusing to start beats a guessable key
if not SECRET_KEY:  # .env.example leaves it empty so that nobody copies a known key
    raise ImproperlyConfigured("Set SECRET_KEY (see .env.example).")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a page in the site's layout that says what to do, not Django's own.
CSRF_FAILURE_VIEW = "volunteer_centre.views.csrf_failure"

INSTALLED_APPS = [
    "volunteer_centre",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "import_export",
    "centres",
    "volunteers",
    "cases",
]

MIDDLEWARE = [
    "volunteer_centre.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "volunteer_centre.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "volunteer_centre.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "volunteer_centre.sessions.SessionLimitsMiddleware",
    "centres.auth.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "volunteer_centre.urls"
WSGI_APPLICATION = "volunteer_centre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "volunteer_centre.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT spends ~200 ms compiling the dashboards' aggregates and speeds up nothing here.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Lets several test runs share one server without sharing a test database.
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's own backend, loading each user with their account row (centres.auth).
AUTHENTICATION_BACKENDS = ["centres.auth.AccountBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Thai first, English through the language switch.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
# locale/ holds the site templates' strings (makemessages' default catalogue); apps keep their
# own; locale/django-gaps/ fills the gaps of Django's Thai admin and is never regenerated.
LOCALE_PATHS = [
    BASE_DIR / "locale",
    BASE_DIR / "locale" / "django-gaps",
    BASE_DIR / "cases" / "dashboards" / "locale",
]
FORMAT_MODULE_PATH = ["volunteer_centre.formats"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Behind a TLS-terminating reverse proxy in production.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer probes /healthz over plain HTTP on the private network; a 301 to HTTPS would
# read as "down". The pattern matches the path without its leading slash (see urls.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
# A sign-in ends after this long without a request, or this long after signing in
# (volunteer_centre/sessions.py); the cookie itself lasts no longer than the second.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Domain settings
VOLUNTEER_MIN_AGE = env.int("VOLUNTEER_MIN_AGE", default=18)
# From this many rows (PostgreSQL's estimate) an unfiltered admin list shows the estimate
# instead of counting every row (volunteer_centre.admin.LargeTablePaginator).
ADMIN_ESTIMATED_COUNT_FROM = env.int("ADMIN_ESTIMATED_COUNT_FROM", default=100_000)
# A filtered or searched case or volunteer list (staff or admin) PostgreSQL expects to hold
# more rows than this shows that estimate, as "about", instead of counting them all
# (volunteer_centre.admin.EstimatedCountPaginator).
LIST_ESTIMATED_COUNT_FROM = env.int("LIST_ESTIMATED_COUNT_FROM", default=5_000)
# The volunteer export reads this many volunteers a query (volunteers.exporting).
VOLUNTEER_EXPORT_CHUNK_SIZE = env.int("VOLUNTEER_EXPORT_CHUNK_SIZE", default=2000)
