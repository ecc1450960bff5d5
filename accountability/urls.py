from django.urls import path

from .views import activity_reports, complaints, program, public, reports, summary_reports
from .views.enrollment import EnrollmentView
from .views.surveys import SurveyResultsView

app_name = "accountability"

urlpatterns = [
    # Public: no sign-in.
    path("complaints/new/", complaints.ComplaintCreateView.as_view(), name="complaint_create"),
    path("complaints/thanks/", complaints.ComplaintThanksView.as_view(), name="complaint_thanks"),
    path("complaints/status/", complaints.ComplaintStatusView.as_view(), name="complaint_status"),
    # Staff.
    path("enrollment/", EnrollmentView.as_view(), name="enrollment"),
    path("surveys/", SurveyResultsView.as_view(), name="surveys"),
    path("complaints/", complaints.ComplaintListView.as_view(), name="complaint_list"),
    path("complaints/<int:pk>/", complaints.ComplaintDetailView.as_view(), name="complaint_detail"),
    path(
        "complaints/<int:pk>/status/",
        complaints.ComplaintStatusChangeView.as_view(),
        name="complaint_change_status",
    ),
    path(
        "complaints/<int:pk>/reviewer/",
        complaints.ComplaintReviewerView.as_view(),
        name="complaint_reviewer",
    ),
    path("public-page/", public.PublicPageSettingsView.as_view(), name="public_page_settings"),
    path(
        "public-page/<int:district_pk>/preview/",
        public.PublicPagePreviewView.as_view(),
        name="public_page_preview",
    ),
    # Reports.
    path("reports/", summary_reports.ReportsView.as_view(), name="reports"),
    path(
        "reports/enforcement/",
        reports.EnforcementReportView.as_view(),
        name="report_enforcement",
    ),
    path("reports/districts/", reports.DistrictComparisonView.as_view(), name="report_districts"),
    path(
        "reports/activity/",
        activity_reports.ActivityReportView.as_view(),
        name="report_activity",
    ),
    path(
        "reports/complaints/",
        summary_reports.ComplaintsReportView.as_view(),
        name="report_complaints",
    ),
    path(
        "reports/training/",
        summary_reports.TrainingReportView.as_view(),
        name="report_training",
    ),
    path("programs/<int:program_pk>/", program.ProgramAccountabilityView.as_view(), name="program"),
    path("programs/<int:program_pk>/settings/", program.SettingsView.as_view(), name="settings"),
    path(
        "programs/<int:program_pk>/evaluation-plan/",
        program.EvaluationPlanView.as_view(),
        name="evaluation_plan",
    ),
    path(
        "programs/<int:program_pk>/evaluations/new/",
        program.EvaluationCreateView.as_view(),
        name="evaluation_create",
    ),
    path("evaluations/<int:pk>/", program.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path(
        "programs/<int:program_pk>/meetings/new/",
        program.MeetingCreateView.as_view(),
        name="meeting_create",
    ),
    path(
        "programs/<int:program_pk>/contacts/new/",
        program.ContactCreateView.as_view(),
        name="contact_create",
    ),
    path(
        "programs/<int:program_pk>/contacts/<int:pk>/edit/",
        program.ContactUpdateView.as_view(),
        name="contact_update",
    ),
    path(
        "programs/<int:program_pk>/contacts/<int:pk>/delete/",
        program.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path(
        "programs/<int:program_pk>/expectations/new/",
        program.ExpectationCreateView.as_view(),
        name="expectation_create",
    ),
    path(
        "programs/<int:program_pk>/expectations/<int:pk>/edit/",
        program.ExpectationUpdateView.as_view(),
        name="expectation_update",
    ),
    path(
        "programs/<int:program_pk>/expectations/<int:pk>/delete/",
        program.ExpectationDeleteView.as_view(),
        name="expectation_delete",
    ),
    path(
        "programs/<int:program_pk>/expectations/agree/",
        program.ExpectationsAgreeView.as_view(),
        name="expectations_agree",
    ),
]
