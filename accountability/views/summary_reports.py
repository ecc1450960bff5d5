"""Two summary reports, each a table, a chart and a CSV or XLSX download: complaints (by status,
by finding, days to acknowledge) and training compliance (by program and by role)."""

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from programs.models import Assignment, Program
from sro_portal.access import ScopedAccessMixin
from sro_portal.exports import FORMATS, Export
from sro_portal.models import Membership
from sro_portal.roles import Role
from sro_portal.schoolyear import PeriodForm
from training.models import Audience, ComplianceStatus, Status
from training.summary import refresh_stale

from ..charts import Chart, bar_chart
from ..models import Complaint, ComplaintStatusChange
from ..suppression import leaves_district, suppress_counts, suppression_note
from .report_common import query_without_export, record_links, report_links

# Those who handle complaints; SROs never see them, and building administrators' scope holds none.
HANDLERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})
OVERSEERS = frozenset(Role) - {Role.SRO}


def _days(duration) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _export_or_404(request, tables: dict, title: str, filters: dict):
    fmt = request.GET.get("format")
    table = request.GET.get("table", "all")
    if fmt not in FORMATS or (table != "all" and table not in tables):
        raise Http404("No such export.")
    if table == "all":
        # One sheet: each row says which table it belongs to; the value columns keep their
        # names where every table shares them.
        value_headers = {tuple(headers[1:]) for headers, _ in tables.values()}
        values = list(value_headers.pop()) if len(value_headers) == 1 else ["Value"]
        headers = ["Table", "Label", *values]
        rows = [
            [TABLE_TITLES[key], *row]
            for key, (_, table_rows) in tables.items()
            for row in table_rows
        ]
        return Export(title, headers, rows, filters).response(fmt)
    table_headers, table_rows = tables[table]
    heading = TABLE_TITLES.get(table, table)
    return Export(f"{title}: {heading.lower()}", table_headers, table_rows, filters).response(fmt)


TABLE_TITLES = {
    "status": "Complaints by status",
    "finding": "Complaints by finding",
    "acknowledgement": "Days to acknowledge",
    "program": "Training compliance by program",
    "role": "Training compliance by role",
}


class ReportMixin(ScopedAccessMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report_links"] = report_links(self.request)
        return context


class ComplaintsReportView(ReportMixin, TemplateView):
    """Complaints received in a school year or date range: by status, by finding, and how long
    acknowledgement took (from the status history, in SQL)."""

    roles = HANDLERS
    template_name = "accountability/report_complaints.html"

    def complaints(self, form):
        start, end, _ = form.period()
        return Complaint.objects.visible_to(self.request.user).filter(
            received_at__date__range=(start, end)
        )

    def tables(self, form) -> dict:
        complaints = self.complaints(form)
        by_status = dict(complaints.values_list("status").annotate(n=Count("pk")).order_by())
        by_finding = dict(complaints.values_list("finding").annotate(n=Count("pk")).order_by())
        acknowledged_at = (
            ComplaintStatusChange.objects.filter(
                complaint=OuterRef("pk"), to_status=Complaint.Status.ACKNOWLEDGED
            )
            .order_by("changed_at")
            .values("changed_at")[:1]
        )
        waits = (
            complaints.annotate(acknowledged_at=Subquery(acknowledged_at))
            .filter(acknowledged_at__isnull=False)
            .annotate(
                wait=ExpressionWrapper(
                    F("acknowledged_at") - F("received_at"), output_field=DurationField()
                )
            )
            .aggregate(average=Avg("wait"), longest=Max("wait"), count=Count("pk"))
        )
        return {
            "status": (
                ["Status", "Complaints"],
                [[label, by_status.get(value, 0)] for value, label in Complaint.Status.choices],
            ),
            "finding": (
                ["Finding", "Complaints"],
                [
                    *(
                        [label, by_finding.get(value, 0)]
                        for value, label in Complaint.Finding.choices
                    ),
                    ["No finding yet", by_finding.get("", 0)],
                ],
            ),
            "acknowledgement": (
                ["Measure", "Days"],
                [
                    ["Average days to acknowledge", _days(waits["average"])],
                    ["Longest days to acknowledge", _days(waits["longest"])],
                ]
                if waits["count"]
                else [],  # none acknowledged: no number, rather than a misleading zero
            ),
            "acknowledged": waits["count"],
        }

    def get(self, request, *args, **kwargs):
        data = (
            request.GET if any(k in request.GET for k in ("school_year", "start", "end")) else None
        )
        form = PeriodForm(data)
        valid = form.is_valid() if form.is_bound else True
        if not form.is_bound:
            form.cleaned_data = {}
        if request.GET.get("format"):
            if not valid:
                raise Http404("No such export.")
            tables = self.tables(form)
            tables.pop("acknowledged")
            districts = self.complaints(form).order_by().values_list("district_id", flat=True)
            suppressed = leaves_district(request.user, set(districts.distinct()))
            if suppressed:
                for name in ("status", "finding"):
                    headers, rows = tables[name]
                    table = suppress_counts([r[0] for r in rows], [r[1] for r in rows])
                    shown = zip(table.rows, table.cells, strict=True)
                    tables[name] = (headers, [[label, cells[0]] for label, cells in shown])
            filters = {"Period": form.period()[2], **suppression_note(suppressed)}
            return _export_or_404(request, tables, "Complaints", filters)
        context = self.get_context_data(form=form, valid=valid, **kwargs)
        if valid:
            tables = self.tables(form)
            context.update(
                period=form.period()[2],
                acknowledged=tables.pop("acknowledged"),
                total=sum(count for _, count in tables["status"][1]),
                charts=[
                    (name, _table_chart(f"complaints-{name}", name, *tables[name]))
                    for name in tables
                ],
                query=query_without_export(request.GET),
            )
        return self.render_to_response(context)


def _table_chart(chart_id, name, headers, rows) -> Chart:
    return bar_chart(
        chart_id,
        TABLE_TITLES[name],
        [{"label": row[0], "count": row[1]} for row in rows],
        label_heading=headers[0],
        value_label=headers[1],
    )


class TrainingReportView(ReportMixin, TemplateView):
    """Training compliance of everyone one oversees, by program and by role: how many people are
    overdue, due soon, not yet due and compliant."""

    roles = OVERSEERS
    template_name = "accountability/report_training.html"

    def tables(self) -> dict:
        """Counted in SQL over the compliance summary, which holds today's status of each
        person: by role and roster audience in two grouped queries, by program in one query of
        the programs with a count per status."""
        user = self.request.user
        today = timezone.localdate()
        refresh_stale(today)
        people = ComplianceStatus.objects.visible_to(user)
        by_role = {role: dict.fromkeys(Status.values, 0) for role in Role}
        for role, status, count in (
            people.filter(is_roster=False)
            .order_by()
            .values_list("user__memberships__role", "status")
            .annotate(n=Count("pk", distinct=True))
        ):
            if role is not None:
                by_role[role][status] = count
        # People on the staff rosters train without an account: counted by their audience, and
        # toward the programs of their district.
        by_audience = {a: dict.fromkeys(Status.values, 0) for a in Audience}
        for audience, status, count in (
            people.filter(is_roster=True)
            .order_by()
            .values_list("audience", "status")
            .annotate(n=Count("pk"))
        ):
            by_audience[audience][status] = count
        program = OuterRef(OuterRef("pk"))
        linked = people.filter(
            Q(
                user__in=Assignment.objects.filter(program_id=program)
                .in_dates(today)
                .values("officer_id")
            )
            | Q(
                user__in=Membership.objects.filter(
                    role__in=[Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN],
                    district_id=OuterRef(OuterRef("district_id")),
                ).values("user_id")
            )
            | Q(
                user__in=Membership.objects.filter(
                    role=Role.AGENCY_SUPERVISOR, agency_id=OuterRef(OuterRef("agency_id"))
                ).values("user_id")
            )
            | Q(is_roster=True, district_id=OuterRef("district_id"))
        ).order_by()
        programs = list(
            Program.objects.visible_to(user)
            .annotate(
                **{
                    f"n_{status}": Subquery(
                        linked.filter(status=status).values(n=Func(F("pk"), function="COUNT")),
                        output_field=IntegerField(),
                    )
                    for status in Status.values
                }
            )
            .only("pk", "name")
            .order_by("name")
        )
        by_program = {
            p.pk: {status: getattr(p, f"n_{status}") or 0 for status in Status.values}
            for p in programs
        }
        headers = ["Overdue", "Due soon", "Not yet due", "Compliant", "People"]

        def cells(counts):
            return [*(counts[s] for s in Status.values), sum(counts.values())]

        return {
            "program": (
                ["Program", *headers],
                [[p.name, *cells(by_program[p.pk])] for p in programs],
            ),
            "role": (
                ["Role", *headers],
                [
                    [role.label, *cells(by_role[role])]
                    for role in Role
                    if role != Role.STATE_STAFF and sum(by_role[role].values())
                ]
                + [
                    [f"{audience.label} (staff roster)", *cells(by_audience[audience])]
                    for audience in Audience
                    if sum(by_audience[audience].values())
                ],
            ),
        }

    def get(self, request, *args, **kwargs):
        tables = self.tables()
        if request.GET.get("format"):
            return _export_or_404(
                request, tables, "Training compliance", {"People": "Everyone you oversee"}
            )
        context = self.get_context_data(
            charts=[(name, _status_chart(name, *tables[name])) for name in tables], **kwargs
        )
        return self.render_to_response(context)


def _status_chart(name, headers, rows) -> Chart:
    statuses = headers[1:-1]
    return Chart(
        id=f"training-{name}",
        title=TABLE_TITLES[name],
        label_heading=headers[0],
        labels=[row[0] for row in rows],
        series=[
            {"label": status, "values": [row[1 + i] for row in rows]}
            for i, status in enumerate(statuses)
        ],
        stacked=True,
        horizontal=True,
    )


class ReportsView(ScopedAccessMixin, TemplateView):
    """Where every report, record list and the enrollment behind the rates can be found."""

    roles = frozenset(Role)
    template_name = "accountability/reports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report_links=report_links(self.request),
            record_links=record_links(self.request),
            **kwargs,
        )
