"""Import and export as CSV and XLSX: the plumbing every app's files share, and the directory,
keyed by the state's own codes."""

from import_export import fields, resources, widgets
from import_export.widgets import ForeignKeyWidget

from .models import Agency, District, School


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
    """A school by its district and school codes, written `0001-0010`."""

    def __init__(self):
        super().__init__(School, "dpi_code", "school")

    def clean(self, value, row=None, **kwargs):
        district_code, _, school_code = str(value or "").partition("-")
        school = School.objects.filter(
            district__dpi_code=district_code.strip(), dpi_code=school_code.strip()
        ).first()
        if school is None:
            raise ValueError(
                f"No school has the codes {value!r} (district-school, e.g. 3619-0120)."
            )
        return school

    def render(self, value, obj=None, **kwargs):
        return f"{value.district.dpi_code}-{value.dpi_code}" if value else ""


class DistrictResource(FullCleanResource):
    class Meta(FullCleanResource.Meta):
        model = District
        import_id_fields = ["dpi_code"]
        fields = ["dpi_code", "name", "nces_id", "county", "cesa"]
        export_order = fields


class DistrictCodeWidget(ForeignKeyWidget):
    def __init__(self):
        super().__init__(District, field="dpi_code")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except District.DoesNotExist:
            raise ValueError(f"No district has the DPI code {value}.") from None


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
        import_id_fields = ["ori"]
        fields = ["ori", "name", "kind"]
        export_order = fields
