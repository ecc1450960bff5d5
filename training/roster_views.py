"""The staff roster of each school (people without accounts): its list and export, adding,
changing and ending an entry, a roster person's training with recording it, linking to an
account, and the two imports (the roster and its training completions)."""

import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.forms import add_service_errors
from sro_portal.imports import ImportMixin
from sro_portal.lists import FilteredListMixin
from sro_portal.mixins import ServiceFormMixin
from sro_portal.permissions import allows
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from . import services
from .compliance import training_record
from .filters import StaffMemberFilter
from .forms import StaffCompletionForm, StaffLinkForm, StaffMemberForm
from .models import Completion, StaffMember
from .resources import (
    ROSTER_COLUMNS,
    STAFF_COMPLETION_COLUMNS,
    StaffCompletionResource,
    StaffMemberResource,
    roster_rows,
    staff_completion_rows,
)
from .views import ROSTER_KEEPERS

# Imports cover a whole district's schools.
IMPORTERS = frozenset({Role.STATE_STAFF, Role.DISTRICT_ADMIN})


class StaffListView(FilteredListMixin, ScopedAccessMixin, ListView):
    roles = ROSTER_KEEPERS
    model = StaffMember
    paginate_by = 50
    filterset_class = StaffMemberFilter
    export_title = "Staff roster"
    export_headers = [
        "Name",
        "Position",
        "Audience",
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "Started on",
        "Left on",
        "Account",
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("school", "user")

    def get_context_data(self, **kwargs):
        scope = scope_of(self.request.user)
        return super().get_context_data(
            can_import=scope.has_any(IMPORTERS), can_add=scope.has_any(ROSTER_KEEPERS), **kwargs
        )

    def export_rows(self, queryset):
        rows = queryset.select_related("school__district", "user")
        for member in rows.iterator(chunk_size=2000):
            yield [
                member.name,
                member.position,
                member.get_audience_display(),
                member.school.name,
                member.school.dpi_code,
                member.school.district.name,
                member.school.district.dpi_code,
                member.started_on.isoformat(),
                member.left_on.isoformat() if member.left_on else "",
                member.user.get_username() if member.user_id else "",
            ]


class StaffFormMixin(ServiceFormMixin, ScopedAccessMixin):
    roles = ROSTER_KEEPERS
    model = StaffMember
    form_class = StaffMemberForm
    template_name = "training/staffmember_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        self.object = form.save(commit=False)
        services.staff_member_save(
            actor=self.actor, staff_member=self.object, changed_fields=form.changed_data
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class StaffCreateView(StaffFormMixin, CreateView):
    success_message = "Added to the roster."

    def get_initial(self):
        school = self.request.GET.get("school")
        return {"school": school} if school and school.isdigit() else {}


class StaffUpdateView(StaffFormMixin, UpdateView):
    pass


class StaffDetailView(ScopedAccessMixin, DetailView):
    """A roster person's training: what is due, hours by topic, every completion."""

    roles = ROSTER_KEEPERS
    model = StaffMember
    template_name = "training/staffmember_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return super().get_queryset().select_related("school__district", "user")

    def get_context_data(self, **kwargs):
        member = self.object
        can_manage = allows("training.manage_staff_member", self.request.user, member)
        return super().get_context_data(
            **training_record(member),
            can_manage=can_manage,
            can_verify=can_manage,
            link_form=StaffLinkForm(user=self.request.user)
            if can_manage and not member.user_id
            else None,
            **kwargs,
        )


class StaffMemberMixin(ScopedAccessMixin):
    """Views below /staff/<staff_pk>/: the roster person through `visible_to` (404 out of
    scope)."""

    roles = ROSTER_KEEPERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_of(request.user).has_any(self.roles):
            self.member = get_object_or_404(
                StaffMember.objects.visible_to(request.user).select_related("school"),
                pk=kwargs["staff_pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)


class StaffCompletionCreateView(StaffMemberMixin, ServiceFormMixin, CreateView):
    model = Completion
    form_class = StaffCompletionForm
    template_name = "training/staff_completion_form.html"
    success_message = "Training recorded."

    def get_form_kwargs(self):
        # The roster person is known before the form validates: the completion's clean() asks.
        return {**super().get_form_kwargs(), "instance": Completion(staff_member=self.member)}

    def perform(self, form):
        self.object = form.save(commit=False)
        services.completion_record(actor=self.actor, completion=self.object)

    def get_success_url(self):
        return self.member.get_absolute_url()


class StaffLinkView(StaffMemberMixin, View):
    """Links a roster person to their account (POST only)."""

    http_method_names = ["post"]

    def post(self, request, staff_pk):
        form = StaffLinkForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.staff_member_link(
                    actor=self.actor, staff_member=self.member, user=form.cleaned_data["user"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        else:
            messages.success(request, "Linked to the account; the training record reads both.")
        return redirect(self.member.get_absolute_url())


class ScopedImportView(ImportMixin, ScopedAccessMixin, TemplateView):
    """An import of the user's district's schools (state staff: any school), with a download of
    what is recorded in the file's own columns: it imports back unchanged."""

    roles = IMPORTERS

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") == "current":
            return self.current_file()
        return super().get(request, *args, **kwargs)

    def current_file(self):
        dataset = tablib.Dataset(headers=[c.header for c in self.import_columns])
        for row in self.current_rows():
            dataset.append(row)
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        name = self.import_noun.replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    def importable_staff(self):
        scope = scope_of(self.request.user)
        members = StaffMember.objects.visible_to(self.request.user)
        if not scope.is_state_staff:
            members = members.filter(district_id__in=scope.district_ids)
        return members

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            state_staff=scope_of(self.request.user).is_state_staff, **kwargs
        )


class RosterImportView(ScopedImportView):
    template_name = "training/roster_import.html"
    import_columns = ROSTER_COLUMNS
    import_model = StaffMember
    import_noun = "staff roster"

    def get_import_resource(self):
        return StaffMemberResource()

    def current_rows(self):
        return roster_rows(
            self.importable_staff()
            .select_related("school__district")
            .order_by("school__district__name", "school__name", "name")
        )


class StaffCompletionImportView(ScopedImportView):
    template_name = "training/staff_completion_import.html"
    import_columns = STAFF_COMPLETION_COLUMNS
    import_model = Completion
    import_noun = "staff training"

    def get_import_resource(self):
        return StaffCompletionResource()

    def current_rows(self):
        return staff_completion_rows(
            Completion.objects.filter(staff_member__in=self.importable_staff())
            .select_related("staff_member__school__district", "course")
            .order_by("staff_member__school__name", "staff_member__name", "completed_on", "pk")
        )
