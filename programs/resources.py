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


class SchoolResource(FullCleanResource):
    district = fields.Field(
        attribute="district",
        column_name="district_dpi_code",
        widget=ForeignKeyWidget(District, field="dpi_code"),
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


class AgencyResource(FullCleanResource):
    class Meta(FullCleanResource.Meta):
        model = Agency
        import_id_fields = ["ori"]
        fields = ["ori", "name", "kind"]
        export_order = fields
