"""The database itself refuses to change or remove an audit log entry, whatever code asks."""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE FUNCTION sro_portal_auditlog_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'The audit log is append-only.';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER sro_portal_auditlog_append_only
    BEFORE UPDATE OR DELETE ON sro_portal_auditlog
    FOR EACH ROW EXECUTE FUNCTION sro_portal_auditlog_append_only();
    """,
]
# SQLite empties tables with DELETE between transactional tests, so only updates are refused there;
# PostgreSQL empties them with TRUNCATE, which row triggers do not see.
SQLITE = [
    """
    CREATE TRIGGER sro_portal_auditlog_append_only
    BEFORE UPDATE ON sro_portal_auditlog
    BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;
    """,
]


def create_trigger(apps, schema_editor):
    for sql in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER sro_portal_auditlog_append_only ON sro_portal_auditlog")
        schema_editor.execute("DROP FUNCTION sro_portal_auditlog_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER sro_portal_auditlog_append_only")


class Migration(migrations.Migration):
    dependencies = [("sro_portal", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
