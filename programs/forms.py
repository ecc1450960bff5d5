from django import forms

from sro_portal.forms import DateInput, VersionedForm
from sro_portal.models import Agency, District, School, User
from sro_portal.roles import Role

from .models import (
    MOU,
    Assignment,
    Candidate,
    CandidateRating,
    MOUDrafter,
    MOUReview,
    NeedsAssessment,
    NonEnforcementResponse,
    OutreachComponent,
    Position,
    Program,
    PropertyArea,
    ProtocolEntry,
    Responsibility,
    SelectionCriterion,
    Side,
    Stakeholder,
)


class ProgramCreateForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["district", "agency", "name", "purpose"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A program is proposed by a district administrator, with any agency of the state.
        self.fields["district"].queryset = District.objects.filter(pk__in=user.scope.district_ids)
        self.fields["agency"].queryset = Agency.objects.all()


class ProgramForm(VersionedForm):
    class Meta:
        model = Program
        fields = ["name", "purpose"]


class ProgramStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Program.TRANSITIONS[program.status]
        self.fields["to_status"].choices = [
            (value, label) for value, label in Program.Status.choices if value in allowed
        ]


class NeedsAssessmentForm(VersionedForm):
    stakeholders_consulted = forms.MultipleChoiceField(
        choices=Stakeholder.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Students, families, law enforcement, school staff and community partners.",
    )

    class Meta:
        model = NeedsAssessment
        fields = [
            "problems",
            "root_causes",
            "data_reviewed",
            "stakeholders_consulted",
            "alternatives_considered",
            "conclusion",
            "sro_purpose",
            "concluded_on",
        ]
        widgets = {"concluded_on": DateInput}


class ProgramPartForm(forms.ModelForm):
    """A form for one part of a program: choices are limited to that program."""

    def __init__(self, *args, program, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.user = user


class VersionedPartForm(ProgramPartForm, VersionedForm):
    """A part several people edit: it carries the version the person opened."""


class ResponsibilityForm(VersionedPartForm):
    class Meta:
        model = Responsibility
        fields = ["part_of_job", "description", "sro_does"]

    def save(self, commit=True):
        if not self.instance.pk:
            sides = self.program.sides_of(self.user)
            self.instance.drafted_by = Side.DISTRICT if Side.DISTRICT in sides else Side.AGENCY
        return super().save(commit)


class ProtocolEntryForm(VersionedPartForm):
    non_enforcement_responses = forms.MultipleChoiceField(
        choices=NonEnforcementResponse.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Responses short of enforcement",
    )

    class Meta:
        model = ProtocolEntry
        fields = ["situation", "classification", "responder", "non_enforcement_responses", "notes"]


class SelectionCriterionForm(VersionedPartForm):
    class Meta:
        model = SelectionCriterion
        fields = ["kind", "description"]


class CandidateForm(VersionedPartForm):
    class Meta:
        model = Candidate
        fields = ["name", "notes"]


class CandidateRatingForm(VersionedPartForm):
    class Meta:
        model = CandidateRating
        fields = ["candidate", "criterion", "rater_name", "rater_stake", "score", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = self.program.candidates.all()
        self.fields["criterion"].queryset = self.program.selection_criteria.all()


class PositionForm(VersionedPartForm):
    class Meta:
        model = Position
        fields = ["side", "kind", "title", "holder_name", "reports_to", "duties"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports_to"].queryset = self.program.positions.exclude(pk=self.instance.pk)


class PropertyAreaForm(VersionedPartForm):
    class Meta:
        model = PropertyArea
        fields = ["school", "kind", "description", "under_sro_control"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=self.program.district)


class OutreachComponentForm(VersionedPartForm):
    class Meta:
        model = OutreachComponent
        fields = ["component", "kind", "audience", "frequency"]


class MOUForm(ProgramPartForm, VersionedForm):
    """The MOU's own text, and for each section the source asks for, a way to mark it not
    applicable to this program: with the reason, beside it."""

    class Meta:
        model = MOU
        fields = [
            "effective_on",
            "ends_on",
            "information_sharing",
            "training",
            "complaint_process",
            "evaluation",
            "oversight",
        ]
        widgets = {"effective_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        marks = self.instance.not_applicable or {}
        for key, label in MOU.SECTIONS.items():
            self.fields[f"na_{key}"] = forms.BooleanField(
                required=False, label=f"{label}: not applicable", initial=key in marks
            )
            self.fields[f"na_{key}_reason"] = forms.CharField(
                required=False,
                max_length=500,
                label=f"{label}: why it does not apply",
                initial=marks.get(key, ""),
            )

    def clean(self):
        cleaned = super().clean()
        marks = {}
        for key in MOU.SECTIONS:
            reason = (cleaned.get(f"na_{key}_reason") or "").strip()
            if cleaned.get(f"na_{key}"):
                if not reason:
                    self.add_error(
                        f"na_{key}_reason", "Give the reason this section does not apply."
                    )
                marks[key] = reason
        self.instance.not_applicable = {k: r for k, r in marks.items() if r}
        return cleaned

    def model_changed_fields(self) -> list[str]:
        """The MOU's fields this form changed (the not-applicable marks are one field)."""
        fields = [f for f in self.changed_data if f in self._meta.fields]
        if any(f.startswith("na_") for f in self.changed_data):
            fields.append("not_applicable")
        return fields


class MOUDrafterForm(forms.ModelForm):
    class Meta:
        model = MOUDrafter
        fields = ["name", "party", "role"]


class SideForm(forms.Form):
    side = forms.ChoiceField(choices=Side.choices)


class MOUSignForm(forms.Form):
    side = forms.ChoiceField(choices=Side.choices, label="Signing for")
    signatory = forms.CharField(max_length=200, help_text="The superintendent, chief or sheriff.")
    title = forms.CharField(max_length=200)
    signed_on = forms.DateField(widget=DateInput, label="Date signed")
    replaces_current = forms.BooleanField(
        required=False, label="This version replaces the MOU now signed for the program"
    )

    def __init__(self, *args, sides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [(v, label) for v, label in Side.choices if v in sides]

    @classmethod
    def sides_left_to_sign(cls, mou, user) -> set[str]:
        return {s for s in mou.program.sides_of(user) if not getattr(mou, f"{s}_signed_on")}


class MOUReviewForm(forms.ModelForm):
    class Meta:
        model = MOUReview
        fields = ["reviewed_on", "reviewers", "outcome", "changes"]
        widgets = {"reviewed_on": DateInput}


class AssignmentForm(ProgramPartForm):
    class Meta:
        model = Assignment
        fields = ["school", "officer", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=self.program.district)
        self.fields["officer"].queryset = User.objects.filter(
            memberships__role=Role.SRO, memberships__agency=self.program.agency, is_active=True
        ).distinct()
        self.fields["officer"].label = "SRO"
