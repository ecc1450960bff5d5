from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("districts/", views.DistrictListView.as_view(), name="district_list"),
    path("districts/<int:pk>/", views.DistrictDetailView.as_view(), name="district_detail"),
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("agencies/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
]
