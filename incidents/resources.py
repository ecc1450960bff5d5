"""Enforcement actions from an agency's records system (CSV or XLSX), on the site for agency
supervisors and in the admin for state staff: one row is one student's action; each is matched to
its incident by the agency's case number, and the incident is created from the row when the agency
has none of that number (incidents/services.py enforcement_action_import, the same rules on every
path). A file imports whole or not at all, every bad row named with its column.

An action already imported (the same agency, case number, school, date, offense and student
fields) is left as it is and counted as unchanged: importing a file twice adds nothing."""

import dataclasses
import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, widgets
from import_export.results import Result, RowResult

from programs.models import Classification, Responder
from sro_portal.audit import Actor
from sro_portal.imports import Column, choice_column
from sro_portal.models import Agency, Grade
from sro_portal.permissions import allows
from sro_portal.resources import (
    DATE_HELP,
    ChoiceWidget,
    DateWidget,
    FullCleanResource,
    SchoolCodeWidget,
    load_schools,
    school_column,
)

from . import services
from .models import NO_NAMES, EnforcementAction, Incident, Location, OffenseCategory, SROResponse

A = EnforcementAction


class AgencyWidget(widgets.ForeignKeyWidget):
    """An agency by its ORI (the FBI's originating agency identifier)."""

    def __init__(self):
        super().__init__(Agency, field="ori")
        self.known = None

    def load(self) -> None:
        """Every agency, by its ORI in lower case: one query for a whole file."""
        self.known = {}
        for agency in Agency.objects.order_by("-pk"):
            self.known[agency.ori.lower()] = agency

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            agency = None
        elif self.known is not None:
            agency = self.known.get(text.lower())
        else:
            agency = Agency.objects.filter(ori__iexact=text).first()
        if agency is None:
            raise ValueError(f"No agency has the ORI {text!r} (e.g. WI0130100).")
        return agency


class OffenseCategoryWidget(widgets.ForeignKeyWidget):
    """An offense category by its code or its name (any case)."""

    def __init__(self):
        super().__init__(OffenseCategory, field="code")
        self.known = None

    def load(self) -> None:
        """The categories, read once for a whole file."""
        self.known = list(OffenseCategory.objects.all())

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        categories = self.known if self.known is not None else OffenseCategory.objects.all()
        for category in categories:
            if text.lower() in (category.code.lower(), category.name.lower()):
                return category
        codes = ", ".join(category.code for category in categories)
        raise ValueError(f"{text!r} is not one of the offense categories: {codes}.")

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class RecordDateWidget(DateWidget):
    """A date; a spreadsheet's date cell, kept as CSV text between preview and confirmation,
    comes back with a midnight time, which is dropped."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str) and value.strip().endswith(" 00:00:00"):
            value = value.strip()[: -len(" 00:00:00")]
        return super().clean(value, row, **kwargs)


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0"}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text.endswith(".0"):
            text = text[:-2]  # a spreadsheet's number cell
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        if not text:
            raise ValueError("Write Yes or No.")
        raise ValueError(f"{text!r} is not yes or no: write Yes or No.")

    def render(self, value, obj=None, **kwargs):
        return "Yes" if value else "No"


class TimeWidget(widgets.Widget):
    """A time of day as 14:30 or 2:30 PM; a blank cell is no time."""

    FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p"]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.time):
            return value
        text = str(value if value is not None else "").strip().upper()
        if not text:
            return None
        if len(text) == 5 and text[2] == ":" and text.replace(":", "").isdigit():
            try:
                return datetime.time.fromisoformat(text)  # 14:30, the template's own form
            except ValueError:
                pass
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).time()
            except ValueError:
                continue
        raise ValueError(f"{text!r} is not a time of day: write it as 14:30 or 2:30 PM.")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%H:%M") if value else ""


class AgeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                f"{text!r} is not an age: write the student's age in years, e.g. 15."
                if text
                else "The student's age is missing."
            ) from None
        if not number.is_integer():
            raise ValueError(f"{text!r} is not an age in whole years.")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class GradeWidget(widgets.Widget):
    """A grade as PK, K or 1 to 12; a blank cell is a grade not recorded."""

    by_text = None  # code or label (upper case) -> grade, made on first use

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().upper()
        if text.endswith(".0"):
            text = text[:-2]
        if not text:
            return None
        if self.by_text is None:
            self.by_text = {}
            for grade in reversed(list(Grade)):
                self.by_text[grade.label.upper()] = grade.value
                self.by_text[str(grade.value)] = grade.value
        if text in self.by_text:
            return self.by_text[text]
        raise ValueError(f"{text!r} is not a grade: write PK, K or 1 to 12, or leave it blank.")

    def render(self, value, obj=None, **kwargs):
        return Grade(value).label if value is not None else ""


def _label(name):
    text = str(A._meta.get_field(name).verbose_name)
    return text[0].upper() + text[1:]


INCIDENT_ONLY = " Used only when the incident is created from this row."

# The file's columns, with what each means and what may be written in it.
ACTION_COLUMNS = [
    Column(
        "agency",
        "Agency ORI",
        "Your agency, by its ORI: an agency you supervise.",
        "the agency's ORI, e.g. WI0130100",
        "WI0130100",
    ),
    Column(
        "case_number",
        "Case number",
        "The agency's case number for the event. Rows of one event (one per student) share "
        "it; it matches the action to its incident, which is created when the agency has "
        "none with that number.",
        "letters, digits and dashes",
        "25-004711",
    ),
    school_column(
        "The school, by its district code and school code (DPI). An incident is created only "
        "at a school where your agency's SRO serves under a signed MOU in force that day."
    ),
    Column(
        "occurred_on",
        "Date",
        "The day it happened; not in the future.",
        DATE_HELP,
        "2025-10-14",
    ),
    Column(
        "occurred_time",
        "Time",
        "The time of day it happened." + INCIDENT_ONLY,
        "14:30 or 2:30 PM; blank for no time (midnight)",
        "10:15",
        required=False,
    ),
    choice_column(
        "location", "Location", "Where it happened." + INCIDENT_ONLY, Location, "building"
    ),
    choice_column(
        "classification",
        "Classification",
        "Disciplinary misconduct is the school's to handle: no enforcement action is "
        "recorded on it." + INCIDENT_ONLY,
        Classification,
        "possibly_illegal",
    ),
    choice_column("handled_by", "Handled by", "Who handled it." + INCIDENT_ONLY, Responder, "sro"),
    choice_column(
        "sro_response",
        "SRO's response",
        "What the SRO did." + INCIDENT_ONLY,
        SROResponse,
        "citation",
    ),
    Column(
        "description",
        "What happened",
        NO_NAMES + INCIDENT_ONLY,
        "plain text, at most 4,000 characters",
        "A fight in the cafeteria; two students were cited.",
    ),
    choice_column("kind", _label("kind"), "What was done to the student.", A.Kind, "citation"),
    choice_column(
        "offense_type",
        _label("offense_type"),
        "Whether the offense is in state law or a local ordinance.",
        A.OffenseType,
        "ordinance",
    ),
    Column(
        "offense_code",
        _label("offense_code"),
        "The statute or ordinance, as your agency writes it.",
        "e.g. 947.01(1)",
        "947.01(1)",
    ),
    Column(
        "offense_category",
        _label("offense_category"),
        "The kind of offense.",
        "a code or name of an offense category",
        "disorderly-conduct",
    ),
    Column(
        "referred_for_charging",
        _label("referred_for_charging"),
        "Whether the student was referred to the prosecutor for charging.",
        "Yes or No",
        "No",
    ),
    Column(
        "on_school_property",
        _label("on_school_property"),
        "Whether it happened on school property.",
        "Yes or No",
        "Yes",
    ),
    choice_column("taken_by", "Taken by", "Who took the action.", A.TakenBy, "sro"),
    Column(
        "student_age",
        _label("student_age"),
        "The student's age in years. No name, ID or birth date.",
        "a whole number, 3 to 22",
        15,
    ),
    Column(
        "student_grade",
        _label("student_grade"),
        "The student's grade.",
        "PK, K or 1 to 12; blank if not recorded",
        "10",
    ),
    choice_column(
        "student_gender", _label("student_gender"), "The student's gender.", A.Gender, "female"
    ),
    choice_column(
        "student_race",
        _label("student_race"),
        "The student's race or ethnicity.",
        A.Race,
        "hispanic",
    ),
    choice_column(
        "student_disability",
        _label("student_disability"),
        "The student's disability status.",
        A.Disability,
        "none",
    ),
    choice_column(
        "student_english_learner",
        _label("student_english_learner"),
        "Whether the student is learning English.",
        A.EnglishLearner,
        "no",
    ),
]


def action_columns() -> list[Column]:
    """The columns, with the offense categories as they stand in their table."""
    categories = list(OffenseCategory.objects.values_list("code", "name"))
    return [
        dataclasses.replace(c, allowed=categories) if c.name == "offense_category" else c
        for c in ACTION_COLUMNS
    ]


# The fields that make an action the same action: found again, it is left unchanged.
SAME_ACTION = [
    "agency",
    "case_number",
    "school",
    "occurred_on",
    "kind",
    "offense_type",
    "offense_code",
    "offense_category",
    "referred_for_charging",
    "on_school_property",
    "taken_by",
    "student_age",
    "student_grade",
    "student_gender",
    "student_race",
    "student_disability",
    "student_english_learner",
]
# The event as the row describes it: kept on the action while the row is read.
INCIDENT_FIELDS = ["occurred_time", "location", "classification", "handled_by", "sro_response"]
# A refusal about the incident, said beside the column that holds its value.
COLUMN_OF = {"occurred_at": "occurred_on"}


HEADERS = {column.name: column.header for column in ACTION_COLUMNS}


class EnforcementActionResource(FullCleanResource):
    reports_progress = True  # import_data takes progress(rows_done), for a background job

    agency = fields.Field(attribute="agency", widget=AgencyWidget())
    case_number = fields.Field(attribute="case_number", widget=widgets.CharWidget())
    school = fields.Field(attribute="school", widget=SchoolCodeWidget())
    occurred_on = fields.Field(attribute="occurred_on", widget=RecordDateWidget())
    occurred_time = fields.Field(attribute="occurred_time", widget=TimeWidget())
    location = fields.Field(attribute="location", widget=ChoiceWidget(Location, blank=True))
    classification = fields.Field(
        attribute="classification", widget=ChoiceWidget(Classification, blank=True)
    )
    handled_by = fields.Field(attribute="handled_by", widget=ChoiceWidget(Responder, blank=True))
    sro_response = fields.Field(
        attribute="sro_response", widget=ChoiceWidget(SROResponse, blank=True)
    )
    description = fields.Field(attribute="description", widget=widgets.CharWidget())
    kind = fields.Field(attribute="kind", widget=ChoiceWidget(A.Kind))
    offense_type = fields.Field(attribute="offense_type", widget=ChoiceWidget(A.OffenseType))
    offense_code = fields.Field(attribute="offense_code", widget=widgets.CharWidget())
    offense_category = fields.Field(attribute="offense_category", widget=OffenseCategoryWidget())
    referred_for_charging = fields.Field(attribute="referred_for_charging", widget=YesNoWidget())
    on_school_property = fields.Field(attribute="on_school_property", widget=YesNoWidget())
    taken_by = fields.Field(attribute="taken_by", widget=ChoiceWidget(A.TakenBy))
    student_age = fields.Field(attribute="student_age", widget=AgeWidget())
    student_grade = fields.Field(attribute="student_grade", widget=GradeWidget())
    student_gender = fields.Field(attribute="student_gender", widget=ChoiceWidget(A.Gender))
    student_race = fields.Field(attribute="student_race", widget=ChoiceWidget(A.Race))
    student_disability = fields.Field(
        attribute="student_disability", widget=ChoiceWidget(A.Disability)
    )
    student_english_learner = fields.Field(
        attribute="student_english_learner", widget=ChoiceWidget(A.EnglishLearner)
    )

    class Meta(FullCleanResource.Meta):
        model = EnforcementAction
        fields = [
            "agency",
            "case_number",
            "school",
            "occurred_on",
            *INCIDENT_FIELDS,
            "description",
            *SAME_ACTION[4:],
        ]
        export_order = fields

    def __init__(self, actor: Actor | None = None, **kwargs):
        """`actor`: who imports (else the `user` the import is run for)."""
        super().__init__(**kwargs)
        self.actor = actor
        # The admin's files and the site's share one header row: the template's.
        for name, header in HEADERS.items():
            self.fields[name].column_name = header

    def before_import(self, dataset, **kwargs):
        if self.actor is None:
            self.actor = Actor(user=kwargs.get("user"))
        # The admin's files may name a column by its field, as the site's import page accepts.
        known = {name.lower(): header for name, header in HEADERS.items()}
        known["agency_ori"] = HEADERS["agency"]
        if dataset.headers:
            dataset.headers = [known.get(str(h or "").strip().lower(), h) for h in dataset.headers]

    def export_field(self, field, instance, **kwargs):
        """The event's columns come from the action's incident, so that a download of the actions
        imports again as it is (each action found unchanged)."""
        name = self.get_field_name(field)
        incident = instance.incident
        if name == "occurred_time":
            return timezone.localtime(incident.occurred_at).strftime("%H:%M") if incident else ""
        if name in (*INCIDENT_FIELDS, "description"):
            return field.widget.render(getattr(incident, name, "") if incident else "")
        return super().export_field(field, instance, **kwargs)

    # The whole file at once. django-import-export imports row by row: each row asks the
    # database for its agency, school, category, an earlier same action, its incident by case
    # number and its assignment, and saves one by one (about 17 queries a row). Its bulk mode
    # saves in batches but still validates row by row and reports a failed batch as one error
    # of no row, while a row of this file is refused by rules across rows (a case number shared
    # by the rows of one event). So the rows are read here with the resource's own fields and
    # widgets (lookups loaded once per file), and checked and saved together by
    # services.enforcement_actions_import; the result is the library's, for the admin and the
    # site alike.

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        progress = kwargs.pop("progress", None)
        self.import_fields = self.get_import_fields()
        result = Result()
        result.diff_headers = self.get_diff_headers()
        self.before_import(dataset, **kwargs)
        result.total_rows = len(dataset)
        self.fields["agency"].widget.load()
        self.fields["offense_category"].widget.load()
        load_schools(self, dataset)
        read = [
            self.read_row(number, dataset.headers, values)
            for number, values in enumerate(dataset, 1)
        ]
        unchanged = self.unchanged_rows([r for r in read if not r.errors])
        pending = [
            services.ImportedAction(number=r.number, action=r.action, incident=r.incident)
            for r in read
            if not r.errors and r.number not in unchanged
        ]
        refused, _ = services.enforcement_actions_import(
            actor=self.actor, rows=pending, dry_run=dry_run, progress=progress
        )
        for r in read:
            row_result = RowResult()
            errors = r.errors or {
                COLUMN_OF.get(name, name): messages
                for name, messages in refused.get(r.number, {}).items()
            }
            if errors:
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = ValidationError(errors)
                result.append_invalid_row(r.number, r.row, row_result.validation_error)
            elif r.number in unchanged:
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
            result.increment_row_result_total(row_result)
            result.append_row_result(row_result)
        return result

    def read_row(self, number, headers, values):
        """One row through the resource's fields and widgets and the model's field checks."""
        row = dict(zip(headers, values, strict=False))
        action = EnforcementAction()
        errors = {}
        for field in self.import_fields:
            if field.column_name not in row:
                continue
            try:
                # Field.save without its indirections: one attribute each, none read-only.
                setattr(
                    action, field.attribute, field.widget.clean(row[field.column_name], row=row)
                )
            except ValueError as invalid:
                errors[field.attribute] = [str(invalid)]
        # clean_fields() on the fields the widgets leave unchecked, without its walk over all.
        for field in RECHECKED:
            if field.name in errors:
                continue
            try:
                setattr(action, field.attname, field.clean(getattr(action, field.attname), action))
            except ValidationError as invalid:
                errors[field.name] = invalid.messages
        return ReadRow(
            number, row, action, functools.partial(self.described_incident, action), errors
        )

    @staticmethod
    def described_incident(action) -> Incident:
        """The event as the row describes it: made only for a row that creates its incident."""
        occurred_at = None
        if action.occurred_on:
            time = getattr(action, "occurred_time", None) or datetime.time()
            occurred_at = timezone.make_aware(datetime.datetime.combine(action.occurred_on, time))
        return Incident(
            occurred_at=occurred_at,
            description=getattr(action, "description", "") or "",
            **{name: getattr(action, name, "") or "" for name in INCIDENT_FIELDS[1:]},
        )

    def unchanged_rows(self, rows) -> set[int]:
        """The rows whose action was imported before (get_instance for a whole file, in one
        query per 2,000 case numbers), for an agency the importer may import for: left as they
        are. For another agency the service refuses the row, so that the file tells nothing of
        that agency's records."""
        if not rows:
            return set()
        names = [name for name in SAME_ACTION if self.fields[name].column_name in rows[0].row]
        attnames = [EnforcementAction._meta.get_field(name).attname for name in names]
        agencies = {r.action.agency_id: r.action.agency for r in rows}
        earlier = set()
        for chunk in services._chunks({r.action.case_number for r in rows}):
            found = EnforcementAction.objects.filter(
                agency_id__in=list(agencies), case_number__in=chunk
            ).values_list(*attnames)
            earlier.update(found)
        permitted = {
            pk: allows("incidents.import_enforcement_actions", self.actor.user, agency)
            for pk, agency in agencies.items()
        }
        return {
            r.number
            for r in rows
            if permitted[r.action.agency_id]
            and tuple(getattr(r.action, attname) for attname in attnames) in earlier
        }


@dataclasses.dataclass
class ReadRow:
    number: int
    row: dict
    action: EnforcementAction
    incident: object  # () -> Incident
    errors: dict


# The fields whose value the widgets do not give only from the allowed ones (as codes of
# choices, yes or no, a grade or a date are), nor as records in hand: the model's field checks
# run on these.
RECHECKED = [
    EnforcementAction._meta.get_field(name)
    for name in ("case_number", "offense_code", "student_age")
]
