from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("activity/", views.ActivityWeekView.as_view(), name="activity_week"),
    path("activity/new/", views.ActivityLogCreateView.as_view(), name="activity_create"),
    path("activity/<int:pk>/edit/", views.ActivityLogChangeView.as_view(), name="activity_change"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", views.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/review/", views.IncidentReviewView.as_view(), name="incident_review"),
    path(
        "incidents/<int:pk>/actions/new/",
        views.EnforcementActionCreateView.as_view(),
        name="enforcementaction_create",
    ),
    path("enforcement/", views.EnforcementActionListView.as_view(), name="enforcementaction_list"),
    path("import/", views.EnforcementActionImportView.as_view(), name="import"),
]
