from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q

from .base import TenantQuerySet, VersionedPart
from .program import Program


class SelectionCriterion(VersionedPart):
    """What an SRO candidate should know, be able to do, or be like."""

    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", "Knowledge"
        SKILL = "skill", "Skill"
        DISPOSITION = "disposition", "Disposition"

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="selection_criteria"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name_plural = "selection criteria"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


class CandidateQuerySet(TenantQuerySet):
    def ranked(self):
        """Candidates by mean rating over all criteria and raters, best first."""
        return self.annotate(
            mean_score=Avg("ratings__score"), rating_count=Count("ratings")
        ).order_by(models.F("mean_score").desc(nulls_last=True), "name")


class Candidate(VersionedPart):
    """An officer considered for the SRO position."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CandidateRating(VersionedPart):
    """A stakeholder's score of a candidate against one criterion. Raters need no account."""

    class Stake(models.TextChoices):
        STUDENT = "student", "Student"
        FAMILY = "family", "Family member"
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        SCHOOL_STAFF = "school_staff", "School staff"
        ADMINISTRATOR = "administrator", "School administrator"
        COMMUNITY_PARTNER = "community_partner", "Community partner"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.CASCADE, related_name="ratings"
    )
    rater_name = models.CharField(max_length=200)
    rater_stake = models.CharField(max_length=20, choices=Stake.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (poor) to 5 (excellent).",
    )
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["candidate", "criterion", "rater_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion", "rater_name"], name="rating_once_per_rater"
            ),
            models.CheckConstraint(
                name="rating_score_1_to_5", condition=Q(score__gte=1, score__lte=5)
            ),
        ]

    def __str__(self):
        return f"{self.rater_name} rated {self.candidate}: {self.score}"

    def clean(self):
        if (
            self.candidate_id
            and self.criterion_id
            and (self.candidate.program_id != self.criterion.program_id)
        ):
            raise ValidationError({"criterion": "This criterion belongs to another program."})
