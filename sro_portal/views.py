from django.contrib import messages
from django.contrib.auth import views as auth_views

from .audit import Actor, audit_record
from .models import AuditLog
from .network import count_use


def email_key(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


class PasswordResetView(auth_views.PasswordResetView):
    """A reset email may be asked for five times in fifteen minutes per address and per email
    address, so the form can neither flood a mailbox nor probe for accounts at speed."""

    def form_valid(self, form):
        by_address = count_use(self.request, "password-reset")
        by_email = count_use(self.request, "password-reset-email", key=email_key)
        if by_address or by_email:
            form.add_error(None, "Too many reset requests: please try again in 15 minutes.")
            return self.form_invalid(form)
        return super().form_valid(form)


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
