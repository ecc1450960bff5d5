"""View plumbing every app shares: forms handed to services, and the small pages that create,
change and delete one record belonging to a parent page (a program's part, for instance)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import CreateView, DeleteView, UpdateView
from django.views.generic.edit import BaseCreateView

from . import submission
from .forms import add_service_errors


class ServiceFormMixin:
    """Hand the valid form to a service; a refusal goes back beside its field, nothing saved.
    `perform` may return a response of its own; otherwise the success message and URL apply.
    A create form is sent once: sent again, it creates nothing more (`already_submitted`)."""

    success_message = "Saved."

    def perform(self, form):
        raise NotImplementedError

    @property
    def creates(self) -> bool:
        return isinstance(self, BaseCreateView)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.creates:
            submission.add_token(form)
        return form

    def post(self, request, *args, **kwargs):
        # A repeat is recognised before validation, which might otherwise refuse it as a
        # duplicate of what its first sending created.
        if self.creates and (first := submission.sent_before(request.POST.get(submission.FIELD))):
            return self.already_submitted(first.created)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                claimed = submission.claim(form) if self.creates else None
                response = self.perform(form)
                # What was made: the view's object if perform set one, else the form's instance.
                made = getattr(self, "object", None) or getattr(form, "instance", None)
                submission.record(claimed, made)
        except submission.AlreadySubmitted as repeat:
            return self.already_submitted(repeat.created)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if response is not None:  # the view chose where to go, and said so itself
            return response
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        # A repeat checked while its first sending was being saved may be refused as a duplicate
        # of what that sending made: once the first is saved, it is recognised as the repeat.
        if self.creates and (
            first := submission.sent_before(self.request.POST.get(submission.FIELD))
        ):
            return self.already_submitted(first.created)
        return super().form_invalid(form)

    def already_submitted(self, created):
        """The same form came again: show what its first sending made, and make nothing."""
        messages.info(self.request, "This form was sent twice; it was saved once.")
        if created is not None and hasattr(created, "get_absolute_url"):
            return redirect(created.get_absolute_url())
        self.object = created
        return redirect(self.get_success_url())


class PartMixin:
    """One kind of record that belongs to a parent (set `model`, `anchor`: the section of the
    parent's page it lives in). A mixin before this one sets `self.parent` from the URL, in scope,
    and names the parent's field on the model as `parent_field`. `save_part` and `delete_part` are
    the services that write it."""

    parent_field = ""
    anchor = ""
    save_part = None
    delete_part = None

    def get_queryset(self):
        return self.model.objects.filter(**{self.parent_field: self.parent})

    def get_success_url(self):
        return f"{self.parent.get_absolute_url()}#{self.anchor}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            verbose_name=self.model._meta.verbose_name, cancel_url=self.get_success_url(), **kwargs
        )


class PartFormMixin(PartMixin, ServiceFormMixin):
    template_name = "sro_portal/part_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs.get("instance") is None:
            # A new part knows its parent before the form validates it: its clean() may ask.
            kwargs["instance"] = self.model(**{self.parent_field: self.parent})
        return {**kwargs, self.parent_field: self.parent, "user": self.request.user}


class PartCreateView(PartFormMixin, CreateView):
    def perform(self, form):
        self.save_part(actor=self.actor, part=form.save(commit=False))


class PartUpdateView(PartFormMixin, UpdateView):
    def perform(self, form):
        self.save_part(
            actor=self.actor, part=form.save(commit=False), changed_fields=form.changed_data
        )


class PartDeleteView(PartMixin, DeleteView):
    template_name = "sro_portal/part_confirm_delete.html"

    def form_valid(self, form):
        self.delete_part(actor=self.actor, part=self.object)
        messages.success(self.request, f"The {self.model._meta.verbose_name} was removed.")
        return redirect(self.get_success_url())
