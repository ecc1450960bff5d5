from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect

from sro_portal.access import ScopedAccessMixin
from sro_portal.mixins import PartCreateView, PartDeleteView, PartFormMixin, PartUpdateView
from sro_portal.permissions import allows
from sro_portal.roles import Role
from sro_portal.scope import scope_of

from .. import services
from ..forms import SideForm
from ..models import Program

READERS = frozenset(Role)
DECIDERS = frozenset({Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR})


class ProgramMixin(ScopedAccessMixin):
    """Views below /programs/<program_pk>/. The program comes through `visible_to` (404 when out
    of scope); with `edit`, only the two sides of the program may use the view (403)."""

    edit = False
    edit_rule = "programs.edit_program"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_of(request.user).has_any(self.roles):
            self.program = get_object_or_404(
                Program.objects.visible_to(request.user).select_related("district", "agency"),
                pk=kwargs["program_pk"],
            )
            self.parent = self.program
            if self.edit and not allows(self.edit_rule, request.user, self.program):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.program, **kwargs)


class ProgramPartMixin(ProgramMixin):
    """The parts of a program's definition, edited by its two sides on their own small pages."""

    roles = DECIDERS
    edit = True
    parent_field = "program"
    save_part = staticmethod(services.part_save)
    delete_part = staticmethod(services.part_delete)


class ProgramPartFormMixin(ProgramPartMixin, PartFormMixin):
    pass


class ProgramPartCreateView(ProgramPartMixin, PartCreateView):
    pass


class ProgramPartUpdateView(ProgramPartMixin, PartUpdateView):
    def perform(self, form):
        extra = {}
        if "version" in form.fields:  # a part several people edit: refuse a stale save
            extra["expected_version"] = form.cleaned_data["version"]
        self.save_part(
            actor=self.actor,
            part=form.save(commit=False),
            changed_fields=[f for f in form.changed_data if f != "version"],
            **extra,
        )


class ProgramPartDeleteView(ProgramPartMixin, PartDeleteView):
    pass


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
