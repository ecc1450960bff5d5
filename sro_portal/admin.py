import datetime
import hashlib

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from .admin_scale import LargeTableAdmin, school_year_filter
from .audit import Actor, audit_record
from .exports import Export
from .files import FileRefused
from .models import Agency, AuditLog, District, Membership, School, User
from .people import people_changed
from .resources import AgencyResource, DistrictResource, SchoolResource
from .two_factor import second_step_reset


class StateStaffPermissions:
    """Permission comes from the state staff role, not from Django's per-model permission table."""

    def has_module_permission(self, request):
        return request.user.is_state_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_state_staff

    def has_add_permission(self, request, obj=None):
        return request.user.is_state_staff

    def has_change_permission(self, request, obj=None):
        return request.user.is_state_staff

    def has_delete_permission(self, request, obj=None):
        return request.user.is_state_staff


def titled(filter_class, title):
    """`filter_class` under its own title. Django heads a filter "By <title>", so a field named
    for who did something (verbose name "by") would read "By by"."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class ReadOnlyAdminMixin:
    """Records state staff read in the admin, and nobody adds, changes or deletes there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(StateStaffPermissions, admin.ModelAdmin):
    """Every create, update and delete made in the admin, inlines included, goes to the audit log.

    Django's admin runs these hooks inside the transaction of the request, so an entry is never
    written for a change that did not happen.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=Actor.from_request(request),
            action=AuditLog.Action.UPDATE if change else AuditLog.Action.CREATE,
            instance=obj,
            changed_fields=form.changed_data,
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        actor = Actor.from_request(request)
        for obj in formset.new_objects:
            audit_record(actor=actor, action=AuditLog.Action.CREATE, instance=obj)
        for obj, fields in formset.changed_objects:
            audit_record(
                actor=actor, action=AuditLog.Action.UPDATE, instance=obj, changed_fields=fields
            )
        for obj in formset.deleted_objects:
            audit_record(actor=actor, action=AuditLog.Action.DELETE, instance=obj)

    def delete_model(self, request, obj):
        audit_record(actor=Actor.from_request(request), action=AuditLog.Action.DELETE, instance=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        actor = Actor.from_request(request)
        for obj in queryset:
            audit_record(actor=actor, action=AuditLog.Action.DELETE, instance=obj)
        super().delete_queryset(request, queryset)


class SensitiveRecordAdmin(AuditedModelAdmin):
    """Records about students or complainants: every view of one in the admin is audited, as in
    the site."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit_record(
                actor=Actor.from_request(request),
                action=AuditLog.Action.VIEW,
                instance=self.get_object(request, object_id),
            )
        return response


class AuditedImportExportAdmin(AuditedModelAdmin, ImportExportModelAdmin):
    """CSV and XLSX import and export. A file imports whole or not at all, and is audited once."""

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_dataset(self, dataset, form, request, **kwargs):
        result = super().process_dataset(dataset, form, request, **kwargs)
        if not (result.has_errors() or result.has_validation_errors()):
            stored = self.get_tmp_storage_class()(
                name=form.cleaned_data["import_file_name"], read_mode="rb"
            ).read()
            audit_record(
                actor=Actor.from_request(request),
                action=AuditLog.Action.IMPORT,
                detail={
                    "model": self.model._meta.label,
                    "file_name": form.cleaned_data.get("original_file_name", ""),
                    "rows": len(dataset),
                    "sha256": hashlib.sha256(
                        stored.encode() if isinstance(stored, str) else stored
                    ).hexdigest(),
                    "totals": {kind: count for kind, count in result.totals.items() if count},
                },
            )
        return result

    def import_action(self, request, **kwargs):
        """The preview; a file it refuses is audited as the site's imports audit theirs."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form, result = context.get("form"), context.get("result")
        upload = request.FILES.get("import_file")
        reasons = [str(e) for errors in (form.errors.values() if form else []) for e in errors]
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            reasons.append("Rows refused.")
        if request.method == "POST" and upload is not None and reasons:
            audit_record(
                actor=Actor.from_request(request),
                action=AuditLog.Action.IMPORT,
                detail={
                    "model": self.model._meta.label,
                    "file_name": (upload.name or "")[:200],
                    "outcome": "refused",
                    "reason": " ".join(reasons)[:500],
                },
            )
        return response

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


# Roles come from memberships; Django's groups and per-model permissions are not used.
admin.site.unregister(Group)


class MembershipInline(StateStaffPermissions, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["district", "school", "agency"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_second_step"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Roles and the days they were taken up decide which training applies and when.
        people_changed([form.instance.pk])

    @admin.action(description="Reset two-step sign-in (a lost phone and recovery codes)")
    def reset_second_step(self, request, queryset):
        actor = Actor.from_request(request)
        for user in queryset:
            second_step_reset(actor=actor, user=user)
        count = len(queryset)
        self.message_user(
            request,
            f"Two-step sign-in reset for {count} account{'s' if count != 1 else ''}: each sets up "
            "a new authenticator app at the next sign-in.",
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = [*fieldsets, (_("Superuser"), {"fields": ["is_superuser"]})]
        return fieldsets

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                actor=Actor.from_request(request),
                action=AuditLog.Action.UPDATE,
                instance=self.get_object(request, id),
                changed_fields=["password"],
            )
        return response


def chicago_time(value) -> str:
    """A moment as the portal shows it everywhere: Chicago time, its zone named (CST or CDT)."""
    return format_date(timezone.localtime(value, timezone.get_default_timezone()), "N j, Y, P T")


# The keys the portal writes into an entry's detail, under the words state staff read.
DETAIL_LABELS = {
    "model": "Records",
    "file_name": "File",
    "rows": "Rows",
    "outcome": "Outcome",
    "totals": "Totals",
    "problems": "Rows with problems",
    "reason": "Reason",
    "sha256": "File fingerprint (SHA-256)",
    "imported": "Imported",
    "amends": "Amends entry",
    "links": "Links",
    "emailed": "Emailed",
    "revoked_links": "Links revoked",
    "linked_account": "Linked account",
}
# An import's totals are counted by import-export's row kinds.
TOTAL_LABELS = {
    "new": "added",
    "update": "updated",
    "skip": "unchanged",
    "delete": "deleted",
    "error": "with errors",
    "invalid": "invalid",
}


def _detail_value(key, value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "model":
        try:
            return capfirst(apps.get_model(value)._meta.verbose_name_plural)
        except (LookupError, ValueError):
            return str(value)
    if key == "totals" and isinstance(value, dict):
        counted = [f"{n} {TOTAL_LABELS.get(kind, kind)}" for kind, n in value.items() if n]
        return ", ".join(counted) or "nothing"
    if isinstance(value, dict):
        return ", ".join(f"{name}: {_detail_value(name, item)}" for name, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if key == "outcome":
        return capfirst(str(value))
    return str(value)


def detail_items(detail, *, leave_out=()) -> list[tuple[str, str]]:
    """An entry's detail as (label, value) pairs, in the order it was written."""
    return [
        (DETAIL_LABELS.get(key, capfirst(key.replace("_", " "))), _detail_value(key, value))
        for key, value in (detail or {}).items()
        if key not in leave_out
    ]


def detail_list(detail, *, leave_out=()):
    items = detail_items(detail, leave_out=leave_out)
    if not items:
        return "-"
    return format_html(
        '<dl class="audit-detail">{}</dl>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", items),
    )


class AuditLogExportForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="To (included)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")],
        initial="xlsx",
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The last day cannot come before the first.")
        return data


AUDIT_EXPORT_HEADERS = [
    "Time (America/Chicago)",
    "Who",
    "Action",
    "Kind of record",
    "Record",
    "Record ID",
    "Address",
    "Changed fields",
    "Values before",
    "Values after",
    "Details",
]


def _field_label(model, name) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name


def _field_value(model, name, value) -> str:
    """A recorded value as a reader knows it: a choice by its label, not its stored code."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    try:
        choices = dict(model._meta.get_field(name).flatchoices) if model else {}
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))


def _values(model, values: dict) -> str:
    # In the model's own field order: PostgreSQL keeps a JSON object's keys in an order of its own.
    order = {field.name: i for i, field in enumerate(model._meta.fields)} if model else {}
    return "; ".join(
        f"{_field_label(model, name)}: {_field_value(model, name, value)}"
        for name, value in sorted(values.items(), key=lambda item: order.get(item[0], len(order)))
    )


def values_before_after(entry, model) -> tuple[str, str]:
    """The entry's recorded values: before and after an update, the record as created or as
    deleted."""
    changes = entry.changes or {}
    if entry.action == AuditLog.Action.UPDATE:
        before = _values(model, {name: pair[0] for name, pair in changes.items()})
        return before, _values(model, {name: pair[1] for name, pair in changes.items()})
    if entry.action == AuditLog.Action.CREATE:
        return "", _values(model, changes)
    if entry.action == AuditLog.Action.DELETE:
        return _values(model, changes), ""
    return "", ""


def audit_log_export(start: datetime.date, end: datetime.date) -> Export:
    """Entries from the first day's midnight to the end of the last day, Chicago time, oldest
    first. One query whatever the range: the kind of record comes with each entry and the rest
    is read from the entry itself."""
    zone = timezone.get_default_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    entries = (
        AuditLog.objects.filter(at__gte=since, at__lt=until)
        .select_related("content_type")
        .order_by("at", "pk")
    )
    rows = []
    for entry in entries.iterator(chunk_size=2000):
        model = entry.content_type.model_class() if entry.content_type else None
        before, after = values_before_after(entry, model)
        rows.append(
            [
                timezone.localtime(entry.at, zone).strftime("%Y-%m-%d %H:%M:%S %Z"),
                entry.actor_repr or "anonymous",
                entry.get_action_display(),
                capfirst(entry.content_type.name) if entry.content_type else "",
                entry.object_repr,
                entry.object_id,
                entry.ip_address or "",
                ", ".join(_field_label(model, name) for name in entry.changed_fields or []),
                before,
                after,
                "; ".join(f"{label}: {value}" for label, value in detail_items(entry.detail)),
            ]
        )
    return Export(
        title="Audit log",
        headers=AUDIT_EXPORT_HEADERS,
        rows=rows,
        filters={"From": start.isoformat(), "To (included)": end.isoformat()},
    )


@admin.register(AuditLog)
class AuditLogAdmin(LargeTableAdmin, ReadOnlyAdminMixin, StateStaffPermissions, admin.ModelAdmin):
    list_display = [
        "when",
        "actor_repr",
        "action",
        "content_type",
        "object_repr",
        "ip_address",
        "details",
    ]
    list_filter = ["at", school_year_filter("at"), "action", "content_type"]
    exact_search_fields = ["actor_repr"]
    text_search_fields = {"object_repr": "simple"}
    search_help_text = (
        "A username, whole (for example jdoe), or words of the record's name (a school, a "
        "tracking code, a case number). Filter by action, kind of record or date."
    )
    list_select_related = ["content_type"]
    fields = [
        "when",
        "actor",
        "actor_repr",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "changed",
        "ip_address",
        "full_details",
    ]
    readonly_fields = ["when", "changed", "full_details"]

    @admin.display(description="when", ordering="at")
    def when(self, entry):
        return chicago_time(entry.at)

    @admin.display(description="changed fields")
    def changed(self, entry):
        return ", ".join(entry.changed_fields) or "-"

    # The list leaves out the file's fingerprint: a long hash that only the entry itself needs.
    @admin.display(description="detail")
    def details(self, entry):
        return detail_list(entry.detail, leave_out={"sha256"})

    @admin.display(description="detail")
    def full_details(self, entry):
        return detail_list(entry.detail)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The heading would otherwise be the entry's str(), whose time is in UTC.
        entry = self.get_object(request, object_id)
        if entry is not None:
            who = entry.actor_repr or "anonymous"
            summary = " · ".join(
                part
                for part in [
                    chicago_time(entry.at),
                    who,
                    entry.get_action_display(),
                    entry.object_repr,
                ]
                if part
            )
            extra_context = {**(extra_context or {}), "subtitle": summary}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="sro_portal_auditlog_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The entries of a date range as a spreadsheet; the download itself is audited like
        every other (sro_portal.middleware.AccessAuditMiddleware)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AuditLogExportForm(request.GET or None)
        if form.is_valid():
            data = form.cleaned_data
            return audit_log_export(data["start"], data["end"]).response(data["format"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Download audit log entries",
            "form": form,
        }
        return TemplateResponse(request, "admin/sro_portal/auditlog/export.html", context)


class SchoolInline(ReadOnlyAdminMixin, StateStaffPermissions, admin.TabularInline):
    model = School
    extra = 0
    fields = ["name", "dpi_code", "lowest_grade", "highest_grade"]
    show_change_link = True


@admin.register(District)
class DistrictAdmin(AuditedImportExportAdmin):
    resource_classes = [DistrictResource]
    list_display = ["name", "dpi_code", "county", "cesa", "nces_id"]
    list_filter = ["cesa", "county"]
    search_fields = ["name", "dpi_code", "nces_id", "county"]
    inlines = [SchoolInline]


@admin.register(School)
class SchoolAdmin(AuditedImportExportAdmin):
    resource_classes = [SchoolResource]
    list_display = ["name", "district", "dpi_code", "grades"]
    list_filter = ["district__cesa", "lowest_grade", "highest_grade", "district"]
    search_fields = ["name", "dpi_code", "nces_id", "district__name"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


@admin.register(Agency)
class AgencyAdmin(AuditedImportExportAdmin):
    resource_classes = [AgencyResource]
    list_display = ["name", "kind", "ori"]
    list_filter = ["kind"]
    search_fields = ["name", "ori"]
