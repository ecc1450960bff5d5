from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, DeleteView, DetailView, FormView, UpdateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.forms import add_service_errors
from sro_portal.mixins import ServiceFormMixin
from sro_portal.permissions import allows
from sro_portal.scope import scope_of

from .. import services
from ..forms import (
    AssignmentForm,
    MOUDrafterForm,
    MOUForm,
    MOUReviewForm,
    MOUSignForm,
)
from ..models import MOU, Approval, Assignment, MOUDrafter, Position, PropertyArea
from ..orgchart import org_chart
from .mixins import DECIDERS, READERS, ProgramPartFormMixin, SideActionMixin


class MOUCreateView(ProgramPartFormMixin, CreateView):
    model = MOU
    form_class = MOUForm
    anchor = "mou"
    edit_rule = "programs.manage_mous"
    success_message = "MOU draft created. Add who drafted it, then each side approves it."

    def perform(self, form):
        mou = form.save(commit=False)
        mou.program = self.program
        self.object = services.mou_create(actor=self.actor, mou=mou)

    def get_success_url(self):
        return self.object.get_absolute_url() if self.object else super().get_success_url()


class MOUMixin(ScopedAccessMixin):
    """Views below /mous/<mou_pk>/: the MOU comes through `visible_to`; only the program's two
    sides may change anything."""

    roles = DECIDERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_of(request.user).has_any(self.roles):
            self.mou = get_object_or_404(
                MOU.objects.visible_to(request.user).select_related("program"),
                pk=kwargs["mou_pk"],
            )
            self.program = self.mou.program
            if not allows("programs.edit_program", request.user, self.program):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.mou.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mou=self.mou, program=self.program, cancel_url=self.get_success_url(), **kwargs
        )


class MOUDetailView(ScopedAccessMixin, DetailView):
    """The MOU as a document, assembled from the program's own definition, ready to print."""

    roles = READERS
    model = MOU
    template_name = "programs/mou_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "program__district",
                "program__agency",
                "program__needs_assessment",
                # The accountability records of the program, for sections 9 and 10.
                "program__accountability",
                "program__evaluation_plan",
            )
            .prefetch_related(
                "drafters",
                "reviews__recorded_by",
                Prefetch("approvals", queryset=Approval.objects.select_related("approved_by")),
                "program__responsibilities",
                "program__protocol_entries",
                "program__outreach_components",
                Prefetch(
                    "program__positions",
                    queryset=Position.objects.select_related("reports_to").order_by("pk"),
                ),
                Prefetch(
                    "program__property_areas",
                    queryset=PropertyArea.objects.select_related("school"),
                ),
                # Contacts and expectations the accountability app holds, by reverse relation.
                "program__contacts",
                "program__expectations",
            )
        )

    def get_context_data(self, **kwargs):
        mou = self.object
        sides = mou.program.sides_of(self.request.user)
        can_edit = allows("programs.edit_program", self.request.user, mou.program)
        approved = mou.approved_sides()
        context = {
            "program": mou.program,
            "can_edit": can_edit,
            "sides_to_approve": sorted(s for s in sides if s not in approved)
            if mou.state == MOU.State.DRAFT
            else [],
            "can_sign": can_edit
            and mou.state == MOU.State.DRAFT
            and mou.is_approved_by_both_sides
            and bool(MOUSignForm.sides_left_to_sign(mou, self.request.user)),
            "can_review": can_edit and mou.state == MOU.State.SIGNED,
            "can_change_drafters": can_edit and mou.state == MOU.State.DRAFT,
            "sections": {section["key"]: section for section in mou.sections()},
            "missing_sections": mou.missing_sections() if mou.state == MOU.State.DRAFT else [],
            "org_chart": org_chart(mou.program.positions.all()),
        }
        return super().get_context_data(**context, **kwargs)


class MOUUpdateView(MOUMixin, ServiceFormMixin, UpdateView):
    form_class = MOUForm
    template_name = "sro_portal/part_form.html"
    success_message = "MOU draft saved. Its approvals were cleared: each side approves again."

    def get_object(self, queryset=None):
        if self.mou.state != MOU.State.DRAFT:
            raise PermissionDenied
        return self.mou

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": self.program, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(verbose_name="MOU draft", **kwargs)

    def perform(self, form):
        services.mou_update(
            actor=self.actor,
            mou=form.instance,
            expected_version=form.cleaned_data["version"],
            fields=form.model_changed_fields(),
        )


class MOUApproveView(SideActionMixin, MOUMixin, FormView):
    success_message = "MOU draft approved."

    def act(self, side):
        services.approve(actor=self.actor, program=self.program, side=side, mou=self.mou)


class MOUSignView(MOUMixin, FormView):
    form_class = MOUSignForm
    template_name = "programs/mou_sign_form.html"

    def get_form_kwargs(self):
        sides = MOUSignForm.sides_left_to_sign(self.mou, self.request.user)
        return {**super().get_form_kwargs(), "sides": sides}

    def form_valid(self, form):
        try:
            services.mou_sign(actor=self.actor, mou=self.mou, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.mou.state == MOU.State.SIGNED:
            messages.success(self.request, "Both sides have signed: the MOU is signed.")
        else:
            messages.success(self.request, "Signature recorded. The other side signs next.")
        return redirect(self.get_success_url())


class MOUReviewCreateView(MOUMixin, ServiceFormMixin, CreateView):
    form_class = MOUReviewForm
    template_name = "sro_portal/part_form.html"
    success_message = "Review recorded. The next review falls due a year from it."

    def get_context_data(self, **kwargs):
        return super().get_context_data(verbose_name="MOU review", **kwargs)

    def perform(self, form):
        review = form.save(commit=False)
        review.mou = self.mou
        services.mou_review_record(actor=self.actor, review=review)


class MOUDrafterCreateView(MOUMixin, ServiceFormMixin, CreateView):
    form_class = MOUDrafterForm
    template_name = "sro_portal/part_form.html"
    success_message = "Drafter added."

    def get_context_data(self, **kwargs):
        return super().get_context_data(verbose_name="MOU drafter", **kwargs)

    def perform(self, form):
        drafter = form.save(commit=False)
        drafter.mou = self.mou
        services.mou_drafter_save(actor=self.actor, drafter=drafter)


class MOUDrafterDeleteView(MOUMixin, DeleteView):
    template_name = "sro_portal/part_confirm_delete.html"

    def get_queryset(self):
        return MOUDrafter.objects.filter(mou=self.mou)

    def get_context_data(self, **kwargs):
        return super().get_context_data(verbose_name="MOU drafter", **kwargs)

    def form_valid(self, form):
        services.mou_drafter_delete(actor=self.actor, drafter=self.object)
        messages.success(self.request, "Drafter removed.")
        return redirect(self.get_success_url())


class AssignmentCreateView(ProgramPartFormMixin, CreateView):
    model = Assignment
    edit_rule = "programs.manage_assignments"
    form_class = AssignmentForm
    anchor = "assignments"
    success_message = "SRO assigned."

    def perform(self, form):
        assignment = form.save(commit=False)
        assignment.program = self.program
        services.assignment_save(actor=self.actor, assignment=assignment)


class AssignmentUpdateView(ProgramPartFormMixin, UpdateView):
    model = Assignment
    edit_rule = "programs.manage_assignments"
    form_class = AssignmentForm
    anchor = "assignments"
    success_message = "Assignment saved."

    def perform(self, form):
        services.assignment_save(
            actor=self.actor, assignment=form.save(commit=False), changed_fields=form.changed_data
        )
