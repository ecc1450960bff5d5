"""Sign-in lockouts (django-axes) in the admin: state staff see who is locked out and may
release a lockout before its 15 minutes are over; a release is an audited deletion."""

from axes.models import AccessAttempt
from django.contrib import admin

from .admin import AuditedModelAdmin


@admin.register(AccessAttempt)
class LockoutAdmin(AuditedModelAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["release"]

    @admin.action(description="Release the selected lockouts", permissions=["delete"])
    def release(self, request, queryset):
        count = queryset.count()
        self.delete_queryset(request, queryset)
        self.message_user(request, f"{count} lockout{'s' if count != 1 else ''} released.")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
