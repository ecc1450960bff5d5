from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from programs.views.mixins import (
    DECIDERS,
    READERS,
    ProgramMixin,
    ProgramPartCreateView,
    ProgramPartDeleteView,
    ProgramPartFormMixin,
    ProgramPartUpdateView,
    SideActionMixin,
)
from sro_portal.access import ScopedAccessMixin
from sro_portal.permissions import allows
from sro_portal.roles import Role

from .. import services
from ..forms import (
    ContactForm,
    EvaluationForm,
    EvaluationPlanForm,
    ExpectationForm,
    MeetingForm,
    SettingsForm,
)
from ..models import (
    AccountabilitySettings,
    Contact,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    SurveyResult,
)
from ..oversight import evaluation_due, meeting_status
from ..snapshot import snapshot_sections


class AccountabilityPageMixin:
    """Parts edited from the program's accountability page go back to it."""

    def get_success_url(self):
        url = reverse("accountability:program", kwargs={"program_pk": self.program.pk})
        return f"{url}#{self.anchor}"


class ProgramAccountabilityView(ProgramMixin, TemplateView):
    """Contacts, meetings, expectations, evaluation and climate surveys of one program."""

    roles = READERS
    template_name = "accountability/program_accountability.html"

    def get_context_data(self, **kwargs):
        program = self.program
        settings_row = AccountabilitySettings.of(program)
        # Evaluations hold complaint counts and one-student demographic cells: not for SROs.
        can_see_evaluations = allows("accountability.view_evaluation", self.request.user, program)
        evaluations = (
            list(Evaluation.objects.filter(program=program)) if can_see_evaluations else []
        )
        plan = EvaluationPlan.objects.filter(program=program).first()
        surveys = SurveyResult.objects.filter(district_id=program.district_id).select_related(
            "school"
        )
        years = sorted({s.school_year for s in surveys})
        table = {}
        for result in surveys:
            row = table.setdefault((result.question, result.get_audience_display()), {})
            row.setdefault(result.school_year, []).append(result)
        return super().get_context_data(
            settings=settings_row,
            can_edit=program.can_be_edited_by(self.request.user),
            sides=program.sides_of(self.request.user),
            contacts=program.contacts.select_related("school"),
            meetings=program.meetings.select_related("school")[:20],
            meeting_status=meeting_status([program])[program.pk],
            expectations=program.expectations.all(),
            plan=plan,
            can_see_evaluations=can_see_evaluations,
            evaluations=evaluations,
            evaluation_due=evaluation_due(
                plan,
                program,
                Evaluation.objects.filter(program=program)
                .order_by("-conducted_on")
                .values_list("conducted_on", flat=True)
                .first(),
            ),
            today=timezone.localdate(),
            survey_years=years,
            survey_rows=[
                {
                    "question": q,
                    "audience": a,
                    "cells": [_percent(cells.get(year, [])) for year in years],
                }
                for (q, a), cells in sorted(table.items())
            ],
            **kwargs,
        )


def _percent(results):
    respondents = sum(r.respondents for r in results)
    agree = sum(r.agree for r in results)
    return (
        {"percent": round(100 * agree / respondents), "respondents": respondents}
        if (respondents)
        else None
    )


class SettingsView(AccountabilityPageMixin, ProgramPartFormMixin, UpdateView):
    model = AccountabilitySettings
    form_class = SettingsForm
    anchor = "settings"

    def get_object(self, queryset=None):
        return AccountabilitySettings.of(self.program)

    def perform(self, form):
        services.accountability_part_save(
            actor=self.actor, part=form.save(commit=False), changed_fields=form.changed_data
        )


class EvaluationPlanView(SettingsView):
    model = EvaluationPlan
    form_class = EvaluationPlanForm
    anchor = "evaluation"

    def get_object(self, queryset=None):
        return EvaluationPlan.objects.filter(program=self.program).first() or EvaluationPlan(
            program=self.program
        )


class ContactCreateView(AccountabilityPageMixin, ProgramPartCreateView):
    model = Contact
    form_class = ContactForm
    anchor = "contacts"
    save_part = staticmethod(services.accountability_part_save)


class ContactUpdateView(AccountabilityPageMixin, ProgramPartUpdateView):
    model = Contact
    form_class = ContactForm
    anchor = "contacts"
    save_part = staticmethod(services.accountability_part_save)


class ContactDeleteView(AccountabilityPageMixin, ProgramPartDeleteView):
    model = Contact
    anchor = "contacts"
    delete_part = staticmethod(services.accountability_part_delete)


class ExpectationCreateView(AccountabilityPageMixin, ProgramPartCreateView):
    model = Expectation
    form_class = ExpectationForm
    anchor = "expectations"

    def perform(self, form):
        expectation = form.save(commit=False)
        expectation.program = self.program
        services.expectation_save(actor=self.actor, expectation=expectation)


class ExpectationUpdateView(AccountabilityPageMixin, ProgramPartUpdateView):
    model = Expectation
    form_class = ExpectationForm
    anchor = "expectations"

    def perform(self, form):
        services.expectation_save(
            actor=self.actor, expectation=form.save(commit=False), changed_fields=form.changed_data
        )


class ExpectationDeleteView(AccountabilityPageMixin, ProgramPartDeleteView):
    model = Expectation
    anchor = "expectations"

    def form_valid(self, form):
        services.expectation_delete(actor=self.actor, expectation=self.object)
        messages.success(self.request, "Expectation removed; both sides agree again.")
        return redirect(self.get_success_url())


class ExpectationsAgreeView(AccountabilityPageMixin, SideActionMixin, ProgramMixin, FormView):
    roles = DECIDERS
    edit = True
    anchor = "expectations"
    success_message = "Agreed."

    def act(self, side):
        services.expectations_agree(actor=self.actor, program=self.program, side=side)


class MeetingCreateView(AccountabilityPageMixin, ProgramPartFormMixin, CreateView):
    """Administrators, supervisors and SROs of the program all record meetings."""

    roles = READERS
    edit = False
    model = Meeting
    form_class = MeetingForm
    anchor = "meetings"
    success_message = "Meeting recorded."

    def perform(self, form):
        meeting = form.save(commit=False)
        meeting.program = self.program
        services.meeting_record(actor=self.actor, meeting=meeting)


class EvaluationCreateView(AccountabilityPageMixin, ProgramPartFormMixin, CreateView):
    model = Evaluation
    form_class = EvaluationForm
    anchor = "evaluation"
    success_message = "Evaluation recorded, with the data it used."

    def perform(self, form):
        evaluation = form.save(commit=False)
        evaluation.program = self.program
        self.object = services.evaluation_record(actor=self.actor, evaluation=evaluation)

    def get_success_url(self):
        return self.object.get_absolute_url() if self.object else super().get_success_url()


class EvaluationDetailView(ScopedAccessMixin, DetailView):
    """An evaluation's snapshot holds complaint counts and one-student demographic cells:
    SROs never open it."""

    roles = READERS - {Role.SRO}
    model = Evaluation

    def get_queryset(self):
        return super().get_queryset().select_related("program", "recorded_by")

    def get_object(self, queryset=None):
        evaluation = super().get_object(queryset)
        if not allows("accountability.view_evaluation", self.request.user, evaluation):
            raise PermissionDenied
        return evaluation

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=snapshot_sections(self.object.snapshot), **kwargs)
