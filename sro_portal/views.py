from django.contrib import messages
from django.contrib.auth import views as auth_views

from .audit import Actor, audit_record
from .models import AuditLog


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=Actor.from_request(self.request),
            action=AuditLog.Action.UPDATE,
            instance=form.user,
            changed_fields=["password"],
        )
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        actor = Actor(user=form.user, ip_address=Actor.from_request(self.request).ip_address)
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            instance=form.user,
            changed_fields=["password"],
        )
        return response
