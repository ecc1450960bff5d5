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
from ..suppression import (
    leaves_district,
    safe_rate,
    suppress,
    suppress_counts,
    suppression_note,
)
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
        """The report as one table. When it leaves the district that owns its records (see
        `leaves_district`), every count of students goes through `suppress`: each breakdown is
        its own table, the two crossed breakdowns take their margins from the cross table so
        that no number is shown in one place and withheld in the other, and a rate whose count
        or denominator is hidden is left blank."""
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
        suppressed = leaves_district(self.request.user, self.districts_held(report))
        cross = report["cross"]
        data = report["data"]
        # Per breakdown: label -> the count shown. Counts as they are, or suppressed.
        if suppressed:
            table = suppress(
                [label for label, _, _ in cross.rows],
                cross.columns,
                [values for _, values, _ in cross.rows],
            )
            cross_cells = table.cells
            cross_row_totals = table.row_totals
            cross_column_totals = table.column_totals
            margins = {
                data["row"]: dict(zip(table.rows, table.row_totals, strict=True)),
                data["column"]: dict(zip(table.columns, table.column_totals, strict=True)),
            }
            shown = {}
            for b in report["breakdowns"]:
                # The cross table names a school by its name alone: its margins stand for the
                # breakdown only where each of the breakdown's schools has a name of its own.
                keys = [r.get("name", r["label"]) for r in b.rows]
                margin = margins.get(b.name, {})
                if b.name in margins and len(set(keys)) == len(keys) and set(keys) <= set(margin):
                    shown[b.name] = {
                        r["label"]: margin[key] for r, key in zip(b.rows, keys, strict=True)
                    }
                else:
                    labels = [r["label"] for r in b.rows]
                    counts = suppress_counts(labels, [r["count"] for r in b.rows])
                    shown[b.name] = dict(zip(labels, (c[0] for c in counts.cells), strict=True))
            total = suppress_counts(["All"], [report["total"]]).total
        else:
            cross_cells = [values for _, values, _ in cross.rows]
            cross_row_totals = [row_total for _, _, row_total in cross.rows]
            cross_column_totals = cross.column_totals
            shown = {b.name: {r["label"]: r["count"] for r in b.rows} for b in report["breakdowns"]}
            total = report["total"]

        rows = [["Total", "All enforcement actions", "All", "", total, "", "", ""]]
        for b in report["breakdowns"]:
            for r in b.rows:
                count = shown[b.name].get(r["label"], 0)
                rows.append(["Breakdown", b.label, r.get("name", r["label"]), r["code"], count])
                rows[-1] += ["", "", ""]
        section = f"{cross.row_label} by {cross.column_label}"
        for (label, _, _), values, row_total in zip(
            cross.rows, cross_cells, cross_row_totals, strict=True
        ):
            for column, value in zip(cross.columns, values, strict=True):
                rows.append([section, label, column, "", value, "", "", ""])
            rows.append([section, label, "All", "", row_total, "", "", ""])
        for column, value in zip(cross.columns, cross_column_totals, strict=True):
            rows.append([section, "All", column, "", value, "", "", ""])
        if report["enrollment"]:
            e = report["enrollment"]
            rows.append(["Rates", "All students", "All", "", total, e["total"]])
            rows[-1] += [_round(safe_rate(total, e["total"])), ""]
            for name, (label, rate_rows) in zip(RATED_DIMENSIONS, report["rates"], strict=True):
                rows += self.rate_rows(label, rate_rows, shown[name], total, e, suppressed)
        else:
            missing = "; ".join(report["missing_enrollment"])
            rows.append(["Rates", f"No enrollment recorded for {missing}: rates are not shown"])
            rows[-1] += ["", "", "", "", "", ""]
        filters = {**report["filters"], **suppression_note(suppressed)}
        return Export(self.title, headers, rows, filters)

    @staticmethod
    def rate_rows(label, rate_rows, shown, total, enrollment, suppressed):
        """A rated breakdown's rows: its counts as shown in the breakdown above, its enrollment
        (suppressed as its own table where the export leaves the district), and its rates, left
        blank when any number they are worked out from is hidden: the relative rate, with the
        total, would give the count back."""
        if not suppressed:
            return [
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
                for r in rate_rows
            ]
        enrolled_rows = [r for r in rate_rows if r.enrolled is not None]
        enrolled = suppress_counts(
            [r.label for r in enrolled_rows], [r.enrolled for r in enrolled_rows]
        )
        enrolled_shown = dict(zip(enrolled.rows, (c[0] for c in enrolled.cells), strict=True))
        all_enrolled = enrollment["total"]
        result = []
        for r in rate_rows:
            count = shown.get(r.label, 0)
            group_enrolled = enrolled_shown.get(r.label)
            per_100 = safe_rate(count, group_enrolled)
            hidden = per_100 is None or safe_rate(total, all_enrolled) is None
            relative = None if hidden else r.relative_rate
            result.append(
                [
                    "Rates",
                    label,
                    r.label,
                    "",
                    count,
                    group_enrolled if group_enrolled is not None else "",
                    _round(per_100),
                    _round(relative),
                ]
            )
        return result

    @staticmethod
    def districts_held(report):
        """The districts whose records the report holds: those of its actions and of the
        schools whose enrollment it uses."""
        actions = report["actions"].order_by().values_list("district_id", flat=True).distinct()
        schools = report["schools"].order_by().values_list("district_id", flat=True).distinct()
        return {*actions, *schools}

    def crdc(self, report):
        # Not suppressed, deliberately: the CRDC file is the district's own federal submission
        # (exact counts are what the Office for Civil Rights asks for), downloaded only by a
        # district administrator and only for the districts they administer, so it never leaves
        # the district that owns the records.
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
        """Districts side by side leave every district: the download is always suppressed (the
        page itself is for state staff only and shows the counts). Actions are a table of
        districts by group and other students, enrollment likewise; a rate is blank when a number
        it is worked out from is hidden."""
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
        actions = suppress(
            [r.district_id for r in rows],
            [group, "Other students"],
            [[r.group_actions, r.actions - r.group_actions] for r in rows],
        )
        enrolled_rows = [r for r in rows if r.enrolled is not None]
        enrolled = suppress(
            [r.district_id for r in enrolled_rows],
            [group, "Other students"],
            [[r.group_enrolled, r.enrolled - r.group_enrolled] for r in enrolled_rows],
        )
        enrolled_shown = {
            pk: (total, cells[0])
            for pk, total, cells in zip(
                enrolled.rows, enrolled.row_totals, enrolled.cells, strict=True
            )
        }
        body = []
        for r, n, cells in zip(rows, actions.row_totals, actions.cells, strict=True):
            g = cells[0]
            e, ge = enrolled_shown.get(r.district_id, (None, None))
            per_100 = safe_rate(n, e)
            group_per_100 = safe_rate(g, ge)
            relative = r.relative_rate if None not in (per_100, group_per_100) else None
            body.append(
                [
                    r.name,
                    r.code,
                    n,
                    e if e is not None else "",
                    _round(per_100),
                    g,
                    ge if ge is not None else "",
                    _round(group_per_100),
                    _round(relative),
                    f"{r.schools_enrolled} of {r.schools}",
                ]
            )
        filters = {
            **_period_filters(data),
            "Student group": group,
            "Sorted by": dict(self.form.fields["sort"].choices)[data["sort"]],
            **suppression_note(True),
        }
        return Export(self.title, headers, body, filters)
