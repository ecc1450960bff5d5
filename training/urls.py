from django.urls import path

from . import views

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
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/export/", views.ComplianceExportView.as_view(), name="compliance_export"),
]
