"""The worker of background imports: `manage.py run_jobs` runs waiting jobs as they come;
`--once` runs those waiting now and stops (for tests and cron)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from sro_portal.jobs import import_jobs_run_waiting


class Command(BaseCommand):
    help = "Runs waiting import jobs: for ever (polling), or with --once those waiting now."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the waiting jobs and stop.")
        parser.add_argument(
            "--sleep", type=float, default=2.0, help="Seconds between looks when none waits."
        )

    def handle(self, *args, once=False, sleep=2.0, **options):
        while True:
            ran = import_jobs_run_waiting()
            if ran:
                self.stdout.write(f"{ran} import job{'s' if ran != 1 else ''} run.")
            if once:
                return
            time.sleep(sleep)
            close_old_connections()  # a worker runs for days: no connection outlives its use
