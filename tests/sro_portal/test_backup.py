import sqlite3
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sro_portal.management.commands.backup import backup
from sro_portal.management.commands.restore import media_members, restore

# The records backed up are committed, where pg_dump and SQLite's copy can read them.
round_trip = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the pg_dump/pg_restore round trip needs DATABASE_URL on PostgreSQL (as .ci/run sets); "
    "the SQLite file copy is tested on SQLite",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite file copy is tested on SQLite only"
)


def row_counts(cursor, tables) -> dict:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def source_counts() -> dict:
    with connection.cursor() as cursor:
        return row_counts(cursor, connection.introspection.table_names())


def media_files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def data(tenant, other_tenant, settings):
    """Two districts' records and their uploaded certificates."""
    files = media_files(Path(settings.MEDIA_ROOT))
    assert any(name.startswith("certificates/") for name in files)
    return {"counts": source_counts(), "files": files}


@on_postgresql
@round_trip
def test_a_postgresql_backup_restores_into_a_new_database_whole(data, settings, tmp_path):
    archive = backup(directory=tmp_path / "backups")
    assert archive.name.startswith("sro-portal-") and archive.suffix == ".tar"

    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    try:
        out = StringIO()
        call_command("restore", str(archive), database_name=name, stdout=out)
        assert f"into {name}" in out.getvalue()
        params = connection.settings_dict
        restored = psycopg2.connect(
            dbname=name,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
        )
        try:
            with restored.cursor() as cursor:
                assert row_counts(cursor, data["counts"]) == data["counts"]
                # The audit log stays append-only in the restored database.
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger "
                    "WHERE tgname = 'sro_portal_auditlog_append_only'"
                )
                assert cursor.fetchone()[0] == 1
        finally:
            restored.close()
        assert media_files(tmp_path / "restored-media") == data["files"]
        with pytest.raises(CommandError, match="not empty"):
            restore(archive, name=name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert sum(data["counts"].values()) > 0


@on_sqlite
@round_trip
def test_an_sqlite_backup_is_a_copy_of_the_database_file_with_the_uploads(data, settings, tmp_path):
    out = StringIO()
    call_command("backup", output_dir=tmp_path / "backups", stdout=out)
    archive = Path(out.getvalue().strip())
    assert archive.parent == tmp_path / "backups"

    target = tmp_path / "restored.sqlite3"
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    restore(archive, name=str(target))

    restored = sqlite3.connect(target)
    try:
        assert row_counts(restored.cursor(), data["counts"]) == data["counts"]
    finally:
        restored.close()
    assert media_files(tmp_path / "restored-media") == data["files"]
    with pytest.raises(CommandError, match="not empty"):
        restore(archive, name=str(target))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    archive = tmp_path / "other.tar"
    note = tmp_path / "note.txt"
    note.write_text("hello")
    with tarfile.open(archive, "w") as tar:
        tar.add(note, arcname="note.txt")
    with pytest.raises(CommandError, match="not a backup"):
        restore(archive, name=str(tmp_path / "fresh"))


def test_restore_refuses_an_archive_with_a_file_outside_the_media_folder(tmp_path):
    payload = tmp_path / "payload"
    payload.write_text("x")
    archive = tmp_path / "hostile.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(payload, arcname="media/certificates/ok.pdf")
        tar.add(payload, arcname="media/../../escaped.txt")
    with tarfile.open(archive) as tar, pytest.raises(CommandError, match="outside the media"):
        media_members(tar)
