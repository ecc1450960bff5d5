from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .base import VersionedPart
from .choices import Side
from .program import Program


class Position(VersionedPart):
    """A position in the program's organisational chart, on either side."""

    class Kind(models.TextChoices):
        SRO = "sro", "School resource officer"
        SECURITY_OFFICER = "security_officer", "School security officer"
        BUILDING_ADMIN = "building_admin", "Building administrator"
        DISTRICT_ADMIN = "district_admin", "District administrator"
        AGENCY_SUPERVISOR = "agency_supervisor", "Agency supervisor"
        AGENCY_HEAD = "agency_head", "Chief or sheriff"
        PUPIL_SERVICES = "pupil_services", "Pupil services"
        OTHER = "other", "Other"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="positions")
    side = models.CharField(max_length=10, choices=Side.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    holder_name = models.CharField("held by", max_length=200, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        help_text="The account of the person, if they have one.",
    )
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    duties = models.TextField(blank=True)

    class Meta:
        ordering = ["side", "pk"]
        constraints = [
            models.CheckConstraint(
                name="position_sro_and_security_officer_state_duties",
                condition=~Q(kind__in=["sro", "security_officer"]) | ~Q(duties=""),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.holder_name})" if self.holder_name else self.title

    def clean(self):
        errors = {}
        if self.kind in (self.Kind.SRO, self.Kind.SECURITY_OFFICER) and not self.duties.strip():
            errors["duties"] = "State the duties: the SRO and a school security officer differ."
        if self.reports_to_id:
            if self.reports_to.program_id != self.program_id:
                errors["reports_to"] = "Choose a position of this program."
            else:
                seen, boss = {self.pk}, self.reports_to
                while boss is not None:
                    if boss.pk in seen:
                        errors["reports_to"] = "This would make a reporting loop."
                        break
                    seen.add(boss.pk)
                    boss = boss.reports_to
        if self.kind in (self.Kind.SRO, self.Kind.SECURITY_OFFICER) and self.duties.strip():
            other = self.Kind.SECURITY_OFFICER if self.kind == self.Kind.SRO else self.Kind.SRO
            same = Position.objects.filter(
                program_id=self.program_id, kind=other, duties=self.duties.strip()
            )
            if same.exists():
                errors["duties"] = (
                    "These duties repeat the other role's word for word; state how they differ."
                )
        if errors:
            raise ValidationError(errors)


class PropertyArea(VersionedPart):
    """A part of a school's property, and whether it is within the SRO's control."""

    class Kind(models.TextChoices):
        BUILDING = "building", "Building"
        GROUNDS = "grounds", "Grounds"
        PARKING = "parking", "Parking"
        ATHLETIC_FIELDS = "athletic_fields", "Athletic fields"
        BUSES = "buses", "Buses"
        OTHER = "other", "Other"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="property_areas")
    school = models.ForeignKey("sro_portal.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    under_sro_control = models.BooleanField("within the SRO's control", default=True)

    class Meta:
        ordering = ["school__name", "kind", "pk"]
        verbose_name = "property area"

    def __str__(self):
        return f"{self.school}: {self.get_kind_display()}"

    def clean(self):
        if self.school_id and self.school.district_id != self.program.district_id:
            raise ValidationError({"school": "Choose a school of the program's district."})


class OutreachComponent(VersionedPart):
    """A community outreach or educational part of the SRO's role."""

    class Kind(models.TextChoices):
        EDUCATION = "education", "Education"
        OUTREACH = "outreach", "Community outreach"
        MENTORING = "mentoring", "Mentoring and relationships"

    class Audience(models.TextChoices):
        STUDENTS = "students", "Students"
        STAFF = "staff", "School staff"
        FAMILIES = "families", "Families"
        COMMUNITY = "community", "Community"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        SEMESTER = "semester", "Each semester"
        YEARLY = "yearly", "Yearly"
        ONCE = "once", "Once"

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="outreach_components"
    )
    component = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)

    class Meta:
        ordering = ["kind", "component"]

    def __str__(self):
        return self.component
