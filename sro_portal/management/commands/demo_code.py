from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sro_portal import two_factor
from sro_portal.models import User


class Command(BaseCommand):
    help = "Print a demo account's current second-step code, as its authenticator app would."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo codes are refused here: these settings do not allow it.")
        user = User.objects.filter(username=username).first()
        device = two_factor.app_device(user) if user else None
        if device is None:
            raise CommandError(f"{username} has no authenticator app set up.")
        self.stdout.write(two_factor.current_code(device))
