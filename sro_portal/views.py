import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .audit import Actor, audit_record
from .models import AuditLog
from .network import count_use

logger = logging.getLogger(__name__)


@require_safe
@never_cache
@transaction.non_atomic_requests  # opening the request's transaction would need the database
def healthz(request):
    """For a load balancer or monitor: the portal answers and its database does. It reads no
    session and sets no cookie, so probes leave no trace in the audit log or the session table."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


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
