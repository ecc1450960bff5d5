"""The activity report: what SROs' days are made of, by part of the job, activity, SRO, school
and month, each as a table with a chart, and each as CSV or XLSX.

Every number comes from `aggregates.activity_mix`; the page runs a fixed number of queries
whatever the data size: the three lists of choices and one aggregate per table.
"""

from django import forms
from django.http import Http404
from django.views.generic import TemplateView

from incidents.models import ActivityLog, ActivityType
from programs.models import Program
from sro_portal.access import ScopedAccessMixin
from sro_portal.exports import FORMATS, Export
from sro_portal.models import School, User
from sro_portal.roles import Role
from sro_portal.schoolyear import PeriodForm

from ..aggregates import (
    activity_mix,
)
from ..charts import Chart
from .report_common import query_without_export, report_links

EVERY_ROLE = frozenset(Role)
# The parts of the job that are not enforcement: the source document asks that they show.
PREVENTION = {
    ActivityType.Group.COUNSELOR_MENTOR,
    ActivityType.Group.EDUCATOR,
    ActivityType.Group.OUTREACH,
}
TABLES = {
    "group": ("Part of the job", "Time by part of the job"),
    "activity_type": ("Activity", "Time by activity"),
    "officer": ("SRO", "Time per SRO"),
    "school": ("School", "Time per school"),
    "month": ("Month", "Time per month"),
}
EXPORT_HEADERS = ["Hours", "Minutes", "Entries", "Students met", "Staff met"]


class ActivityFilterForm(PeriodForm):
    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    school = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    officer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="SRO")

    NOT_IN_SCOPE = {
        "program": "Choose a program from the list: that one is unknown or not yours to see.",
        "school": "Choose a school from the list: that one is unknown or not yours to see.",
        "officer": "Choose an SRO from the list: that one is unknown or not yours to see.",
    }

    def __init__(self, *args, programs, schools, officers, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, options in [
            ("program", "All programs", programs),
            ("school", "All schools", schools),
            ("officer", "All SROs", officers),
        ]:
            field = self.fields[name]
            field.choices = [("", label), *options]
            field.error_messages["invalid_choice"] = self.NOT_IN_SCOPE[name]


def _officer_name(user) -> str:
    return user.get_full_name() or user.username


class ActivityReportView(ScopedAccessMixin, TemplateView):
    """A typical day: time and entries by part of the job, activity, SRO, school and month."""

    roles = EVERY_ROLE
    template_name = "accountability/report_activity.html"

    def choices(self):
        user = self.request.user
        programs = [
            (p.pk, p.name)
            for p in Program.objects.visible_to(user).only("pk", "name").order_by("name")
        ]
        schools = [
            (s.pk, s.name)
            for s in School.objects.visible_to(user).only("pk", "name").order_by("name")
        ]
        officers = list(
            User.objects.visible_to(user)
            .filter(memberships__role=Role.SRO)
            .distinct()
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name", "username")
        )
        self.officer_names = {o.username: _officer_name(o) for o in officers}
        return {
            "programs": programs,
            "schools": schools,
            "officers": [(o.pk, _officer_name(o)) for o in officers],
        }

    def get_form(self):
        data = self.request.GET if any(k in self.request.GET for k in self.FILTERS) else None
        return ActivityFilterForm(data, **self.choices())

    FILTERS = ("school_year", "start", "end", "program", "school", "officer")

    def logs(self, form):
        start, end, _ = form.period()
        logs = ActivityLog.objects.visible_to(self.request.user).filter(
            occurred_on__range=(start, end)
        )
        data = form.cleaned_data
        if data.get("program"):
            logs = logs.filter(assignment__program_id=data["program"])
        if data.get("school"):
            logs = logs.filter(school_id=data["school"])
        if data.get("officer"):
            logs = logs.filter(officer_id=data["officer"])
        return logs

    def tables(self, form) -> dict:
        logs = self.logs(form)
        tables = {}
        for name in TABLES:
            rows = activity_mix(logs, name)
            if name == "group":
                rows = every_group(rows)
            if name == "officer":
                for row in rows:
                    row["label"] = self.officer_names.get(row["key"], row["label"])
            tables[name] = rows
        return tables

    def filters_shown(self, form) -> dict:
        _, _, period = form.period()
        data = form.cleaned_data
        shown = {"Period": period}
        for name, label, every in [
            ("program", "Program", "All programs"),
            ("school", "School", "All schools"),
            ("officer", "SRO", "All SROs"),
        ]:
            choices = dict(form.fields[name].choices)
            shown[label] = choices.get(data.get(name), every) if data.get(name) else every
        return shown

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            valid = form.is_valid()
        else:
            form.cleaned_data = {}
            valid = True
        fmt = request.GET.get("format")
        if fmt:
            if fmt not in FORMATS or not valid:
                raise Http404("No such export.")
            return self.export(form, request.GET.get("table", "all"), fmt)
        context = self.get_context_data(
            form=form, valid=valid, report_links=report_links(request), **kwargs
        )
        if valid:
            tables = self.tables(form)
            context.update(
                period=form.period()[2],
                filters=self.filters_shown(form),
                sections=[
                    {
                        "name": name,
                        "heading": heading,
                        "chart": _chart(name, heading, label, tables[name]),
                    }
                    for name, (label, heading) in TABLES.items()
                ],
                summary=_summary(tables["group"]),
                query=query_without_export(request.GET),
            )
        return self.render_to_response(context)

    def export(self, form, table, fmt):
        if table != "all" and table not in TABLES:
            raise Http404("No such table.")
        tables = self.tables(form)
        filters = self.filters_shown(form)

        def cells(row):
            return [row["hours"], row["minutes"], row["entries"], row["students"], row["staff"]]

        if table == "all":
            headers = ["Breakdown", "Label", *EXPORT_HEADERS]
            rows = [
                [TABLES[name][0], row["label"], *cells(row)]
                for name in TABLES
                for row in tables[name]
            ]
            title = "SRO activity"
        else:
            label, heading = TABLES[table]
            headers = [label, *EXPORT_HEADERS]
            rows = [[row["label"], *cells(row)] for row in tables[table]]
            title = f"SRO activity: {heading.lower()}"
        return Export(title, headers, rows, filters).response(fmt)


def every_group(rows):
    """Every part of the job in the order of its choices, zero or not, so teaching and
    mentoring show even in a period without them."""
    found = {row["key"]: row for row in rows}
    empty = {"minutes": 0, "hours": 0.0, "entries": 0, "students": 0, "staff": 0}
    return [
        found.get(value, {"key": value, "label": str(label), **empty})
        for value, label in ActivityType.Group.choices
    ]


def _chart(name, heading, label, rows) -> Chart:
    return Chart(
        id=f"activity-{name.replace('_', '-')}",
        title=heading,
        label_heading=label,
        labels=[row["label"] for row in rows],
        series=[
            {"label": "Hours", "values": [row["hours"] for row in rows]},
            {"label": "Entries", "values": [row["entries"] for row in rows]},
        ],
        horizontal=len(rows) > 6,
    )


def _summary(group_rows) -> dict:
    minutes = sum(row["minutes"] for row in group_rows)
    enforcement = sum(
        row["minutes"] for row in group_rows if row["key"] == ActivityType.Group.LAW_ENFORCEMENT
    )
    prevention = sum(row["minutes"] for row in group_rows if row["key"] in PREVENTION)

    def share(part):
        return round(100 * part / minutes) if minutes else 0

    return {
        "hours": round(minutes / 60, 1),
        "entries": sum(row["entries"] for row in group_rows),
        "enforcement_share": share(enforcement),
        "prevention_share": share(prevention),
    }
