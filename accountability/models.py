import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Program, ProgramPart, TenantQuerySet
from sro_portal.schoolyear import school_year_label, school_year_of
from sro_portal.scope import scope_of

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_tracking_code() -> str:
    groups = ["".join(secrets.choice(TRACKING_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


class AccountabilitySettings(ProgramPart):
    """How a program holds itself to account: the complaint deadline, the meeting cadence, and
    the two sides' agreement on what they expect of one another."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.PROTECT, related_name="accountability"
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        "acknowledge complaints within (days)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    meeting_every_days = models.PositiveSmallIntegerField(
        "administrators and SROs meet at least every (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    expectations_agreed_by_district = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expectations_agreed_by_agency = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "accountability settings"
        verbose_name_plural = "accountability settings"

    def __str__(self):
        return f"Accountability of {self.program}"

    @classmethod
    def of(cls, program) -> "AccountabilitySettings":
        """The program's settings, with the defaults until someone changes them."""
        return getattr(program, "accountability", None) or cls(program=program)


class ComplaintQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """The district's administrators and the agency's supervisors; never SROs."""
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        return self.filter(
            Q(district_id__in=scope.district_ids) | Q(agency_id__in=scope.supervised_agency_ids)
        )

    def acknowledgement_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=Complaint.Status.RECEIVED, acknowledge_by__lt=today)

    def awaiting_acknowledgement(self, today=None) -> dict:
        """How many complaints wait to be acknowledged: `new` ones still within their deadline,
        and `overdue` ones past it, in one query."""
        today = today or timezone.localdate()
        late = Q(acknowledge_by__lt=today)
        return self.filter(status=Complaint.Status.RECEIVED).aggregate(
            new=models.Count("pk", filter=~late), overdue=models.Count("pk", filter=late)
        )


class Complaint(ProgramPart):
    """A formal complaint against an SRO, filed by anyone, with or without a name."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        UNDER_REVIEW = "under_review", _("Under review")
        RESOLVED = "resolved", _("Resolved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Each status may move only to the next step, or be withdrawn before it is resolved.
    TRANSITIONS = {
        Status.RECEIVED: {Status.ACKNOWLEDGED, Status.WITHDRAWN},
        Status.ACKNOWLEDGED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
        Status.UNDER_REVIEW: {Status.RESOLVED, Status.WITHDRAWN},
        Status.RESOLVED: set(),
        Status.WITHDRAWN: set(),
    }

    class ReplyBy(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        TRACKING_PAGE = "tracking_page", _("Only the status page, with my tracking code")

    class Finding(models.TextChoices):
        SUSTAINED = "sustained", "Sustained"
        NOT_SUSTAINED = "not_sustained", "Not sustained"
        EXONERATED = "exonerated", "Exonerated"
        UNFOUNDED = "unfounded", "Unfounded"
        POLICY = "policy", "Policy or training issue"

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="complaints"
    )
    tracking_code = models.CharField(
        max_length=14, unique=True, default=new_tracking_code, editable=False
    )
    school = models.ForeignKey(
        "sro_portal.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer_name = models.CharField(_("officer, if known"), max_length=200, blank=True)
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    description = models.TextField(_("what happened"), max_length=5000)
    contact_name = models.CharField(_("your name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    reply_by = models.CharField(
        _("how you want to hear back"),
        max_length=15,
        choices=ReplyBy.choices,
        default=ReplyBy.TRACKING_PAGE,
    )
    language = models.CharField(max_length=8, default="en", editable=False)
    status = models.CharField(
        max_length=15, choices=Status.choices, default=Status.RECEIVED, editable=False
    )
    received_at = models.DateTimeField(auto_now_add=True)
    acknowledge_by = models.DateField(editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_to_review",
    )
    finding = models.CharField(max_length=15, choices=Finding.choices, blank=True)
    resolution = models.TextField(blank=True, max_length=5000)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        # A district's list in its order (the full-text indexes are PostgreSQL's own: see the
        # migration that adds them).
        indexes = [
            models.Index(
                fields=["district", "-received_at", "-id"], name="complaint_district_recent"
            ),
            models.Index(Upper("tracking_code"), name="complaint_tracking_code_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                name="complaint_resolved_with_finding",
                condition=~Q(status="resolved") | (~Q(finding="") & ~Q(resolution="")),
            )
        ]

    def __str__(self):
        return f"Complaint {self.tracking_code}"

    def get_absolute_url(self):
        return reverse("accountability:complaint_detail", kwargs={"pk": self.pk})

    @property
    def is_acknowledgement_overdue(self) -> bool:
        return self.status == self.Status.RECEIVED and self.acknowledge_by < timezone.localdate()

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.WITHDRAWN)

    @property
    def is_anonymous(self) -> bool:
        return not (self.contact_name or self.contact_email or self.contact_phone)

    def clean(self):
        errors = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = _("The date cannot be in the future.")
        if self.reply_by == self.ReplyBy.EMAIL and not self.contact_email:
            errors["contact_email"] = _("Give an email address to hear back by email.")
        if self.reply_by == self.ReplyBy.PHONE and not self.contact_phone:
            errors["contact_phone"] = _("Give a phone number to hear back by phone.")
        if errors:
            raise ValidationError(errors)


class ComplaintStatusChange(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=15, choices=Complaint.Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Complaint.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.complaint}: {self.to_status}"


class Contact(ProgramPart):
    """Whom an SRO turns to at the school or district, and whom administrators call at the
    agency."""

    class Level(models.TextChoices):
        BUILDING = "building", "Building-level contact for the SRO"
        DISTRICT = "district", "District-level contact for the SRO"
        AGENCY = "agency", "Agency contact for school administrators"

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="contacts"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    school = models.ForeignKey(
        "sro_portal.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a building-level contact.",
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"

    def clean(self):
        if self.level == self.Level.BUILDING and not self.school_id:
            raise ValidationError({"school": "A building-level contact belongs to a school."})
        if self.school_id and self.school.district_id != self.program.district_id:
            raise ValidationError({"school": "Choose a school of the program's district."})


class Meeting(ProgramPart):
    """A meeting of school administrators and SROs."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="meetings"
    )
    school = models.ForeignKey(
        "sro_portal.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField()
    attendees = models.CharField(max_length=500)
    topics = models.TextField()
    notes = models.TextField(blank=True, help_text="No student names.")
    follow_ups = models.TextField("follow-ups", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"Meeting on {self.held_on}"

    def clean(self):
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": "Record a meeting once it has been held."})
        if self.school_id and self.school.district_id != self.program.district_id:
            raise ValidationError({"school": "Choose a school of the program's district."})


class Expectation(ProgramPart):
    """What administrators and SROs expect of one another; both sides agree to the set."""

    class Holder(models.TextChoices):
        ADMINISTRATORS = "administrators", "Administrators expect of the SRO"
        SROS = "sros", "The SRO expects of administrators"

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="expectations"
    )
    held_by = models.CharField(max_length=15, choices=Holder.choices)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["held_by", "pk"]

    def __str__(self):
        return self.text


class DataSource(models.TextChoices):
    ACTIVITY = "activity", "The SRO's daily activity log"
    INCIDENTS = "incidents", "Incidents"
    ENFORCEMENT = "enforcement", "Arrests, citations and referrals, by demographics"
    TRAINING = "training", "Training compliance"
    COMPLAINTS = "complaints", "Complaints"
    SURVEYS = "surveys", "Climate survey results"


class EvaluationPlan(ProgramPart):
    program = models.OneToOneField(
        "programs.Program", on_delete=models.PROTECT, related_name="evaluation_plan"
    )
    evaluators = models.CharField("evaluated by", max_length=300)
    every_months = models.PositiveSmallIntegerField(
        "every (months)", default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    measures = models.TextField(help_text="What the evaluation looks at.")
    data_sources = models.JSONField(default=list)

    def __str__(self):
        return f"Evaluation plan of {self.program}"

    def get_data_sources_display(self):
        return [DataSource(s).label for s in self.data_sources]

    def next_due(self, last: datetime.date | None, started: datetime.date) -> datetime.date:
        base = last or started
        month = base.month - 1 + self.every_months
        year = base.year + month // 12
        day = min(base.day, 28)
        return datetime.date(year, month % 12 + 1, day)

    def clean(self):
        if not self.data_sources:
            raise ValidationError({"data_sources": "Choose the data the evaluation uses."})
        if set(self.data_sources) - set(DataSource.values):
            raise ValidationError({"data_sources": "Unknown data source."})


class Evaluation(ProgramPart):
    """An evaluation, with a frozen copy of the data it used: a later reader sees what the
    evaluators saw, whatever has changed since."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="evaluations"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    conducted_on = models.DateField()
    evaluators = models.CharField(max_length=300)
    findings = models.TextField()
    recommendations = models.TextField()
    snapshot = models.JSONField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-conducted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="evaluation_period_in_order",
                condition=Q(period_end__gte=models.F("period_start")),
            )
        ]

    def __str__(self):
        return f"Evaluation of {self.program}, {self.period_start} to {self.period_end}"

    def get_absolute_url(self):
        return reverse("accountability:evaluation_detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period cannot end before it starts."
        if self.conducted_on and self.conducted_on > timezone.localdate():
            errors["conducted_on"] = "An evaluation cannot be dated in the future."
        if errors:
            raise ValidationError(errors)


class SchoolYearQuerySet(TenantQuerySet):
    """School data of a year (surveys, enrollment): seen by the district's people and its
    partner agencies."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        partners = Program.objects.filter(agency_id__in=scope.agency_ids).values("district_id")
        return self.filter(
            Q(district_id__in=scope.local_district_ids) | Q(district_id__in=partners)
        )

    def kept_by(self, user):
        """What the user keeps and imports: state staff every district's, a district
        administrator their districts'."""
        scope = scope_of(user)
        return (
            self.all() if scope.is_state_staff else self.filter(district_id__in=scope.district_ids)
        )


class SchoolYearRecord(models.Model):
    """Something a school reports for a school year. It carries its school's district itself, so
    scoping needs no join."""

    school = models.ForeignKey("sro_portal.School", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, related_name="+", editable=False
    )
    school_year = models.PositiveSmallIntegerField(
        help_text="The year the school year starts: 2025 for 2025-26.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.district_id = self.school.district_id
        super().save(*args, **kwargs)

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


class SurveyResult(SchoolYearRecord):
    """One question of a school or community climate survey about the SRO program."""

    class Audience(models.TextChoices):
        STUDENTS = "students", "Students"
        STAFF = "staff", "Staff"
        FAMILIES = "families", "Families"
        COMMUNITY = "community", "Community"

    audience = models.CharField(max_length=10, choices=Audience.choices)
    question = models.CharField(max_length=300)
    respondents = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, "Nobody answered, so there is no result: leave the row out.")
        ]
    )
    agree = models.PositiveIntegerField("agree or strongly agree")

    class Meta:
        ordering = ["school_year", "question", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "audience", "question"],
                name="survey_result_once_per_question",
            ),
            models.CheckConstraint(
                name="survey_agree_within_respondents",
                condition=Q(agree__lte=models.F("respondents")),
            ),
        ]

    def __str__(self):
        return f"{self.school}, {self.school_year_label}: {self.question}"

    @property
    def percent_agree(self) -> int:
        return round(100 * self.agree / self.respondents) if self.respondents else 0

    def clean(self):
        # Here rather than in a form, so the site's import, the admin's and its form all refuse.
        errors = {}
        if (
            self.agree is not None
            and self.respondents is not None
            and self.agree > self.respondents
        ):
            errors["agree"] = "More agreed than responded."
        current = school_year_of(timezone.localdate())
        if self.school_year and self.school_year > current:
            errors["school_year"] = (
                f"{school_year_label(self.school_year)} has not started: results are for "
                f"the current school year ({school_year_label(current)}) or an earlier one."
            )
        if errors:
            raise ValidationError(errors)


class Enrollment(SchoolYearRecord):
    """How many students a school enrolled in a school year, in total and by group: the
    denominators of every rate. Groups follow the enforcement records' own categories."""

    # Each group: the field here, and the enforcement action's field and value it counts.
    GROUPS = {
        "hispanic": ("student_race", "hispanic"),
        "american_indian": ("student_race", "american_indian"),
        "asian": ("student_race", "asian"),
        "pacific_islander": ("student_race", "pacific_islander"),
        "black": ("student_race", "black"),
        "white": ("student_race", "white"),
        "two_or_more": ("student_race", "two_or_more"),
        "female": ("student_gender", "female"),
        "male": ("student_gender", "male"),
        "nonbinary": ("student_gender", "nonbinary"),
        "idea": ("student_disability", "idea"),
        "section_504": ("student_disability", "section_504"),
        "english_learner": ("student_english_learner", "yes"),
    }

    total = models.PositiveIntegerField("all students", validators=[MinValueValidator(1)])
    hispanic = models.PositiveIntegerField("Hispanic/Latino", default=0)
    american_indian = models.PositiveIntegerField("American Indian or Alaska Native", default=0)
    asian = models.PositiveIntegerField("Asian", default=0)
    pacific_islander = models.PositiveIntegerField(
        "Native Hawaiian or Other Pacific Islander", default=0
    )
    black = models.PositiveIntegerField("Black or African American", default=0)
    white = models.PositiveIntegerField("White", default=0)
    two_or_more = models.PositiveIntegerField("Two or more races", default=0)
    female = models.PositiveIntegerField("female", default=0)
    male = models.PositiveIntegerField("male", default=0)
    nonbinary = models.PositiveIntegerField("nonbinary or another gender", default=0)
    idea = models.PositiveIntegerField("served under IDEA", default=0)
    section_504 = models.PositiveIntegerField("Section 504 only", default=0)
    english_learner = models.PositiveIntegerField("English learners", default=0)

    class Meta:
        ordering = ["school_year", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="enrollment_once_per_school_year"
            ),
        ]
        verbose_name_plural = "enrollment"

    def __str__(self):
        return f"{self.school}, {self.school_year_label}"

    def clean(self):
        errors = {}
        if self.total is None:
            return
        races = sum(
            getattr(self, f) or 0
            for f, (field, _) in self.GROUPS.items()
            if field == "student_race"
        )
        if races > self.total:
            errors.setdefault("total", []).append(
                "The race and ethnicity groups add up to more than all students."
            )
        sexes = (self.female or 0) + (self.male or 0) + (self.nonbinary or 0)
        if sexes > self.total:
            errors.setdefault("total", []).append(
                "The gender groups add up to more than all students."
            )
        for name in ("idea", "section_504", "english_learner"):
            if (getattr(self, name) or 0) > self.total:
                errors[name] = "A group cannot be larger than all students."
        if errors:
            raise ValidationError(errors)


class PublicPage(models.Model):
    """What a district publishes about its SRO programs on its public page (no sign-in). Nothing
    shows until it is published, and then only the sections chosen here."""

    SECTIONS = {
        "show_programs": "Programs, partner agencies and the schools they serve",
        "show_responsibilities": "The SRO's roles and responsibilities",
        "show_protocol": "The response protocol",
        "show_mou": "The MOU in force and its last review date",
        "show_contacts": "Contacts",
        "show_enforcement": "Numbers: enforcement actions",
        "show_activity": "Numbers: the SRO's activity",
        "show_complaints": "Numbers: complaints received and resolved",
    }

    district = models.OneToOneField(
        "sro_portal.District", on_delete=models.CASCADE, related_name="public_page"
    )
    published = models.BooleanField(default=False)
    show_programs = models.BooleanField(SECTIONS["show_programs"], default=True)
    show_responsibilities = models.BooleanField(SECTIONS["show_responsibilities"], default=True)
    show_protocol = models.BooleanField(SECTIONS["show_protocol"], default=True)
    show_mou = models.BooleanField(SECTIONS["show_mou"], default=True)
    show_contacts = models.BooleanField(SECTIONS["show_contacts"], default=False)
    show_enforcement = models.BooleanField(SECTIONS["show_enforcement"], default=False)
    show_activity = models.BooleanField(SECTIONS["show_activity"], default=False)
    show_complaints = models.BooleanField(SECTIONS["show_complaints"], default=False)
    contacts = models.ManyToManyField(
        Contact,
        blank=True,
        related_name="+",
        help_text="The contacts shown when contacts are published.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "public page"

    def __str__(self):
        return f"Public page of {self.district}"
