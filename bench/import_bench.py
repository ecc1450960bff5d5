"""Benchmark 4 of issue 14: a 100,000-row enforcement-action file through the portal's import path
(checked by every rule, all or nothing, audited: what the background job runs) against
PostgreSQL's COPY of the same rows into the same table. Also the admin's two passes (dry run,
then the import) over a 10,000-row file, which must stay well inside a worker's 30 s.

Self-contained: it creates its own database on the server DATABASE_URL names (the name from
--database or $IMPORT_BENCH_DB, default sro_import_bench), migrates it, builds an agency serving
ten schools under a signed MOU, writes the file, measures, and drops the database (--keep keeps
it). Prints its figures and the command that reproduces them; exits 1 when a target is missed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_bench.py
"""

import argparse
import io
import os
import shlex
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the portal's file")
    parser.add_argument("--admin-rows", type=int, default=10_000, help="rows of the admin's file")
    parser.add_argument(
        "--database",
        default=os.environ.get("IMPORT_BENCH_DB", "sro_import_bench"),
        help="the database this script creates and drops (default $IMPORT_BENCH_DB, else "
        "sro_import_bench)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_SERVER


def with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def on_server(url: str, *statements: str) -> None:
    import psycopg2

    connection = psycopg2.connect(with_name(url, "postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def create_database(url: str, name: str) -> None:
    on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(url: str, name: str) -> None:
    on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sro_portal.settings.local"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def build_agency():
    """An agency whose SRO serves ten schools of one district, under a signed MOU in force for
    the past year: every row of the file may make its incident."""
    from programs.models import Program
    from tests.conftest import make_tenant
    from tests.factories import AssignmentFactory, MOUFactory, SchoolFactory

    tenant = make_tenant("bench")
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    MOUFactory(program=tenant.program, signed=True)
    schools = [tenant.school]
    for n in range(9):
        school = SchoolFactory(district=tenant.district, name=f"bench school {n}")
        AssignmentFactory(program=tenant.program, school=school, officer=tenant.sro)
        schools.append(school)
    return tenant, schools


def action_file(tenant, schools, rows: int, prefix: str) -> bytes:
    """`rows` actions of the tenant's agency, two students an event, over the past 300 days."""
    from tests.factories import enforcement_action_file

    return enforcement_action_file(tenant.agency, schools, rows, prefix)


def portal_import(tenant, content: bytes) -> tuple[float, object]:
    """The file as the import page takes a large one: a job, run by the worker."""
    import hashlib

    from sro_portal.audit import Actor
    from sro_portal.jobs import import_job_claim, import_job_enqueue, import_job_run

    import_job_enqueue(
        actor=Actor(user=tenant.agency_supervisor, ip_address="127.0.0.1"),
        view_name="incidents:import",
        model_label="incidents.EnforcementAction",
        noun="enforcement actions",
        file_name="bench.csv",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    start = time.perf_counter()
    job = import_job_run(job=import_job_claim())
    return time.perf_counter() - start, job


def copy_same_rows(prefix: str) -> tuple[float, int]:
    """COPY of the rows the import saved (all their columns but the id) into the same table, timed
    to its commit, as the import is: PostgreSQL checks a row's foreign keys at the commit, and a
    COPY rolled back would skip that. The copies are deleted afterwards."""
    from django.db import connection, transaction
    from django.db.models import Max

    from incidents.models import EnforcementAction

    columns = [f.column for f in EnforcementAction._meta.concrete_fields if not f.primary_key]
    names = ", ".join(f'"{c}"' for c in columns)
    table = EnforcementAction._meta.db_table
    out = io.BytesIO()
    with connection.cursor() as cursor:
        query = f"COPY (SELECT {names} FROM {table} WHERE case_number LIKE '{prefix}-%') TO STDOUT"
        cursor.cursor.copy_expert(query, out)
    rows = out.getvalue().count(b"\n")
    last = EnforcementAction.objects.aggregate(last=Max("pk"))["last"]
    out.seek(0)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", out)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id > %s", [last])
    return elapsed, rows


def checks_only(tenant, content: bytes) -> float:
    """The same file read and checked by every rule, nothing written: the import's share that is
    not writing."""
    from django.db import transaction

    from incidents.resources import ACTION_COLUMNS, EnforcementActionResource
    from sro_portal.audit import Actor
    from sro_portal.files import read_csv
    from sro_portal.imports import JOB_MAX_ROWS, duplicates, normalised

    start = time.perf_counter()
    dataset = normalised(
        read_csv(content, max_bytes=len(content) + 1), ACTION_COLUMNS, max_rows=JOB_MAX_ROWS
    )
    assert not duplicates(dataset)
    resource = EnforcementActionResource(actor=Actor(user=tenant.agency_supervisor))
    for column in ACTION_COLUMNS:
        resource.fields[column.name].column_name = column.header
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=True)
    assert not result.has_validation_errors(), result.invalid_rows[:1]
    return time.perf_counter() - start


def admin_passes(tenant, content: bytes) -> tuple[float, float, dict]:
    """The admin's dry run and its confirmed import of one file, through the admin's resource."""
    import tablib
    from django.db import transaction

    from incidents.resources import EnforcementActionResource
    from sro_portal.files import read_csv

    user = tenant.agency_supervisor
    times = []
    for dry_run in (True, False):
        dataset = read_csv(content, max_bytes=len(content) + 1)
        assert isinstance(dataset, tablib.Dataset)
        start = time.perf_counter()
        with transaction.atomic():
            result = EnforcementActionResource().import_data(
                dataset, dry_run=dry_run, use_transactions=True, user=user
            )
        times.append(time.perf_counter() - start)
        assert not result.has_validation_errors(), result.invalid_rows[:1]
    return times[0], times[1], dict(result.totals)


def main():
    options = arguments()
    server = server_url()
    url = with_name(server, options.database)
    print(f"Creating and migrating {options.database} ...", flush=True)
    create_database(server, options.database)
    try:
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        tenant, schools = build_agency()
        content = action_file(tenant, schools, options.rows, "P")
        print(f"File: {options.rows:,} rows, {len(content) / 1e6:.1f} MB", flush=True)

        check_seconds = checks_only(tenant, content)
        portal_seconds, job = portal_import(tenant, content)
        from incidents.models import Incident
        from sro_portal.models import AuditLog

        written = (
            Incident.objects.filter(case_number__startswith="P-").count(),
            AuditLog.objects.filter(detail__imported=True).count(),
        )
        assert job.status == "done", job.problems[:3]
        copy_seconds, copied = copy_same_rows("P")
        assert copied == options.rows, copied
        admin_content = action_file(tenant, schools, options.admin_rows, "A")
        dry_seconds, import_seconds, totals = admin_passes(tenant, admin_content)

        portal_rate = options.rows / portal_seconds
        copy_rate = copied / copy_seconds
        ratio = portal_rate and copy_rate / portal_rate
        print()
        print("Benchmark 4: enforcement-action import against COPY (PostgreSQL)")
        print(
            f"  portal import (job: parse, check every rule, save all or nothing, audit): "
            f"{options.rows:,} rows in {portal_seconds:.1f} s = {portal_rate:,.0f} rows/s "
            f"({job.totals})"
        )
        print(
            f"  COPY of the same rows into the same table, committed: {copied:,} rows in "
            f"{copy_seconds:.2f} s = {copy_rate:,.0f} rows/s"
        )
        print(
            f"  of which reading and checking (the same file as a dry run): {check_seconds:.1f} s; "
            f"the rest writes {options.rows:,} actions, {written[0]:,} incidents and "
            f"{written[1]:,} audit entries (one per record created) by COPY"
        )
        verdict = "met" if ratio <= 10 else "NOT met"
        print(f"  COPY is {ratio:.1f}x faster (target: at most 10x): {verdict}")
        print(
            f"  admin, {options.admin_rows:,} rows: dry run {dry_seconds:.1f} s, import "
            f"{import_seconds:.1f} s (a worker times out at 30 s per request) {totals}"
        )
        words = [".venv/bin/python", "bench/import_bench.py", *sys.argv[1:]]
        met = ratio <= 10 and dry_seconds < 30 and import_seconds < 30
        print(
            "Reproduce: DATABASE_URL="
            + shlex.quote(server)
            + " "
            + " ".join(shlex.quote(w) for w in words)
        )
        return 0 if met else 1
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            drop_database(server, options.database)


if __name__ == "__main__":
    sys.exit(main())
