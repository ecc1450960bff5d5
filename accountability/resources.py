"""Climate survey results in and out as CSV or XLSX: a file imports whole or not at all."""

from import_export import fields

from sro_portal.resources import FullCleanResource, SchoolCodeWidget

from .models import SurveyResult


class SurveyResultResource(FullCleanResource):
    school = fields.Field(attribute="school", column_name="school", widget=SchoolCodeWidget())

    class Meta(FullCleanResource.Meta):
        model = SurveyResult
        import_id_fields = ["school", "school_year", "audience", "question"]
        fields = ["school", "school_year", "audience", "question", "respondents", "agree"]
        export_order = fields

    def get_instance(self, instance_loader, row):
        # An unknown school makes the row new, so the school field reports the error.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if instance.school_id:
            instance.district_id = instance.school.district_id
        super().validate_instance(instance, import_validation_errors, validate_unique)
