"""Bulk import of enforcement actions from an agency's records system (CSV or XLSX): the file
is validated whole, nothing is imported if any row is bad, and every bad row is named."""

from import_export import fields

from sro_portal.models import Agency
from sro_portal.resources import FullCleanResource, NamedForeignKeyWidget, SchoolCodeWidget

from .models import EnforcementAction, OffenseCategory


class EnforcementActionResource(FullCleanResource):
    agency = fields.Field(
        attribute="agency",
        column_name="agency_ori",
        widget=NamedForeignKeyWidget(Agency, "ori", "agency"),
    )
    school = fields.Field(attribute="school", column_name="school", widget=SchoolCodeWidget())
    offense_category = fields.Field(
        attribute="offense_category",
        column_name="offense_category",
        widget=NamedForeignKeyWidget(OffenseCategory, "code", "offense category"),
    )

    class Meta(FullCleanResource.Meta):
        model = EnforcementAction
        # Every row is a new action (one student's), never an update of another.
        force_init_instance = True
        fields = [
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
        export_order = fields

    def before_import(self, dataset, **kwargs):
        self.seen_case_numbers = set()
        self.user = kwargs.get("user")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Rows of one file sharing a case number are one event with several students: fine.
        A case number the agency recorded before this file is another event's: refused (the
        model's clean() also refuses one used on another incident, as the service does)."""
        errors = dict(import_validation_errors or {})
        key = (instance.agency_id, instance.case_number)
        if instance.agency_id and instance.case_number and key not in self.seen_case_numbers:
            if EnforcementAction.objects.filter(
                agency_id=instance.agency_id, case_number=instance.case_number
            ).exists():
                errors.setdefault("case_number", []).append(
                    f"Case number {instance.case_number} is already recorded for this agency."
                )
            self.seen_case_numbers.add(key)
        if instance.school_id:
            instance.district_id = instance.school.district_id
        instance.recorded_by = self.user
        super().validate_instance(instance, errors, validate_unique=False)
