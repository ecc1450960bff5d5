"""The filters of the reports: what a person may choose is only what they may see, and every bad
input is answered beside its field, never with an error page."""

from django import forms

from programs.models import Program
from sro_portal.forms import LongSelect
from sro_portal.models import Agency, District, School
from sro_portal.schoolyear import PeriodForm
from sro_portal.scope import scope_of

from .aggregates import ENFORCEMENT_DIMENSIONS
from .models import Enrollment

DIMENSION_CHOICES = [(d.name, d.label) for d in ENFORCEMENT_DIMENSIONS.values()]


class ScopedChoiceField(forms.ModelChoiceField):
    widget = LongSelect

    def __init__(self, *args, noun, plural="", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", f"All {plural or noun + 's'} you may see")
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = (
            f"That {noun} is unknown, or not one you may report on: choose one from the list."
        )


class EnforcementReportForm(PeriodForm):
    program = ScopedChoiceField(Program.objects.none(), noun="program")
    district = ScopedChoiceField(District.objects.none(), noun="district")
    school = ScopedChoiceField(School.objects.none(), noun="school")
    agency = ScopedChoiceField(Agency.objects.none(), noun="agency", plural="agencies")
    row = forms.ChoiceField(label="Cross rows", choices=DIMENSION_CHOICES, required=False)
    column = forms.ChoiceField(label="by columns", choices=DIMENSION_CHOICES, required=False)

    DEFAULT_CROSS = ("race", "disability")
    field_order = ["program", "district", "school", "agency", "school_year", "start", "end"]

    def __init__(self, data, *, user):
        if data is not None and not (data.get("row") or data.get("column")):
            # The form shows the breakdowns the report crosses when none were chosen.
            data = data.copy()
            data["row"], data["column"] = self.DEFAULT_CROSS
        super().__init__(data)
        self.user = user
        scope = scope_of(user)
        self.fields["program"].queryset = Program.objects.visible_to(user).order_by("name")
        self.fields["school"].queryset = School.objects.visible_to(user).order_by("name")
        self.fields["agency"].queryset = Agency.objects.visible_to(user).order_by("name")
        if scope.is_state_staff:
            self.fields["district"].queryset = District.objects.order_by("name")
        else:
            del self.fields["district"]
        unknown = "{value} is not a breakdown of this report: choose one from the list."
        for name in ("row", "column"):
            self.fields[name].error_messages["invalid_choice"] = unknown.replace(
                "{value}", "%(value)s"
            )

    def clean(self):
        data = super().clean()
        data["row"] = data.get("row") or self.DEFAULT_CROSS[0]
        data["column"] = data.get("column") or self.DEFAULT_CROSS[1]
        if data["row"] == data["column"] and "row" not in self.errors:
            self.add_error("column", "Choose two different breakdowns to cross.")
        return data


SORT_COLUMNS = {
    "district": "District",
    "actions": "Actions",
    "enrolled": "Enrolled",
    "per_100": "Per 100 enrolled",
    "group_actions": "Group actions",
    "group_enrolled": "Group enrolled",
    "group_per_100": "Group per 100 enrolled",
    "relative_rate": "Relative rate",
}


def _group_choices():
    from .aggregates import group_label

    return [(g, group_label(g)) for g in Enrollment.GROUPS]


class DistrictComparisonForm(PeriodForm):
    group = forms.ChoiceField(label="Student group", choices=_group_choices, required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            *((k, v) for k, v in SORT_COLUMNS.items()),
            *((f"-{k}", f"{v}, highest first") for k, v in SORT_COLUMNS.items()),
        ],
    )

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["group"].error_messages["invalid_choice"] = (
            "%(value)s is not a student group enrollment counts: choose one from the list."
        )
        self.fields["sort"].error_messages["invalid_choice"] = (
            "%(value)s is not a column of this table: choose one from the list."
        )

    def clean(self):
        data = super().clean()
        data["group"] = data.get("group") or "black"
        data["sort"] = data.get("sort") or "district"
        return data
