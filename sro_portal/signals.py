"""Sign-in events are part of the audit trail; Django announces them only through these signals.
So is the end of each `migrate`, after which the audit log is limited again for the application."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connections
from django.db.models.signals import post_init, post_migrate
from django.dispatch import receiver

from .audit import AUDITED_APPS, Actor, audit_record, remember_state
from .management.commands.create_db_roles import restrict_app_role
from .middleware import start_session_clock
from .models import AuditLog


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    start_session_clock(request.session)
    audit_record(
        actor=Actor.from_request(request, user=user), action=AuditLog.Action.LOGIN, instance=user
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=Actor.from_request(request, user=user),
            action=AuditLog.Action.LOGOUT,
            instance=user,
        )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    audit_record(
        actor=Actor(user=None, ip_address=Actor.from_request(request).ip_address),
        action=AuditLog.Action.LOGIN_FAILED,
        actor_repr=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=Actor(user=None, ip_address=ip_address),
        action=AuditLog.Action.LOCKED_OUT,
        actor_repr=str(username or "")[:150],
    )


@receiver(post_init)
def remember_loaded_values(sender, instance, **kwargs):
    """The audit log says what an update changed from: each record remembers how it was loaded."""
    if sender._meta.app_label in AUDITED_APPS:
        remember_state(instance)


@receiver(post_migrate)
def keep_audit_log_append_only(sender, using, **kwargs):
    """A migration that rebuilds the audit log's table would hand the application's role full
    rights to it again through the default privileges: after every `migrate`, take them back."""
    connection = connections[using]
    if sender.name != "sro_portal" or connection.vendor != "postgresql":
        return
    restrict_app_role(connection, settings.DATABASE_APP_ROLE)
