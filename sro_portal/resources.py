"""Import and export as CSV and XLSX: the plumbing every app's files share, and the directory,
keyed by the state's own codes."""

import datetime
import re

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.widgets import ForeignKeyWidget

from .imports import Column
from .models import Agency, District, School
from .permissions import allows


class FullCleanResource(resources.ModelResource):
    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        # A key that does not parse (an unknown school, district, person or course, a malformed
        # year) makes the row a new one, so that its own field reports the error by name.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key; an unknown value is a clear field error."""

    def __init__(self, model, field, noun):
        super().__init__(model, field=field)
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.noun} is called {value!r}.") from None


class SchoolCodeWidget(NamedForeignKeyWidget):
    """A school by its district and school codes, written `0001-0010`. After `load()`, the
    schools a file names are looked up in one query for the whole file, not one per row."""

    def __init__(self):
        super().__init__(School, "dpi_code", "school")
        self.known = None

    @staticmethod
    def codes(value) -> tuple[str, str]:
        district_code, _, school_code = str(value or "").partition("-")
        return district_code.strip(), school_code.strip()

    def load(self, values) -> None:
        pairs = {self.codes(value) for value in values}
        districts = {district for district, _ in pairs}
        schools = {school for _, school in pairs}
        self.known = {}
        found = School.objects.filter(district__dpi_code__in=districts, dpi_code__in=schools)
        for school in found.select_related("district").order_by("-pk"):
            self.known[(school.district.dpi_code, school.dpi_code)] = school

    def clean(self, value, row=None, **kwargs):
        district_code, school_code = self.codes(value)
        if self.known is not None:
            school = self.known.get((district_code, school_code))
        else:
            school = School.objects.filter(
                district__dpi_code=district_code, dpi_code=school_code
            ).first()
        if school is None:
            raise ValueError(
                f"No school has the codes {value!r} (district-school, e.g. 3619-0120)."
            )
        return school

    def render(self, value, obj=None, **kwargs):
        return f"{value.district.dpi_code}-{value.dpi_code}" if value else ""


SCHOOL_CODES = "district code-school code, e.g. 3619-0120"


def load_schools(resource, dataset) -> None:
    """The schools a file names, looked up once for the file by each school column's widget."""
    for field in resource.fields.values():
        if isinstance(field.widget, SchoolCodeWidget) and field.column_name in (
            dataset.headers or []
        ):
            field.widget.load(dataset[field.column_name])


def school_column(
    meaning="The school, by its district code and school code (DPI).", header="School", **kwargs
) -> Column:
    return Column("school", header, meaning, SCHOOL_CODES, "3619-0120", **kwargs)


class SchoolRowsResource(FullCleanResource):
    """Rows that each name a school: a row takes its school's district, and may name only a
    school for which the importing user passes `school_rule` (the rule the site's own pages ask),
    whichever page or admin imports the file."""

    school_rule = ""

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        super().before_import(dataset, **kwargs)
        load_schools(self, dataset)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        school = getattr(instance, "school", None) if instance.school_id else None
        if school is not None:
            instance.district_id = school.district_id
            if not allows(self.school_rule, self.user, school):
                errors["school"] = ValidationError(
                    f"{school.name} ({school.district.name}) is not a school of a district you "
                    "administer."
                )
        super().validate_instance(instance, errors, validate_unique)


class ChoiceWidget(widgets.Widget):
    """A value from a `TextChoices`, written as its code or its label (any case); anything else
    is refused with the list of what is allowed. Exports write the label."""

    def __init__(self, choices, *, blank=False):
        super().__init__()
        self.choices = choices
        self.blank = blank
        self.by_text = None

    def known(self) -> dict:
        """Codes and labels in lower case, made once (labels may be translated: not at import)."""
        if self.by_text is None:
            by_text = {}
            for choice in reversed(list(self.choices)):
                by_text[str(choice.label).lower()] = choice.value
                by_text[choice.value.lower()] = choice.value
            self.by_text = by_text
        return self.by_text

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip()
        if not text:
            if self.blank:
                return ""
            raise ValueError("This column is required here.")
        found = self.known().get(text.lower())
        if found is not None:
            return found
        allowed = ", ".join(choice.value for choice in self.choices)
        raise ValueError(f"{text!r} is not one of the allowed values: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


# The last: a spreadsheet's date cell, once the previewed file is kept as CSV text.
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d %H:%M:%S"]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_HELP = "write it as YYYY-MM-DD (2025-10-14) or MM/DD/YYYY (10/14/2025)"


class DateWidget(widgets.Widget):
    """A date as YYYY-MM-DD or MM/DD/YYYY, or a spreadsheet's own date cell."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value if value is not None else "").strip()
        if not text:
            raise ValueError(f"The date is missing: {DATE_HELP}.")
        if ISO_DATE.fullmatch(text):
            # The template's own form, read without strptime (a tenth of its time).
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"{text!r} is not a date: {DATE_HELP}.")

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class DistrictResource(FullCleanResource):
    class Meta(FullCleanResource.Meta):
        model = District
        # The file's districts, found by code in one query rather than one a row.
        instance_loader_class = CachedInstanceLoader
        import_id_fields = ["dpi_code"]
        fields = ["dpi_code", "name", "nces_id", "county", "cesa"]
        export_order = fields


class DistrictCodeWidget(ForeignKeyWidget):
    """A district by its DPI code, each code looked up once per file."""

    def __init__(self):
        super().__init__(District, field="dpi_code")
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        key = str(value if value is not None else "").strip()
        if key not in self.found:
            try:
                self.found[key] = super().clean(value, row, **kwargs)
            except District.DoesNotExist:
                self.found[key] = None
        if self.found[key] is None and key:
            raise ValueError(f"No district has the DPI code {value}.")
        return self.found[key]


class SchoolResource(FullCleanResource):
    district = fields.Field(
        attribute="district", column_name="district_dpi_code", widget=DistrictCodeWidget()
    )

    class Meta(FullCleanResource.Meta):
        model = School
        import_id_fields = ["district", "dpi_code"]
        fields = [
            "district",
            "dpi_code",
            "name",
            "nces_id",
            "lowest_grade",
            "highest_grade",
        ]
        export_order = fields


class AgencyResource(FullCleanResource):
    class Meta(FullCleanResource.Meta):
        model = Agency
        instance_loader_class = CachedInstanceLoader
        import_id_fields = ["ori"]
        fields = ["ori", "name", "kind"]
        export_order = fields
