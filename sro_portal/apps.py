from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SroPortalConfig(AppConfig):
    default = True
    name = "sro_portal"
    verbose_name = "Accounts, directory and audit"
    # Its own records, and those of the libraries it runs: sessions and sign-in counters.
    retention_kinds = {
        "form_submissions": {"model": "sro_portal.FormSubmission", "date": "at"},
        "sessions": {"model": "sessions.Session", "date": "expire_date"},
        "sign_in_attempts": {
            "label": "sign-in attempt counters",
            "model": "axes.AccessAttempt",
            "date": "attempt_time",
            "with": ["expiration"],
        },
        "sign_in_failures": {
            "label": "failed sign-ins",
            "model": "axes.AccessFailureLog",
            "date": "attempt_time",
        },
        "sign_ins": {"label": "sign-ins", "model": "axes.AccessLog", "date": "attempt_time"},
    }

    def ready(self):
        from . import lockouts, signals  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "sro_portal.admin_site.StateAdminSite"
