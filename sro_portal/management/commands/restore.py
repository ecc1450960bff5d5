"""Restore an archive made by `manage.py backup`: the database into an empty database, the
uploaded files into MEDIA_ROOT."""

import json
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup import DUMPS, MANIFEST, MEDIA, pg_environment, run, tool


def _postgresql_tables(env: dict) -> int:
    query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    out = run(
        [tool("psql"), "--no-psqlrc", "--tuples-only", "--no-align", f"--command={query}"], env
    )
    return int(out.strip() or 0)


def _sqlite_tables(path: Path) -> int:
    if not path.exists():
        return 0
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
    finally:
        connection.close()


def restore_database(dump: Path, vendor: str, database: dict, name: str | None) -> str:
    target = name or database["NAME"]
    if vendor == "postgresql":
        env = pg_environment(database, target)
        if _postgresql_tables(env):
            raise CommandError(f"The database {target} is not empty: restore into a new one.")
        run(
            [
                tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={target}",
                str(dump),
            ],
            env,
        )
    else:
        path = Path(target)
        if _sqlite_tables(path):
            raise CommandError(f"The database {target} is not empty: restore into a new one.")
        path.parent.mkdir(parents=True, exist_ok=True)
        source, copy = sqlite3.connect(dump), sqlite3.connect(path)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
    return target


def media_members(tar: tarfile.TarFile) -> list[tuple[tarfile.TarInfo, Path]]:
    """The archive's uploaded files, each with its place under MEDIA_ROOT; checked before
    anything is restored, so a damaged or hostile archive restores nothing."""
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if not member.isfile() or parts[:1] != (MEDIA,):
            continue
        relative = Path(*parts[1:])
        if relative.is_absolute() or ".." in relative.parts:
            raise CommandError(f"The archive names a file outside the media folder: {member.name}")
        members.append((member, relative))
    return members


def restore_media(tar: tarfile.TarFile, members, media_root: Path) -> int:
    for member, relative in members:
        destination = media_root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(member) as source, open(destination, "wb") as copy:
            copy.write(source.read())
    return len(members)


def restore(archive: Path, *, alias: str = "default", name: str | None = None) -> dict:
    database = connections[alias].settings_dict
    vendor = connections[alias].vendor
    with tarfile.open(archive) as tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except KeyError:
            raise CommandError(f"{archive} is not a backup of the portal.") from None
        if manifest["database"] != vendor:
            raise CommandError(
                f"{archive} holds a {manifest['database']} database, not {vendor} as configured."
            )
        members = media_members(tar)
        with tempfile.TemporaryDirectory() as scratch:
            tar.extract(DUMPS[vendor], scratch, filter="data")
            target = restore_database(Path(scratch) / DUMPS[vendor], vendor, database, name)
        files = restore_media(tar, members, Path(settings.MEDIA_ROOT))
    return {"database": target, "files": files}


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, which must be "
        "empty, and its uploaded files into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default", help="The database alias.")
        parser.add_argument(
            "--database-name",
            help="Restore into this database (a file on SQLite) instead of the configured one.",
        )

    def handle(self, *args, archive, database, database_name, **options):
        if not archive.is_file():
            raise CommandError(f"No such backup: {archive}")
        restored = restore(archive, alias=database, name=database_name)
        self.stdout.write(
            f"Restored {archive.name} into {restored['database']}, "
            f"with {restored['files']} uploaded files into {settings.MEDIA_ROOT}."
        )
