"""The application's database role may read and write the portal's tables but only read and add
to the audit log: it cannot change, delete, empty or unguard an entry, even by hand."""

import secrets

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from sro_portal.management.commands.create_db_roles import restrict_app_role
from sro_portal.signals import keep_audit_log_append_only

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="database roles and privileges exist on PostgreSQL only (CI runs it)",
    ),
    pytest.mark.django_db(transaction=True),
]
psycopg2 = pytest.importorskip("psycopg2")
AUDIT_LOG = "sro_portal_auditlog"
INSERT_ENTRY = (
    f"INSERT INTO {AUDIT_LOG} (at, actor_repr, action, object_id, object_repr, changed_fields, "
    "detail) VALUES (now(), 'someone', 'view', '', '', '[]', '{}')"
)


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def roles(monkeypatch):
    """An owner and an application role named for this run alone, removed afterwards with all
    they were given, the test database's tables going back to the user who made them."""
    suffix = secrets.token_hex(4)
    owner, app, password = f"test_owner_{suffix}", f"test_app_{suffix}", secrets.token_hex(16)
    monkeypatch.setenv("DB_APP_PASSWORD", password)
    monkeypatch.setenv("DB_OWNER_PASSWORD", password)
    call_command("create_db_roles", owner=owner, app=app, execute=True, verbosity=0)
    yield owner, app, password
    sql(f'REASSIGN OWNED BY "{owner}", "{app}" TO CURRENT_USER')
    # One role at a time: PostgreSQL trips over a default privilege that names both at once.
    sql(f'DROP OWNED BY "{owner}"')
    sql(f'DROP OWNED BY "{app}"')
    sql(f'DROP ROLE "{owner}", "{app}"')


def connect_as(role, password):
    database = connection.settings_dict
    return psycopg2.connect(
        dbname=database["NAME"],
        user=role,
        password=password,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    )


def refused(link, statement):
    """Whether the database refuses the statement for lack of privilege."""
    with link.cursor() as cursor:
        try:
            cursor.execute(statement)
        except psycopg2.errors.InsufficientPrivilege:
            link.rollback()
            return True
    link.rollback()
    return False


def test_the_application_role_adds_to_the_audit_log_and_can_do_nothing_else_to_it(roles):
    owner, app, password = roles
    link = connect_as(app, password)
    try:
        with link.cursor() as cursor:
            cursor.execute(INSERT_ENTRY)
            cursor.execute(f"SELECT count(*) FROM {AUDIT_LOG}")
            assert cursor.fetchone()[0] >= 1
            # Its other tables, sessions and sign-in attempts included, it reads and writes.
            cursor.execute(
                "INSERT INTO django_session (session_key, session_data, expire_date) "
                "VALUES ('k', 'd', now())"
            )
            cursor.execute("UPDATE django_session SET session_data = 'e' WHERE session_key = 'k'")
            cursor.execute("DELETE FROM django_session WHERE session_key = 'k'")
            cursor.execute(
                "INSERT INTO axes_accessattempt (user_agent, ip_address, username, "
                "http_accept, path_info, attempt_time, get_data, post_data, failures_since_start)"
                " VALUES ('', '127.0.0.1', 'x', '', '/', now(), '', '', 1)"
            )
            cursor.execute("DELETE FROM axes_accessattempt")
        link.commit()

        assert refused(link, f"UPDATE {AUDIT_LOG} SET actor_repr = 'nobody'")
        assert refused(link, f"DELETE FROM {AUDIT_LOG}")
        assert refused(link, f"TRUNCATE {AUDIT_LOG}")
        assert refused(link, f"ALTER TABLE {AUDIT_LOG} DISABLE TRIGGER ALL")
        assert refused(link, f"ALTER TABLE {AUDIT_LOG} DISABLE TRIGGER {AUDIT_LOG}_append_only")
        assert refused(link, f"DROP TABLE {AUDIT_LOG}")
        assert refused(link, "TRUNCATE django_session")
        assert refused(link, "DELETE FROM django_migrations")
        assert refused(link, "CREATE TABLE mine (id int)")
    finally:
        link.close()
    assert sql("SELECT tableowner FROM pg_tables WHERE tablename = %s", [AUDIT_LOG]) == [(owner,)]


def test_tables_of_later_migrations_are_the_applications_and_migrate_restricts_the_log_again(
    roles, settings
):
    owner, app, password = roles
    sql(f'SET ROLE "{owner}"')
    try:
        sql("CREATE TABLE later_migration (id int)")
        # As though a migration had rebuilt the audit log: the default privileges give it all.
        sql(f'GRANT ALL ON {AUDIT_LOG} TO "{app}"')
    finally:
        sql("RESET ROLE")
    assert sql("SELECT has_table_privilege(%s, %s, 'DELETE')", [app, AUDIT_LOG]) == [(True,)]

    settings.DATABASE_APP_ROLE = app
    keep_audit_log_append_only(sender=apps.get_app_config("sro_portal"), using="default")

    for privilege, held in [
        ("SELECT", True),
        ("INSERT", True),
        ("UPDATE", False),
        ("DELETE", False),
        ("TRUNCATE", False),
        ("TRIGGER", False),
    ]:
        assert sql("SELECT has_table_privilege(%s, %s, %s)", [app, AUDIT_LOG, privilege]) == [
            (held,)
        ], privilege
    link = connect_as(app, password)
    try:
        with link.cursor() as cursor:
            cursor.execute("INSERT INTO later_migration VALUES (1)")
            cursor.execute("DELETE FROM later_migration")
        link.rollback()
        assert refused(link, f"DELETE FROM {AUDIT_LOG}")
    finally:
        link.close()
        sql("DROP TABLE later_migration")


def test_migrate_leaves_privileges_alone_where_the_application_role_does_not_exist():
    assert not restrict_app_role(connection, f"no_role_{secrets.token_hex(4)}")


def test_the_roles_sql_can_be_printed_to_run_by_hand(capsys):
    call_command("create_db_roles", owner="sro_owner", app="sro_app")
    printed = capsys.readouterr().out
    assert f'GRANT SELECT, INSERT ON TABLE {AUDIT_LOG} TO "sro_app";' in printed
    assert 'ALTER DEFAULT PRIVILEGES FOR ROLE "sro_owner"' in printed
    assert "TRUNCATE" not in printed and "TRIGGER" not in printed
