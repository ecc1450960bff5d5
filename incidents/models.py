import datetime
import functools
import operator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from programs.models import Classification, PropertyArea, Responder
from sro_portal.models import Grade
from sro_portal.roles import Role
from sro_portal.scope import scope_of

CORRECTION_DAYS = 7
MINUTES_IN_A_DAY = 24 * 60
NO_NAMES = "Describe what happened without any student's name, initials or ID."
CASE_NUMBER = RegexValidator(r"^[A-Za-z0-9-]+$", "Letters, digits and dashes only.")


class FieldRecordQuerySet(models.QuerySet):
    """SROs see what they wrote; building administrators their schools'; district
    administrators their district's; agency supervisors their officers'."""

    author_field = "officer"

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        # Only the parts a person's roles give: one condition on one column is what an index on
        # (that column, the list's order) reads page by page; an OR of several is sorted whole.
        # Field records are written by SROs (and imported by those who also see the agency's).
        parts = [
            Q(**{f"{column}__in": ids})
            for column, ids in [
                ("school_id", scope.school_ids),
                ("district_id", scope.district_ids),
                ("agency_id", scope.supervised_agency_ids),
            ]
            if ids
        ]
        if Role.SRO in scope.roles:
            parts.append(Q(**{f"{self.author_field}_id": scope.user_id}))
        if not parts:
            return self.none()
        return self.filter(functools.reduce(operator.or_, parts))


class ActivityType(models.Model):
    """A kind of activity in the SRO's day, grouped by the part of the job it belongs to."""

    class Group(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        COUNSELOR_MENTOR = "counselor_mentor", "Informal counselor/mentor"
        EDUCATOR = "educator", "Educator"
        OUTREACH = "outreach", "Community outreach"
        ADMIN_MEETING = "admin_meeting", "Meeting with administrators"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    group = models.CharField(max_length=20, choices=Group.choices)
    position = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ActivityLogQuerySet(FieldRecordQuerySet):
    def current(self):
        """Entries as they stand: an amended entry gives way to its amendment.

        As NOT EXISTS, which PostgreSQL plans as an anti join probing the unique index on
        `amends` row by row, in the list's index order; the LEFT JOIN ... IS NULL that
        `amended_by__isnull` writes is estimated at one row on millions, and joined by
        scanning them all."""
        amendments = self.model.objects.filter(amends=models.OuterRef("pk"))
        return self.filter(~models.Exists(amendments))


class ActivityLog(models.Model):
    """One activity of an SRO's day."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activity_logs"
    )
    school = models.ForeignKey("sro_portal.School", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, related_name="+", editable=False
    )
    agency = models.ForeignKey(
        "sro_portal.Agency", on_delete=models.PROTECT, related_name="+", editable=False
    )
    assignment = models.ForeignKey(
        "programs.Assignment",
        on_delete=models.PROTECT,
        related_name="activity_logs",
        editable=False,
    )
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField("date")
    minutes = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1, "An activity lasts at least a minute."),
            MaxValueValidator(MINUTES_IN_A_DAY, "An activity lasts at most a day (1,440 minutes)."),
        ]
    )
    students_met = models.PositiveSmallIntegerField(
        "students", default=0, validators=[MaxValueValidator(5000)]
    )
    staff_met = models.PositiveSmallIntegerField(
        "staff", default=0, validators=[MaxValueValidator(1000)]
    )
    notes = models.TextField(blank=True, max_length=2000, help_text=NO_NAMES)
    amends = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        editable=False,
    )
    amendment_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ActivityLogQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-created_at", "-pk"]
        # Each list's scope followed by its whole ordering, so a page is read off an index in
        # order, however deep, with no sort: state-wide, by district, by agency, by officer (the
        # officer's index also serves the week view, read forwards).
        indexes = [
            models.Index(fields=["-occurred_on", "-created_at", "-id"], name="activitylog_recent"),
            models.Index(
                fields=["district", "-occurred_on", "-created_at", "-id"],
                name="activitylog_district_recent",
            ),
            models.Index(
                fields=["agency", "-occurred_on", "-created_at", "-id"],
                name="activitylog_agency_recent",
            ),
            models.Index(
                fields=["officer", "occurred_on", "created_at", "id"],
                name="activitylog_officer_day",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="activity_minutes_within_a_day",
                condition=Q(minutes__gte=1, minutes__lte=MINUTES_IN_A_DAY),
            ),
            models.CheckConstraint(
                name="activity_amendment_has_reason",
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.activity_type} at {self.school} on {self.occurred_on}"

    @property
    def correctable_until(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=CORRECTION_DAYS)

    def can_be_corrected(self, now=None) -> bool:
        return (now or timezone.now()) <= self.correctable_until


class OffenseCategory(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "offense categories"

    def __str__(self):
        return self.name


class SROResponse(models.TextChoices):
    NO_ACTION = "no_action", "No action"
    WARNING = "warning", "Warning"
    REFERRAL_TO_SERVICES = "referral_to_services", "Referral to services"
    RESTORATIVE_PRACTICE = "restorative_practice", "Restorative practice"
    CITATION = "citation", "Citation"
    ARREST = "arrest", "Arrest"
    CUSTODY = "custody", "Custody"
    REFERRAL_FOR_CHARGING = "referral_for_charging", "Referral for charging"


# Responses that only law enforcement gives: refused on discipline-only incidents (rule 4).
ENFORCEMENT_RESPONSES = {
    SROResponse.CITATION,
    SROResponse.ARREST,
    SROResponse.CUSTODY,
    SROResponse.REFERRAL_FOR_CHARGING,
}


class Location(models.TextChoices):
    BUILDING = PropertyArea.Kind.BUILDING, "School building"
    GROUNDS = PropertyArea.Kind.GROUNDS, "School grounds"
    PARKING = PropertyArea.Kind.PARKING, "Parking"
    ATHLETIC_FIELDS = PropertyArea.Kind.ATHLETIC_FIELDS, "Athletic fields"
    BUSES = PropertyArea.Kind.BUSES, "School bus"
    SCHOOL_EVENT = "school_event", "Off school property, at a school event"
    SCHOOL_TRANSPORT = "school_transport", "Off school property, on school transport"


OFF_PROPERTY = {Location.SCHOOL_EVENT, Location.SCHOOL_TRANSPORT}


class IncidentQuerySet(FieldRecordQuerySet):
    author_field = "reported_by"

    def awaiting_review(self):
        return self.filter(needs_review=True, reviewed_at__isnull=True)

    def incomplete(self):
        """Incidents whose SRO response was an arrest, citation, custody or referral for
        charging, but with no enforcement action recorded on them yet: the records disagree."""
        return self.filter(sro_response__in=sorted(ENFORCEMENT_RESPONSES)).filter(
            ~models.Exists(EnforcementAction.objects.filter(incident=models.OuterRef("pk")))
        )


class Incident(models.Model):
    school = models.ForeignKey("sro_portal.School", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, related_name="+", editable=False
    )
    agency = models.ForeignKey(
        "sro_portal.Agency", on_delete=models.PROTECT, related_name="+", editable=False
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="incidents", editable=False
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="incidents",
        editable=False,
    )
    occurred_at = models.DateTimeField("date and time")
    location = models.CharField(max_length=20, choices=Location.choices)
    description = models.TextField("what happened", max_length=4000, help_text=NO_NAMES)
    classification = models.CharField(max_length=20, choices=Classification.choices)
    handled_by = models.CharField(max_length=20, choices=Responder.choices)
    school_response = models.CharField(
        max_length=300, blank=True, help_text="What the school did, for example a conference."
    )
    sro_response = models.CharField(
        "SRO's response",
        max_length=30,
        choices=SROResponse.choices,
        default=SROResponse.NO_ACTION,
    )
    case_number = models.CharField(
        "agency case number",
        max_length=40,
        blank=True,
        validators=[CASE_NUMBER],
        help_text="The agency's own number for the event, shared by its enforcement actions.",
    )
    needs_review = models.BooleanField(default=False, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        # The lists' orderings, state-wide and per district and agency (see ActivityLog); a
        # case number is searched whole, ignoring case.
        indexes = [
            models.Index(fields=["school", "occurred_at"]),
            models.Index(fields=["agency", "case_number"]),
            models.Index(fields=["-occurred_at", "-id"], name="incident_recent"),
            models.Index(
                fields=["district", "-occurred_at", "-id"], name="incident_district_recent"
            ),
            models.Index(fields=["agency", "-occurred_at", "-id"], name="incident_agency_recent"),
            models.Index(Upper("case_number"), name="incident_case_number_upper"),
            # The few incidents awaiting review, counted per district on state staff's home
            # page, without reading the others.
            models.Index(
                fields=["district"],
                condition=Q(needs_review=True, reviewed_at__isnull=True),
                name="incident_awaiting_review",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="incident_no_enforcement_on_discipline",
                condition=~Q(classification=Classification.DISCIPLINARY)
                | ~Q(sro_response__in=sorted(r.value for r in ENFORCEMENT_RESPONSES)),
            ),
            # A case number identifies one event of one agency.
            models.UniqueConstraint(
                fields=["agency", "case_number"],
                condition=~Q(case_number=""),
                name="incident_case_number_unique_per_agency",
                violation_error_message="This agency already has an incident with this case "
                "number: a case number identifies one event.",
            ),
        ]

    def __str__(self):
        return f"Incident at {self.school}, {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", kwargs={"pk": self.pk})

    @property
    def on_school_property(self) -> bool:
        return self.location not in OFF_PROPERTY

    @property
    def is_incomplete(self) -> bool:
        """The SRO's response names an enforcement action that is not recorded yet (uses the
        prefetched actions when there are some)."""
        return (
            self.sro_response in ENFORCEMENT_RESPONSES
            and not self.enforcement_actions.all().exists()
        )

    @property
    def involves_sro_in_discipline(self) -> bool:
        """The source asks that SROs not enforce discipline: such incidents go to review."""
        return self.classification == Classification.DISCIPLINARY and (
            self.handled_by != Responder.SCHOOL_ADMIN or self.sro_response != SROResponse.NO_ACTION
        )

    def clean(self):
        errors = {}
        if self.occurred_at and self.occurred_at > timezone.now():
            errors["occurred_at"] = "An incident cannot be dated in the future."
        if (
            self.classification == Classification.DISCIPLINARY
            and self.sro_response in ENFORCEMENT_RESPONSES
        ):
            errors["sro_response"] = (
                "A citation, arrest, custody or referral for charging is refused on disciplinary "
                "misconduct: the school handles it. If the conduct may be illegal, classify it so."
            )
        if errors:
            raise ValidationError(errors)


class EnforcementActionQuerySet(FieldRecordQuerySet):
    author_field = "recorded_by"


class EnforcementAction(models.Model):
    """An arrest, citation, custody or referral of one student. Never a name, ID or birth date."""

    class Kind(models.TextChoices):
        ARREST = "arrest", "Arrest"
        CITATION = "citation", "Citation or ticket"
        CUSTODY = "custody", "Custody"
        REFERRAL = "referral", "Referral to law enforcement"

    class OffenseType(models.TextChoices):
        STATUTE = "statute", "Wisconsin statute"
        ORDINANCE = "ordinance", "Local ordinance"

    class TakenBy(models.TextChoices):
        SRO = "sro", "The SRO"
        OTHER_OFFICER = "other_officer", "Another officer"

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NONBINARY = "nonbinary", "Nonbinary or another gender"
        UNKNOWN = "unknown", "Unknown or not recorded"

    class Race(models.TextChoices):
        HISPANIC = "hispanic", "Hispanic/Latino"
        AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
        ASIAN = "asian", "Asian"
        PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
        BLACK = "black", "Black or African American"
        WHITE = "white", "White"
        TWO_OR_MORE = "two_or_more", "Two or more races"
        NOT_REPORTED = "not_reported", "Not reported"

    class Disability(models.TextChoices):
        IDEA = "idea", "IDEA (special education)"
        SECTION_504 = "section_504", "Section 504 only"
        NONE = "none", "None"
        UNKNOWN = "unknown", "Unknown"

    class EnglishLearner(models.TextChoices):
        YES = "yes", "English learner"
        NO = "no", "Not an English learner"
        UNKNOWN = "unknown", "Unknown"

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_actions",
        editable=False,
    )
    school = models.ForeignKey("sro_portal.School", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        "sro_portal.District", on_delete=models.PROTECT, related_name="+", editable=False
    )
    agency = models.ForeignKey("sro_portal.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    occurred_on = models.DateField("date")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    offense_type = models.CharField(max_length=10, choices=OffenseType.choices)
    offense_code = models.CharField(
        "statute or ordinance",
        max_length=60,
        help_text="For example 947.01(1) for disorderly conduct.",
    )
    offense_category = models.ForeignKey(OffenseCategory, on_delete=models.PROTECT)
    referred_for_charging = models.BooleanField(default=False)
    on_school_property = models.BooleanField(default=True)
    taken_by = models.CharField("by", max_length=15, choices=TakenBy.choices)
    case_number = models.CharField("agency case number", max_length=40, validators=[CASE_NUMBER])
    student_age = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(3), MaxValueValidator(22)]
    )
    student_grade = models.SmallIntegerField(choices=Grade.choices, null=True, blank=True)
    student_gender = models.CharField(max_length=10, choices=Gender.choices)
    student_race = models.CharField("student race/ethnicity", max_length=20, choices=Race.choices)
    student_disability = models.CharField(
        "student disability status", max_length=12, choices=Disability.choices
    )
    student_english_learner = models.CharField(
        "English learner status", max_length=8, choices=EnglishLearner.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnforcementActionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        # A case number identifies the event, not the student: several actions share one. The
        # lists' orderings as for incidents; case numbers and statutes are searched whole.
        indexes = [
            models.Index(fields=["agency", "case_number"]),
            models.Index(fields=["-occurred_on", "-id"], name="enforcement_recent"),
            models.Index(
                fields=["district", "-occurred_on", "-id"], name="enforcement_district_recent"
            ),
            models.Index(
                fields=["agency", "-occurred_on", "-id"], name="enforcement_agency_recent"
            ),
            models.Index(Upper("case_number"), name="enforcement_case_number_upper"),
            models.Index(Upper("offense_code"), name="enforcement_offense_code_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                name="enforcement_student_age_3_to_22",
                condition=Q(student_age__gte=3, student_age__lte=22),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_number}"

    def clean(self):
        errors = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "An enforcement action cannot be dated in the future."
        if self.incident_id and self.incident.classification == Classification.DISCIPLINARY:
            errors["kind"] = (
                "This incident is classified as disciplinary misconduct: the school handles it, "
                "and no arrest, citation or custody is recorded on it."
            )
        incident_case = self.incident.case_number if self.incident_id else ""
        if incident_case and self.case_number and self.case_number != incident_case:
            errors["case_number"] = (
                f"This incident's case number is {incident_case}: every enforcement action on "
                "it carries that number."
            )
        elif self.agency_id and self.case_number:
            other_incident = Incident.objects.filter(
                agency_id=self.agency_id, case_number=self.case_number
            ).exclude(pk=self.incident_id)
            elsewhere = (
                EnforcementAction.objects.filter(
                    agency_id=self.agency_id, case_number=self.case_number
                )
                .exclude(pk=self.pk)
                .exclude(incident_id=self.incident_id)
            )
            if other_incident.exists() or elsewhere.exists():
                errors["case_number"] = (
                    f"Case number {self.case_number} is already used on another incident of this "
                    "agency: a case number identifies one event."
                )
        if errors:
            raise ValidationError(errors)
