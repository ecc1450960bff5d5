"""Audit entries written as data, shaped like those the services leave: who (the account and its
username), what (the action, the record's type, id and text, its values), when and from where."""

import json

from django.contrib.contenttypes.models import ContentType

from sro_portal.models import AuditLog

A = AuditLog.Action
COLUMNS = [
    "at",
    "actor_id",
    "actor_repr",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "changed_fields",
    "changes",
    "ip_address",
    "detail",
]


def address(user_id: int, net: str = "172.20") -> str:
    """A stable address per person: agency and district networks are private ranges."""
    return (
        f"{net}.{user_id // 250 % 250}.{user_id % 250 + 2}"
        if net.count(".") == 1
        else (f"{net}.{user_id % 250 + 2}")
    )


def public_address(n: int) -> str:
    """Visitors without an account, from the documentation ranges."""
    return f"{('203.0.113', '198.51.100', '192.0.2')[n % 3]}.{n * 7 % 254 + 1}"


class Audit:
    def __init__(self, sink, total):
        self.table = sink.table(AuditLog, COLUMNS, total=total)
        self.types = {}

    def type_of(self, model) -> int:
        if model not in self.types:
            self.types[model] = ContentType.objects.get_for_model(model).pk
        return self.types[model]

    def add(
        self,
        at,
        user,
        action,
        model=None,
        object_id="",
        text="",
        changes=None,
        changed_fields="[]",
        ip=None,
        detail="{}",
        user_repr="",
    ):
        """`user` is a (id, username) pair or None; `changes` JSON text or None."""
        self.table.add(
            at,
            user[0] if user else None,
            user[1] if user else user_repr,
            action,
            self.type_of(model) if model is not None else None,
            str(object_id),
            text[:200],
            changed_fields,
            changes,
            ip,
            detail,
        )

    def values(self, **values) -> str:
        return json.dumps(values, default=str)

    def close(self):
        self.table.close()
