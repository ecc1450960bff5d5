"""Imports on the site, for the people who own the data: a spreadsheet (CSV or XLSX) is read
whole, checked as a dry run and shown before anything is saved, then imported all or nothing on
confirmation. Every file tried, accepted or refused, leaves one audit entry.

A page is a `TemplateView` with `ImportMixin`: it names its columns (header, meaning, allowed
values, an example), the model it imports and a resource (django-import-export) to run the rows
through. Its template includes `includes/import.html`.

A page with `import_in_background` takes files too large for a request (over MAX_ROWS rows or
2 MB, up to JOB_MAX_ROWS rows and 30 MB) as a job (sro_portal/jobs.py): the worker checks and
imports the file all or nothing, and the page shows its progress and outcome.
"""

import hashlib
import secrets
from dataclasses import dataclass, field

import tablib
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect

from .audit import audit_record
from .files import MAX_UPLOAD_BYTES, FileRefused, check_upload, read_spreadsheet
from .jobs import import_job_enqueue
from .models import AuditLog, ImportJob, School

MAX_ROWS = 5000
# A file in the background: ten years of a large agency's actions fit in one.
JOB_MAX_ROWS = 200_000
JOB_MAX_BYTES = 30 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str  # the resource's field, also accepted as a header
    header: str  # the header of the template
    meaning: str
    allowed: str | list = ""  # plain words, or (value, label) pairs for a list of codes
    example: object = ""
    required: bool = True  # the file must have the column (a cell may still be blank)

    @property
    def choices(self) -> list:
        return self.allowed if isinstance(self.allowed, list) else []


def choice_column(name, header, meaning, choices, example="", required=True) -> Column:
    """A column of codes from a `TextChoices`: the codes and their meanings are listed."""
    return Column(
        name, header, meaning, [(c.value, c.label) for c in choices], example, required=required
    )


def digest(upload) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def too_large(max_bytes: int) -> FileRefused:
    return FileRefused(
        f"The file is larger than {max_bytes // (1024 * 1024)} MB: split it into smaller files."
    )


def read_upload(upload, max_bytes: int = MAX_UPLOAD_BYTES) -> tablib.Dataset:
    if upload.size > max_bytes:
        # Refused before a byte of it is read into memory.
        raise too_large(max_bytes)
    upload.seek(0)
    return read_spreadsheet(upload.read(), upload.name or "", max_bytes=max_bytes)


def normalised(
    dataset: tablib.Dataset, columns: list[Column], max_rows: int = MAX_ROWS
) -> tablib.Dataset:
    """The dataset with each header written as the template writes it. A file with an unknown
    column, without a required one, or without rows is refused whole."""
    if not dataset.headers or not len(dataset):
        raise FileRefused("The file has no rows under its header row.")
    if len(dataset) > max_rows:
        raise FileRefused(f"The file has more than {max_rows:,} rows: split it into smaller files.")
    known = {}
    for column in columns:
        known[column.name.lower()] = column.header
        known[column.header.lower()] = column.header
    headers = [str(h or "").strip() for h in dataset.headers]
    unknown = [h for h in headers if h.lower() not in known]
    if unknown:
        raise FileRefused(
            f"The file has columns this import does not know: {', '.join(unknown)}. Use the "
            "headers of the template."
        )
    dataset.headers = [known[h.lower()] for h in headers]
    repeated = sorted({h for h in dataset.headers if dataset.headers.count(h) > 1})
    if repeated:
        raise FileRefused(f"The file has the column {', '.join(repeated)} more than once.")
    missing = [c.header for c in columns if c.required and c.header not in dataset.headers]
    if missing:
        raise FileRefused(
            f"The file has no {', '.join(missing)} column: start from the template's header row."
        )
    return dataset


def _cell_text(cell) -> str:
    return str(cell if cell is not None else "").strip()


def duplicates(dataset: tablib.Dataset) -> list[dict]:
    """Rows that repeat an earlier row cell for cell: refused, not silently imported twice."""
    seen = {}
    problems = []
    for number, row in enumerate(dataset, start=2):
        key = tuple(map(_cell_text, row))
        if key in seen:
            problems.append({"row": number, "reason": f"It repeats row {seen[key]} exactly."})
        else:
            seen[key] = number
    return problems


def problems_of(result, columns: list[Column]) -> list[dict]:
    """Every refused row, by its line in the spreadsheet (the header is line 1), with the column
    (by its header) and a plain reason."""
    headers = {c.name: c.header for c in columns}
    problems = [{"reason": str(error.error)} for error in result.base_errors]
    for number, errors in result.row_errors():
        for error in errors:
            problems.append({"row": number + 1, "reason": str(error.error)})
    for invalid in result.invalid_rows:
        for name, reasons in invalid.field_specific_errors.items():
            for reason in reasons:
                problems.append(
                    {"row": invalid.number + 1, "field": headers.get(name, name), "reason": reason}
                )
        for reason in invalid.non_field_specific_errors:
            problems.append({"row": invalid.number + 1, "reason": reason})
    return sorted(problems, key=lambda p: p.get("row", 0))


@dataclass
class Outcome:
    """What running a file did (or, in a dry run, would do)."""

    totals: dict = field(default_factory=dict)  # new / update / skip -> rows
    problems: list = field(default_factory=list)


class ImportMixin:
    """For a `TemplateView`: `?download=template` gives the template; a POST with
    `action=preview` checks an uploaded file as a dry run and keeps it, as CSV text in the
    session, until a POST with `action=confirm` and the preview's token imports it."""

    import_columns: list[Column] = []
    import_model = None  # the model a row becomes, named in the audit entry
    import_noun = ""  # "enrollment", "staff roster": used in messages and file names
    import_examples: list[dict] | None = None  # rows of the template; else one from the columns
    import_in_background = False  # a file too large for a request becomes a job

    def get_import_resource(self):
        raise NotImplementedError

    @property
    def import_session_key(self) -> str:
        return f"import:{self.request.resolver_match.view_name}"

    def run_import(self, dataset, *, dry_run: bool, progress=None) -> Outcome:
        """Runs the rows through the resource; a subclass may run them some other way.
        `progress(rows_done)` is told how far a resource that reports it has got."""
        resource = self.get_import_resource()
        for column in self.import_columns:
            if column.name in resource.fields:
                resource.fields[column.name].column_name = column.header
        extra = {"progress": progress} if getattr(resource, "reports_progress", False) else {}
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=self.request.user,
            **extra,
        )
        return Outcome(
            totals={kind: n for kind, n in result.totals.items() if n},
            problems=problems_of(result, self.import_columns),
        )

    # GET

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "template":
            return self.template_file()
        if "job" in request.GET:
            kwargs["job"] = self.import_job(request.GET["job"])
            if request.GET.get("status") == "json":
                return JsonResponse(kwargs["job"].as_status())
        return super().get(request, *args, **kwargs)

    def import_job(self, pk):
        """A job of this page the user may see (their own; state staff any): else 404, alike
        for another's job and for none."""
        if not str(pk).isdigit():
            raise Http404
        job = (
            ImportJob.objects.visible_to(self.request.user)
            .filter(view_name=self.request.resolver_match.view_name, pk=int(pk))
            .defer("content")
            .first()
        )
        if job is None:
            raise Http404
        return job

    def example_school(self):
        """The school the template's example rows name: one of the user's own, so that the
        template imports as it is."""
        return School.objects.visible_to(self.request.user).select_related("district").first()

    def template_file(self):
        dataset = tablib.Dataset(headers=[c.header for c in self.import_columns])
        examples = self.import_examples or [{c.name: c.example for c in self.import_columns}]
        school = self.example_school()
        for example in examples:
            if school is not None and example.get("school"):
                example = {**example, "school": f"{school.district.dpi_code}-{school.dpi_code}"}
            dataset.append([example.get(c.name, "") for c in self.import_columns])
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        name = self.import_noun.replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{name}-template.csv"'
        return response

    def get_context_data(self, **kwargs):
        pending = self.request.session.get(self.import_session_key)
        job = kwargs.get("job")
        if job is not None and job.problems and not kwargs.get("problems"):
            # A file refused row by row may name many: the first thousand say enough.
            kwargs["problems"] = job.problems[:1000]
            kwargs["file_name"] = job.file_name
        kwargs.setdefault("problems", [])
        kwargs["importer"] = {
            "columns": self.import_columns,
            "noun": self.import_noun,
            "pending": pending if pending and kwargs.get("preview") else None,
            "problems": kwargs["problems"],
            "file_name": kwargs.get("file_name", ""),
            "preview_headers": kwargs.get("preview_headers", []),
            "preview_rows": kwargs.get("preview_rows", []),
            "max_rows": MAX_ROWS,
            "background": self.import_in_background,
            "job_max_rows": JOB_MAX_ROWS,
            "job": kwargs.get("job"),
        }
        return super().get_context_data(**kwargs)

    # POST: preview, then confirm.

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "confirm":
            return self.confirm()
        return self.preview()

    def audit_import(self, *, file_name, sha256, rows, outcome=None, reason=""):
        refused = bool(reason) or outcome is None or bool(outcome.problems)
        detail = {
            "model": self.import_model._meta.label,
            "file_name": file_name[:200],
            "rows": rows,
            "sha256": sha256,
            "outcome": "refused" if refused else "accepted",
        }
        if outcome is not None:
            detail["totals"] = outcome.totals
            if outcome.problems:
                detail["problems"] = len(outcome.problems)
        if refused:
            detail["reason"] = reason or "Rows refused."
        audit_record(actor=self.actor, action=AuditLog.Action.IMPORT, detail=detail)

    def refuse(self, problems, file_name):
        return self.render_to_response(
            self.get_context_data(problems=problems, file_name=file_name)
        )

    def preview(self):
        self.request.session.pop(self.import_session_key, None)
        upload = self.request.FILES.get("file")
        if upload is None:
            return self.refuse([{"reason": "Choose a CSV or XLSX file to upload."}], "")
        file_name = upload.name or ""
        sha256 = digest(upload)
        try:
            if self.import_in_background and upload.size > MAX_UPLOAD_BYTES:
                return self.enqueue(upload, file_name=file_name, sha256=sha256)
            dataset = normalised(
                read_upload(upload),
                self.import_columns,
                max_rows=JOB_MAX_ROWS if self.import_in_background else MAX_ROWS,
            )
            if len(dataset) > MAX_ROWS:
                return self.enqueue(upload, file_name=file_name, sha256=sha256)
            text = dataset.export("csv")
        except FileRefused as refused:
            self.audit_import(file_name=file_name, sha256=sha256, rows=0, reason=str(refused))
            return self.refuse([{"reason": str(refused)}], file_name)
        outcome = self.run_import(dataset, dry_run=True)
        outcome.problems = sorted(
            duplicates(dataset) + outcome.problems, key=lambda p: p.get("row", 0)
        )
        if outcome.problems:
            self.audit_import(
                file_name=file_name, sha256=sha256, rows=len(dataset), outcome=outcome
            )
            return self.refuse(outcome.problems, file_name)
        # Kept as CSV text in the session (at most 2 MB), never as a path the user names.
        self.request.session[self.import_session_key] = {
            "token": secrets.token_urlsafe(16),
            "file_name": file_name[:200],
            "sha256": sha256,
            "text": text,
            "rows": len(dataset),
            "totals": outcome.totals,
        }
        return self.render_to_response(
            self.get_context_data(
                preview=True,
                preview_headers=dataset.headers,
                preview_rows=list(dataset)[:200],
                file_name=file_name,
            )
        )

    def enqueue(self, upload, *, file_name, sha256):
        """A file too large for a request: kept as a job, after the checks that need no parsing
        (size, type, a workbook's table of contents); the worker reads it once and imports it."""
        if upload.size > JOB_MAX_BYTES:
            raise too_large(JOB_MAX_BYTES)
        upload.seek(0)
        content = upload.read()
        check_upload(content, file_name, max_bytes=JOB_MAX_BYTES)
        job = import_job_enqueue(
            actor=self.actor,
            view_name=self.request.resolver_match.view_name,
            model_label=self.import_model._meta.label,
            noun=self.import_noun,
            file_name=file_name,
            content=content,
            sha256=sha256,
        )
        messages.info(
            self.request,
            f"{file_name} is large: it is checked and imported in the background, all or nothing. "
            "This page shows how far it has got.",
        )
        return redirect(job.get_absolute_url())

    def run_job(self, job, *, progress) -> Outcome:
        """A job's file, read once, checked and imported all or nothing as a confirmed preview
        would be, and audited once: what the worker runs."""
        try:
            dataset = normalised(
                read_spreadsheet(bytes(job.content), job.file_name, max_bytes=JOB_MAX_BYTES),
                self.import_columns,
                max_rows=JOB_MAX_ROWS,
            )
        except FileRefused as refused:
            self.audit_import(
                file_name=job.file_name, sha256=job.sha256, rows=0, reason=str(refused)
            )
            return Outcome(problems=[{"reason": str(refused)}])
        progress.total(len(dataset))
        repeated = duplicates(dataset)
        with transaction.atomic():
            outcome = self.run_import(dataset, dry_run=bool(repeated), progress=progress)
            outcome.problems = sorted(repeated + outcome.problems, key=lambda p: p.get("row", 0))
            if outcome.problems:
                transaction.set_rollback(True)
        self.audit_import(
            file_name=job.file_name, sha256=job.sha256, rows=len(dataset), outcome=outcome
        )
        return outcome

    def confirm(self):
        pending = self.request.session.get(self.import_session_key)
        if not pending or self.request.POST.get("token") != pending["token"]:
            messages.error(self.request, "Nothing to confirm: upload the file again.")
            return redirect(self.request.path)
        del self.request.session[self.import_session_key]
        dataset = tablib.Dataset().load(pending["text"], format="csv")
        with transaction.atomic():
            # The data may have changed since the preview: the file is checked again.
            outcome = self.run_import(dataset, dry_run=False)
            if outcome.problems:
                transaction.set_rollback(True)
        self.audit_import(
            file_name=pending["file_name"],
            sha256=pending["sha256"],
            rows=pending["rows"],
            outcome=outcome,
        )
        if outcome.problems:
            return self.refuse(outcome.problems, pending["file_name"])
        totals = outcome.totals
        messages.success(
            self.request,
            f"{pending['file_name']} imported: {totals.get('new', 0)} added, "
            f"{totals.get('update', 0)} updated, {totals.get('skip', 0)} unchanged.",
        )
        return redirect(self.request.path)
