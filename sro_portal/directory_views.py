"""The directory: districts, schools and agencies, each seen within one's scope."""

from django.db.models import Count
from django.views.generic import DetailView, ListView

from .access import ScopedAccessMixin
from .models import Agency, District, School
from .roles import AGENCY_ROLES, DISTRICT_ROLES, Role

DIRECTORY_READERS = frozenset({Role.STATE_STAFF, *DISTRICT_ROLES})
AGENCY_READERS = frozenset({Role.STATE_STAFF, *AGENCY_ROLES})


class DistrictListView(ScopedAccessMixin, ListView):
    roles = DIRECTORY_READERS
    model = District
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().annotate(school_count=Count("schools")).order_by("name")


class DistrictDetailView(ScopedAccessMixin, DetailView):
    roles = DIRECTORY_READERS
    model = District

    def get_context_data(self, **kwargs):
        schools = School.objects.visible_to(self.request.user).filter(district=self.object)
        return super().get_context_data(schools=schools, **kwargs)


class SchoolListView(ScopedAccessMixin, ListView):
    roles = DIRECTORY_READERS
    model = School
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class SchoolDetailView(ScopedAccessMixin, DetailView):
    roles = DIRECTORY_READERS
    model = School

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class AgencyListView(ScopedAccessMixin, ListView):
    roles = AGENCY_READERS
    model = Agency
    paginate_by = 50


class AgencyDetailView(ScopedAccessMixin, DetailView):
    roles = AGENCY_READERS
    model = Agency
