"""Reports: enforcement actions broken down every way the source document asks, with rates per
100 enrolled students; districts side by side for state staff; the CRDC file. Every number comes
from accountability.aggregates, in a fixed number of queries whatever the data size."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from incidents.models import EnforcementAction
from programs.models import Program
from sro_portal.access import ScopedAccessMixin
from sro_portal.exports import FORMATS, Export
from sro_portal.models import District, School
from sro_portal.roles import Role
from sro_portal.schoolyear import school_year_label
from sro_portal.scope import scope_of

from ..aggregates import (
    ENFORCEMENT_DIMENSIONS,
    RATED_DIMENSIONS,
    crosstab,
    district_comparison,
    enforcement_by_school,
    enforcement_counts,
    enforcement_of,
    enrollment_totals,
    group_label,
    in_period,
    rates,
)
from ..charts import bar_chart
from ..crdc import crdc_csv
from ..models import Enrollment
from ..report_forms import SORT_COLUMNS, DistrictComparisonForm, EnforcementReportForm
from .report_common import report_links

REPORT_ROLES = frozenset(
    {Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN, Role.AGENCY_SUPERVISOR}
)
# The breakdowns shown one by one, in this order ("school" has its own, with DPI codes).
BREAKDOWNS = [
    "kind",
    "offense_category",
    "referred_for_charging",
    "on_school_property",
    "taken_by",
    "school",
    "month",
    "race",
    "gender",
    "disability",
    "english_learner",
    "age",
    "grade",
]
MISSING_SHOWN = 8


@dataclass
class Breakdown:
    name: str
    label: str
    rows: list  # [{"label", "count", "code"}]
    chart: object


def _period_filters(data):
    return {"Period": data["period_label"]}


class EnforcementReportView(ScopedAccessMixin, TemplateView):
    """Enforcement actions in the filter's period and scope, broken down, crossed and rated."""

    roles = REPORT_ROLES
    template_name = "accountability/report_enforcement.html"
    title = "Enforcement report"

    def get(self, request, *args, **kwargs):
        self.form = EnforcementReportForm(request.GET, user=request.user)
        fmt = request.GET.get("format", "")
        if fmt and self.form.is_valid():
            report = self.build(self.form.cleaned_data)
            if fmt == "crdc":
                return self.crdc(report)
            if fmt in FORMATS:
                return self.export(report).response(fmt)
        return super().get(request, *args, **kwargs)

    # What the filter selects.

    def selection(self, data):
        user = self.request.user
        program = data.get("program")
        actions = EnforcementAction.objects.visible_to(user)
        if program is not None:
            actions = actions & enforcement_of(program)
        actions = in_period(actions, data["start"], data["end"])
        schools = School.objects.visible_to(user)
        if data.get("district") is not None:
            actions = actions.filter(district=data["district"])
            schools = schools.filter(district=data["district"])
        if data.get("school") is not None:
            actions = actions.filter(school=data["school"])
            schools = schools.filter(pk=data["school"].pk)
        if data.get("agency") is not None:
            actions = actions.filter(agency=data["agency"])
            served = Program.objects.filter(agency=data["agency"]).values("district_id")
            schools = schools.filter(district_id__in=served)
        if program is not None:
            schools = schools.filter(district_id=program.district_id)
        return actions, schools

    def filters(self, data):
        shown = {}
        for name in ("program", "district", "school", "agency"):
            if name in self.form.fields:
                value = data.get(name)
                shown[self.form.fields[name].label or name.title()] = (
                    str(value) if value is not None else "All you may see"
                )
        if data.get("school") is not None:
            school = data["school"]
            shown["School DPI code"] = f"{school.district.dpi_code}-{school.dpi_code}"
        return {**_period_filters(data), **shown}

    def build(self, data):
        actions, schools = self.selection(data)
        breakdowns = []
        for name in BREAKDOWNS:
            dimension = ENFORCEMENT_DIMENSIONS[name]
            if name == "school":
                rows = [
                    {
                        "label": f"{r.name} ({r.code})",
                        "name": r.name,
                        "code": r.code,
                        "count": r.count,
                    }
                    for r in enforcement_by_school(actions)
                ]
            else:
                rows = [
                    {"label": r.labels[0], "code": "", "count": r.count}
                    for r in enforcement_counts(actions, name)
                ]
            chart = bar_chart(
                f"chart-{name.replace('_', '-')}",
                f"By {dimension.label[0].lower()}{dimension.label[1:]}",
                rows,
                label_heading=dimension.label,
                value_label="Actions",
            )
            breakdowns.append(Breakdown(name, dimension.label, rows, chart))
        total = sum(r["count"] for r in breakdowns[0].rows)  # every action has a kind
        enrollment, missing = self.enrollment(schools, data["years"])
        return {
            "data": data,
            "actions": actions,
            "schools": schools,
            "total": total,
            "breakdowns": breakdowns,
            "cross": crosstab(actions, data["row"], data["column"]),
            "enrollment": enrollment,
            "missing_enrollment": missing,
            "overall_per_100": 100 * total / enrollment["total"] if enrollment else None,
            "rates": [
                (ENFORCEMENT_DIMENSIONS[name].label, rates(actions, name, enrollment))
                for name in RATED_DIMENSIONS
            ]
            if enrollment
            else [],
            "filters": self.filters(data),
        }

    def enrollment(self, schools, years):
        """Enrollment summed over the filter's schools and years, or None with what is missing:
        rates over part of the schools would mislead, so none are given then."""
        names = dict(schools.values_list("pk", "name"))
        if not names:
            return None, ["the schools of this filter (there are none)"]
        recorded = set(
            Enrollment.objects.filter(school__in=schools, school_year__in=years).values_list(
                "school_id", "school_year"
            )
        )
        missing = [
            f"{names[pk]} in {school_year_label(year)}"
            for pk in sorted(names, key=names.get)
            for year in years
            if (pk, year) not in recorded
        ]
        if missing:
            if len(missing) > MISSING_SHOWN:
                rest = len(missing) - MISSING_SHOWN
                missing = [*missing[:MISSING_SHOWN], f"{rest} more school years"]
            return None, missing
        totals = enrollment_totals(
            Enrollment.objects.filter(school__in=schools, school_year__in=years)
        )
        return totals, []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            form=self.form, title=self.title, report_links=report_links(self.request), **kwargs
        )
        if self.form.is_valid():
            context.update(self.build(self.form.cleaned_data))
            query = self.request.GET.copy()
            query.pop("format", None)
            context["query"] = query.urlencode()
            context["may_download_crdc"] = Role.DISTRICT_ADMIN in scope_of(self.request.user).roles
        return context

    # Downloads.

    def export(self, report) -> Export:
        headers = [
            "Section",
            "Breakdown",
            "Group",
            "School DPI code",
            "Actions",
            "Enrolled",
            "Per 100 enrolled",
            "Relative rate",
        ]
        rows = [["Total", "All enforcement actions", "All", "", report["total"], "", "", ""]]
        for b in report["breakdowns"]:
            for r in b.rows:
                rows.append(
                    ["Breakdown", b.label, r.get("name", r["label"]), r["code"], r["count"]]
                )
                rows[-1] += ["", "", ""]
        cross = report["cross"]
        section = f"{cross.row_label} by {cross.column_label}"
        for label, values, row_total in cross.rows:
            for column, value in zip(cross.columns, values, strict=True):
                rows.append([section, label, column, "", value, "", "", ""])
            rows.append([section, label, "All", "", row_total, "", "", ""])
        for column, value in zip(cross.columns, cross.column_totals, strict=True):
            rows.append([section, "All", column, "", value, "", "", ""])
        if report["enrollment"]:
            e = report["enrollment"]
            rows.append(["Rates", "All students", "All", "", report["total"], e["total"]])
            rows[-1] += [_round(100 * report["total"] / e["total"]), ""]
            for label, rate_rows in report["rates"]:
                for r in rate_rows:
                    rows.append(
                        [
                            "Rates",
                            label,
                            r.label,
                            "",
                            r.count,
                            r.enrolled if r.enrolled is not None else "",
                            _round(r.per_100),
                            _round(r.relative_rate),
                        ]
                    )
        else:
            missing = "; ".join(report["missing_enrollment"])
            rows.append(["Rates", f"No enrollment recorded for {missing}: rates are not shown"])
            rows[-1] += ["", "", "", "", "", ""]
        return Export(self.title, headers, rows, report["filters"])

    def crdc(self, report):
        if Role.DISTRICT_ADMIN not in scope_of(self.request.user).roles:
            raise PermissionDenied
        scope = scope_of(self.request.user)
        actions = report["actions"].filter(district_id__in=scope.district_ids)
        schools = report["schools"].filter(district_id__in=scope.district_ids)
        response = HttpResponse(crdc_csv(actions, schools), content_type=FORMATS["csv"])
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="crdc-{stamp}.csv"'
        return response


def _round(value, places=2):
    return round(value, places) if value is not None else ""


class DistrictComparisonView(ScopedAccessMixin, TemplateView):
    """Every district side by side, for state staff: actions, enrollment, rates."""

    roles = frozenset({Role.STATE_STAFF})
    template_name = "accountability/report_districts.html"
    title = "Districts compared"

    def get(self, request, *args, **kwargs):
        self.form = DistrictComparisonForm(request.GET)
        fmt = request.GET.get("format", "")
        if fmt in FORMATS and self.form.is_valid():
            data = self.form.cleaned_data
            return self.export(data, self.rows(data)).response(fmt)
        return super().get(request, *args, **kwargs)

    def rows(self, data):
        actions = in_period(EnforcementAction.objects.all(), data["start"], data["end"])
        enrollment = Enrollment.objects.filter(school_year__in=data["years"])
        rows = district_comparison(District.objects.all(), actions, enrollment, data["group"])
        key = data["sort"].lstrip("-")
        descending = data["sort"].startswith("-")
        if key == "district":
            return sorted(rows, key=lambda r: r.name.lower(), reverse=descending)
        present = [r for r in rows if getattr(r, key) is not None]
        absent = [r for r in rows if getattr(r, key) is None]
        present.sort(key=lambda r: (getattr(r, key), r.name.lower()), reverse=descending)
        return present + absent

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            form=self.form, title=self.title, report_links=report_links(self.request), **kwargs
        )
        if self.form.is_valid():
            data = self.form.cleaned_data
            query = self.request.GET.copy()
            query.pop("format", None)
            query.pop("sort", None)
            context.update(
                data=data,
                rows=self.rows(data),
                group=group_label(data["group"]),
                query=query.urlencode(),
                columns=[
                    (key, label, f"-{key}" if data["sort"] == key else key)
                    for key, label in SORT_COLUMNS.items()
                ],
            )
        return context

    def export(self, data, rows) -> Export:
        group = group_label(data["group"])
        headers = [
            "District",
            "DPI code",
            "Actions",
            "Enrolled",
            "Per 100 enrolled",
            f"{group}: actions",
            f"{group}: enrolled",
            f"{group}: per 100 enrolled",
            f"{group}: relative rate",
            "Schools with enrollment",
        ]
        body = [
            [
                r.name,
                r.code,
                r.actions,
                r.enrolled if r.enrolled is not None else "",
                _round(r.per_100),
                r.group_actions,
                r.group_enrolled if r.group_enrolled is not None else "",
                _round(r.group_per_100),
                _round(r.relative_rate),
                f"{r.schools_enrolled} of {r.schools}",
            ]
            for r in rows
        ]
        filters = {
            **_period_filters(data),
            "Student group": group,
            "Sorted by": dict(self.form.fields["sort"].choices)[data["sort"]],
        }
        return Export(self.title, headers, body, filters)
