from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SroPortalConfig(AppConfig):
    default = True
    name = "sro_portal"
    verbose_name = "Accounts, directory and audit"

    def ready(self):
        from . import lockouts, signals  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "sro_portal.admin_site.StateAdminSite"
