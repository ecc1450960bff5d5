"""Climate survey results by school, school year, audience and question: the list in one's scope,
filtered and exported, and an import (sro_portal.imports) of the district administrator's own
schools."""

from django.views.generic import ListView

from sro_portal.access import ScopedAccessMixin
from sro_portal.imports import ImportMixin
from sro_portal.lists import FilteredListMixin
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from ..filters import SurveyResultFilter
from ..models import SurveyResult
from ..resources import SURVEY_COLUMNS, SURVEY_EXAMPLES, SURVEY_HEADERS, SurveyResultResource


class SurveyResultsView(ImportMixin, FilteredListMixin, ScopedAccessMixin, ListView):
    roles = frozenset({Role.DISTRICT_ADMIN, Role.STATE_STAFF})
    model = SurveyResult
    paginate_by = 50
    template_name = "accountability/surveys.html"
    filterset_class = SurveyResultFilter
    export_title = "Climate survey results"
    # The download's columns are the import's, so that a download imports again unchanged.
    export_headers = list(SURVEY_HEADERS.values())
    import_columns = SURVEY_COLUMNS
    import_model = SurveyResult
    import_noun = "climate survey results"
    import_examples = SURVEY_EXAMPLES

    def get_queryset(self):
        rows = super().get_queryset().kept_by(self.request.user).select_related("school__district")
        if not rows.query.order_by:
            rows = rows.order_by("-school_year", "school__name", "audience", "question")
        return rows

    def export_rows(self, queryset):
        for result in queryset.iterator(chunk_size=2000):
            school = result.school
            yield [
                school.district.name,
                school.name,
                f"{school.district.dpi_code}-{school.dpi_code}",
                result.school_year_label,
                result.get_audience_display(),
                result.question,
                result.respondents,
                result.agree,
                result.percent_agree,
            ]

    def post(self, request, *args, **kwargs):
        # A refused or previewed file shows the page again, list included.
        self.object_list = self.get_queryset()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            state_staff=scope_of(self.request.user).is_state_staff, **kwargs
        )

    def get_import_resource(self):
        return SurveyResultResource()
