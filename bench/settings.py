"""Settings of the benchmarks: production's, served over plain HTTP on loopback, with the
bench-only pages of bench/urls.py. Never deploy these."""

import os

# Production has no default for these: on loopback they need none.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-never-deployed-" + "x" * 20)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sro_bench")

from sro_portal.settings.production import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
# A page whose query runs longer than this fails instead of holding the whole run up (0: no limit,
# as bench/run.py sets it for generating the data).
STATEMENT_TIMEOUT_MS = int(os.environ.get("BENCH_STATEMENT_TIMEOUT_MS", "60000"))
if STATEMENT_TIMEOUT_MS:
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (
        f"{_options.get('options', '')} -c statement_timeout={STATEMENT_TIMEOUT_MS}"
    )
# Plain HTTP on loopback, no TLS proxy in front: no redirect to HTTPS, and the cookies must travel
# without TLS. Everything else (middleware, sessions, CSRF, storage) is production's.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Pages are timed, not mailed or logged request by request.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # A 403 for a role that may not open a page is expected, not news.
    "loggers": {"django.request": {"level": "ERROR"}},
}
