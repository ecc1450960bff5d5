from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, DeleteView, UpdateView

from sro_portal.access import ScopedAccessMixin
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from .. import services
from ..forms import SideForm, add_service_errors
from ..models import Program

READERS = frozenset(Role)
DECIDERS = frozenset({Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})


class ProgramMixin(ScopedAccessMixin):
    """Views below /programs/<program_pk>/. The program comes through `visible_to` (404 when out
    of scope); with `edit`, only the two sides of the program may use the view (403)."""

    edit = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_of(request.user).has_any(self.roles):
            self.program = get_object_or_404(
                Program.objects.visible_to(request.user).select_related("district", "agency"),
                pk=kwargs["program_pk"],
            )
            if self.edit and not self.program.can_be_edited_by(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.program, **kwargs)


class ServiceFormMixin:
    """Hand the valid form to a service; a refusal goes back beside its field, nothing saved.
    `perform` may return a response of its own; otherwise the success message and URL apply."""

    success_message = "Saved."

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            response = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if response is not None:  # the view chose where to go, and said so itself
            return response
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class PartMixin(ProgramMixin):
    """Create, change and delete one kind of part of a program (set `model`, `form_class`,
    `anchor`: the section of the program page the part lives in)."""

    roles = DECIDERS
    edit = True
    anchor = ""

    def get_queryset(self):
        return self.model.objects.filter(program=self.program)

    def get_success_url(self):
        return f"{self.program.get_absolute_url()}#{self.anchor}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            verbose_name=self.model._meta.verbose_name, cancel_url=self.get_success_url(), **kwargs
        )


class PartFormMixin(PartMixin, ServiceFormMixin):
    template_name = "programs/part_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": self.program, "user": self.request.user}


class PartCreateView(PartFormMixin, CreateView):
    def perform(self, form):
        part = form.save(commit=False)
        part.program = self.program
        services.part_save(actor=self.actor, part=part, changed_fields=form.changed_data)


class PartUpdateView(PartFormMixin, UpdateView):
    def perform(self, form):
        services.part_save(
            actor=self.actor, part=form.save(commit=False), changed_fields=form.changed_data
        )


class PartDeleteView(PartMixin, DeleteView):
    template_name = "programs/part_confirm_delete.html"

    def form_valid(self, form):
        services.part_delete(actor=self.actor, part=self.object)
        messages.success(self.request, f"The {self.model._meta.verbose_name} was removed.")
        return redirect(self.get_success_url())


class SideActionMixin:
    """A button one side presses for itself (approve, agree): POST only, and the outcome comes
    back as a message on the page it was pressed on."""

    form_class = SideForm
    http_method_names = ["post"]
    success_message = "Done."

    def act(self, side):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.act(form.cleaned_data["side"])
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        messages.error(self.request, "Choose the side you act for.")
        return redirect(self.get_success_url())
