from django.contrib import admin

from sro_portal.admin import AuditedModelAdmin, StateStaffPermissions

from .models import (
    MOU,
    Approval,
    Assignment,
    Candidate,
    CandidateRating,
    MOUDrafter,
    MOUReview,
    NeedsAssessment,
    OutreachComponent,
    Position,
    Program,
    ProgramStatusChange,
    PropertyArea,
    ProtocolEntry,
    Responsibility,
    SelectionCriterion,
)


class ProgramPartInline(StateStaffPermissions, admin.TabularInline):
    extra = 0
    show_change_link = True


class ResponsibilityInline(ProgramPartInline):
    model = Responsibility


class ProtocolEntryInline(ProgramPartInline):
    model = ProtocolEntry


class PositionInline(ProgramPartInline):
    model = Position
    fk_name = "program"
    fields = ["side", "kind", "title", "holder_name", "reports_to", "duties"]


class PropertyAreaInline(ProgramPartInline):
    model = PropertyArea
    autocomplete_fields = ["school"]


class OutreachComponentInline(ProgramPartInline):
    model = OutreachComponent


class StatusChangeInline(ProgramPartInline):
    model = ProgramStatusChange
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(AuditedModelAdmin):
    list_display = ["name", "district", "agency", "status", "updated_at"]
    list_filter = ["status", "agency", "district__cesa"]
    search_fields = ["name", "district__name", "agency__name"]
    list_select_related = ["district", "agency"]
    autocomplete_fields = ["district", "agency"]
    inlines = [
        ResponsibilityInline,
        ProtocolEntryInline,
        PositionInline,
        PropertyAreaInline,
        OutreachComponentInline,
        StatusChangeInline,
    ]


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(AuditedModelAdmin):
    list_display = ["program", "conclusion", "concluded_on"]
    list_filter = ["conclusion"]
    search_fields = ["program__name"]
    autocomplete_fields = ["program"]


@admin.register(Approval)
class ApprovalAdmin(AuditedModelAdmin):
    list_display = ["program", "subject", "mou", "side", "approved_by", "approved_at"]
    list_filter = ["subject", "side"]
    search_fields = ["program__name"]
    list_select_related = ["program", "mou", "approved_by"]


class CandidateRatingInline(ProgramPartInline):
    model = CandidateRating
    fields = ["criterion", "rater_name", "rater_stake", "score", "comment"]


@admin.register(SelectionCriterion)
class SelectionCriterionAdmin(AuditedModelAdmin):
    list_display = ["description", "kind", "program"]
    list_filter = ["kind"]
    search_fields = ["description", "program__name"]


@admin.register(Candidate)
class CandidateAdmin(AuditedModelAdmin):
    list_display = ["name", "program"]
    search_fields = ["name", "program__name"]
    inlines = [CandidateRatingInline]


class MOUDrafterInline(StateStaffPermissions, admin.TabularInline):
    model = MOUDrafter
    extra = 0


class MOUReviewInline(StateStaffPermissions, admin.TabularInline):
    model = MOUReview
    extra = 0


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "annual review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_60", "Due within 60 days or overdue")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_due_within(-1)
        if self.value() == "due_60":
            return queryset.review_due_within(60)
        return queryset


@admin.register(MOU)
class MOUAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "state",
        "effective_on",
        "ends_on",
        "review_due_on",
        "review_overdue",
    ]
    list_filter = [ReviewOverdueFilter, "state", "program__agency"]
    search_fields = ["program__name", "program__district__name"]
    list_select_related = ["program"]
    readonly_fields = [
        "number",
        "state",
        "district_signatory",
        "district_signatory_title",
        "district_signed_on",
        "agency_signatory",
        "agency_signatory_title",
        "agency_signed_on",
        "review_due_on",
    ]
    inlines = [MOUDrafterInline, MOUReviewInline]

    @admin.display(boolean=True, description="review overdue")
    def review_overdue(self, mou):
        return mou.is_review_overdue


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin):
    list_display = ["officer", "school", "program", "starts_on", "ends_on"]
    list_filter = ["program__agency", "school__district"]
    search_fields = ["officer__username", "officer__last_name", "school__name"]
    list_select_related = ["officer", "school", "program"]
    autocomplete_fields = ["school", "officer", "program"]
