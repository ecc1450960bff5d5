"""The district's public page: what it published, and its numbers for the last three school
years, each year its own table and every student count through `suppress`. Used by the public
page, its preview and its CSV downloads, so that all three show the same numbers."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import ActivityLog, EnforcementAction
from programs.models import MOU, Assignment, Program
from sro_portal.schoolyear import school_year_bounds, school_year_label, school_year_of

from .aggregates import activity_mix, enrollment_totals, in_period, rates
from .charts import Chart
from .models import Complaint, Enrollment
from .suppression import safe_rate, suppress_counts

YEARS = 3  # the school years a public page shows
# The tables a page offers, by the name a download asks for.
ENFORCEMENT_TABLES = {
    "kind": gettext_lazy("Enforcement actions by kind"),
    "race": gettext_lazy("Enforcement actions by race and ethnicity"),
    "disability": gettext_lazy("Enforcement actions by disability"),
    "english_learner": gettext_lazy("Enforcement actions by English-learner status"),
}
ACTIVITY_TABLE = {"activity": gettext_lazy("The SRO's time by part of the job")}
COMPLAINT_TABLE = {"complaints": gettext_lazy("Complaints received")}


def public_years(today=None) -> list[int]:
    """The current school year and the two before it, newest first."""
    current = school_year_of(today or timezone.localdate())
    return [current - n for n in range(YEARS)]


def tables_offered(page) -> dict:
    tables = {}
    if page.show_enforcement:
        tables.update(ENFORCEMENT_TABLES)
    if page.show_activity:
        tables.update(ACTIVITY_TABLE)
    if page.show_complaints:
        tables.update(COMPLAINT_TABLE)
    return tables


@dataclass
class Table:
    """One published table: headers, rows of shown values, a total row, and its chart."""

    name: str
    title: str
    year: int
    headers: list
    rows: list  # [[label, value, ...]]
    total: list | None = None
    chart: Chart | None = None
    note: str = ""
    hidden_any: bool = False

    @property
    def year_label(self) -> str:
        return school_year_label(self.year)

    def export_rows(self) -> list:
        return [*self.rows, *([self.total] if self.total else [])]


def _chart_value(value):
    return value if isinstance(value, int) else None


def _enforcement_table(name, year, rate_rows) -> Table:
    labels = [r.label for r in rate_rows]
    counts = suppress_counts(labels, [r.count for r in rate_rows])
    rated = any(r.enrolled is not None for r in rate_rows)
    enrolled = suppress_counts(labels, [r.enrolled or 0 for r in rate_rows]) if rated else None
    headers = [_("Group") if name != "kind" else _("Kind"), _("Actions")]
    if rated:
        headers += [_("Students enrolled"), _("Actions per 100 students")]
    rows = []
    for i, r in enumerate(rate_rows):
        shown = counts.cells[i][0]
        row = [r.label, shown]
        if rated:
            if r.enrolled is None:
                row += ["—", "—"]
            else:
                students = enrolled.cells[i][0]
                rate = safe_rate(shown, students)
                row += [students, "—" if rate is None else f"{rate:.1f}"]
        rows.append(row)
    total = [_("All"), counts.total] + (["", ""] if rated else [])
    title = str(ENFORCEMENT_TABLES[name])
    chart = Chart(
        id=f"chart-{name}-{year}",
        title=f"{title}, {school_year_label(year)}",
        label_heading=headers[0],
        labels=labels,
        series=[{"label": _("Actions"), "values": [_chart_value(row[0]) for row in counts.cells]}],
        horizontal=len(labels) > 6,
    )
    return Table(
        name=name,
        title=title,
        year=year,
        headers=headers,
        rows=rows,
        total=total,
        chart=chart,
        hidden_any=bool(counts.hidden) or bool(enrolled and enrolled.hidden),
    )


def _activity_table(year, mix) -> Table:
    title = str(ACTIVITY_TABLE["activity"])
    labels = [row["label"] for row in mix]
    hours = [row["hours"] for row in mix]
    return Table(
        name="activity",
        title=title,
        year=year,
        headers=[_("Part of the job"), _("Hours")],
        rows=[[label, h] for label, h in zip(labels, hours, strict=True)],
        total=[_("All"), round(sum(hours), 1)],
        chart=Chart(
            id=f"chart-activity-{year}",
            title=f"{title}, {school_year_label(year)}",
            label_heading=_("Part of the job"),
            labels=labels,
            series=[{"label": _("Hours"), "values": hours}],
        ),
        note=_("Hours of the SRO's time, not numbers of students: no student can be picked out."),
    )


COMPLAINT_GROUPS = [
    ("resolved", gettext_lazy("Resolved")),
    ("open", gettext_lazy("Still open")),
    ("withdrawn", gettext_lazy("Withdrawn")),
]


def _complaint_table(year, counts) -> Table:
    title = str(COMPLAINT_TABLE["complaints"])
    labels = [str(label) for _key, label in COMPLAINT_GROUPS]
    table = suppress_counts(labels, [counts.get(key, 0) for key, _label in COMPLAINT_GROUPS])
    return Table(
        name="complaints",
        title=title,
        year=year,
        headers=[_("Complaints"), _("Count")],
        rows=[[label, table.cells[i][0]] for i, label in enumerate(labels)],
        total=[_("Received"), table.total],
        chart=Chart(
            id=f"chart-complaints-{year}",
            title=f"{title}, {school_year_label(year)}",
            label_heading=_("Complaints"),
            labels=labels,
            series=[{"label": _("Count"), "values": [_chart_value(row[0]) for row in table.cells]}],
        ),
        hidden_any=bool(table.hidden),
    )


@dataclass
class YearNumbers:
    year: int
    tables: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return school_year_label(self.year)


def numbers(page, years, only=None) -> list[YearNumbers]:
    """The published tables of each year; `only` names one table (a download). A fixed number of
    queries whatever the data size."""
    district = page.district
    wanted = set(tables_offered(page)) if only is None else {only}
    result = []
    for year in years:
        start, end = school_year_bounds(year)
        numbers_of_year = YearNumbers(year=year)
        enforcement = [n for n in ENFORCEMENT_TABLES if n in wanted]
        if enforcement:
            actions = in_period(EnforcementAction.objects.filter(district=district), start, end)
            enrollment = enrollment_totals(
                Enrollment.objects.filter(district=district, school_year=year)
            )
            for name in enforcement:
                dimension_enrollment = enrollment if name != "kind" else None
                numbers_of_year.tables.append(
                    _enforcement_table(name, year, rates(actions, name, dimension_enrollment))
                )
        if "activity" in wanted:
            logs = in_period(ActivityLog.objects.filter(district=district), start, end)
            numbers_of_year.tables.append(_activity_table(year, activity_mix(logs)))
        if "complaints" in wanted:
            received = Complaint.objects.filter(
                program__district=district, received_at__date__range=(start, end)
            ).aggregate(
                resolved=Count("pk", filter=Q(status=Complaint.Status.RESOLVED)),
                withdrawn=Count("pk", filter=Q(status=Complaint.Status.WITHDRAWN)),
                all=Count("pk"),
            )
            received["open"] = received["all"] - received["resolved"] - received["withdrawn"]
            numbers_of_year.tables.append(_complaint_table(year, received))
        result.append(numbers_of_year)
    return result


def page_content(page) -> dict:
    """The published sections of a district's page (numbers apart)."""
    district = page.district
    programs = list(
        Program.objects.filter(district=district, status=Program.Status.ACTIVE)
        .select_related("agency")
        .prefetch_related("responsibilities", "protocol_entries")
        .order_by("name")
    )
    content = {"page": page, "district": district, "programs": programs}
    if page.show_programs:
        schools = {}
        for assignment in (
            Assignment.objects.active().filter(program__district=district).select_related("school")
        ):
            schools.setdefault(assignment.program_id, {})[assignment.school_id] = assignment.school
        for program in programs:
            program.public_schools = sorted(
                schools.get(program.pk, {}).values(), key=lambda s: s.name
            )
    if page.show_mou:
        mous = {
            mou.program_id: mou
            for mou in MOU.objects.in_force()
            .filter(program__district=district)
            .prefetch_related("reviews")
        }
        for program in programs:
            program.public_mou = mous.get(program.pk)
            reviews = list(program.public_mou.reviews.all()) if program.public_mou else []
            program.public_last_review = reviews[0].reviewed_on if reviews else None
    if page.show_contacts:
        content["contacts"] = (
            list(
                page.contacts.filter(program__district=district).select_related("program", "school")
            )
            if page.pk
            else []
        )
    return content
