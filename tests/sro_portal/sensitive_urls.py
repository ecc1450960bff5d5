"""The project's URLs plus one sensitive detail page, to test the mechanism on its own."""

from django.urls import include, path
from django.views.generic import DetailView

from sro_portal.access import ScopedAccessMixin
from sro_portal.audit import AuditedDetailMixin
from sro_portal.models import District
from sro_portal.roles import Role


class SensitiveDistrictView(ScopedAccessMixin, AuditedDetailMixin, DetailView):
    roles = frozenset({Role.DISTRICT_ADMIN})
    model = District


urlpatterns = [
    path("sensitive/<int:pk>/", SensitiveDistrictView.as_view(), name="sensitive"),
    path("", include("sro_portal.urls")),
]
