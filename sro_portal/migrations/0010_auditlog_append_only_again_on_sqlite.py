"""SQLite rebuilds a table to change a column's index (0008), and the rebuilt audit log lost the
trigger that refuses to change an entry: it is made again. PostgreSQL alters the table in place
and keeps its trigger."""

from django.db import migrations

SQLITE = """
    CREATE TRIGGER IF NOT EXISTS sro_portal_auditlog_append_only
    BEFORE UPDATE ON sro_portal_auditlog
    BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)


class Migration(migrations.Migration):
    dependencies = [("sro_portal", "0009_import_jobs")]

    operations = [migrations.RunPython(create_trigger, migrations.RunPython.noop)]
