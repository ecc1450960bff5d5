import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.forms import add_service_errors
from sro_portal.lists import FilteredListMixin, SortFilter
from sro_portal.mixins import ServiceFormMixin
from sro_portal.permissions import allows
from sro_portal.roles import Role

from .. import services
from ..forms import (
    NeedsAssessmentForm,
    ProgramCreateForm,
    ProgramForm,
    ProgramStatusForm,
)
from ..models import (
    MOU,
    Approval,
    Assignment,
    Candidate,
    NeedsAssessment,
    Position,
    Program,
    ProgramStatusChange,
    PropertyArea,
)
from ..orgchart import org_chart
from .mixins import DECIDERS, READERS, ProgramMixin, SideActionMixin


class ProgramFilter(django_filters.FilterSet):
    """Typed, not picked from lists of every district and agency: the page's queries stay few."""

    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    status = django_filters.ChoiceFilter(
        choices=Program.Status.choices,
        empty_label="All",
        error_messages={
            "invalid_choice": "Choose one of the listed options: that one is not available."
        },
    )
    district = django_filters.CharFilter(
        method="filter_district", label="District (name or DPI code)"
    )
    agency = django_filters.CharFilter(method="filter_agency", label="Agency (name or ORI)")
    sort = SortFilter(
        fields=[
            ("name", "name"),
            ("district__name", "district"),
            ("agency__name", "agency"),
            ("status", "status"),
        ],
        field_labels={
            "name": "Program",
            "district__name": "District",
            "agency__name": "Agency",
            "status": "Status",
        },
    )

    class Meta:
        model = Program
        fields = []

    def filter_district(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(district__name__icontains=value) | Q(district__dpi_code=value))

    def filter_agency(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(agency__name__icontains=value) | Q(agency__ori__iexact=value))


class ProgramListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = READERS
    model = Program
    paginate_by = 50
    filterset_class = ProgramFilter
    export_title = "Programs"
    export_headers = [
        "Program",
        "Status",
        "District",
        "DPI district code",
        "Agency",
        "Agency kind",
        "ORI",
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("district", "agency")

    def get_context_data(self, **kwargs):
        can_propose = Role.DISTRICT_ADMIN in self.request.user.scope.roles
        return super().get_context_data(can_propose=can_propose, **kwargs)

    def export_rows(self, queryset):
        for program in queryset.iterator(chunk_size=2000):
            yield [
                program.name,
                program.get_status_display(),
                program.district.name,
                program.district.dpi_code,
                program.agency.name,
                program.agency.get_kind_display(),
                program.agency.ori,
            ]


class ProgramCreateView(ScopedAccessMixin, ServiceFormMixin, CreateView):
    roles = frozenset({Role.DISTRICT_ADMIN})
    model = Program
    form_class = ProgramCreateForm
    success_message = "Program proposed. Next: the needs assessment."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        self.object = services.program_create(
            actor=self.actor,
            **{f: form.cleaned_data[f] for f in ("district", "agency", "name", "purpose")},
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ProgramDetailView(ScopedAccessMixin, DetailView):
    """The whole program on one page: what it is for, how the SRO works, and under which MOU."""

    roles = READERS
    model = Program

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("district", "agency", "needs_assessment")
            .prefetch_related(
                "responsibilities",
                Prefetch("approvals", queryset=Approval.objects.select_related("approved_by")),
                "protocol_entries",
                "selection_criteria",
                Prefetch(
                    "positions",
                    queryset=Position.objects.select_related("reports_to").order_by("pk"),
                ),
                Prefetch("property_areas", queryset=PropertyArea.objects.select_related("school")),
                "outreach_components",
                Prefetch("mous", queryset=MOU.objects.prefetch_related("approvals")),
                Prefetch(
                    "assignments", queryset=Assignment.objects.select_related("school", "officer")
                ),
                Prefetch(
                    "status_changes",
                    queryset=ProgramStatusChange.objects.select_related("changed_by"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        program = self.object
        user = self.request.user
        sides = program.sides_of(user)
        can_edit = allows("programs.edit_program", user, program)
        context = {
            "sides": sides,
            "can_edit": can_edit,
            "assessment": getattr(program, "needs_assessment", None),
            "responsibility_approvals": [
                a for a in program.approvals.all() if a.subject == Approval.Subject.RESPONSIBILITIES
            ],
            "org_chart": org_chart(program.positions.all()),
            "status_form": ProgramStatusForm(program=program) if can_edit else None,
        }
        # Candidate ratings are for those who choose the SRO, not for all who read the program.
        if sides or user.is_state_staff:
            context["candidates"] = Candidate.objects.filter(program=program).ranked()
        approved = {a.side for a in context["responsibility_approvals"]}
        context["sides_to_approve"] = sorted(s for s in sides if s not in approved)
        return super().get_context_data(**context, **kwargs)


class ProgramUpdateView(ScopedAccessMixin, ServiceFormMixin, UpdateView):
    roles = DECIDERS
    model = Program
    form_class = ProgramForm
    success_message = "Program saved."

    def get_object(self, queryset=None):
        program = super().get_object(queryset)
        if not allows("programs.edit_program", self.request.user, program):
            raise PermissionDenied
        return program

    def perform(self, form):
        services.program_update(
            actor=self.actor,
            program=form.instance,
            expected_version=form.cleaned_data["version"],
            fields=[f for f in form.changed_data if f != "version"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ProgramStatusView(ProgramMixin, FormView):
    roles = DECIDERS
    edit = True
    edit_rule = "programs.change_status"
    form_class = ProgramStatusForm
    template_name = "programs/program_status_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": self.program}

    def form_valid(self, form):
        try:
            services.program_change_status(
                actor=self.actor,
                program=self.program,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The program is now {self.program.get_status_display()}.")
        return redirect(self.program.get_absolute_url())


class NeedsAssessmentView(ProgramMixin, ServiceFormMixin, UpdateView):
    roles = DECIDERS
    edit = True
    form_class = NeedsAssessmentForm
    template_name = "programs/needsassessment_form.html"
    success_message = "Needs assessment saved."

    def get_object(self, queryset=None):
        return getattr(self.program, "needs_assessment", None) or NeedsAssessment(
            program=self.program
        )

    def perform(self, form):
        services.needs_assessment_save(
            actor=self.actor,
            assessment=form.save(commit=False),
            changed_fields=[f for f in form.changed_data if f != "version"],
            expected_version=form.cleaned_data.get("version"),
        )

    def get_success_url(self):
        return f"{self.program.get_absolute_url()}#assessment"


class ResponsibilitiesApproveView(SideActionMixin, ProgramMixin, FormView):
    """One side approves the roles and responsibilities as they stand."""

    roles = DECIDERS
    edit = True
    success_message = "Roles and responsibilities approved."

    def act(self, side):
        services.approve(actor=self.actor, program=self.program, side=side)

    def get_success_url(self):
        return f"{self.program.get_absolute_url()}#roles"
