from django import forms

from sro_portal.forms import DateInput
from sro_portal.models import User

from .models import Audience, Completion, Course, Requirement, Topic


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
