"""Inserting many rows at once, for imports of whole files: PostgreSQL's COPY, else bulk_create.

bulk_create spends most of a large insert in Python, building one statement of thousands of
placeholders per batch; COPY takes the rows as text. The ids come from the table's own sequence,
taken in one query before the COPY, so that the rows' audit entries and the rows that refer to
them know them, as bulk_create's RETURNING would tell.
"""

import io
import json

from django.db import connection
from django.utils import timezone

BATCH = 2000


def _escaped(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _writer(field):
    """How COPY's text format writes a value of `field` (None is \\N whatever the field)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return lambda value: _escaped(json.dumps(value, cls=field.encoder))
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind in ("DateField", "DateTimeField", "TimeField"):
        return lambda value: value.isoformat()
    return lambda value: _escaped(str(value))


def _copy_cursor(cursor):
    """The driver's cursor, when it can COPY (psycopg2's copy_expert)."""
    raw = getattr(cursor, "cursor", cursor)
    return raw if hasattr(raw, "copy_expert") else None


def insert_many(model, instances, *, batch_size: int = BATCH) -> None:
    """Saves new `instances` of `model`, setting their ids."""
    if not instances:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(instances, batch_size=batch_size)
        return
    meta = model._meta
    with connection.cursor() as cursor:
        raw = _copy_cursor(cursor)
        if raw is None:
            model.objects.bulk_create(instances, batch_size=batch_size)
            return
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk
        fields = list(meta.concrete_fields)
        writers = [(f.attname, _writer(f)) for f in fields]
        related = [f for f in fields if f.is_relation]
        added = [
            f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        ]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        for start in range(0, len(instances), batch_size * 10):
            out = io.StringIO()
            for instance in instances[start : start + batch_size * 10]:
                for field in added:
                    field.pre_save(instance, add=True)
                values = instance.__dict__
                for field in related:
                    # A record saved just before takes its new id, as bulk_create would.
                    if values.get(field.attname) is None:
                        target = field.get_cached_value(instance, None)
                        if target is not None:
                            values[field.attname] = target.pk
                out.write(
                    "\t".join(
                        "\\N" if values.get(name) is None else write(values[name])
                        for name, write in writers
                    )
                )
                out.write("\n")
            out.seek(0)
            raw.copy_expert(statement, out)
        for instance in instances:
            instance._state.adding = False
            instance._state.db = connection.alias


def insert_values(model, rows: list[dict]) -> None:
    """Saves new records of `model` given as {attname: value} (the rest take their defaults),
    without a model instance each: on PostgreSQL the rows go to COPY as they are."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        insert_many(model, [model(**row) for row in rows])
        return
    meta = model._meta
    now = timezone.now()
    defaults = {}
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            defaults[field.attname] = now
        elif field.has_default():
            defaults[field.attname] = field.get_default()
        else:
            defaults[field.attname] = None
    with connection.cursor() as cursor:
        raw = _copy_cursor(cursor)
        if raw is None:
            insert_many(model, [model(**row) for row in rows])
            return
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        writers = [(f.attname, _writer(f)) for f in fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        for start in range(0, len(rows), BATCH * 10):
            out = io.StringIO()
            for row in rows[start : start + BATCH * 10]:
                values = {**defaults, **row}
                out.write(
                    "\t".join(
                        "\\N" if values[name] is None else write(values[name])
                        for name, write in writers
                    )
                )
                out.write("\n")
            out.seek(0)
            raw.copy_expert(statement, out)
