"""The directory: districts, schools and agencies, each seen within one's scope, filtered and
downloaded (sro_portal.lists). Filters are typed, not picked from lists of the whole state, so
that a page runs the same few queries whatever the directory holds."""

import django_filters
from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from .access import ScopedAccessMixin
from .lists import FilteredListMixin, SortFilter
from .models import Agency, District, Grade, School
from .roles import AGENCY_ROLES, DISTRICT_ROLES, Role

DIRECTORY_READERS = frozenset({Role.STATE_STAFF, *DISTRICT_ROLES})
AGENCY_READERS = frozenset({Role.STATE_STAFF, *AGENCY_ROLES})
NOT_LISTED = {"invalid_choice": "Choose one of the listed options: that one is not available."}


def name_filter():
    return django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Name contains"
    )


class DistrictFilter(django_filters.FilterSet):
    name = name_filter()
    county = django_filters.CharFilter(lookup_expr="icontains", label="County")
    cesa = django_filters.ChoiceFilter(
        choices=[(n, str(n)) for n in range(1, 13)],
        label="CESA",
        empty_label="All",
        error_messages=NOT_LISTED,
    )
    sort = SortFilter(
        fields=[("name", "name"), ("dpi_code", "code"), ("county", "county"), ("cesa", "cesa")],
        field_labels={
            "name": "District",
            "dpi_code": "DPI code",
            "county": "County",
            "cesa": "CESA",
        },
    )

    class Meta:
        model = District
        fields = []


class DistrictListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = DIRECTORY_READERS
    model = District
    paginate_by = 50
    filterset_class = DistrictFilter
    export_title = "Districts"
    export_headers = ["District", "DPI district code", "NCES id", "County", "CESA", "Schools"]

    def get_queryset(self):
        rows = super().get_queryset().annotate(school_count=Count("schools"))
        # A grouped query drops the model's default ordering, which pages need.
        return rows if rows.query.order_by else rows.order_by("name")

    def export_rows(self, queryset):
        for district in queryset.iterator(chunk_size=2000):
            yield [
                district.name,
                district.dpi_code,
                district.nces_id,
                district.county,
                district.cesa,
                district.school_count,
            ]


class DistrictDetailView(ScopedAccessMixin, DetailView):
    roles = DIRECTORY_READERS
    model = District

    def get_context_data(self, **kwargs):
        schools = School.objects.visible_to(self.request.user).filter(district=self.object)
        return super().get_context_data(schools=schools, **kwargs)


class SchoolFilter(django_filters.FilterSet):
    name = name_filter()
    district = django_filters.CharFilter(
        method="filter_district", label="District (name or DPI code)"
    )
    grade = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in Grade.choices],
        method="filter_grade",
        label="Serves grade",
        empty_label="All",
        error_messages=NOT_LISTED,
    )
    sort = SortFilter(
        fields=[("name", "name"), ("district__name", "district"), ("dpi_code", "code")],
        field_labels={"name": "School", "district__name": "District", "dpi_code": "DPI code"},
    )

    class Meta:
        model = School
        fields = []

    def filter_district(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(district__name__icontains=value) | Q(district__dpi_code=value))

    def filter_grade(self, queryset, name, value):
        grade = int(value)
        return queryset.filter(lowest_grade__lte=grade, highest_grade__gte=grade)


class SchoolListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = DIRECTORY_READERS
    model = School
    paginate_by = 50
    filterset_class = SchoolFilter
    export_title = "Schools"
    export_headers = [
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "NCES id",
        "Lowest grade",
        "Highest grade",
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("district")

    def export_rows(self, queryset):
        for school in queryset.iterator(chunk_size=2000):
            yield [
                school.name,
                school.dpi_code,
                school.district.name,
                school.district.dpi_code,
                school.nces_id,
                school.get_lowest_grade_display(),
                school.get_highest_grade_display(),
            ]


class SchoolDetailView(ScopedAccessMixin, DetailView):
    roles = DIRECTORY_READERS
    model = School

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class AgencyFilter(django_filters.FilterSet):
    name = name_filter()
    kind = django_filters.ChoiceFilter(
        choices=Agency.Kind.choices, empty_label="All", error_messages=NOT_LISTED
    )
    sort = SortFilter(
        fields=[("name", "name"), ("kind", "kind"), ("ori", "ori")],
        field_labels={"name": "Agency", "kind": "Kind", "ori": "ORI"},
    )

    class Meta:
        model = Agency
        fields = []


class AgencyListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = AGENCY_READERS
    model = Agency
    paginate_by = 50
    filterset_class = AgencyFilter
    export_title = "Agencies"
    export_headers = ["Agency", "Kind", "ORI"]

    def export_rows(self, queryset):
        for agency in queryset.iterator(chunk_size=2000):
            yield [agency.name, agency.get_kind_display(), agency.ori]


class AgencyDetailView(ScopedAccessMixin, DetailView):
    roles = AGENCY_READERS
    model = Agency
