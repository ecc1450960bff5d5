from django.contrib import admin

from sro_portal.admin import (
    AuditedImportExportAdmin,
    AuditedModelAdmin,
    ReadOnlyAdminMixin,
    SensitiveRecordAdmin,
    StateStaffPermissions,
)
from sro_portal.admin_scale import IndexedSearchAdmin
from sro_portal.audit import Actor
from sro_portal.permissions import allows

from . import services
from .models import (
    AccountabilitySettings,
    Complaint,
    ComplaintStatusChange,
    Contact,
    Enrollment,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    SurveyResult,
)
from .resources import EnrollmentResource, SurveyResultResource


class StatusChangeInline(ReadOnlyAdminMixin, StateStaffPermissions, admin.TabularInline):
    """A complaint's history is its record: read here, never changed or removed."""

    model = ComplaintStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]


class OverdueFilter(admin.SimpleListFilter):
    title = "acknowledgement"
    parameter_name = "acknowledgement"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue")]

    def queryset(self, request, queryset):
        return queryset.acknowledgement_overdue() if self.value() == "overdue" else queryset


@admin.register(Complaint)
class ComplaintAdmin(IndexedSearchAdmin, SensitiveRecordAdmin):
    list_display = [
        "tracking_code",
        "program",
        "status",
        "received_at",
        "acknowledge_by",
        "reviewer",
    ]
    list_filter = [OverdueFilter, "status", "finding", "agency", "district"]
    exact_search_fields = ["tracking_code"]
    # Complaints come in several languages: words are matched as written, without stemming.
    text_search_fields = {"description": "simple", "officer_name": "simple"}
    search_help_text = (
        "A tracking code, whole (for example ABCD-EFGH-JKLM), or words of what happened or of "
        "the officer's name."
    )
    # A few hundred complaints a year statewide: the year and month links stay cheap.
    date_hierarchy = "received_at"
    list_select_related = ["program", "reviewer"]
    # Status, reviewer, finding and resolution carry the rules of the workflow (who handles a
    # complaint, each step in turn, the history and the audit entry): they change only through
    # the services, on the complaint's page, never by editing the row here.
    readonly_fields = [
        "tracking_code",
        "status",
        "reviewer",
        "finding",
        "resolution",
        "acknowledge_by",
        "language",
        "district",
        "agency",
        "version",
    ]
    inlines = [StatusChangeInline]

    def has_view_permission(self, request, obj=None):
        return (
            allows("accountability.view_complaint", request.user, obj)
            if obj
            else (super().has_view_permission(request))
        )

    def has_delete_permission(self, request, obj=None):
        # A complaint is kept, with its history, whatever became of it.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            # Filed here as on the public form: its deadline, history, audit entry and the
            # message to its handlers.
            services.complaint_file(actor=Actor.from_request(request), complaint=obj)
            return
        # An edit here also outdates a page opened on the site before it.
        obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(AccountabilitySettings)
class AccountabilitySettingsAdmin(AuditedModelAdmin):
    list_display = ["program", "acknowledge_within_days", "meeting_every_days"]
    autocomplete_fields = ["program"]


@admin.register(Contact)
class ContactAdmin(AuditedModelAdmin):
    list_display = ["name", "level", "program", "school", "email", "phone"]
    # The changelist joins only non-null relations by itself; a contact's school may be empty.
    list_select_related = ["program", "school"]
    list_filter = ["level"]
    search_fields = ["name", "email", "program__name"]


@admin.register(Meeting)
class MeetingAdmin(AuditedModelAdmin):
    list_display = ["held_on", "program", "school", "attendees"]
    list_select_related = ["program", "school"]
    # Meetings are held a few times a year per program: some ten thousand rows statewide.
    date_hierarchy = "held_on"
    search_fields = ["topics", "program__name"]


@admin.register(Expectation)
class ExpectationAdmin(AuditedModelAdmin):
    list_display = ["text", "held_by", "program"]
    list_filter = ["held_by"]


@admin.register(EvaluationPlan)
class EvaluationPlanAdmin(AuditedModelAdmin):
    list_display = ["program", "evaluators", "every_months"]


@admin.register(Evaluation)
class EvaluationAdmin(AuditedModelAdmin):
    list_display = ["program", "period_start", "period_end", "conducted_on"]
    readonly_fields = ["snapshot", "recorded_by"]

    def has_change_permission(self, request, obj=None):
        # The snapshot is what the evaluators saw; it is never edited afterwards.
        return False

    def has_delete_permission(self, request, obj=None):
        # Nor removed: a later reader must find what was evaluated.
        return False

    def has_view_permission(self, request, obj=None):
        # The same rule as the site's evaluation page.
        return (
            allows("accountability.view_evaluation", request.user, obj)
            if obj
            else (super().has_view_permission(request))
        )


@admin.register(SurveyResult)
class SurveyResultAdmin(AuditedImportExportAdmin):
    resource_classes = [SurveyResultResource]
    list_display = ["school", "school_year", "audience", "question", "respondents", "agree"]
    list_filter = ["school_year", "audience", "district"]
    search_fields = ["question", "school__name"]
    list_select_related = ["school"]


@admin.register(Enrollment)
class EnrollmentAdmin(AuditedImportExportAdmin):
    resource_classes = [EnrollmentResource]
    list_display = ["school", "school_year", "total"]
    list_filter = ["school_year", "district"]
    search_fields = ["school__name", "school__dpi_code", "district__name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
