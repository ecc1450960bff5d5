"""Settings shared by every environment; each environment module starts from these."""

import datetime
from pathlib import Path

import environ

from sro_portal import files

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    "sro_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sro_portal",
    "programs",
    "training",
    "incidents",
    "accountability",
]

MIDDLEWARE = [
    "sro_portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sro_portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sro_portal.middleware.TranslatedPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sro_portal.middleware.SessionLimitsMiddleware",
    "sro_portal.middleware.SecondStepMiddleware",
    "sro_portal.middleware.NoStoreMiddleware",
    "sro_portal.middleware.AccessAuditMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in before any view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sro_portal.urls"
WSGI_APPLICATION = "sro_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sro_portal.context_processors.navigation",
            ],
        },
    },
]


# SQLite under var/ lets the project run with no setup; PostgreSQL is the production database.
def database(url: str) -> dict:
    """The database `url` names, as every settings module connects to it."""
    settings = env.db_url_config(url)
    settings["ATOMIC_REQUESTS"] = True
    if settings["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiler pays off on long analytic scans, not on a page's queries: on
        # a statewide dashboard it spent 2.5 s compiling a query that runs in a fraction of that.
        settings.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return settings


DATABASES = {
    "default": database(
        env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
    ),
}
# On PostgreSQL, the role the portal connects as in production: it owns no table and may only read
# and add to the audit log (`manage.py create_db_roles`; each `migrate` re-applies that limit).
DATABASE_APP_ROLE = env("DJANGO_DATABASE_APP_ROLE", default="sro_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "sro_portal.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before its password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Guessability (zxcvbn): keyboard walks and dictionary words with digits are refused even
    # when long and absent from the common-password list (qwertyuiopas).
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3

LANGUAGE_CODE = "en"
# The public complaint pages are offered in English and Spanish.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TRANSLATED_VIEWS = {
    "accountability:complaint_create",
    "accountability:complaint_thanks",
    "accountability:complaint_status",
    "public:home",
    "public:district",
}
# The largest upload is a 5 MB certificate; no request may carry more than this.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Import pages that take a large file as a background job (sro_portal/imports.py JOB_MAX_BYTES).
LARGE_UPLOAD_VIEWS = {"incidents:import"}
MAX_LARGE_UPLOAD_BYTES = 31 * 1024 * 1024

# Shown to visitors without an account, yet private: never kept in a cache.
NO_STORE_VIEWS = {
    "accountability:complaint_create",
    "accountability:complaint_thanks",
    "accountability:complaint_status",
}
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_ROOT = BASE_DIR / "var" / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="SRO Portal <noreply@localhost>")
# Links in emails start here: a message sent after a filing has no request to take it from.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# Imports are all-or-nothing: a file with one bad row leaves the database as it was.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# Read through sro_portal/files.py, which refuses oversized files and zip bombs before parsing.
IMPORT_FORMATS = [files.CSV, files.XLSX]
# An upload awaiting the admin's confirmation is kept an hour at most, then forgotten.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "sro_portal.files.ExpiringUpload"
EXPORT_FORMATS = IMPORT_FORMATS

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A session ends after 30 minutes without a request and 12 hours after sign-in in any case
# (sro_portal.middleware.SessionLimitsMiddleware); the cookie lasts no longer than the latter.
SESSION_IDLE_SECONDS = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_MAX_SECONDS = env.int("DJANGO_SESSION_MAX_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# Behind reverse proxies, how many of them to trust and the header they append the client's
# address to (sro_portal/network.py). 0: the address is the connection's own.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = env("DJANGO_CLIENT_IP_HEADER", default="HTTP_X_FORWARDED_FOR")

# Sign-in lockout (django-axes): 5 failures within 15 minutes lock the username, and separately
# the address, for 15 minutes; state staff release a lockout earlier in the admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "sro_portal.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # sro_portal/lockouts.py: state staff release lockouts, audited
# The second sign-in step (sro_portal/two_factor.py): the name authenticator apps show.
OTP_TOTP_ISSUER = "SRO Portal"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts and styles come from static/ only; templates carry no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Browser features no page of the portal uses, refused to every page and whatever it might embed
# (sro_portal.middleware.ContentSecurityPolicyMiddleware sends it beside the CSP).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
DEMO_DATA_ALLOWED = env.bool("DJANGO_DEMO_DATA_ALLOWED", default=False)

# Public numbers and exports leaving a district show a count of students below this as "<10"
# (accountability/suppression.py).
SMALL_CELL_THRESHOLD = env.int("DJANGO_SMALL_CELL_THRESHOLD", default=10)

# Retention (`manage.py purge_expired`, sro_portal/retention.py; README "Retention"): each app
# names the kinds of record it keeps (its AppConfig's `retention_kinds`); here, how long each is.
# Days each kind is kept: defaults to confirm with the district's records officer. Seven years is
# when Wis. Stat. § 19.21(4)(b) and (6) let a record go if no schedule fixes a shorter period.
RETENTION_DAYS = {
    "enforcement_actions": 7 * 365,
    "incidents": 7 * 365,
    "activity_logs": 7 * 365,
    "complaints": 7 * 365,
    "meetings": 7 * 365,
    "survey_results": 7 * 365,
    "enrollment": 7 * 365,
    "roster_completions": 7 * 365,
    "roster_people": 7 * 365,
    "form_submissions": 30,
    "sessions": 0,
    "sign_in_attempts": 1,
    "sign_in_failures": 365,
    "sign_ins": 365,
}
