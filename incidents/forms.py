from django import forms
from django.utils import timezone

from programs.models import Assignment, Classification
from sro_portal.forms import DateInput
from sro_portal.models import School

from .models import ActivityLog, ActivityType, EnforcementAction, Incident, SROResponse

# The enforcement action an incident's SRO response names, to start its form with.
KIND_FOR_RESPONSE = {
    SROResponse.ARREST: EnforcementAction.Kind.ARREST,
    SROResponse.CITATION: EnforcementAction.Kind.CITATION,
    SROResponse.CUSTODY: EnforcementAction.Kind.CUSTODY,
    SROResponse.REFERRAL_FOR_CHARGING: EnforcementAction.Kind.REFERRAL,
}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"
    format = "%Y-%m-%dT%H:%M"


def assigned_schools(officer):
    """Schools where the officer is assigned now, for the choice lists of a phone form."""
    return School.objects.filter(
        pk__in=Assignment.objects.active().filter(officer=officer).values("school_id")
    )


class ActivityLogForm(forms.ModelForm):
    class Meta:
        model = ActivityLog
        fields = [
            "school",
            "activity_type",
            "occurred_on",
            "minutes",
            "students_met",
            "staff_met",
            "notes",
        ]
        widgets = {
            "occurred_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 1440}),
            "students_met": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "staff_met": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        labels = {"activity_type": "Activity", "minutes": "Minutes"}

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = assigned_schools(officer)
        # Grouped by the part of the job, so the three parts of the role read at a glance.
        types = self.fields["activity_type"]
        types.queryset = ActivityType.objects.filter(is_active=True)
        groups = {}
        for activity_type in types.queryset:
            groups.setdefault(activity_type.get_group_display(), []).append(
                (activity_type.pk, activity_type.name)
            )
        types.choices = [("", "---------"), *groups.items()]
        if not self.instance.pk and not self.is_bound:
            # Sensible defaults make an entry a few taps: today, the usual school, the last type.
            last = ActivityLog.objects.filter(officer=officer).order_by("-created_at").first()
            schools = list(self.fields["school"].queryset[:2])
            self.initial.setdefault("occurred_on", timezone.localdate())
            self.initial.setdefault("minutes", 30)
            if last:
                self.initial.setdefault("activity_type", last.activity_type_id)
            if last and last.school in schools:
                self.initial.setdefault("school", last.school_id)
            elif len(schools) == 1:
                self.initial.setdefault("school", schools[0].pk)


class ActivityAmendForm(ActivityLogForm):
    class Meta(ActivityLogForm.Meta):
        fields = [*ActivityLogForm.Meta.fields, "amendment_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amendment_reason"].required = True
        self.fields["amendment_reason"].label = "Why the entry is amended"


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "school",
            "occurred_at",
            "location",
            "description",
            "classification",
            "handled_by",
            "school_response",
            "sro_response",
        ]
        widgets = {
            "occurred_at": DateTimeInput,
            "description": forms.Textarea(attrs={"rows": 4}),
            "classification": forms.RadioSelect,
        }

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = assigned_schools(officer)
        self.fields["classification"].choices = Classification.choices
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            schools = list(self.fields["school"].queryset[:2])
            if len(schools) == 1:
                self.initial.setdefault("school", schools[0].pk)


class EnforcementActionForm(forms.ModelForm):
    class Meta:
        model = EnforcementAction
        fields = [
            "kind",
            "occurred_on",
            "offense_type",
            "offense_code",
            "offense_category",
            "referred_for_charging",
            "on_school_property",
            "taken_by",
            "case_number",
            "student_age",
            "student_grade",
            "student_gender",
            "student_race",
            "student_disability",
            "student_english_learner",
        ]
        help_texts = {
            "student_age": "3 to 22. No name, student ID or date of birth is recorded.",
        }
        widgets = {
            "occurred_on": DateInput,
            "student_age": forms.NumberInput(attrs={"inputmode": "numeric", "min": 3, "max": 22}),
        }

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("occurred_on", timezone.localtime(incident.occurred_at).date())
            self.initial.setdefault("on_school_property", incident.on_school_property)
            kind = KIND_FOR_RESPONSE.get(incident.sro_response)
            if kind:
                self.initial.setdefault("kind", kind)
            if incident.sro_response == SROResponse.REFERRAL_FOR_CHARGING:
                self.initial.setdefault("referred_for_charging", True)


class ReviewForm(forms.Form):
    """Carries the incident's version the reviewer opened: a second reviewer at the same time
    is refused instead of overwriting the first review."""

    note = forms.CharField(max_length=500, label="Review note")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = incident.version
