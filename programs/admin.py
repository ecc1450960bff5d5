"""The programs in the admin, for state staff, who audit them. The program rules
(programs/rules.py) give state staff no side, so here they view everything and change nothing
that carries a rule; writes that a rule allows go through the services, as on the site."""

from contextlib import contextmanager

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from sro_portal.admin import AuditedModelAdmin, ReadOnlyAdminMixin, StateStaffPermissions
from sro_portal.audit import Actor
from sro_portal.permissions import allows

from . import services
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
    RatingLink,
    RatingRound,
    Responsibility,
    SelectionCriterion,
)


@contextmanager
def refused_as_forbidden():
    """A service's refusal met in the admin (whose change form cannot show it beside a field)
    answers 403, and the admin's transaction leaves nothing saved."""
    try:
        yield
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error


class RuleAdmin(AuditedModelAdmin):
    """Add, change and delete answer from the program's rule for the record (viewing stays
    open to state staff). Fields that carry a rule are read-only for everyone."""

    rule = "programs.edit_program"
    rule_fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.rule_fields]

    def has_add_permission(self, request, obj=None):
        # A new record needs a program whose side the person speaks for: not from the admin.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return False
        return super().has_change_permission(request, obj) and allows(self.rule, request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """A change allowed by the rule is written by the program's service (history rows,
        audit entries and the rules, as on the site)."""
        with refused_as_forbidden():
            services.part_save(
                actor=Actor.from_request(request),
                part=obj,
                changed_fields=form.changed_data,
                expected_version=getattr(obj, "version", None),
            )


class ProgramPartInline(ReadOnlyAdminMixin, StateStaffPermissions, admin.TabularInline):
    """A part of the program, shown on its page: read-only; it is edited on the site."""

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


@admin.register(Program)
class ProgramAdmin(RuleAdmin):
    rule_fields = ["status"]
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

    def get_readonly_fields(self, request, obj=None):
        # A program's district and agency are its sides: never moved.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "district", "agency"] if obj else fields

    def save_model(self, request, obj, form, change):
        """Name and purpose, through the service, with the version the page was opened at."""
        fields = [f for f in form.changed_data if f in ("name", "purpose")]
        with refused_as_forbidden():
            services.program_update(
                actor=Actor.from_request(request),
                program=obj,
                expected_version=form.initial.get("version", obj.version),
                fields=fields,
            )


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(RuleAdmin):
    rule_fields = ["conclusion", "sro_purpose", "concluded_on"]
    list_display = ["program", "conclusion", "concluded_on"]
    list_filter = ["conclusion"]
    search_fields = ["program__name"]
    readonly_fields = ["program"]

    def save_model(self, request, obj, form, change):
        with refused_as_forbidden():
            services.needs_assessment_save(
                actor=Actor.from_request(request),
                assessment=obj,
                changed_fields=form.changed_data,
                expected_version=obj.version,
            )


@admin.register(Approval)
class ApprovalAdmin(RuleAdmin):
    """Approvals are given on the site by each side for itself: the whole record is read-only."""

    def has_change_permission(self, request, obj=None):
        return False

    list_display = ["program", "subject", "mou", "side", "approved_by", "approved_at"]
    list_filter = ["subject", "side"]
    search_fields = ["program__name"]
    list_select_related = ["program", "mou__program", "approved_by"]


class CandidateRatingInline(ProgramPartInline):
    model = CandidateRating
    fields = ["criterion", "rater_name", "rater_stake", "link", "score", "comment"]
    readonly_fields = fields


@admin.register(SelectionCriterion)
class SelectionCriterionAdmin(RuleAdmin):
    list_display = ["description", "kind", "program"]
    list_filter = ["kind"]
    search_fields = ["description", "program__name"]


@admin.register(Candidate)
class CandidateAdmin(RuleAdmin):
    list_display = ["name", "program"]
    search_fields = ["name", "program__name"]
    inlines = [CandidateRatingInline]


class RatingLinkInline(ProgramPartInline):
    """The links of a round, never their tokens: only a hash of each is kept, and not shown."""

    model = RatingLink
    fields = ["stake", "created_at", "expires_at", "used_at", "revoked_at", "revoked_by"]
    readonly_fields = fields
    show_change_link = False


@admin.register(RatingRound)
class RatingRoundAdmin(ReadOnlyAdminMixin, AuditedModelAdmin):
    """Rounds are run by the district's administrators on the site; state staff read them."""

    list_display = ["title", "program", "created_by", "created_at", "valid_days"]
    list_filter = ["program__district__cesa"]
    search_fields = ["title", "program__name", "program__district__name"]
    list_select_related = ["program", "created_by"]
    inlines = [RatingLinkInline]


class MOUDrafterInline(ProgramPartInline):
    model = MOUDrafter
    show_change_link = False


class MOUReviewInline(ProgramPartInline):
    model = MOUReview
    show_change_link = False


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
class MOUAdmin(RuleAdmin):
    rule = "programs.edit_mou_draft"
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
        "program",
        "effective_on",
        "ends_on",
        "not_applicable",
    ]
    inlines = [MOUDrafterInline, MOUReviewInline]

    def save_model(self, request, obj, form, change):
        """The draft's text, through the service (which clears the approvals)."""
        with refused_as_forbidden():
            services.mou_update(
                actor=Actor.from_request(request),
                mou=obj,
                expected_version=obj.version,
                fields=form.changed_data,
            )

    @admin.display(boolean=True, description="review overdue")
    def review_overdue(self, mou):
        return mou.is_review_overdue


@admin.register(Assignment)
class AssignmentAdmin(RuleAdmin):
    """Every field of an assignment carries rule 2 (within a signed MOU): read-only here."""

    rule = "programs.manage_assignments"
    rule_fields = ["program", "school", "officer", "starts_on", "ends_on"]
    list_display = ["officer", "school", "program", "starts_on", "ends_on"]
    list_filter = ["program__agency", "school__district"]
    search_fields = ["officer__username", "officer__last_name", "school__name"]
    list_select_related = ["officer", "school", "program"]

    def has_change_permission(self, request, obj=None):
        return False
