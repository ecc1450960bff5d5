"""Works out the training compliance summary again: nightly, for the statuses that change with
the passing of time (a deadline reached, a due-soon window entered, a new period begun), and after
a bulk load that wrote people, completions or requirements without the services.

    manage.py refresh_compliance          # the rows whose day has come, and people without one
    manage.py refresh_compliance --all    # every row: nightly, and after a bulk load

At state size (3,242 people) `--all` takes about 5 seconds.
"""

import datetime
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from training import summary


class Command(BaseCommand):
    help = "Refresh the training compliance summary (stale rows, or --all)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Work out every person's row, not only stale ones."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Work out compliance as of this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        started = time.monotonic()
        with transaction.atomic():
            if options["all"]:
                done = summary.refresh_all(today=options["today"], progress=self._progress)
            else:
                done = summary.refresh_stale(today=options["today"])
        self.stdout.write(
            f"{done:,} compliance rows worked out in {time.monotonic() - started:.1f} s."
        )

    def _progress(self, done, total):
        if self.verbosity > 1:
            self.stderr.write(f"{done:,} of {total:,}")
