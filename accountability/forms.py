from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.forms import ProgramPartForm
from programs.models import Program
from sro_portal.forms import DateInput
from sro_portal.models import Membership, School, User
from sro_portal.roles import Role

from .models import (
    AccountabilitySettings,
    Complaint,
    Contact,
    DataSource,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    PublicPage,
)


class ComplaintForm(forms.ModelForm):
    """The public form. It asks only for what the complaint needs; every contact field is
    optional, so a complaint may be anonymous."""

    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        label=_("School"),
        help_text=_("The school where it happened, or the school the SRO serves."),
    )
    # Left empty by people; filled in by bots, which are then turned away.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Complaint
        fields = [
            "school",
            "officer_name",
            "occurred_on",
            "description",
            "contact_name",
            "contact_email",
            "contact_phone",
            "reply_by",
        ]
        widgets = {
            "occurred_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
            "reply_by": forms.RadioSelect,
        }
        help_texts = {
            "description": _(
                "Say what happened, where and when. Please do not give the names of students."
            ),
            "contact_name": _("Optional: you may stay anonymous."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = (
            School.objects.filter(
                district__programs__in=Program.objects.exclude(status=Program.Status.ENDED)
            )
            .distinct()
            .select_related("district")
        )
        self.fields["school"].label_from_instance = lambda s: f"{s.name} ({s.district.name})"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean(self):
        cleaned = super().clean()
        school = cleaned.get("school")
        if school is not None:
            programs = Program.objects.filter(district_id=school.district_id).exclude(
                status=Program.Status.ENDED
            )
            # An active program answers for its schools; otherwise the most recent one.
            self.instance.program = (
                programs.filter(status=Program.Status.ACTIVE).first()
                or programs.order_by("-created_at").first()
            )
        return cleaned


class StatusLookupForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)

    def clean_tracking_code(self):
        return self.cleaned_data["tracking_code"].strip().upper()


class ComplaintVersionMixin:
    """The complaint's version when the page was opened: a change based on an older one is
    refused (someone else moved or assigned the complaint meanwhile)."""

    def add_version(self, complaint):
        self.fields["expected_version"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=complaint.version, min_value=1
        )


class ComplaintStatusForm(ComplaintVersionMixin, forms.Form):
    to_status = forms.ChoiceField(label="New status")
    note = forms.CharField(max_length=500, required=False)
    finding = forms.ChoiceField(
        choices=[("", "---------"), *Complaint.Finding.choices],
        required=False,
        help_text="When resolving.",
    )
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="When resolving.",
    )

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Complaint.TRANSITIONS[complaint.status]
        self.fields["to_status"].choices = [
            (value, label) for value, label in Complaint.Status.choices if value in allowed
        ]
        self.add_version(complaint)


class ReviewerForm(ComplaintVersionMixin, forms.Form):
    reviewer = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args, complaint, **kwargs):
        super().__init__(*args, **kwargs)
        handlers = Membership.objects.filter(
            Q(role=Role.DISTRICT_ADMIN, district_id=complaint.district_id)
            | Q(role=Role.AGENCY_SUPERVISOR, agency_id=complaint.agency_id)
        ).values("user_id")
        self.fields["reviewer"].queryset = User.objects.filter(pk__in=handlers, is_active=True)
        self.add_version(complaint)


class ContactForm(ProgramPartForm):
    class Meta:
        model = Contact
        fields = ["level", "school", "name", "title", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=self.program.district)


class MeetingForm(ProgramPartForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "school", "attendees", "topics", "notes", "follow_ups"]
        widgets = {"held_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=self.program.district)


class ExpectationForm(ProgramPartForm):
    class Meta:
        model = Expectation
        fields = ["held_by", "text"]


class SettingsForm(ProgramPartForm):
    class Meta:
        model = AccountabilitySettings
        fields = ["acknowledge_within_days", "meeting_every_days"]


class EvaluationPlanForm(ProgramPartForm):
    data_sources = forms.MultipleChoiceField(
        choices=DataSource.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EvaluationPlan
        fields = ["evaluators", "every_months", "measures", "data_sources"]


class EvaluationForm(ProgramPartForm):
    class Meta:
        model = Evaluation
        fields = [
            "period_start",
            "period_end",
            "conducted_on",
            "evaluators",
            "findings",
            "recommendations",
        ]
        widgets = {"period_start": DateInput, "period_end": DateInput, "conducted_on": DateInput}


class PublicPageForm(forms.ModelForm):
    """What a district publishes: the page itself, its sections and which contacts."""

    class Meta:
        model = PublicPage
        fields = ["published", *PublicPage.SECTIONS, "contacts"]
        labels = {"published": "Publish the page (anyone can read it, without signing in)"}
        widgets = {"contacts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = Contact.objects.filter(
            program__district=self.instance.district
        ).select_related("program")
