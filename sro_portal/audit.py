"""The audit trail: who did what to which record, when, and from which address.

Writes are recorded explicitly by the code that makes them (admin, services, views), each passing an
`Actor` built from the request, so nothing depends on a global request object.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models.fields.files import FieldFile
from django.utils.functional import LazyObject, empty

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


# Apps whose records the audit log describes value by value.
AUDITED_APPS = {"sro_portal", "programs", "training", "incidents", "accountability"}
MASKED = "(hidden)"


def is_secret(name: str) -> bool:
    return name == "password" or "token" in name or "secret" in name


def _plain(value):
    """A value as JSON can hold it."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def remember_state(instance) -> None:
    """The field values an instance was loaded with (never a deferred field: no query), kept to
    say what an update changed from."""
    loaded = instance.__dict__
    instance._audit_state = {
        field.attname: loaded[field.attname]
        for field in instance._meta.concrete_fields
        if field.attname in loaded
    }


def _values(instance, names) -> dict:
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        if attname not in instance.__dict__:
            continue
        values[name] = MASKED if is_secret(name) else _plain(getattr(instance, attname))
    return values


def changes_of(instance, action: str, changed_fields) -> dict:
    """What the entry records of the values: before and after for an update, the record itself
    when created or deleted."""
    if instance._meta.app_label not in AUDITED_APPS:
        return {}
    names = [f.name for f in instance._meta.concrete_fields]
    if action in (AuditLog.Action.CREATE, AuditLog.Action.DELETE):
        return _values(instance, names)
    if action != AuditLog.Action.UPDATE:
        return {}
    before = getattr(instance, "_audit_state", {})
    changes = {}
    for name in changed_fields or names:
        try:
            attname = instance._meta.get_field(name).attname
        except (FieldDoesNotExist, AttributeError):
            continue  # a many-to-many or reverse relation: named in changed_fields only
        if attname not in before or attname not in instance.__dict__:
            continue
        old, new = before[attname], instance.__dict__[attname]
        if old != new or changed_fields:
            changes[name] = [MASKED, MASKED] if is_secret(name) else [_plain(old), _plain(new)]
    return changes


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
    if isinstance(instance, LazyObject):
        # request.user: the record itself holds its loaded values, not the lazy wrapper.
        if instance._wrapped is empty:
            instance._setup()
        instance = instance._wrapped
    if instance is not None:
        entry.content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        entry.object_id = str(instance.pk)
        entry.object_repr = str(instance)[:200]
        entry.changes = changes_of(instance, action, changed_fields)
        # The next change of this instance is told from what it is now.
        remember_state(instance)
    # The actor and the content type are records in hand: asking the database whether they
    # exist would cost a query on every audited request.
    entry.full_clean(exclude=["actor", "content_type"])
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
