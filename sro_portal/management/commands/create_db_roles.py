"""The two PostgreSQL roles of a production database: an owner that owns the schema's tables and
runs the migrations, and the application's role, which owns nothing and may only add to and read
the audit log, so that not even the application can change, empty or unguard it.

    manage.py create_db_roles --owner sro_owner --app sro_app            # prints the SQL
    manage.py create_db_roles --owner sro_owner --app sro_app --execute  # runs it

Run it connected as a superuser (or a role with CREATEROLE that owns the tables), after the first
`migrate`; passwords come from DB_OWNER_PASSWORD and DB_APP_PASSWORD when set. Later migrations,
run as the owner, give their new tables to the application through default privileges, and each
`migrate` takes the audit log back to read-and-add (sro_portal/signals.py).
"""

import os
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from sro_portal.models import AuditLog

SCHEMA = "public"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables the application reads but never writes: what the owner's migrations have applied.
READ_ONLY_TABLES = ("django_migrations",)


def quoted(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise CommandError(f"{name!r} is not a role name: lower-case letters, digits and _ only.")
    return f'"{name}"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def role_statements(role: str, password: str | None) -> list[str]:
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    if password:
        attributes += f" PASSWORD {literal(password)}"
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal(role)}) "
        f"THEN CREATE ROLE {quoted(role)}; END IF; END $$",
        f"ALTER ROLE {quoted(role)} {attributes}",
    ]


def ownership_statements(owner: str) -> list[str]:
    """Everything the migrations created in the schema passes to the owner: tables (their own
    sequences follow them), free-standing sequences and functions such as the audit log's
    trigger, leaving what extensions installed alone."""
    return [
        f"GRANT USAGE, CREATE ON SCHEMA {SCHEMA} TO {quoted(owner)}",
        f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"""DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = {literal(SCHEMA)} AND c.relkind IN ('r', 'p', 'v', 'S')
          AND NOT EXISTS (
              SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
              AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I',
            CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
            item.name, {literal(owner)});
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = {literal(SCHEMA)}
          AND NOT EXISTS (
              SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
              AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', item.name, {literal(owner)});
    END LOOP;
END $$""",
    ]


def grant_statements(owner: str, app: str) -> list[str]:
    """Read and write on every table, now and as later migrations add them; never TRUNCATE,
    TRIGGER or REFERENCES, and never ownership (without which no trigger can be disabled)."""
    return [
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {quoted(app)}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {quoted(app)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {quoted(app)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quoted(owner)} IN SCHEMA {SCHEMA} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted(app)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {quoted(owner)} IN SCHEMA {SCHEMA} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {quoted(app)}",
        *restriction_statements(app),
    ]


def restriction_statements(app: str) -> list[str]:
    """The audit log: read and add only. Also run after each `migrate`, since a migration that
    rebuilds the table gets the default privileges back."""
    audit_log = AuditLog._meta.db_table
    statements = [
        f"REVOKE ALL ON TABLE {audit_log} FROM PUBLIC, {quoted(app)}",
        f"GRANT SELECT, INSERT ON TABLE {audit_log} TO {quoted(app)}",
    ]
    for table in READ_ONLY_TABLES:
        statements += [
            f"REVOKE ALL ON TABLE {table} FROM {quoted(app)}",
            f"GRANT SELECT ON TABLE {table} TO {quoted(app)}",
        ]
    return statements


def restrict_app_role(connection, app: str) -> bool:
    """Apply the audit log's restriction if the application's role exists in this cluster (and
    the audit log in this database: a migration back to zero removes it); says whether it did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app])
        if cursor.fetchone() is None:
            return False
        if AuditLog._meta.db_table not in connection.introspection.table_names(cursor):
            return False
        for statement in restriction_statements(app):
            cursor.execute(statement)
    return True


class Command(BaseCommand):
    help = (
        "Create the database owner and the application's role (which may only read and add to "
        "the audit log); prints the SQL, or runs it with --execute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="sro_owner", help="Owns the tables; runs migrate.")
        parser.add_argument(
            "--app", default=settings.DATABASE_APP_ROLE, help="The role the application uses."
        )
        parser.add_argument("--execute", action="store_true", help="Run the SQL, don't print it.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, owner, app, execute, database, **options):
        if owner == app:
            raise CommandError("The owner and the application need two different roles.")
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; this database is not.")
        statements = [
            *role_statements(owner, os.environ.get("DB_OWNER_PASSWORD")),
            *role_statements(app, os.environ.get("DB_APP_PASSWORD")),
            *ownership_statements(owner),
            *grant_statements(owner, app),
        ]
        if not execute:
            self.stdout.write(";\n\n".join(statements) + ";\n")
            return
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        if options["verbosity"]:
            self.stdout.write(
                f"Roles {owner} (owner of the tables) and {app} (the application's) are ready: "
                f"run migrate as {owner} and the portal as {app}."
            )
