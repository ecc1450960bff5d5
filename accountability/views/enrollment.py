"""Enrollment by school and school year: the list in one's scope, its export, and an import
(sro_portal.imports) of the district administrator's own schools."""

from django.views.generic import TemplateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.exports import Export
from sro_portal.imports import ImportMixin
from sro_portal.roles import Role
from sro_portal.schoolyear import parse_school_year, school_year_label
from sro_portal.scope import scope_of

from ..models import Enrollment
from ..resources import ENROLLMENT_COLUMNS, ENROLLMENT_HEADERS, EnrollmentResource


class EnrollmentView(ImportMixin, ScopedAccessMixin, TemplateView):
    roles = frozenset({Role.DISTRICT_ADMIN, Role.STATE_STAFF})
    template_name = "accountability/enrollment.html"
    import_columns = ENROLLMENT_COLUMNS
    import_model = Enrollment
    import_noun = "enrollment"

    def enrollment(self):
        rows = Enrollment.objects.kept_by(self.request.user).select_related(
            "school", "school__district"
        )
        return rows.order_by("-school_year", "school__district__name", "school__name")

    def selected_year(self):
        try:
            return parse_school_year(self.request.GET.get("school_year", ""))
        except ValueError:
            return None

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx"):
            return self.export().response(fmt)
        return super().get(request, *args, **kwargs)

    def export(self):
        year = self.selected_year()
        rows = self.enrollment()
        if year is not None:
            rows = rows.filter(school_year=year)
        groups = list(Enrollment.GROUPS)
        return Export(
            title="Enrollment",
            headers=[
                "District",
                "School",
                "School code",
                "School year",
                ENROLLMENT_HEADERS["total"],
                *[ENROLLMENT_HEADERS[g] for g in groups],
            ],
            rows=[
                [
                    e.school.district.name,
                    e.school.name,
                    f"{e.school.district.dpi_code}-{e.school.dpi_code}",
                    school_year_label(e.school_year),
                    e.total,
                    *[getattr(e, g) for g in groups],
                ]
                for e in rows
            ],
            filters={"School year": school_year_label(year) if year is not None else "All"},
        )

    def get_context_data(self, **kwargs):
        year = self.selected_year()
        rows = self.enrollment()
        years = sorted(set(rows.values_list("school_year", flat=True)), reverse=True)
        if year is not None:
            rows = rows.filter(school_year=year)
        groups = list(Enrollment.GROUPS)
        return super().get_context_data(
            group_headers=[ENROLLMENT_HEADERS[g] for g in groups],
            table=[
                {
                    "enrollment": e,
                    "code": f"{e.school.district.dpi_code}-{e.school.dpi_code}",
                    "year": school_year_label(e.school_year),
                    "groups": [getattr(e, g) for g in groups],
                }
                for e in rows
            ],
            years=[(school_year_label(y), y == year) for y in years],
            selected_year=school_year_label(year) if year is not None else "",
            state_staff=scope_of(self.request.user).is_state_staff,
            **kwargs,
        )

    def get_import_resource(self):
        return EnrollmentResource()
