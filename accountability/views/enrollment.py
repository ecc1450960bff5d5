"""Enrollment by school and school year: the list in one's scope, its export, and an upload (CSV
or XLSX) previewed as a dry run and then confirmed, all or nothing, each file audited once."""

import hashlib
import secrets

import tablib
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.audit import audit_record
from sro_portal.exports import Export
from sro_portal.models import AuditLog
from sro_portal.roles import Role
from sro_portal.schoolyear import parse_school_year, school_year_label
from sro_portal.scope import scope_of

from ..models import Enrollment
from ..resources import (
    ENROLLMENT_COLUMNS,
    ENROLLMENT_EXAMPLE,
    ENROLLMENT_HEADERS,
    EnrollmentResource,
)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SESSION_KEY = "enrollment_upload"


class FileRefused(Exception):
    """A file that cannot be read at all; the message says why."""


def digest(upload) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


def read_upload(upload) -> tablib.Dataset:
    if upload.size > MAX_UPLOAD_BYTES:
        raise FileRefused("The file is larger than 2 MB: split it into smaller files.")
    content = upload.read()
    name = (upload.name or "").lower()
    try:
        if name.endswith(".xlsx"):
            return tablib.Dataset().load(content, format="xlsx")
        if name.endswith(".csv"):
            return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    except UnicodeDecodeError:
        raise FileRefused("The CSV file is not UTF-8 text: save it as CSV UTF-8.") from None
    except Exception:
        raise FileRefused("The file could not be read as a spreadsheet.") from None
    raise FileRefused("Upload a .csv or .xlsx file.")


def checked(dataset) -> tuple[tablib.Dataset, str]:
    """The dataset and the CSV text kept until confirmation; an empty or oversized one refused."""
    if not dataset.headers or not len(dataset):
        raise FileRefused("The file has no rows under its header row.")
    present = {str(h or "").strip().lower() for h in dataset.headers}
    missing = [
        header
        for name, header in ENROLLMENT_HEADERS.items()
        if name in ("school", "school_year", "total")
        and not present & {name.lower(), header.lower()}
    ]
    if missing:
        raise FileRefused(
            f"The file has no {', '.join(missing)} column: start from the template's header row."
        )
    text = dataset.export("csv")
    if len(text.encode()) > MAX_UPLOAD_BYTES:
        raise FileRefused("The file holds more than 2 MB of data: split it into smaller files.")
    return dataset, text


class EnrollmentView(ScopedAccessMixin, TemplateView):
    roles = frozenset({Role.DISTRICT_ADMIN, Role.STATE_STAFF})
    template_name = "accountability/enrollment.html"

    # Whose schools, and what the page lists.

    def district_ids(self):
        """The districts whose schools the user may import (None: every district)."""
        scope = scope_of(self.request.user)
        return None if scope.is_state_staff else scope.district_ids

    def enrollment(self):
        rows = Enrollment.objects.visible_to(self.request.user).select_related(
            "school", "school__district"
        )
        district_ids = self.district_ids()
        if district_ids is not None:
            rows = rows.filter(district_id__in=district_ids)
        return rows.order_by("-school_year", "school__district__name", "school__name")

    def selected_year(self):
        try:
            return parse_school_year(self.request.GET.get("school_year", ""))
        except ValueError:
            return None

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "template":
            return self.template_file()
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx"):
            return self.export().response(fmt)
        return super().get(request, *args, **kwargs)

    def template_file(self):
        dataset = tablib.Dataset(headers=list(ENROLLMENT_HEADERS.values()))
        dataset.append([ENROLLMENT_EXAMPLE[name] for name in ENROLLMENT_HEADERS])
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="enrollment-template.csv"'
        return response

    def export(self):
        year = self.selected_year()
        rows = self.enrollment()
        if year is not None:
            rows = rows.filter(school_year=year)
        groups = list(Enrollment.GROUPS)
        return Export(
            title="Enrollment",
            headers=[
                "District",
                "School",
                "School code",
                "School year",
                ENROLLMENT_HEADERS["total"],
                *[ENROLLMENT_HEADERS[g] for g in groups],
            ],
            rows=[
                [
                    e.school.district.name,
                    e.school.name,
                    f"{e.school.district.dpi_code}-{e.school.dpi_code}",
                    school_year_label(e.school_year),
                    e.total,
                    *[getattr(e, g) for g in groups],
                ]
                for e in rows
            ],
            filters={"School year": school_year_label(year) if year is not None else "All"},
        )

    def get_context_data(self, **kwargs):
        year = self.selected_year()
        rows = self.enrollment()
        years = sorted(set(rows.values_list("school_year", flat=True)), reverse=True)
        if year is not None:
            rows = rows.filter(school_year=year)
        groups = list(Enrollment.GROUPS)
        pending = self.request.session.get(SESSION_KEY)
        return super().get_context_data(
            columns=ENROLLMENT_COLUMNS,
            group_headers=[ENROLLMENT_HEADERS[g] for g in groups],
            table=[
                {
                    "enrollment": e,
                    "code": f"{e.school.district.dpi_code}-{e.school.dpi_code}",
                    "year": school_year_label(e.school_year),
                    "groups": [getattr(e, g) for g in groups],
                }
                for e in rows
            ],
            years=[(school_year_label(y), y == year) for y in years],
            selected_year=school_year_label(year) if year is not None else "",
            state_staff=self.district_ids() is None,
            pending=pending if pending and "preview" in kwargs else None,
            **kwargs,
        )

    # The upload: preview (a dry run), then confirm.

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "confirm":
            return self.confirm()
        return self.preview()

    def run(self, dataset, *, dry_run):
        resource = EnrollmentResource(district_ids=self.district_ids())
        return resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )

    def audit(self, *, file_name, sha256, rows, accepted, result=None, reason=""):
        detail = {
            "model": Enrollment._meta.label,
            "file_name": file_name[:200],
            "rows": rows,
            "sha256": sha256,
            "outcome": "accepted" if accepted else "refused",
        }
        if result is not None:
            detail["totals"] = {kind: n for kind, n in result.totals.items() if n}
        if reason:
            detail["reason"] = reason
        audit_record(actor=self.actor, action=AuditLog.Action.IMPORT, detail=detail)

    def preview(self):
        self.request.session.pop(SESSION_KEY, None)
        upload = self.request.FILES.get("file")
        if upload is None:
            return self.render_to_response(
                self.get_context_data(problems=[{"reason": "Choose a CSV or XLSX file to upload."}])
            )
        file_name = upload.name or ""
        try:
            dataset, text = checked(read_upload(upload))
        except FileRefused as refused:
            self.audit(
                file_name=file_name,
                sha256=digest(upload),
                rows=0,
                accepted=False,
                reason=str(refused),
            )
            return self.render_to_response(
                self.get_context_data(problems=[{"reason": str(refused)}], file_name=file_name)
            )
        sha256 = digest(upload)
        result = self.run(dataset, dry_run=True)
        problems = problems_of(result)
        if problems:
            self.audit(
                file_name=file_name,
                sha256=sha256,
                rows=len(dataset),
                accepted=False,
                result=result,
                reason="Rows refused.",
            )
            return self.render_to_response(
                self.get_context_data(problems=problems, file_name=file_name)
            )
        # Kept as CSV text in the session (at most 2 MB), never as a path the user names.
        self.request.session[SESSION_KEY] = {
            "token": secrets.token_urlsafe(16),
            "file_name": file_name[:200],
            "sha256": sha256,
            "text": text,
            "rows": len(dataset),
            "totals": {kind: n for kind, n in result.totals.items() if n},
        }
        return self.render_to_response(
            self.get_context_data(
                preview=True,
                preview_headers=dataset.headers,
                preview_rows=list(dataset)[:200],
                file_name=file_name,
            )
        )

    def confirm(self):
        pending = self.request.session.get(SESSION_KEY)
        if not pending or self.request.POST.get("token") != pending["token"]:
            messages.error(self.request, "Nothing to confirm: upload the file again.")
            return redirect("accountability:enrollment")
        dataset = tablib.Dataset().load(pending["text"], format="csv")
        with transaction.atomic():
            result = self.run(dataset, dry_run=False)
            problems = problems_of(result)
            self.audit(
                file_name=pending["file_name"],
                sha256=pending["sha256"],
                rows=pending["rows"],
                accepted=not problems,
                result=result,
                reason="Rows refused." if problems else "",
            )
        del self.request.session[SESSION_KEY]
        if problems:
            return self.render_to_response(
                self.get_context_data(problems=problems, file_name=pending["file_name"])
            )
        totals = result.totals
        messages.success(
            self.request,
            f"Enrollment imported from {pending['file_name']}: {totals.get('new', 0)} added, "
            f"{totals.get('update', 0)} updated, {totals.get('skip', 0)} unchanged.",
        )
        return redirect("accountability:enrollment")


def problems_of(result) -> list[dict]:
    """Every refused row, by its line in the spreadsheet (the header is line 1), with the column
    (by its header) and a plain reason."""
    problems = [{"reason": str(error.error)} for error in result.base_errors]
    for number, errors in result.row_errors():
        for error in errors:
            problems.append({"row": number + 1, "reason": str(error.error)})
    for invalid in result.invalid_rows:
        for name, reasons in invalid.field_specific_errors.items():
            for reason in reasons:
                header = ENROLLMENT_HEADERS.get(name, name)
                problems.append({"row": invalid.number + 1, "field": header, "reason": reason})
        for reason in invalid.non_field_specific_errors:
            problems.append({"row": invalid.number + 1, "reason": reason})
    return problems
