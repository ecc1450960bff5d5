from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from accountability.demo import seed_accountability, seed_agreements
from incidents.demo import seed_field_records
from programs.demo import seed_directory, seed_programs
from sro_portal import two_factor
from sro_portal.models import User
from training.demo import seed_training

DEMO_PASSWORD = "sro-demo-2026"
# The authenticator key of every demo account whose role requires the second sign-in step: known
# to anyone who reads this, so it exists only where demo data is allowed, never in production.
DEMO_TOTP_SECRET = "SROPORTALDEMOKEYSROPORTALDEMOKEY"
DEMO_TOTP_KEY = "945cf7466058c8c72898945cf7466058c8c72898"


def seed_second_step(usernames) -> list[str]:
    """Give each demo account of a role that requires the second step an authenticator app with
    the demo key; returns their usernames."""
    given = []
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        if not two_factor.is_required(user):
            continue
        TOTPDevice.objects.update_or_create(
            user=user,
            name=two_factor.APP_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
        )
        given.append(user.username)
    return given


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
            with_app = seed_second_step(username for username, _ in logins)
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Sign in at {settings.SITE_URL}"))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        width = max(len(username) for username, _ in logins)
        for username, roles in logins:
            marker = " *" if username in with_app else ""
            self.stdout.write(f"  {username.ljust(width)}  {roles}{marker}")
        # Part of the list of logins, which stays last in the output.
        self.stdout.write(
            f"  * second sign-in step: add the key {DEMO_TOTP_SECRET} to an authenticator app, "
            "or print the current code with `.venv/bin/python manage.py demo_code <username>`"
        )
