import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from sro_portal.scope import scope_of

from .base import ProgramPart, TenantQuerySet
from .choices import Side
from .program import Program


def one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class MOUQuerySet(TenantQuerySet):
    def in_force(self, on=None):
        """Signed and within their dates on the given day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(state=MOU.State.SIGNED, effective_on__lte=on, ends_on__gte=on)

    def review_due_within(self, days, on=None):
        """MOUs in force whose annual review falls due within `days`, overdue ones included."""
        on = on or timezone.localdate()
        return self.in_force(on).filter(review_due_on__lte=on + datetime.timedelta(days=days))

    def expiring_within(self, days, on=None):
        on = on or timezone.localdate()
        return self.in_force(on).filter(ends_on__lte=on + datetime.timedelta(days=days))


class MOU(ProgramPart):
    """A version of the memorandum of understanding between the district and the agency."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        SUPERSEDED = "superseded", "Superseded"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="mous")
    number = models.PositiveSmallIntegerField("version", editable=False)
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.DRAFT, editable=False
    )
    effective_on = models.DateField("effective date")
    ends_on = models.DateField("end date")
    information_sharing = models.TextField(
        "data collected and shared",
        blank=True,
        help_text="What the program records, in which system, and with whom it is shared.",
    )
    training = models.TextField(
        "training", blank=True, help_text="Training the SRO and school staff will receive."
    )
    complaint_process = models.TextField(
        blank=True, help_text="How someone files a formal complaint against an SRO."
    )
    evaluation = models.TextField(
        blank=True, help_text="How, by whom and how often the program is evaluated."
    )
    oversight = models.TextField(
        "administrators' oversight of the SRO",
        blank=True,
        help_text="How school administrators oversee the SRO's work in the school.",
    )
    not_applicable = models.JSONField(
        "sections marked not applicable",
        default=dict,
        blank=True,
        help_text="Section -> the reason it does not apply to this program.",
    )
    district_signatory = models.CharField(max_length=200, blank=True, editable=False)
    district_signatory_title = models.CharField(max_length=200, blank=True, editable=False)
    district_signed_on = models.DateField(null=True, blank=True, editable=False)
    agency_signatory = models.CharField(max_length=200, blank=True, editable=False)
    agency_signatory_title = models.CharField(max_length=200, blank=True, editable=False)
    agency_signed_on = models.DateField(null=True, blank=True, editable=False)
    review_due_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MOUQuerySet.as_manager()

    class Meta:
        ordering = ["program", "-number"]
        verbose_name = "MOU"
        verbose_name_plural = "MOUs"
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="mou_number_unique"),
            models.UniqueConstraint(
                fields=["program"], condition=Q(state="signed"), name="mou_one_signed_per_program"
            ),
            models.CheckConstraint(
                name="mou_ends_after_it_starts", condition=Q(ends_on__gt=models.F("effective_on"))
            ),
            models.CheckConstraint(
                name="mou_signed_by_both_sides",
                condition=Q(state="draft")
                | Q(district_signed_on__isnull=False, agency_signed_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"MOU v{self.number} of {self.program}"

    def get_absolute_url(self):
        return reverse("programs:mou_detail", kwargs={"pk": self.pk})

    @property
    def status(self) -> str:
        """Draft, signed (not yet in force), active, expired or superseded."""
        if self.state != self.State.SIGNED:
            return self.state
        today = timezone.localdate()
        if today < self.effective_on:
            return "signed"
        return "active" if today <= self.ends_on else "expired"

    def get_status_display(self) -> str:
        return self.status.capitalize()

    @property
    def is_review_overdue(self) -> bool:
        return self.status == "active" and self.review_due_on < timezone.localdate()

    def approved_sides(self) -> set[str]:
        return {a.side for a in self.approvals.all()}

    @property
    def is_approved_by_both_sides(self) -> bool:
        return self.approved_sides() == {Side.DISTRICT, Side.AGENCY}

    # The sections the source document asks an MOU to carry, each filled from the MOU's text or
    # the program's own records, or marked "not applicable" with a reason before signing.
    SECTIONS = {
        "information_sharing": "Data collected and shared",
        "training": "Training",
        "complaint_process": "Complaint process",
        "evaluation": "Evaluation",
        "responsibilities": "Roles and responsibilities",
        "protocol": "Response protocol",
        "positions": "Positions and organisational chart",
        "security_officer_duties": "SRO and school security officer duties",
        "property": "Property under the SRO's control",
        "contacts": "Contacts",
        "meetings": "Meeting cadence",
        "expectations": "Mutual expectations",
        "oversight": "Administrators' oversight of the SRO",
    }

    def _section_filled(self, key) -> bool:
        """Whether the section has content. Records the accountability app holds are reached
        through the program's reverse relations only; prefetched relations cost no query."""
        program = self.program
        if key in ("information_sharing", "training", "oversight"):
            return bool(getattr(self, key).strip())
        if key == "complaint_process":
            return bool(self.complaint_process.strip())
        if key == "evaluation":
            return bool(self.evaluation.strip()) or (
                getattr(program, "evaluation_plan", None) is not None
            )
        if key == "responsibilities":
            return bool(program.responsibilities.all())
        if key == "protocol":
            return bool(program.protocol_entries.all())
        if key == "positions":
            return bool(program.positions.all())
        if key == "security_officer_duties":
            kinds = {p.kind for p in program.positions.all()}
            return "security_officer" in kinds and "sro" in kinds
        if key == "property":
            return any(a.under_sro_control for a in program.property_areas.all())
        if key == "contacts":
            return bool(program.contacts.all())
        if key == "meetings":
            return getattr(program, "accountability", None) is not None
        if key == "expectations":
            return bool(program.expectations.all())
        raise KeyError(key)

    def has_security_officer(self) -> bool:
        return any(p.kind == "security_officer" for p in self.program.positions.all())

    def sections(self) -> list[dict]:
        """Each section: its key, label, whether it is filled, and the reason it does not
        apply. SRO and security officer duties do not apply without a security officer."""
        result = []
        for key, label in self.SECTIONS.items():
            reason = (self.not_applicable or {}).get(key, "").strip()
            if key == "security_officer_duties" and not self.has_security_officer():
                reason = reason or "The program has no school security officer position."
            result.append(
                {
                    "key": key,
                    "label": label,
                    "filled": self._section_filled(key),
                    "not_applicable": reason,
                }
            )
        return result

    def missing_sections(self) -> list[str]:
        """The labels of sections neither filled nor marked not applicable with a reason."""
        return [s["label"] for s in self.sections() if not (s["filled"] or s["not_applicable"])]

    def clean(self):
        if self.effective_on and self.ends_on and self.ends_on <= self.effective_on:
            raise ValidationError({"ends_on": "The end date must come after the effective date."})
        marks = self.not_applicable or {}
        if not isinstance(marks, dict) or set(marks) - set(self.SECTIONS):
            raise ValidationError({"not_applicable": "Unknown MOU section."})
        blank = [self.SECTIONS[k] for k, reason in marks.items() if not str(reason).strip()]
        if blank:
            raise ValidationError(
                {
                    "not_applicable": "Give the reason each section does not apply: "
                    + ", ".join(blank)
                    + "."
                }
            )


class MOUDrafter(models.Model):
    """A person who took part in drafting an MOU, from either side or from the community."""

    class Party(models.TextChoices):
        DISTRICT = "district", "School district"
        AGENCY = "agency", "Law enforcement agency"
        STAKEHOLDER = "stakeholder", "Stakeholder"

    mou = models.ForeignKey(MOU, on_delete=models.CASCADE, related_name="drafters")
    name = models.CharField(max_length=200)
    party = models.CharField(max_length=12, choices=Party.choices)
    role = models.CharField(
        max_length=200, blank=True, help_text="Title, or the group represented."
    )

    class Meta:
        ordering = ["party", "name"]
        verbose_name = "MOU drafter"

    def __str__(self):
        return f"{self.name} ({self.get_party_display()})"


class MOUReview(models.Model):
    """The annual review of an MOU in force."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue unchanged"
        AMEND = "amend", "Amend (a new version follows)"
        END = "end", "End the MOU"

    mou = models.ForeignKey(MOU, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    reviewers = models.CharField(max_length=500, help_text="Who took part in the review.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    changes = models.TextField("changes agreed", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-reviewed_on"]
        verbose_name = "MOU review"

    def __str__(self):
        return f"Review of {self.mou} on {self.reviewed_on}"


class AssignmentQuerySet(TenantQuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        return self.filter(
            Q(district_id__in=scope.district_ids)
            | Q(school_id__in=scope.school_ids)
            | Q(agency_id__in=scope.supervised_agency_ids)
            | Q(officer_id=scope.user_id)
        )

    def in_dates(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def active(self, on=None):
        """In their dates, in an active program with an MOU in force (rule 2)."""
        return (
            self.in_dates(on)
            .filter(program__status=Program.Status.ACTIVE)
            .filter(self._mou_in_force(on))
        )

    def without_mou_in_force(self, on=None):
        """In their dates, yet no signed MOU of the program is in force: an SRO without cover."""
        return self.in_dates(on).exclude(self._mou_in_force(on))

    @staticmethod
    def _mou_in_force(on):
        return Exists(MOU.objects.in_force(on).filter(program_id=OuterRef("program_id")))


class Assignment(ProgramPart):
    """An SRO's assignment to a school for a span of dates."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="assignments")
    school = models.ForeignKey(
        "sro_portal.School", on_delete=models.PROTECT, related_name="assignments"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty for open-ended.")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "-starts_on"]
        indexes = [models.Index(fields=["officer", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                name="assignment_ends_after_it_starts",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self):
        return f"{self.officer} at {self.school}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The assignment cannot end before it starts."})
