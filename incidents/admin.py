from django.contrib import admin

from sro_portal.admin import (
    AuditedImportExportAdmin,
    AuditedModelAdmin,
    ReadOnlyAdminMixin,
    SensitiveRecordAdmin,
    StateStaffPermissions,
    titled,
)
from sro_portal.admin_scale import LargeTableAdmin, school_year_filter
from sro_portal.audit import Actor

from .models import ActivityLog, ActivityType, EnforcementAction, Incident, OffenseCategory
from .resources import EnforcementActionResource


@admin.register(ActivityType)
class ActivityTypeAdmin(AuditedModelAdmin):
    list_display = ["name", "group", "position", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(OffenseCategory)
class OffenseCategoryAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(ActivityLog)
class ActivityLogAdmin(LargeTableAdmin, ReadOnlyAdminMixin, AuditedModelAdmin):
    """The daily log is the SRO's own record: only its author corrects it (within seven days, at
    a school an MOU covers), through the service. State staff read it here."""

    list_display = ["occurred_on", "officer", "school", "activity_type", "minutes", "amends"]
    list_filter = [
        school_year_filter("occurred_on"),
        "activity_type__group",
        "district",
        "agency",
    ]
    exact_search_fields = ["officer__username"]
    search_help_text = "An SRO's username, whole (for example jdoe). Filter by district or agency."
    list_select_related = ["officer", "school", "activity_type"]
    readonly_fields = ["district", "agency", "assignment", "amends", "created_at"]


class EnforcementActionInline(ReadOnlyAdminMixin, StateStaffPermissions, admin.StackedInline):
    """Shown for reading; actions are added in the site or imported."""

    model = EnforcementAction
    extra = 0
    readonly_fields = ["district", "recorded_by"]


@admin.register(Incident)
class IncidentAdmin(LargeTableAdmin, SensitiveRecordAdmin):
    list_display = [
        "occurred_at",
        "school",
        "classification",
        "sro_response",
        "needs_review",
        "reviewed_at",
    ]
    list_filter = [
        school_year_filter("occurred_at"),
        "classification",
        "sro_response",
        "needs_review",
        "district",
        "agency",
    ]
    exact_search_fields = ["case_number"]
    text_search_fields = {"description": "english"}
    search_help_text = (
        "An agency case number, whole (for example 2025-001234), or words of what happened "
        "(disorderly conduct finds disorderly and conduct in any form). Filter by district or "
        "school year."
    )
    list_select_related = ["school"]
    # Fields that carry a rule (rule 4, the assignment, the review) change only through the
    # services; the admin corrects the wording of an incident at most.
    readonly_fields = [
        "school",
        "occurred_at",
        "classification",
        "handled_by",
        "sro_response",
        "case_number",
        "district",
        "agency",
        "program",
        "reported_by",
        "needs_review",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "version",
    ]
    inlines = [EnforcementActionInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.version += 1  # a change here is a new version: an open review of the old is stale
        super().save_model(request, obj, form, change)


@admin.register(EnforcementAction)
class EnforcementActionAdmin(LargeTableAdmin, ReadOnlyAdminMixin, AuditedImportExportAdmin):
    """Actions are recorded on their incident through the service, or imported from an agency's
    records system: each file through services.enforcement_actions_import, as on the site's import
    page, so the same rules hold. Never edited here."""

    resource_classes = [EnforcementActionResource]
    list_display = [
        "occurred_on",
        "case_number",
        "agency",
        "school",
        "kind",
        "offense_category",
        "student_age",
        "student_race",
    ]
    list_filter = [
        school_year_filter("occurred_on"),
        "kind",
        "offense_category",
        ("taken_by", titled(admin.ChoicesFieldListFilter, "officer")),
        "referred_for_charging",
        "on_school_property",
        "student_race",
        "student_disability",
        "agency",
        "district",
    ]
    exact_search_fields = ["case_number", "offense_code"]
    search_help_text = (
        "An agency case number or a statute or ordinance, whole (for example 2025-001234 or "
        "947.01(1)). Filter by district, agency or school year."
    )
    list_select_related = ["agency", "school", "offense_category"]
    readonly_fields = ["district", "recorded_by", "incident"]

    def has_import_permission(self, request):
        return request.user.is_state_staff

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        return {**kwargs, "actor": Actor.from_request(request)}
