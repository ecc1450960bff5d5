"""Background imports: a file too large to check and import within a request is kept as an
`ImportJob` and run by `manage.py run_jobs`, through the same import page's rules, all or nothing,
audited once like a file imported on the page. The page shows the job's progress and outcome.

A plain table and a worker command, not a task framework: django-tasks (the backport of Django
6's tasks) has no progress of a running task, and its database backend is one more app to run; a
job here needs only its row, which the import page reads as it polls.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils import timezone

from .audit import Actor
from .models import ImportJob

log = logging.getLogger(__name__)

S = ImportJob.Status
FAILED = (
    "The import stopped on an error: nothing was saved. Try again later; if it fails again, "
    "tell state staff the file's name and time."
)


@transaction.atomic
def import_job_enqueue(
    *,
    actor: Actor,
    view_name: str,
    model_label: str,
    noun: str,
    file_name: str,
    content: bytes,
    sha256: str,
) -> ImportJob:
    """A file waiting for the worker. Its content is checked again when the job runs."""
    return ImportJob.objects.create(
        user=actor.user,
        ip_address=actor.ip_address,
        view_name=view_name,
        model_label=model_label,
        noun=noun,
        file_name=file_name[:200],
        sha256=sha256,
        content=content,
    )


def import_job_claim() -> ImportJob | None:
    """The oldest waiting job, marked running. On PostgreSQL a job another worker holds is
    skipped (SKIP LOCKED), so two workers never take the same one."""
    with transaction.atomic():
        waiting = ImportJob.objects.waiting().defer("content")
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        job = waiting.first()
        if job is None:
            return None
        job.status = S.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


class Progress:
    """Rows done, written as the import runs. The import holds its own transaction until the
    end, so on PostgreSQL the figure goes through a second connection that commits at once and
    the page sees it; on SQLite (one writer at a time) it is written when the job ends."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def total(self, rows: int) -> None:
        self.job.rows_total = rows
        self.job.save(update_fields=["rows_total"])

    def __call__(self, done: int) -> None:
        self.job.rows_done = done
        if self.side is None:
            return
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",
                [done, self.job.pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def view_for(job: ImportJob):
    """The import page that took the file, as its uploader would call it."""
    request = HttpRequest()
    request.method = "POST"
    request.user = job.user
    request.META["REMOTE_ADDR"] = job.ip_address or ""
    view_class = resolve(reverse(job.view_name)).func.view_class
    view = view_class()
    view.setup(request)
    return view


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Runs a claimed job to its end: done with its totals, or failed with its problems."""
    progress = Progress(job)
    try:
        view = view_for(job)
        outcome = view.run_job(job, progress=progress)
    except Exception:
        log.exception("Import job %s failed", job.pk)
        job.problems = [{"reason": FAILED}]
        job.status = S.FAILED
    else:
        job.totals = outcome.totals
        job.problems = outcome.problems
        job.status = S.FAILED if outcome.problems else S.DONE
        if not outcome.problems:
            job.rows_done = job.rows_total
    finally:
        progress.close()
    job.finished_at = timezone.now()
    # The file held students' details: once run, its rows live in their tables (or were refused),
    # and the job keeps only its name, digest and outcome.
    job.content = b""
    job.save(
        update_fields=[
            "status",
            "totals",
            "problems",
            "rows_total",
            "rows_done",
            "finished_at",
            "content",
        ]
    )
    return job


def import_jobs_run_waiting(limit: int | None = None) -> int:
    """Runs waiting jobs one after another until none waits (or `limit` ran): how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = import_job_claim()
        if job is None:
            break
        import_job_run(job=ImportJob.objects.get(pk=job.pk))
        ran += 1
    return ran
