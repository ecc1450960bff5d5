from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs"

    def ready(self):
        from sro_portal.scope import install_partnerships

        from .partnerships import ProgramPartnerships

        install_partnerships(ProgramPartnerships())
