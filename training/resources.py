"""Import and export of courses and completions as CSV and XLSX: a file imports whole or not at
all, and every bad row is named with its field."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, widgets

from sro_portal.imports import Column
from sro_portal.models import User
from sro_portal.permissions import allows
from sro_portal.resources import (
    DATE_HELP,
    ChoiceWidget,
    DateWidget,
    FullCleanResource,
    NamedForeignKeyWidget,
    SchoolCodeWidget,
    SchoolRowsResource,
    school_column,
)
from sro_portal.scope import scope_of

from . import summary
from .models import ROSTER_AUDIENCES, Audience, Completion, Course, Provider, StaffMember, Topic


class RefreshesCompliance:
    """A file whose rows change what compliance depends on: once its rows are saved, in the
    import's transaction, the people concerned are worked out again (not on a dry run, which is
    rolled back)."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.saved = []

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        self.saved.append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self.saved and not kwargs.get("dry_run"):
            self.refresh_compliance(self.saved)

    def refresh_compliance(self, instances):
        raise NotImplementedError


class ListWidget(widgets.Widget):
    """A list stored as JSON, written in a cell as values separated by semicolons."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in str(value or "").split(";") if part.strip()]

    def render(self, value, obj=None, **kwargs):
        return ";".join(value or [])


class TopicsWidget(widgets.ManyToManyWidget):
    def clean(self, value, row=None, **kwargs):
        codes = [part.strip() for part in str(value or "").split(";") if part.strip()]
        found = list(Topic.objects.filter(code__in=codes))
        unknown = set(codes) - {t.code for t in found}
        if unknown:
            raise ValueError(f"Unknown topic code: {', '.join(sorted(unknown))}.")
        if not found:
            raise ValueError("Give at least one topic code.")
        return found


class CourseResource(RefreshesCompliance, FullCleanResource):
    provider = fields.Field(
        attribute="provider",
        column_name="provider",
        widget=NamedForeignKeyWidget(Provider, "name", "provider"),
    )
    topics = fields.Field(
        attribute="topics",
        column_name="topics",
        widget=TopicsWidget(Topic, separator=";", field="code"),
    )
    audiences = fields.Field(attribute="audiences", column_name="audiences", widget=ListWidget())

    class Meta(FullCleanResource.Meta):
        model = Course
        import_id_fields = ["title"]
        fields = [
            "title",
            "provider",
            "topics",
            "hours",
            "delivery",
            "audiences",
            "collaborative",
            "learning_outcomes",
            "description",
        ]
        export_order = fields

    def refresh_compliance(self, instances):
        summary.refresh_courses([course.pk for course in instances])


class CompletionResource(RefreshesCompliance, FullCleanResource):
    person = fields.Field(
        attribute="person",
        column_name="username",
        widget=NamedForeignKeyWidget(User, "username", "person"),
    )
    course = fields.Field(
        attribute="course",
        column_name="course",
        widget=NamedForeignKeyWidget(Course, "title", "course"),
    )
    verified_by = fields.Field(
        attribute="verified_by",
        column_name="verified_by",
        widget=NamedForeignKeyWidget(User, "username", "person"),
    )

    class Meta(FullCleanResource.Meta):
        model = Completion
        import_id_fields = ["person", "course", "completed_on"]
        fields = [
            "person",
            "course",
            "completed_on",
            "hours",
            "outcome",
            "score",
            "verified_by",
            "verified_on",
        ]
        export_order = fields

    def refresh_compliance(self, instances):
        summary.refresh_completions(instances)


class OptionalDateWidget(DateWidget):
    """A date that may be left blank."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        return super().clean(value, row, **kwargs)


# The staff roster file: one row per person and school.
ROSTER_COLUMNS = [
    school_column(),
    Column(
        "name",
        "Name",
        "The staff member's name, as the school writes it. A row with the school and name of "
        "someone already on the roster updates them.",
        "text",
        "Maria Lopez",
    ),
    Column(
        "position",
        "Position",
        "What they do at the school.",
        "text; may be blank",
        "Grade 9 English teacher",
        required=False,
    ),
    Column(
        "audience",
        "Audience",
        "Which training requirements apply to them. The code or the label may be written.",
        [(a.value, a.label) for a in ROSTER_AUDIENCES],
        Audience.TEACHER.label,
    ),
    Column(
        "started_on",
        "Started on",
        "When they took up the position: training deadlines count from it. Not in the future.",
        DATE_HELP,
        "2024-08-26",
    ),
    Column(
        "left_on",
        "Left on",
        "When they left the school, if they have.",
        f"blank, or a date: {DATE_HELP}",
        "",
        required=False,
    ),
]
ROSTER_HEADERS = {c.name: c.header for c in ROSTER_COLUMNS}


class StaffMemberResource(RefreshesCompliance, SchoolRowsResource):
    school = fields.Field(attribute="school", widget=SchoolCodeWidget())
    audience = fields.Field(attribute="audience", widget=ChoiceWidget(Audience))
    started_on = fields.Field(attribute="started_on", widget=DateWidget())
    left_on = fields.Field(attribute="left_on", widget=OptionalDateWidget())

    class Meta(FullCleanResource.Meta):
        model = StaffMember
        import_id_fields = ["school", "name"]
        fields = list(ROSTER_HEADERS)
        export_order = fields

    school_rule = "training.manage_staff_member"

    def refresh_compliance(self, instances):
        summary.refresh_holders(staff_ids=[member.pk for member in instances])


def roster_rows(staff_members):
    """The roster in the import file's own columns, so that a download imports back unchanged."""
    for member in staff_members:
        yield [
            f"{member.school.district.dpi_code}-{member.school.dpi_code}",
            member.name,
            member.position,
            member.get_audience_display(),
            member.started_on.isoformat(),
            member.left_on.isoformat() if member.left_on else "",
        ]


class StaffMemberWidget(widgets.Widget):
    """A roster person by their name, on the roster of the row's school."""

    def clean(self, value, row=None, **kwargs):
        name = str(value if value is not None else "").strip()
        if not name:
            return None
        school = SchoolCodeWidget().clean((row or {}).get(ROSTER_HEADERS["school"]))
        member = StaffMember.objects.filter(school=school, name__iexact=name).first()
        if member is None:
            raise ValueError(f"Nobody called {name!r} is on the staff roster of {school.name}.")
        return member

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class AccountWidget(NamedForeignKeyWidget):
    def __init__(self):
        super().__init__(User, "username", "account holder")


STAFF_COMPLETION_COLUMNS = [
    school_column(
        "The roster person's school, by its district code and school code (DPI). Blank for an "
        "account holder.",
        required=False,
    ),
    Column(
        "staff_member",
        "Staff name",
        "The name of a person on that school's staff roster. Give either a staff name or a "
        "username.",
        "a name on the school's roster",
        "Maria Lopez",
        required=False,
    ),
    Column(
        "person",
        "Username",
        "Instead of a staff name: the username of an account holder of your district.",
        "a username; blank for a roster person",
        "",
        required=False,
    ),
    Column(
        "course",
        "Course",
        "The course completed, by its title in the course catalog.",
        "a course title from the catalog",
        "Mandatory Reporting of Child Abuse and Neglect",
    ),
    Column(
        "completed_on",
        "Completed on",
        "The day the course was completed: not in the future.",
        DATE_HELP,
        "2025-10-14",
    ),
    Column(
        "hours",
        "Hours",
        "Hours actually attended: at most the course's length.",
        "a number, e.g. 2 or 1.5",
        "2",
    ),
    Column(
        "outcome",
        "Outcome",
        "Completed, or passed with a score. Blank means completed.",
        [(o.value, o.label) for o in Completion.Outcome],
        Completion.Outcome.COMPLETED.label,
        required=False,
    ),
    Column(
        "score",
        "Score",
        "The score, 0 to 100, with the outcome 'passed'; else blank.",
        "a whole number 0 to 100, or blank",
        "",
        required=False,
    ),
]


class StaffCompletionResource(RefreshesCompliance, FullCleanResource):
    """Completions of the roster people (and account holders) of the importing user's district.
    A row with the same person, course and day as a recorded completion updates it."""

    staff_member = fields.Field(attribute="staff_member", widget=StaffMemberWidget())
    person = fields.Field(attribute="person", widget=AccountWidget())
    course = fields.Field(
        attribute="course", widget=NamedForeignKeyWidget(Course, "title", "course")
    )
    completed_on = fields.Field(attribute="completed_on", widget=DateWidget())
    outcome = fields.Field(attribute="outcome", widget=ChoiceWidget(Completion.Outcome, blank=True))

    class Meta(FullCleanResource.Meta):
        model = Completion
        import_id_fields = ["staff_member", "person", "course", "completed_on"]
        fields = ["staff_member", "person", "course", "completed_on", "hours", "outcome", "score"]
        export_order = fields

    def refresh_compliance(self, instances):
        summary.refresh_completions(instances)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.user = kwargs.get("user")
        self.seen = {}
        self.row_number = 1

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self.row_number += 1
        instance.outcome = instance.outcome or Completion.Outcome.COMPLETED
        if instance.staff_member_id and instance.person_id:
            errors["person"] = ValidationError("Give a staff name or a username, not both.")
        elif not (instance.staff_member_id or instance.person_id or errors):
            errors["staff_member"] = ValidationError(
                "Give a staff name (with the school) or a username."
            )
        elif instance.staff_member_id and not allows(
            "training.record_staff_training", self.user, instance.staff_member
        ):
            errors["staff_member"] = ValidationError(
                f"{instance.staff_member.name} is on the roster of a school outside your district."
            )
        elif instance.person_id and not self._oversees(instance.person):
            errors["person"] = ValidationError(
                f"{instance.person.get_username()} is not an account holder of your district."
            )
        key = (
            instance.staff_member_id,
            instance.person_id,
            instance.course_id,
            instance.completed_on,
        )
        if None not in key[2:] and key in self.seen:
            errors["completed_on"] = ValidationError(
                f"Row {self.seen[key]} already records this person's completion of this course on "
                "this day."
            )
        self.seen.setdefault(key, self.row_number)
        if instance.pk is None and self.user is not None:
            # Training an administrator records for their staff counts as verified by them.
            instance.verified_by = self.user
            instance.verified_on = timezone.localdate()
        super().validate_instance(instance, errors, validate_unique)

    def _oversees(self, person) -> bool:
        scope = scope_of(self.user)
        if scope.is_state_staff:
            return True
        return (
            person.pk != scope.user_id
            and User.objects.visible_to(self.user).filter(pk=person.pk).exists()
        )


def staff_completion_rows(completions):
    for completion in completions:
        member = completion.staff_member
        yield [
            f"{member.school.district.dpi_code}-{member.school.dpi_code}" if member else "",
            member.name if member else "",
            completion.person.get_username() if completion.person_id else "",
            completion.course.title,
            completion.completed_on.isoformat(),
            completion.hours,
            completion.get_outcome_display(),
            "" if completion.score is None else completion.score,
        ]
