import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sro_portal.scope import scope_of

from .base import ProgramPart, TenantQuerySet, VersionedPart
from .choices import (
    Classification,
    NonEnforcementResponse,
    PartOfJob,
    Responder,
    Side,
    Stakeholder,
)


class Program(models.Model):
    """The partnership of one school district with one law enforcement agency."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ASSESSING_NEED = "assessing_need", "Assessing need"
        DRAFTING = "drafting", "Drafting"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"

    # The statuses a program may move to from each status.
    TRANSITIONS = {
        Status.PROPOSED: {Status.ASSESSING_NEED, Status.ENDED},
        Status.ASSESSING_NEED: {Status.DRAFTING, Status.ENDED},
        Status.DRAFTING: {Status.ACTIVE, Status.ENDED},
        Status.ACTIVE: {Status.SUSPENDED, Status.ENDED},
        Status.SUSPENDED: {Status.ACTIVE, Status.ENDED},
        Status.ENDED: set(),
    }
    # Statuses that need a concluded needs assessment saying an SRO is needed (rule 1): the
    # source asks that need be established before a program is developed.
    NEEDS_ESTABLISHED_NEED = {Status.DRAFTING, Status.ACTIVE, Status.SUSPENDED}

    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, related_name="programs"
    )
    agency = models.ForeignKey(
        "sro_portal.Agency", on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=200)
    purpose = models.TextField(
        blank=True, help_text="Why the district and the agency run this program."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="program_name_unique_in_district"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:program_detail", kwargs={"pk": self.pk})

    def sides_of(self, user) -> set[str]:
        """The sides a person speaks for: the district's administrators and the agency's
        supervisors. Building administrators and SROs read the program but do not decide it."""
        scope = scope_of(user)
        sides = set()
        if self.district_id in scope.district_ids:
            sides.add(Side.DISTRICT)
        if self.agency_id in scope.supervised_agency_ids:
            sides.add(Side.AGENCY)
        return sides

    def can_be_edited_by(self, user) -> bool:
        """The rule `programs.edit_program` (programs/rules.py), asked everywhere else too."""
        return rules.test_rule("programs.edit_program", user, self)

    @property
    def has_established_need(self) -> bool:
        assessment = getattr(self, "needs_assessment", None)
        return assessment is not None and assessment.establishes_need

    def sro_discipline_entries(self) -> list:
        """The protocol entries that have the SRO respond to disciplinary misconduct: the
        source asks that SROs not enforce school discipline, so these are shown for review."""
        return [e for e in self.protocol_entries.all() if e.involves_sro_in_discipline]

    def responsibilities_approved_by(self) -> set[str]:
        return {
            a.side for a in self.approvals.all() if a.subject == Approval.Subject.RESPONSIBILITIES
        }


class ProgramStatusChange(ProgramPart):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Program.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Program.Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.program}: {self.from_status or 'new'} → {self.to_status}"


class NeedsAssessment(VersionedPart):
    """The root cause analysis that decides whether an SRO is needed, and for what purpose."""

    class Conclusion(models.TextChoices):
        PENDING = "pending", "Not concluded yet"
        SRO_NEEDED = "sro_needed", "An SRO is needed"
        SRO_NOT_NEEDED = "sro_not_needed", "An SRO is not needed"

    program = models.OneToOneField(
        Program, on_delete=models.PROTECT, related_name="needs_assessment"
    )
    problems = models.TextField("problems observed", blank=True)
    root_causes = models.TextField(blank=True)
    data_reviewed = models.TextField(
        blank=True, help_text="Discipline, climate survey, police call and other data looked at."
    )
    stakeholders_consulted = models.JSONField(
        default=list, blank=True, help_text="Groups whose views were sought."
    )
    alternatives_considered = models.TextField(
        blank=True,
        help_text="Other ways of meeting the need, and why they were or were not chosen.",
    )
    conclusion = models.CharField(
        max_length=20, choices=Conclusion.choices, default=Conclusion.PENDING
    )
    sro_purpose = models.TextField(
        "purpose of the SRO", blank=True, help_text="Required when an SRO is needed."
    )
    concluded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="assessment_need_states_purpose_and_date",
                condition=~Q(conclusion="sro_needed")
                | (~Q(sro_purpose="") & Q(concluded_on__isnull=False)),
            )
        ]

    def __str__(self):
        return f"Needs assessment of {self.program}"

    @property
    def establishes_need(self) -> bool:
        return self.conclusion == self.Conclusion.SRO_NEEDED and bool(self.sro_purpose.strip())

    def get_stakeholders_consulted_display(self):
        return [Stakeholder(s).label for s in self.stakeholders_consulted]

    def clean(self):
        unknown = set(self.stakeholders_consulted) - set(Stakeholder.values)
        if unknown:
            raise ValidationError({"stakeholders_consulted": "Unknown stakeholder group."})
        errors = {}
        if self.conclusion != self.Conclusion.PENDING:
            for field in ("problems", "root_causes", "data_reviewed"):
                if not getattr(self, field).strip():
                    errors[field] = "A concluded assessment states this."
            if not self.stakeholders_consulted:
                errors["stakeholders_consulted"] = "Name the groups consulted."
            if self.concluded_on is None:
                errors["concluded_on"] = "Give the date the assessment concluded."
        if self.conclusion == self.Conclusion.SRO_NEEDED and not self.sro_purpose.strip():
            errors["sro_purpose"] = "State for what purpose an SRO is needed."
        if errors:
            raise ValidationError(errors)


class Responsibility(VersionedPart):
    """One line of the SRO's role, drafted by either side; some say what the SRO does not do."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="responsibilities")
    part_of_job = models.CharField(max_length=20, choices=PartOfJob.choices)
    description = models.CharField(max_length=500)
    sro_does = models.BooleanField(
        "the SRO does this",
        default=True,
        help_text="Clear it for what the SRO does not do, such as formal school discipline.",
    )
    drafted_by = models.CharField(max_length=10, choices=Side.choices)

    class Meta:
        ordering = ["-sro_does", "part_of_job", "pk"]
        verbose_name_plural = "responsibilities"

    def __str__(self):
        return self.description


class Approval(ProgramPart):
    """One side's approval of a program's responsibilities or of an MOU draft. A change to what
    was approved removes the approvals, so both sides approve what is actually there."""

    class Subject(models.TextChoices):
        RESPONSIBILITIES = "responsibilities", "Roles and responsibilities"
        MOU = "mou", "MOU draft"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="approvals")
    mou = models.ForeignKey(
        "programs.MOU", on_delete=models.CASCADE, null=True, blank=True, related_name="approvals"
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    side = models.CharField(max_length=10, choices=Side.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "side"],
                condition=Q(subject="responsibilities"),
                name="approval_of_responsibilities_once_per_side",
            ),
            models.UniqueConstraint(
                fields=["mou", "side"],
                condition=Q(subject="mou"),
                name="approval_of_mou_once_per_side",
            ),
            models.CheckConstraint(
                name="approval_mou_matches_subject",
                condition=Q(subject="mou", mou__isnull=False)
                | Q(subject="responsibilities", mou__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} approved by the {self.get_side_display().lower()}"


class ProtocolEntry(VersionedPart):
    """For a kind of situation: is it discipline or possibly illegal, and who responds."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="protocol_entries")
    situation = models.CharField(max_length=300)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    responder = models.CharField("who responds", max_length=20, choices=Responder.choices)
    non_enforcement_responses = models.JSONField(
        default=list, blank=True, help_text="Responses short of a ticket or custody."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["classification", "situation"]
        verbose_name = "response protocol entry"
        verbose_name_plural = "response protocol"

    def __str__(self):
        return self.situation

    def get_non_enforcement_responses_display(self):
        return [NonEnforcementResponse(r).label for r in self.non_enforcement_responses]

    @property
    def involves_sro_in_discipline(self) -> bool:
        """The source asks that SROs not enforce discipline where possible: shown for review."""
        return self.classification == Classification.DISCIPLINARY and self.responder != (
            Responder.SCHOOL_ADMIN
        )

    def clean(self):
        if set(self.non_enforcement_responses) - set(NonEnforcementResponse.values):
            raise ValidationError({"non_enforcement_responses": "Unknown response."})
