from django import forms
from django.db import models

from sro_portal.forms import DateInput
from sro_portal.models import School, User
from sro_portal.scope import scope_of

from .models import Audience, Completion, Course, Requirement, StaffMember, Topic


def roster_schools(user):
    """The schools whose roster the user keeps (training.manage_staff_member)."""
    scope = scope_of(user)
    schools = School.objects.select_related("district").order_by("district__name", "name")
    if scope.is_state_staff:
        return schools
    return schools.filter(
        models.Q(district_id__in=scope.district_ids) | models.Q(pk__in=scope.school_ids)
    )


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["school", "name", "position", "audience", "started_on", "left_on"]
        widgets = {"started_on": DateInput, "left_on": DateInput}
        help_texts = {"name": "An adult on the school's staff: never a student."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = roster_schools(user)


class StaffCompletionForm(forms.ModelForm):
    """A roster person's training, recorded by an administrator of their school."""

    class Meta:
        model = Completion
        fields = ["course", "completed_on", "hours", "outcome", "score", "certificate"]
        widgets = {"completed_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].help_text = "Hours actually attended; at most the course's length."


class StaffLinkForm(forms.Form):
    user = forms.ModelChoiceField(
        User.objects.none(),
        label="Account",
        help_text="The person's own account: their training record then reads both.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.visible_to(user).filter(is_active=True)


class CourseFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        required=False,
        empty_label="Any topic",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    audience = forms.ChoiceField(
        choices=[("", "Any audience"), *Audience.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class CompletionForm(forms.ModelForm):
    class Meta:
        model = Completion
        fields = ["person", "course", "completed_on", "hours", "outcome", "score", "certificate"]
        widgets = {"completed_on": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.visible_to(user).filter(is_active=True)
        self.fields["person"].queryset = people
        self.fields["person"].required = True
        self.fields["person"].initial = user.pk
        self.fields["course"].queryset = Course.objects.all()
        self.fields["hours"].help_text = "Hours actually attended; at most the course's length."


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = [
            "audience",
            "topic",
            "course",
            "min_hours",
            "frequency",
            "every_n_years",
            "deadline_days",
        ]

    def __init__(self, *args, program, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].help_text = "Either a topic or a course."


class CourseAdminForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "provider",
            "topics",
            "hours",
            "delivery",
            "audiences",
            "collaborative",
            "learning_outcomes",
            "description",
        ]
