"""Climate survey results and enrollment in and out as CSV or XLSX: a file imports whole or not
at all."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, widgets

from sro_portal.imports import Column, choice_column, normalised
from sro_portal.resources import (
    ChoiceWidget,
    FullCleanResource,
    SchoolCodeWidget,
    SchoolRowsResource,
    school_column,
)
from sro_portal.schoolyear import parse_school_year, school_year_label

from .models import Enrollment, SurveyResult


class SchoolYearWidget(widgets.Widget):
    """A school year written as `2025-26` (2025 alone is understood too)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if value is None or str(value).strip() == "":
            raise ValueError("The school year is missing: write it as 2025-26.")
        return parse_school_year(str(value))

    def render(self, value, obj=None, **kwargs):
        return school_year_label(value) if value else ""


class CountWidget(widgets.Widget):
    """A number of students (or of other people): a whole number, 0 or more; a blank group counts
    as 0."""

    def __init__(self, blank_is_zero=True, noun="students"):
        super().__init__()
        self.blank_is_zero = blank_is_zero
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if text == "":
            if self.blank_is_zero:
                return 0
            raise ValueError(f"The number of {self.noun} is missing.")
        reason = f"{text!r} is not a number of {self.noun}: write a whole number, 0 or more."
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(reason) from None
        if not number.is_integer() or number < 0:
            raise ValueError(reason)
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


def _label(name):
    text = str(Enrollment._meta.get_field(name).verbose_name)
    return text[0].upper() + text[1:]


# The file's columns, with what each means and what may be written in it.
ENROLLMENT_COLUMNS = [
    school_column(),
    Column(
        "school_year",
        "School year",
        "The school year counted (July 1 to June 30), named by the two years it spans.",
        "e.g. 2025-26",
        "2025-26",
    ),
    Column(
        "total",
        _label("total"),
        "Every student enrolled at the school that year.",
        "a whole number, 1 or more",
        1180,
    ),
    *[
        Column(
            name,
            _label(name),
            {
                "student_race": "Students of this race or ethnicity; the race and ethnicity "
                "columns together add up to no more than all students.",
                "student_gender": "Students of this gender; the gender columns together add up "
                "to no more than all students.",
                "student_disability": "Students with this disability status; no more than all "
                "students.",
                "student_english_learner": "Students learning English; no more than all students.",
            }[action_field],
            "a whole number, 0 or more; blank counts as 0",
            example,
            required=False,
        )
        for (name, (action_field, _)), example in zip(
            Enrollment.GROUPS.items(),
            [142, 12, 47, 3, 71, 860, 45, 578, 596, 6, 153, 41, 88],
            strict=True,
        )
    ],
]
ENROLLMENT_HEADERS = {column.name: column.header for column in ENROLLMENT_COLUMNS}


class EnrollmentResource(SchoolRowsResource):
    """Enrollment by school and school year. Headers may be the labels of the template or the
    field names; a district administrator's file may name only their own district's schools."""

    school = fields.Field(attribute="school", widget=SchoolCodeWidget())
    school_year = fields.Field(attribute="school_year", widget=SchoolYearWidget())

    class Meta(FullCleanResource.Meta):
        model = Enrollment
        import_id_fields = ["school", "school_year"]
        fields = list(ENROLLMENT_HEADERS)
        export_order = fields

    school_rule = "accountability.import_school_records"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, field in self.fields.items():
            field.column_name = ENROLLMENT_HEADERS[name]
            if name not in ("school", "school_year"):
                field.widget = CountWidget(blank_is_zero=name != "total")


# Climate survey results: one row per school, school year, audience and question. The download of
# the site's list writes the same columns, and some for reading only, so that it imports again.
SURVEY_COLUMNS = [
    Column(
        "district",
        "District",
        "Written by the download for reading; not read on import.",
        "anything",
        required=False,
    ),
    Column(
        "school_name",
        "School name",
        "Written by the download for reading; not read on import (the school code says which).",
        "anything",
        required=False,
    ),
    school_column(
        "The school surveyed, by its district code and school code (DPI).", "School code"
    ),
    Column(
        "school_year",
        "School year",
        "The school year of the survey (July 1 to June 30), the current one or an earlier one.",
        "e.g. 2025-26",
        "2025-26",
    ),
    choice_column(
        "audience",
        "Audience",
        "Who answered the survey. Write the code or its meaning.",
        SurveyResult.Audience,
        "students",
    ),
    Column(
        "question",
        "Question",
        "The statement as the survey worded it; one row per question and audience.",
        "text, at most 300 characters",
        "I feel safe at school.",
    ),
    Column(
        "respondents",
        "Respondents",
        "How many people of that audience answered the question.",
        "a whole number, 1 or more",
        212,
    ),
    Column(
        "agree",
        "Agree or strongly agree",
        "How many of them agreed or strongly agreed.",
        "a whole number, 0 or more, no more than the respondents",
        167,
    ),
    Column(
        "percent_agree",
        "Percent agreeing",
        "Written by the download for reading; not read on import.",
        "anything",
        required=False,
    ),
]
SURVEY_HEADERS = {column.name: column.header for column in SURVEY_COLUMNS}
SURVEY_EXAMPLES = [
    {c.name: c.example for c in SURVEY_COLUMNS},
    {
        "school": "3619-0120",
        "school_year": "2025-26",
        "audience": "families",
        "question": "The SRO helps keep our school safe.",
        "respondents": 96,
        "agree": 71,
    },
]


class SurveyResultResource(SchoolRowsResource):
    """Climate survey results, on the site and in the admin alike: the same headers (the
    template's, or the field names), the same checks. A district administrator's file may name
    only their own district's schools."""

    school = fields.Field(attribute="school", widget=SchoolCodeWidget())
    school_year = fields.Field(attribute="school_year", widget=SchoolYearWidget())
    audience = fields.Field(attribute="audience", widget=ChoiceWidget(SurveyResult.Audience))
    question = fields.Field(attribute="question")
    respondents = fields.Field(
        attribute="respondents", widget=CountWidget(blank_is_zero=False, noun="respondents")
    )
    agree = fields.Field(
        attribute="agree", widget=CountWidget(blank_is_zero=False, noun="people agreeing")
    )

    class Meta(FullCleanResource.Meta):
        model = SurveyResult
        import_id_fields = ["school", "school_year", "audience", "question"]
        fields = ["school", "school_year", "audience", "question", "respondents", "agree"]
        export_order = fields

    school_rule = "accountability.import_school_records"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_rows = {}
        for name, field in self.fields.items():
            field.column_name = SURVEY_HEADERS[name]

    def filter_export(self, queryset, **kwargs):
        # Each row writes its school's codes: one query for the file, not one per row.
        return super().filter_export(queryset, **kwargs).select_related("school__district")

    def before_import(self, dataset, **kwargs):
        # The admin reads the file as it comes: its headers are read as the site reads them.
        normalised(dataset, SURVEY_COLUMNS)
        self.first_rows = {}
        super().before_import(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance.question = (instance.question or "").strip()
        key = (instance.school_id, instance.school_year, instance.audience, instance.question)
        number = kwargs.get("row_number")
        if all(key) and number is not None:
            # Row 1 of the spreadsheet is the header.
            first = self.first_rows.setdefault(key, number)
            if first != number:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    f"Row {first + 1} already gives this school, school year, audience and "
                    "question: one row each."
                )
        if errors:
            raise ValidationError(errors)
