"""The audit trail: who did what to which record, when, and from which address.

Writes are recorded explicitly by the code that makes them (admin, services, views), each passing an
`Actor` built from the request, so nothing depends on a global request object.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from .models import AuditLog
from .network import client_ip


@dataclass(frozen=True)
class Actor:
    user: object  # the signed-in User, or None for a visitor without an account
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request, user=None) -> "Actor":
        """The request's signed-in user (or `user`, for sign-in events) and client address."""
        ip = client_ip(request)
        if user is None:
            user = getattr(request, "user", None)
            user = user if user is not None and user.is_authenticated else None
        return cls(user=user, ip_address=ip)


def audit_record(
    *,
    actor: Actor,
    action: str,
    instance=None,
    changed_fields=(),
    detail: dict | None = None,
    actor_repr: str = "",
) -> AuditLog:
    entry = AuditLog(
        actor=actor.user,
        actor_repr=actor_repr or (actor.user.get_username() if actor.user else ""),
        action=action,
        changed_fields=sorted(changed_fields),
        ip_address=actor.ip_address,
        detail=detail or {},
    )
    if instance is not None:
        entry.content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        entry.object_id = str(instance.pk)
        entry.object_repr = str(instance)[:200]
    entry.full_clean()
    entry.save()
    return entry


class AuditedDetailMixin:
    """Detail views of sensitive records: every view is written to the audit log."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        audit_record(
            actor=Actor.from_request(self.request), action=AuditLog.Action.VIEW, instance=obj
        )
        return obj
