"""Import and export of the directory as CSV and XLSX, keyed by the state's own codes."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import Agency, District, School


class FullCleanResource(resources.ModelResource):
    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


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
            "enrollment",
        ]
        export_order = fields

    def get_instance(self, instance_loader, row):
        # An unknown district makes the row a new school, so the district field reports the error.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


class AgencyResource(FullCleanResource):
    class Meta(FullCleanResource.Meta):
        model = Agency
        import_id_fields = ["ori"]
        fields = ["ori", "name", "kind"]
        export_order = fields
