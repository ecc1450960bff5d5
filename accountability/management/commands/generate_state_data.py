import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accountability.statedata import Refused, generate


class Command(BaseCommand):
    help = (
        "Generate Wisconsin-size data for measuring the portal (423 districts, 2,208 schools, "
        "about 2 million daily log entries at --scale 1) into a database without districts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Share of the state's size: 1 (default) or 0.01 for tests.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="The same seed gives the same data (on the same day).",
        )
        parser.add_argument(
            "--password",
            default="",
            help="A password for every generated account (none can sign in without it).",
        )

    def handle(self, *args, scale, seed, password, verbosity, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Generated data is refused here: these settings do not allow "
                "demo data (DJANGO_DEMO_DATA_ALLOWED)."
            )
        hashed = "!"
        if password:
            from django.contrib.auth.hashers import make_password

            hashed = make_password(password)
        started = time.monotonic()
        try:
            written = generate(
                scale=scale,
                seed=seed,
                password=hashed,
                quiet=verbosity == 0,
                progress_file=self.stderr._out,
            )
        except Refused as refusal:
            raise CommandError(str(refusal)) from None
        if verbosity:
            width = max(len(label) for label in written)
            for label, n in sorted(written.items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {label.ljust(width)}  {n:>10,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {sum(written.values()):,} rows at scale {scale} in "
                    f"{time.monotonic() - started:.0f} s."
                )
            )
