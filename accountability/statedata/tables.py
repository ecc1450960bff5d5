"""Writing generated rows in bulk: PostgreSQL COPY from an in-memory CSV buffer, `bulk_create`
elsewhere. Ids are given here, not by the database, so rows can point at one another before they
are written and the same seed gives the same ids; sequences are moved past them at the end."""

import csv
import io
import json
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from tqdm import tqdm

NULL = "\\N"
COPY_ROWS = 20_000
INSERT_ROWS = 2_000


@contextmanager
def _given_timestamps(model):
    """bulk_create stamps auto_now and auto_now_add fields with the present moment; generated
    rows carry their own past times."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _constant_default(model, field):
    """A field's default when every generated row has the same: a constant, an empty JSON list or
    object, or NULL. A field that needs a value of each row's own must be given."""
    if field.has_default():
        if field.default in (dict, list):
            return json.dumps(field.default())
        if not callable(field.default):
            value = field.default
            return json.dumps(value) if isinstance(field, models.JSONField) else value
    elif field.null:
        return None
    elif (
        field.empty_strings_allowed
        and not isinstance(field, models.DateField | models.DecimalField | models.JSONField)
        and field.get_internal_type()
        in (
            "CharField",
            "TextField",
            "SlugField",
            "EmailField",
            "URLField",
            "FileField",
            "GenericIPAddressField",
        )
    ):
        return ""
    raise ValueError(f"{model.__name__}.{field.name} needs a value for each generated row.")


def _converters(fields):
    """How each column's values are given to SQLite, as Django would store them."""
    ops = connection.ops
    result = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            result.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            result.append(ops.adapt_datefield_value)
        elif isinstance(f, models.DecimalField):
            result.append(str)
        elif isinstance(f, models.BooleanField):
            result.append(int)
        else:
            result.append(None)
    return result


class Table:
    """The rows of one table, written a batch at a time. `add(...)` takes the values of
    `columns` (attribute names, JSON columns as JSON text) and returns the row's id."""

    def __init__(self, sink, model, columns, *, total=None):
        self.sink = sink
        self.model = model
        fields = [model._meta.pk, *(model._meta.get_field(c) for c in columns)]
        # Columns not given take their field's default, the same for every row.
        given = {f.attname for f in fields}
        self.fill = ()
        for f in model._meta.concrete_fields:
            if f.attname in given:
                continue
            default = _constant_default(model, f)
            fields.append(f)
            self.fill += (default,)
        self.columns = [f.attname for f in fields]
        self.db_columns = [f.column for f in fields]
        self.nullable = [i for i, f in enumerate(fields) if f.null]
        self.json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        self.next_id = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self.first_id = self.next_id
        self.rows = []
        self.count = 0
        self.copy = connection.vendor == "postgresql"
        self.converters = _converters(fields) if connection.vendor == "sqlite" else None
        self.batch = COPY_ROWS if self.copy else INSERT_ROWS
        self.bar = tqdm(
            total=total,
            desc=model._meta.db_table,
            unit=" rows",
            file=sink.progress_file,
            disable=sink.quiet,
            leave=True,
            dynamic_ncols=True,
            mininterval=0.5,
        )

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.fill))
        if len(self.rows) >= self.batch:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        if self.copy:
            self._copy()
        elif self.converters is not None:
            self._executemany()
        else:
            self._insert()
        self.count += len(self.rows)
        self.bar.update(len(self.rows))
        self.rows = []

    def _copy(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        nullable = self.nullable
        if nullable:
            for row in self.rows:
                row = list(row)
                for i in nullable:
                    if row[i] is None:
                        row[i] = NULL
                writer.writerow(row)
        else:
            writer.writerows(self.rows)
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.db_columns)
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer
            )

    def _executemany(self):
        converters = self.converters
        rows = [
            [v if v is None or c is None else c(v) for v, c in zip(row, converters, strict=True)]
            for row in self.rows
        ]
        columns = ", ".join(connection.ops.quote_name(c) for c in self.db_columns)
        marks = ", ".join(["%s"] * len(self.db_columns))
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def _insert(self):
        names = self.columns
        json_columns = self.json
        objects = []
        for row in self.rows:
            if json_columns:
                row = list(row)
                for i in json_columns:
                    if row[i] is not None:
                        row[i] = json.loads(row[i])
            objects.append(self.model(**dict(zip(names, row, strict=True))))
        with _given_timestamps(self.model):
            self.model.objects.bulk_create(objects, batch_size=self.batch)

    def close(self) -> None:
        self.flush()
        self.bar.close()
        self.sink.written[self.model] = self.sink.written.get(self.model, 0) + self.count


def _check_pending(cursor):
    """The checks of foreign keys deferred to the commit are made now: a table cannot be altered
    while checks of rows written to it or to a table it refers to wait."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def loading(models_):
    """On PostgreSQL, the foreign keys and secondary indexes of the largest tables are dropped
    while they load and made again afterwards, in the same transaction: one pass over each table
    instead of a deferred check and an index entry per row (PostgreSQL's own advice for
    populating a database). Elsewhere nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    saved = []
    with connection.cursor() as cursor:
        _check_pending(cursor)
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _ in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
            saved.append((table, keys, indexes))
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        _check_pending(cursor)
        for table, keys, indexes in saved:
            for _, definition in indexes:
                cursor.execute(definition)
            for name, definition in keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            # What follows reads these tables: the planner needs to know their size.
            cursor.execute(f"ANALYZE {quote(table)}")


class Sink:
    """Opens tables, and at the end moves the sequences past the given ids and refreshes the
    planner's statistics (PostgreSQL)."""

    def __init__(self, *, quiet=False, progress_file=None):
        self.quiet = quiet
        self.progress_file = progress_file
        self.written = {}
        self.open = []

    def table(self, model, columns, *, total=None) -> Table:
        table = Table(self, model, columns, total=total)
        self.open.append(table)
        return table

    @contextmanager
    def writing(self, model, columns, *, total=None):
        table = self.table(model, columns, total=total)
        yield table
        table.close()

    def finish(self) -> None:
        for table in self.open:
            if table.rows:
                table.close()
        written = list(self.written)
        if connection.vendor != "postgresql" or not written:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(sql)
            for model in written:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
