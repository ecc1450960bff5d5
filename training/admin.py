from django.contrib import admin

from sro_portal.admin import AuditedImportExportAdmin, AuditedModelAdmin, StateStaffPermissions
from sro_portal.audit import Actor

from . import services, summary
from .forms import CourseAdminForm
from .models import (
    Completion,
    Course,
    Provider,
    Requirement,
    Resource,
    StaffMember,
    Topic,
)
from .resources import CompletionResource, CourseResource


@admin.register(Topic)
class TopicAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class ResourceInline(StateStaffPermissions, admin.StackedInline):
    model = Resource
    extra = 0
    filter_horizontal = ["topics"]


@admin.register(Provider)
class ProviderAdmin(AuditedModelAdmin):
    list_display = ["name", "level", "url", "contact_email"]
    list_filter = ["level"]
    search_fields = ["name"]
    inlines = [ResourceInline]


@admin.register(Course)
class CourseAdmin(AuditedImportExportAdmin):
    form = CourseAdminForm
    resource_classes = [CourseResource]
    list_display = ["title", "provider", "hours", "delivery", "collaborative"]
    list_filter = ["delivery", "collaborative", "provider", "topics"]
    search_fields = ["title", "learning_outcomes"]
    filter_horizontal = ["topics"]
    list_select_related = ["provider"]

    def save_related(self, request, form, formsets, change):
        # The topics, saved here, say which requirements a course counts toward.
        super().save_related(request, form, formsets, change)
        if change:
            summary.refresh_courses([form.instance.pk])


@admin.register(Requirement)
class RequirementAdmin(AuditedModelAdmin):
    list_display = ["__str__", "program", "audience", "min_hours", "frequency", "deadline_days"]
    list_filter = [("program", admin.EmptyFieldListFilter), "audience", "frequency"]
    search_fields = ["topic__name", "course__title", "program__name"]
    list_select_related = ["program", "topic", "course"]
    autocomplete_fields = ["program"]

    def save_model(self, request, obj, form, change):
        before = Requirement.objects.filter(pk=obj.pk).values_list("audience", flat=True)
        audiences = set(before) if change else set()
        super().save_model(request, obj, form, change)
        summary.refresh_requirement(obj, audiences)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Requirement.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        user_ids, staff_ids = set(), set()
        for requirement in queryset.select_related("program"):
            users, staff = summary.requirement_people(requirement)
            user_ids |= users
            staff_ids |= staff
        super().delete_queryset(request, queryset)
        summary.refresh(user_ids=user_ids, staff_ids=staff_ids)


@admin.register(Completion)
class CompletionAdmin(AuditedImportExportAdmin):
    resource_classes = [CompletionResource]
    list_display = ["holder", "course", "completed_on", "hours", "outcome", "verified_by"]
    list_filter = ["outcome", "course", ("verified_by", admin.EmptyFieldListFilter)]
    search_fields = ["person__username", "person__last_name", "staff_member__name", "course__title"]
    date_hierarchy = "completed_on"
    list_select_related = ["person", "staff_member", "course", "verified_by"]
    autocomplete_fields = ["person", "staff_member", "course", "verified_by"]

    def save_model(self, request, obj, form, change):
        before = list(Completion.objects.filter(pk=obj.pk)) if change else []
        super().save_model(request, obj, form, change)
        summary.refresh_completions([obj, *before])

    def delete_model(self, request, obj):
        self.delete_queryset(request, Completion.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        completions = list(queryset)
        super().delete_queryset(request, queryset)
        summary.refresh_completions(completions)


@admin.register(StaffMember)
class StaffMemberAdmin(AuditedModelAdmin):
    list_display = ["name", "position", "audience", "school", "started_on", "left_on", "user"]
    list_filter = ["audience", ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "position", "school__name"]
    list_select_related = ["school", "user"]
    autocomplete_fields = ["school"]
    readonly_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # Through the service, which checks the roster rule and writes the audit entry.
        services.staff_member_save(
            actor=Actor.from_request(request), staff_member=obj, changed_fields=form.changed_data
        )
