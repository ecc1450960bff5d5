"""Imports too large to finish within a request: the uploaded file waits here until a worker
(`manage.py run_jobs`) checks and imports it, all or nothing, and records how far it got and
what came of it."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The uploader's own jobs; state staff see every job."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_state_staff:
            return self.all()
        return self.filter(user=user)

    def waiting(self):
        return self.filter(status=ImportJob.Status.QUEUED).order_by("created_at", "pk")


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The import page that took the file (a URL name): the worker runs the file through it.
    view_name = models.CharField(max_length=100)
    model_label = models.CharField(max_length=100)  # what a row becomes, for the audit entry
    noun = models.CharField(max_length=100)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    # The file as uploaded, in the database: never a path on disk that a user could name.
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="import_job_waiting"),
            models.Index(fields=["user", "view_name", "-created_at"], name="import_job_of_user"),
        ]

    def __str__(self):
        return f"Import of {self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return f"{reverse(self.view_name)}?job={self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.finished else 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    def status_url(self):
        """What the page polls: the job's figures as JSON."""
        return f"{self.get_absolute_url()}&status=json"

    def as_status(self) -> dict:
        return {
            "status": self.status,
            "label": self.get_status_display(),
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "percent": self.percent,
            "finished": self.finished,
        }
