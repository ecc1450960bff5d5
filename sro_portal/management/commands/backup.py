"""One file holding the whole portal: the database and the uploaded files.

The archive (`var/backups/sro-portal-<UTC time>.tar`) holds `manifest.json`, the database
(`database.dump`, pg_dump's custom format, on PostgreSQL; `database.sqlite3`, a consistent copy, on
SQLite) and `media/`, every file under MEDIA_ROOT. `manage.py restore` reads it back.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def tool(name: str) -> str:
    """A PostgreSQL client program, from PATH or the Debian packages' own folder."""
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)),
        None,
    )
    if found is None:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def pg_environment(database: dict, name: str | None = None) -> dict:
    """The connection as libpq's variables, so no password appears in a command line."""
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": name or database.get("NAME"),
    }
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def run(command: list[str], env: dict) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def dump_database(alias: str, target: Path) -> str:
    connection = connections[alias]
    vendor = connection.vendor
    if vendor == "postgresql":
        env = pg_environment(connection.settings_dict)
        run([tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"], env)
    elif vendor == "sqlite":
        # SQLite's own backup copies a consistent state even while the portal writes.
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def backup(*, alias: str = "default", directory: Path | None = None) -> Path:
    directory = Path(directory or settings.BASE_DIR / "var" / "backups")
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    archive = directory / f"sro-portal-{now:%Y%m%d-%H%M%S}Z.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        vendor = connections[alias].vendor
        dump = Path(scratch) / DUMPS.get(vendor, "database")
        dump_database(alias, dump)
        files = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        manifest = Path(scratch) / MANIFEST
        manifest.write_text(
            json.dumps(
                {
                    "created_at": now.isoformat(),
                    "database": vendor,
                    "media_files": [str(p.relative_to(media_root)) for p in files],
                },
                indent=2,
            )
        )
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(manifest, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            for path in files:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root)}")
        # Only a complete archive carries the backup's name.
        partial.rename(archive)
    archive.chmod(0o600)
    return archive


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive under var/backups/."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database alias.")
        parser.add_argument(
            "--output-dir", type=Path, help="Where to write the archive (default var/backups/)."
        )

    def handle(self, *args, database, output_dir, **options):
        archive = backup(alias=database, directory=output_dir)
        self.stdout.write(str(archive))
