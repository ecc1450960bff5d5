import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from programs.models import Program
from sro_portal.models import User
from sro_portal.roles import Role
from sro_portal.scope import scope_of

MAX_COURSE_HOURS = Decimal("400")
MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024


class Audience(models.TextChoices):
    SRO = "sro", "SROs"
    ADMINISTRATOR = "administrator", "Administrators"
    TEACHER = "teacher", "Teachers"
    PUPIL_SERVICES = "pupil_services", "Pupil services staff"
    OTHER_STAFF = "other_staff", "Other school staff"


# The audiences a person on a school's staff roster may belong to: SROs always have an account.
ROSTER_AUDIENCES = [
    Audience.TEACHER,
    Audience.PUPIL_SERVICES,
    Audience.ADMINISTRATOR,
    Audience.OTHER_STAFF,
]


class Status(models.TextChoices):
    # In order of urgency: a person's overall status is their most urgent one.
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    UPCOMING = "upcoming", "Not yet due"
    COMPLIANT = "compliant", "Compliant"


# The audience each role's training is measured against.
ROLE_AUDIENCE = {
    Role.SRO: Audience.SRO,
    Role.DISTRICT_ADMIN: Audience.ADMINISTRATOR,
    Role.BUILDING_ADMIN: Audience.ADMINISTRATOR,
}


class Topic(models.Model):
    """A content area of training. The thirteen of the source document are seeded; more may be
    added."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Provider(models.Model):
    """A state or national organisation that offers training or resources."""

    class Level(models.TextChoices):
        STATE = "state", "State"
        NATIONAL = "national", "National"
        REGIONAL = "regional", "Regional or local"

    name = models.CharField(max_length=200, unique=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    url = models.URLField("website", blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Resource(models.Model):
    """A guide, toolkit or other material for SROs and school staff."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    url = models.URLField("link")
    description = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Course(models.Model):
    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    title = models.CharField(max_length=200, unique=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="courses"
    )
    topics = models.ManyToManyField(Topic, related_name="courses")
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_COURSE_HOURS)],
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    audiences = models.JSONField(default=list, help_text="Who the course is for.")
    collaborative = models.BooleanField(
        default=False, help_text="SROs and school staff train together."
    )
    learning_outcomes = models.TextField(
        help_text="What a participant knows or can do afterwards, one outcome a line."
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="course_hours_positive_and_bounded",
                condition=Q(hours__gt=0, hours__lte=MAX_COURSE_HOURS),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:course_detail", kwargs={"pk": self.pk})

    def get_audiences_display(self):
        return [Audience(a).label for a in self.audiences]

    @property
    def outcomes(self):
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def clean(self):
        if not self.audiences:
            raise ValidationError({"audiences": "Choose at least one audience."})
        if set(self.audiences) - set(Audience.values):
            raise ValidationError({"audiences": "Unknown audience."})


class RequirementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Statewide requirements are public; a program's are seen by whoever sees the program."""
        return self.filter(
            Q(program__isnull=True) | Q(program__in=Program.objects.visible_to(user))
        )

    def statewide(self):
        return self.filter(program__isnull=True)


class Requirement(models.Model):
    """Who must complete what, how much and how often. Statewide when it has no program."""

    class Frequency(models.TextChoices):
        ONCE = "once", "Once"
        YEARLY = "yearly", "Every year"
        EVERY_N_YEARS = "every_n_years", "Every few years"

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_requirements",
        help_text="Leave empty for a statewide requirement.",
    )
    district = models.ForeignKey(
        "sro_portal.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    agency = models.ForeignKey(
        "sro_portal.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="requirements"
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="requirements"
    )
    min_hours = models.DecimalField(
        "minimum hours",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_COURSE_HOURS)],
    )
    frequency = models.CharField(max_length=15, choices=Frequency.choices)
    every_n_years = models.PositiveSmallIntegerField(
        "every how many years",
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
    )
    deadline_days = models.PositiveSmallIntegerField(
        "days to complete after starting the role",
        default=365,
        validators=[MaxValueValidator(3650)],
        help_text="For the first period; later periods end on their anniversary.",
    )

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["audience", "program", "pk"]
        constraints = [
            models.CheckConstraint(
                name="requirement_topic_or_course",
                condition=Q(topic__isnull=False, course__isnull=True)
                | Q(topic__isnull=True, course__isnull=False),
            ),
            models.CheckConstraint(
                name="requirement_years_with_every_n_years",
                condition=Q(frequency="every_n_years", every_n_years__gte=2)
                | (~Q(frequency="every_n_years") & Q(every_n_years__isnull=True)),
            ),
            models.CheckConstraint(name="requirement_hours_positive", condition=Q(min_hours__gt=0)),
        ]

    def __str__(self):
        subject = self.topic or self.course
        return f"{self.get_audience_display()}: {self.min_hours} h of {subject}, {self.cadence}"

    def save(self, *args, **kwargs):
        if self.program_id:
            self.district_id = self.program.district_id
            self.agency_id = self.program.agency_id
        super().save(*args, **kwargs)

    @property
    def cadence(self) -> str:
        if self.frequency == self.Frequency.EVERY_N_YEARS:
            return f"every {self.every_n_years} years"
        return self.get_frequency_display().lower()

    @property
    def period_years(self) -> int | None:
        return {"once": None, "yearly": 1}.get(self.frequency, self.every_n_years)

    def covers(self, course_id, topic_ids) -> bool:
        return course_id == self.course_id if self.course_id else self.topic_id in topic_ids

    def is_at_least(self, other: "Requirement") -> bool:
        """As demanding as `other`: as many hours, as often, as soon."""
        other_years = other.period_years or 10_000
        own_years = self.period_years or 10_000
        return (
            self.min_hours >= other.min_hours
            and own_years <= other_years
            and self.deadline_days <= other.deadline_days
        )

    def clean(self):
        errors = {}
        if bool(self.topic_id) == bool(self.course_id):
            errors["topic"] = "Choose either a topic or a course."
        if self.frequency == self.Frequency.EVERY_N_YEARS and not self.every_n_years:
            errors["every_n_years"] = "Say every how many years."
        if self.frequency != self.Frequency.EVERY_N_YEARS and self.every_n_years:
            errors["every_n_years"] = "Only for a requirement repeated every few years."
        if errors:
            raise ValidationError(errors)
        if self.program_id:
            # Programs may add to the statewide requirements, never lower them.
            statewide = Requirement.objects.statewide().filter(
                audience=self.audience, topic_id=self.topic_id, course_id=self.course_id
            )
            for floor in statewide:
                if not self.is_at_least(floor):
                    raise ValidationError(
                        {
                            "min_hours": f"The statewide requirement asks for {floor.min_hours} h "
                            f"{floor.cadence}, within {floor.deadline_days} days; a "
                            "program may ask for more, not less."
                        }
                    )


# What a certificate's first bytes say it is: the extension it is stored under and the content
# type it is served as, whatever name it was uploaded with.
CERTIFICATE_KINDS = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
)


def certificate_kind(file) -> tuple[str, str] | None:
    """(extension, content type) read from the file's content; None for anything else."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, extension, content_type in CERTIFICATE_KINDS:
        if head.startswith(magic):
            return extension, content_type
    return None


def validate_certificate(file):
    """By content, not by name: a PDF, PNG or JPEG of at most 5 MB."""
    if file.size > MAX_CERTIFICATE_BYTES:
        raise ValidationError("The certificate is larger than 5 MB.")
    if certificate_kind(file) is None:
        raise ValidationError("The certificate must be a PDF, PNG or JPEG file.")


def certificate_path(completion, filename):
    # The uploaded name says nothing trustworthy: a PDF named .html would be stored and served as
    # HTML. Whatever path saves it, a file of another kind is not stored at all.
    kind = certificate_kind(completion.certificate)
    if kind is None:
        raise ValidationError({"certificate": "The certificate must be a PDF, PNG or JPEG file."})
    extension, _ = kind
    # A random name: the file is served only through a scoped view, never by its path.
    return f"certificates/{secrets.token_hex(16)}.{extension}"


class StaffMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District administrators: their districts' rosters; building administrators: their
        schools'; state staff: all. SROs and agency supervisors train with their own accounts and
        oversee no school staff, so they see none."""
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        return self.filter(
            Q(district_id__in=scope.district_ids) | Q(school_id__in=scope.school_ids)
        )

    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=today))


class StaffMember(models.Model):
    """A person on a school's staff roster who has no account, or not yet: teachers, pupil
    services and other staff the source document names as people to train. Their training periods
    run from `started_on`, as an account holder's run from their membership's."""

    school = models.ForeignKey(
        "sro_portal.School", on_delete=models.PROTECT, related_name="staff_members"
    )
    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, editable=False, related_name="+"
    )
    name = models.CharField(max_length=200)
    position = models.CharField(
        max_length=200, blank=True, help_text="For example: Grade 9 English teacher."
    )
    audience = models.CharField(
        max_length=20,
        choices=[(a.value, a.label) for a in ROSTER_AUDIENCES],
        help_text="Which training requirements apply.",
    )
    started_on = models.DateField(
        help_text="When the person took up the position; training deadlines count from it."
    )
    left_on = models.DateField(null=True, blank=True, help_text="Leave empty while they work here.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="roster_entries",
        help_text="The person's account, once they have one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="staff_member_name_in_school"),
            models.CheckConstraint(
                name="staff_member_left_after_start",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("started_on")),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.district_id = self.school.district_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("training:staff_detail", kwargs={"pk": self.pk})

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on >= timezone.localdate()

    def clean(self):
        errors = {}
        if self.started_on and self.started_on > timezone.localdate():
            errors["started_on"] = "A start date cannot be in the future."
        if self.left_on and self.started_on and self.left_on < self.started_on:
            errors["left_on"] = "The person cannot leave before they started."
        if errors:
            raise ValidationError(errors)


class CompletionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The completions of the people the user may see (`User.objects.visible_to`) and of the
        roster people they may see."""
        return self.filter(
            Q(person__in=User.objects.visible_to(user).values("pk"))
            | Q(staff_member__in=StaffMember.objects.visible_to(user).values("pk"))
        )

    def of(self, holder):
        """The training of one person, an account holder or a roster person: with what was
        recorded on the roster entry linked to the account, or on the account linked to it."""
        if isinstance(holder, StaffMember):
            found = Q(staff_member=holder)
            return self.filter(found | Q(person_id=holder.user_id) if holder.user_id else found)
        return self.filter(Q(person=holder) | Q(staff_member__user=holder))


class Completion(models.Model):
    """A person completed a course: an account holder (`person`) or a roster person
    (`staff_member`), never both."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Completed"
        PASSED = "passed", "Passed with a score"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
    )
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_COURSE_HOURS)],
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.COMPLETED)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="0 to 100."
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_completions",
    )
    verified_on = models.DateField(null=True, blank=True)
    certificate = models.FileField(
        upload_to=certificate_path,
        blank=True,
        validators=[validate_certificate],
        help_text="A PDF or an image (PNG or JPEG), at most 5 MB.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "pk"]
        indexes = [
            models.Index(fields=["person", "completed_on"]),
            models.Index(fields=["staff_member", "completed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="completion_person_or_staff_member",
                condition=Q(person__isnull=False, staff_member__isnull=True)
                | Q(person__isnull=True, staff_member__isnull=False),
                violation_error_message="A completion belongs to a person with an account or "
                "to a roster person: choose one, not both.",
            ),
            models.CheckConstraint(
                name="completion_hours_positive_and_bounded",
                condition=Q(hours__gt=0, hours__lte=MAX_COURSE_HOURS),
            ),
            models.CheckConstraint(
                name="completion_score_with_pass",
                condition=Q(outcome="passed", score__isnull=False)
                | Q(outcome="completed", score__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.holder}: {self.course} ({self.completed_on})"

    @property
    def holder(self):
        return self.person if self.person_id else self.staff_member

    def clean(self):
        errors = {}
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "A completion cannot be dated in the future."
        if self.course_id and self.hours is not None and self.hours > self.course.hours:
            errors["hours"] = f"The course lasts {self.course.hours} hours; no more can count."
        if self.outcome == self.Outcome.PASSED and self.score is None:
            errors["score"] = "Give the score."
        if self.outcome == self.Outcome.COMPLETED and self.score is not None:
            errors["score"] = "A score goes with the outcome 'passed'."
        if errors:
            raise ValidationError(errors)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ComplianceStatusQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The people whose training `user` oversees, as the compliance page lists them: the
        active account holders they see (themselves apart) and the roster people working now at
        the schools they see."""
        scope = scope_of(user)
        roster = Q(staff_member__isnull=False, is_current=True)
        if scope.is_state_staff:
            accounts = Q(user__is_active=True) & ~Q(user_id=user.pk)
        else:
            accounts = Q(
                user__in=User.objects.visible_to(user)
                .filter(is_active=True)
                .exclude(pk=user.pk)
                .values("pk")
            )
            roster &= Q(staff_member__in=StaffMember.objects.visible_to(user).values("pk"))
        return self.filter(accounts | roster)

    def stale(self, today):
        """Rows the passing of time has made untrue: their `valid_until` has come."""
        return self.filter(valid_until__lte=today)

    def counts(self) -> dict:
        """How many people are in each status, by one SQL aggregate."""
        found = dict(self.order_by().values_list("status").annotate(n=models.Count("pk")))
        return {status: found.get(status, 0) for status in Status.values}


class ComplianceStatus(models.Model):
    """One person's training compliance as `compliance_for` works it out, kept so that lists,
    counts and dashboards read it in SQL instead of working it out for everyone on each page.

    Written by `training.summary` after every write that changes what it depends on, and by
    `manage.py refresh_compliance` daily; `valid_until` is the first day the row may be untrue by
    the passing of time alone (a deadline reached, a due-soon window entered, a new period
    begun, an assignment starting or ending, a roster person leaving), and readers work out
    again the rows whose day has come before they read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="compliance_status",
    )
    staff_member = models.OneToOneField(
        StaffMember,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="compliance_status",
    )
    # Where the person works: a roster person's school's district, an administrator's district,
    # an SRO's assignment's; none for agency roles alone.
    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_roster = models.BooleanField(default=False)
    name = models.CharField(max_length=200, help_text="The sort key: last name first.")
    audience = models.CharField(max_length=20, blank=True, help_text="A roster person's.")
    is_current = models.BooleanField(
        default=True, help_text="An active account, or a roster person who has not left."
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    hours_missing = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    next_deadline = models.DateField(null=True, blank=True)
    most_urgent = models.TextField(
        blank=True, help_text="The requirements of the person's status, one a line."
    )
    valid_until = models.DateField(null=True, blank=True)
    computed_on = models.DateField()

    objects = ComplianceStatusQuerySet.as_manager()

    class Meta:
        ordering = ["is_roster", "name", "pk"]
        verbose_name_plural = "compliance statuses"
        indexes = [
            models.Index(fields=["is_roster", "name", "id"], name="compliance_by_name"),
            models.Index(fields=["status", "is_roster", "name"], name="compliance_by_status"),
            models.Index(fields=["district", "is_roster", "name"], name="compliance_by_district"),
            models.Index(fields=["valid_until"], name="compliance_valid_until"),
        ]
        constraints = [
            models.CheckConstraint(
                name="compliance_status_one_person",
                condition=Q(user__isnull=False, staff_member__isnull=True)
                | Q(user__isnull=True, staff_member__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"

    @property
    def person(self):
        return self.staff_member if self.is_roster else self.user

    @property
    def urgent_lines(self) -> list[str]:
        return [line for line in self.most_urgent.splitlines() if line]

    @property
    def is_out_of_compliance(self) -> bool:
        return self.status in (Status.OVERDUE, Status.DUE_SOON)
