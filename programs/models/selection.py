import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone

from .base import ProgramPart, TenantQuerySet, VersionedPart
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
    # Raters through a link may stay anonymous: their link, not their name, tells them apart.
    rater_name = models.CharField(max_length=200, blank=True)
    rater_stake = models.CharField(max_length=20, choices=Stake.choices)
    link = models.ForeignKey(
        "RatingLink",
        on_delete=models.PROTECT,
        related_name="ratings",
        null=True,
        blank=True,
        editable=False,
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (poor) to 5 (excellent).",
    )
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["candidate", "criterion", "rater_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion", "rater_name"],
                condition=Q(link__isnull=True),
                name="rating_once_per_rater",
            ),
            models.UniqueConstraint(
                fields=["link", "candidate", "criterion"],
                condition=Q(link__isnull=False),
                name="rating_once_per_link",
            ),
            # Ratings typed in by staff name their rater; only a link may rate anonymously.
            models.CheckConstraint(
                name="rating_named_unless_by_link",
                condition=Q(link__isnull=False) | ~Q(rater_name=""),
            ),
            models.CheckConstraint(
                name="rating_score_1_to_5", condition=Q(score__gte=1, score__lte=5)
            ),
        ]

    def __str__(self):
        rater = self.rater_name or f"A {self.get_rater_stake_display().lower()}"
        return f"{rater} rated {self.candidate}: {self.score}"

    def clean(self):
        if (
            self.candidate_id
            and self.criterion_id
            and (self.candidate.program_id != self.criterion.program_id)
        ):
            raise ValidationError({"criterion": "This criterion belongs to another program."})
        if self.link_id is None and not self.rater_name:
            raise ValidationError({"rater_name": "Name the person who gave this rating."})


def token_hash(token: str) -> str:
    """A rating link's token as stored: its SHA-256. The token is 256 random bits, so a fast hash
    is enough, and the raw token, which would let anyone rate, is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


class RatingRound(ProgramPart):
    """Stakeholders rate the program's candidates against its criteria, each through a link of
    their own, without an account."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rating_rounds")
    title = models.CharField(max_length=200)
    valid_days = models.PositiveSmallIntegerField(
        "links valid for (days)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Each link stops working this many days after it is issued (1 to 90).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "programs:ratinground_detail", kwargs={"program_pk": self.program_id, "pk": self.pk}
        )


class RatingLinkQuerySet(TenantQuerySet):
    def with_token(self, token: str):
        return self.filter(token_hash=token_hash(token))

    def unused(self):
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)

    def counts_by_stake(self, now=None) -> dict:
        """{(round pk, stake): counts of links issued, used, revoked, expired and open}, in one
        query. Each link counts in one state: used, else revoked, else expired, else open."""
        now = now or timezone.now()
        unused = Q(used_at__isnull=True, revoked_at__isnull=True)
        rows = (
            self.order_by()
            .values("round_id", "stake")
            .annotate(
                issued=Count("pk"),
                used=Count("pk", filter=Q(used_at__isnull=False)),
                revoked=Count("pk", filter=Q(used_at__isnull=True, revoked_at__isnull=False)),
                expired=Count("pk", filter=unused & Q(expires_at__lte=now)),
                open=Count("pk", filter=unused & Q(expires_at__gt=now)),
            )
        )
        return {(row.pop("round_id"), row.pop("stake")): row for row in rows}


class RatingLink(ProgramPart):
    """One stakeholder's one-time way in to rate: it tells their group, not who they are."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        USED = "used", "Used"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="links")
    stake = models.CharField(
        "stakeholder group", max_length=20, choices=CandidateRating.Stake.choices
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = RatingLinkQuerySet.as_manager()

    class Meta:
        ordering = ["round", "stake", "pk"]
        constraints = [
            models.CheckConstraint(
                name="rating_link_revoked_by_someone",
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.round}: link {self.pk} ({self.get_stake_display()})"

    @property
    def program(self):
        return self.round.program

    def state(self, now=None) -> str:
        if self.used_at:
            return self.State.USED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.OPEN

    def get_state_display(self) -> str:
        return self.State(self.state()).label
