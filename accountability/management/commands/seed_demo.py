from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from accountability.demo import seed_accountability, seed_agreements
from incidents.demo import seed_field_records
from programs.demo import seed_directory, seed_programs
from training.demo import seed_training

DEMO_PASSWORD = "sro-demo-2026"


class Command(BaseCommand):
    help = "Create or refresh the fictional demo data and print the demo logins. Safe to run twice."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is refused here: these settings do not allow it.")
        # The demo files complaints through the services, which write to the complainant and
        # the handlers; those fictional messages stay in memory instead of going out or burying
        # the logins under whole emails on the console. Messages sent once the site runs are
        # untouched.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            logins = seed_directory(password=DEMO_PASSWORD)
            seed_programs(agree=seed_agreements)
            seed_training()
            seed_field_records()
            seed_accountability()
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Sign in at {settings.SITE_URL}"))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        width = max(len(username) for username, _ in logins)
        for username, roles in logins:
            self.stdout.write(f"  {username.ljust(width)}  {roles}")
