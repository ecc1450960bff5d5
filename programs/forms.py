from django import forms
from django.core.validators import validate_email

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
    RatingRound,
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
        # Only raters through a link may stay anonymous.
        self.fields["rater_name"].required = True


MAX_LINKS_PER_GROUP = 500


class RatingRoundForm(forms.ModelForm):
    """A round, and how many one-time links to issue to each stakeholder group."""

    class Meta:
        model = RatingRound
        fields = ["title", "valid_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stake, label in CandidateRating.Stake.choices:
            self.fields[f"links_{stake}"] = forms.IntegerField(
                label=f"Links for: {label}",
                min_value=0,
                max_value=MAX_LINKS_PER_GROUP,
                initial=0,
                required=False,
            )
            self.fields[f"emails_{stake}"] = forms.CharField(
                label=f"Email addresses ({label}), optional",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                help_text="One per line. Each address receives one of this group's links; "
                "the addresses are not kept.",
            )

    def stake_fields(self):
        """(group label, links field, emails field) for each stakeholder group."""
        return [
            (label, self[f"links_{stake}"], self[f"emails_{stake}"])
            for stake, label in CandidateRating.Stake.choices
        ]

    def clean(self):
        cleaned = super().clean()
        for stake, _label in CandidateRating.Stake.choices:
            addresses = (cleaned.get(f"emails_{stake}") or "").split()
            wrong = [a for a in addresses if not _is_email(a)]
            if wrong:
                self.add_error(f"emails_{stake}", f"Not an email address: {', '.join(wrong)}.")
            cleaned[f"emails_{stake}"] = addresses
            if len(addresses) > (cleaned.get(f"links_{stake}") or 0):
                self.add_error(
                    f"emails_{stake}",
                    f"{len(addresses)} addresses need at least {len(addresses)} links.",
                )
        if not any(cleaned.get(f"links_{stake}") for stake in CandidateRating.Stake.values):
            self.add_error(None, "Issue at least one link to at least one group.")
        return cleaned

    def links(self) -> dict[str, int]:
        return {
            stake: self.cleaned_data.get(f"links_{stake}") or 0
            for stake in CandidateRating.Stake.values
        }

    def emails(self) -> dict[str, list[str]]:
        return {
            stake: self.cleaned_data[f"emails_{stake}"]
            for stake in CandidateRating.Stake.values
            if self.cleaned_data[f"emails_{stake}"]
        }


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except forms.ValidationError:
        return False
    return True


SCORES = [
    ("", "Choose a score"),
    (1, "1 (poor)"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 (excellent)"),
]


class RatingForm(forms.Form):
    """A stakeholder scores every candidate against every criterion of the program."""

    rater_name = forms.CharField(
        label="Your name (optional)",
        max_length=200,
        required=False,
        help_text="Leave it blank to stay anonymous: your group is recorded, not who you are.",
    )

    def __init__(self, *args, candidates, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.criteria = criteria
        score_errors = {
            "required": "Choose a score from 1 to 5.",
            "invalid_choice": "Choose a score from 1 to 5.",
        }
        for candidate in candidates:
            for criterion in criteria:
                self.fields[f"score_{candidate.pk}_{criterion.pk}"] = forms.TypedChoiceField(
                    label=f"{candidate}: {criterion.description}",
                    choices=SCORES,
                    coerce=int,
                    error_messages=score_errors,
                )
            self.fields[f"comment_{candidate.pk}"] = forms.CharField(
                label=f"Comment on {candidate} (optional)",
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Do not name students or other people.",
            )

    def rows(self):
        """For each candidate: the candidate, (criterion, score field) pairs, the comment field."""
        return [
            (
                candidate,
                [(k, self[f"score_{candidate.pk}_{k.pk}"]) for k in self.criteria],
                self[f"comment_{candidate.pk}"],
            )
            for candidate in self.candidates
        ]

    def scores(self) -> dict[tuple[int, int], int]:
        return {
            (c.pk, k.pk): self.cleaned_data[f"score_{c.pk}_{k.pk}"]
            for c in self.candidates
            for k in self.criteria
        }

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.candidates}


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
