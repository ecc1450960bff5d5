from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from sro_portal import scope as tenancy
from sro_portal.scope import scope_of


class DistrictQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own districts, and for agency people the districts their agency has programs with."""
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        partners = tenancy.partnerships.districts_served_by(scope.agency_ids)
        return self.filter(Q(pk__in=scope.local_district_ids) | Q(pk__in=partners))


class District(models.Model):
    """A Wisconsin public school district, as listed by DPI."""

    name = models.CharField(max_length=200)
    dpi_code = models.CharField(
        "DPI district code",
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", "A DPI district code is four digits.")],
    )
    nces_id = models.CharField(
        "NCES id",
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{7}$", "An NCES district id is seven digits.")],
    )
    county = models.CharField(max_length=100)
    cesa = models.PositiveSmallIntegerField(
        "CESA",
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Cooperative Educational Service Agency, 1 to 12.",
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="district_cesa_1_to_12", condition=Q(cesa__gte=1, cesa__lte=12)
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:district_detail", kwargs={"pk": self.pk})


class Grade(models.IntegerChoices):
    PRE_K = -1, "PK"
    KINDERGARTEN = 0, "K"
    G1 = 1, "1"
    G2 = 2, "2"
    G3 = 3, "3"
    G4 = 4, "4"
    G5 = 5, "5"
    G6 = 6, "6"
    G7 = 7, "7"
    G8 = 8, "8"
    G9 = 9, "9"
    G10 = 10, "10"
    G11 = 11, "11"
    G12 = 12, "12"


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District administrators: the district's schools; building administrators: theirs;
        agency supervisors: the schools of their partner districts; SROs: where they are assigned.
        """
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        partners = tenancy.partnerships.districts_served_by(scope.supervised_agency_ids)
        assigned = tenancy.partnerships.schools_assigned_to(scope.user_id)
        return self.filter(
            Q(district_id__in=scope.district_ids)
            | Q(pk__in=scope.school_ids)
            | Q(district_id__in=partners)
            | Q(pk__in=assigned)
        )


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    dpi_code = models.CharField(
        "DPI school code",
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", "A DPI school code is four digits.")],
        help_text="Unique within the district.",
    )
    nces_id = models.CharField(
        "NCES id",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", "An NCES school id is twelve digits.")],
    )
    lowest_grade = models.SmallIntegerField(choices=Grade.choices)
    highest_grade = models.SmallIntegerField(choices=Grade.choices)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "dpi_code"], name="school_code_unique_in_district"
            ),
            models.CheckConstraint(
                name="school_grades_in_order", condition=Q(lowest_grade__lte=F("highest_grade"))
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:school_detail", kwargs={"pk": self.pk})

    @property
    def grades(self) -> str:
        if self.lowest_grade == self.highest_grade:
            return self.get_lowest_grade_display()
        return f"{self.get_lowest_grade_display()}-{self.get_highest_grade_display()}"

    def clean(self):
        if (
            self.lowest_grade is not None
            and self.highest_grade is not None
            and self.lowest_grade > self.highest_grade
        ):
            raise ValidationError(
                {"highest_grade": "The highest grade cannot be below the lowest."}
            )


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own agencies, and for district people the agencies their district has programs with."""
        scope = scope_of(user)
        if scope.is_state_staff:
            return self.all()
        partners = tenancy.partnerships.agencies_serving(scope.local_district_ids)
        return self.filter(Q(pk__in=scope.agency_ids) | Q(pk__in=partners))


class Agency(models.Model):
    """A law enforcement agency that supplies SROs."""

    class Kind(models.TextChoices):
        POLICE_DEPARTMENT = "police_department", "Police department"
        SHERIFFS_OFFICE = "sheriffs_office", "Sheriff's office"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    ori = models.CharField(
        "ORI",
        max_length=9,
        unique=True,
        validators=[
            RegexValidator(
                r"^WI[0-9A-Z]{7}$",
                "An ORI is WI followed by seven letters or digits, e.g. WI0130100.",
            )
        ],
        help_text="Originating Agency Identifier assigned by the FBI.",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:agency_detail", kwargs={"pk": self.pk})
