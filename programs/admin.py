from django.contrib import admin

from sro_portal.admin import AuditedImportExportAdmin

from .models import Agency, District, School
from .resources import AgencyResource, DistrictResource, SchoolResource


class SchoolInline(admin.TabularInline):
    model = School
    extra = 0
    fields = ["name", "dpi_code", "lowest_grade", "highest_grade", "enrollment"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_state_staff


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
    list_display = ["name", "district", "dpi_code", "grades", "enrollment"]
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
