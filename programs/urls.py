from django.urls import path

from .forms import (
    CandidateForm,
    CandidateRatingForm,
    OutreachComponentForm,
    PositionForm,
    PropertyAreaForm,
    ProtocolEntryForm,
    ResponsibilityForm,
    SelectionCriterionForm,
)
from .models import (
    Candidate,
    CandidateRating,
    OutreachComponent,
    Position,
    PropertyArea,
    ProtocolEntry,
    Responsibility,
    SelectionCriterion,
)
from .views import mou, program, rating
from .views.mixins import ProgramPartCreateView, ProgramPartDeleteView, ProgramPartUpdateView

app_name = "programs"

# The parts of a program's definition, each edited on its own small form:
# URL segment -> (model, form, section of the program page).
PARTS = {
    "responsibilities": (Responsibility, ResponsibilityForm, "roles"),
    "protocol": (ProtocolEntry, ProtocolEntryForm, "protocol"),
    "criteria": (SelectionCriterion, SelectionCriterionForm, "selection"),
    "candidates": (Candidate, CandidateForm, "selection"),
    "ratings": (CandidateRating, CandidateRatingForm, "selection"),
    "positions": (Position, PositionForm, "org-chart"),
    "property": (PropertyArea, PropertyAreaForm, "property"),
    "outreach": (OutreachComponent, OutreachComponentForm, "outreach"),
}

urlpatterns = [
    path("programs/", program.ProgramListView.as_view(), name="program_list"),
    path("programs/new/", program.ProgramCreateView.as_view(), name="program_create"),
    path("programs/<int:pk>/", program.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", program.ProgramUpdateView.as_view(), name="program_update"),
    path(
        "programs/<int:program_pk>/status/",
        program.ProgramStatusView.as_view(),
        name="program_status",
    ),
    path(
        "programs/<int:program_pk>/assessment/",
        program.NeedsAssessmentView.as_view(),
        name="needs_assessment",
    ),
    path(
        "programs/<int:program_pk>/responsibilities/approve/",
        program.ResponsibilitiesApproveView.as_view(),
        name="responsibilities_approve",
    ),
    path("programs/<int:program_pk>/mous/new/", mou.MOUCreateView.as_view(), name="mou_create"),
    path(
        "programs/<int:program_pk>/assignments/new/",
        mou.AssignmentCreateView.as_view(),
        name="assignment_create",
    ),
    path(
        "programs/<int:program_pk>/assignments/<int:pk>/edit/",
        mou.AssignmentUpdateView.as_view(),
        name="assignment_update",
    ),
    path(
        "programs/<int:program_pk>/rating-rounds/",
        rating.RatingRoundListView.as_view(),
        name="ratinground_list",
    ),
    path(
        "programs/<int:program_pk>/rating-rounds/new/",
        rating.RatingRoundCreateView.as_view(),
        name="ratinground_create",
    ),
    path(
        "programs/<int:program_pk>/rating-rounds/<int:pk>/",
        rating.RatingRoundDetailView.as_view(),
        name="ratinground_detail",
    ),
    path(
        "programs/<int:program_pk>/rating-rounds/<int:pk>/revoke/",
        rating.RatingRoundRevokeView.as_view(),
        name="ratinground_revoke",
    ),
    path(
        "programs/<int:program_pk>/rating-rounds/<int:round_pk>/links/<int:pk>/revoke/",
        rating.RatingLinkRevokeView.as_view(),
        name="ratinglink_revoke",
    ),
    # Stakeholders rate without an account: the link in their invitation, then the page itself.
    path("rate/<str:token>/", rating.RateLinkView.as_view(), name="rate_link"),
    path("rate/", rating.RateView.as_view(), name="rate"),
    path("mous/<int:pk>/", mou.MOUDetailView.as_view(), name="mou_detail"),
    path("mous/<int:mou_pk>/edit/", mou.MOUUpdateView.as_view(), name="mou_update"),
    path("mous/<int:mou_pk>/approve/", mou.MOUApproveView.as_view(), name="mou_approve"),
    path("mous/<int:mou_pk>/sign/", mou.MOUSignView.as_view(), name="mou_sign"),
    path("mous/<int:mou_pk>/reviews/new/", mou.MOUReviewCreateView.as_view(), name="mou_review"),
    path(
        "mous/<int:mou_pk>/drafters/new/",
        mou.MOUDrafterCreateView.as_view(),
        name="mou_drafter_create",
    ),
    path(
        "mous/<int:mou_pk>/drafters/<int:pk>/delete/",
        mou.MOUDrafterDeleteView.as_view(),
        name="mou_drafter_delete",
    ),
]

for segment, (model, form_class, anchor) in PARTS.items():
    name = model._meta.model_name
    config = {"model": model, "form_class": form_class, "anchor": anchor}
    urlpatterns += [
        path(
            f"programs/<int:program_pk>/{segment}/new/",
            ProgramPartCreateView.as_view(**config),
            name=f"{name}_create",
        ),
        path(
            f"programs/<int:program_pk>/{segment}/<int:pk>/edit/",
            ProgramPartUpdateView.as_view(**config),
            name=f"{name}_update",
        ),
        path(
            f"programs/<int:program_pk>/{segment}/<int:pk>/delete/",
            ProgramPartDeleteView.as_view(model=model, anchor=anchor),
            name=f"{name}_delete",
        ),
    ]
