from django.core.management.base import BaseCommand
from django.utils import timezone

from sro_portal import retention


class Command(BaseCommand):
    help = (
        "Delete the records kept past their retention period (each app's retention_kinds, "
        "kept for RETENTION_DAYS), with their files; one audit entry per kind records the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be deleted, and delete nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        outcomes = retention.purge(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for outcome in outcomes:
            days = outcome.kind.days
            before = timezone.localtime(outcome.cutoff).date().isoformat()
            line = (
                f"{verb} {outcome.purged} {outcome.kind.label} "
                f"(kept {days} day{'' if days == 1 else 's'}: older than {before})"
            )
            extras = [f"{n} {label}" for label, n in outcome.with_.items()]
            if outcome.files:
                extras.append(f"{outcome.files} file{'' if outcome.files == 1 else 's'}")
            if extras:
                line += ", with " + ", ".join(extras)
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
