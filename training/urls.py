from django.urls import path

from . import roster_views, views

app_name = "training"

urlpatterns = [
    path("", views.PersonTrainingView.as_view(), name="my_training"),
    path("people/<int:pk>/", views.PersonTrainingView.as_view(), name="person_training"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("requirements/", views.RequirementListView.as_view(), name="requirement_list"),
    path(
        "programs/<int:program_pk>/requirements/new/",
        views.RequirementCreateView.as_view(),
        name="requirement_create",
    ),
    path(
        "programs/<int:program_pk>/requirements/<int:pk>/edit/",
        views.RequirementUpdateView.as_view(),
        name="requirement_update",
    ),
    path(
        "programs/<int:program_pk>/requirements/<int:pk>/delete/",
        views.RequirementDeleteView.as_view(),
        name="requirement_delete",
    ),
    path("completions/new/", views.CompletionCreateView.as_view(), name="completion_create"),
    path(
        "completions/<int:pk>/verify/",
        views.CompletionVerifyView.as_view(),
        name="completion_verify",
    ),
    path(
        "completions/<int:pk>/certificate/",
        views.CertificateView.as_view(),
        name="certificate",
    ),
    path("staff/", roster_views.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", roster_views.StaffCreateView.as_view(), name="staff_create"),
    path("staff/import/", roster_views.RosterImportView.as_view(), name="staff_import"),
    path(
        "staff/training/import/",
        roster_views.StaffCompletionImportView.as_view(),
        name="staff_completion_import",
    ),
    path("staff/<int:pk>/", roster_views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", roster_views.StaffUpdateView.as_view(), name="staff_update"),
    path(
        "staff/<int:staff_pk>/completions/new/",
        roster_views.StaffCompletionCreateView.as_view(),
        name="staff_completion_create",
    ),
    path("staff/<int:staff_pk>/link/", roster_views.StaffLinkView.as_view(), name="staff_link"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
]
