"""Every benchmark, as `make bench` runs them: prepare the two databases, then each script.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sro_bench .venv/bin/python bench/run.py

The database named by DATABASE_URL holds the state at full scale; the same name + "_1pct" holds
1% of it. Each is created if missing, migrated, and filled by `manage.py generate_state_data`
unless an earlier run filled it already (--force drops both and generates them again;
--full-scale 0.1 makes the larger one a tenth of the state, for a quicker trial). Then come the
scripts, each printing its figures and the command that reproduces them: queries.py,
dashboards.py, admin.py, import_bench.py, load.py. The whole output is also written to
var/bench/last-run.txt. Exits 1 if any script missed a target or failed.
"""

import datetime
import os
import platform
import subprocess
import sys
import time

from common import ROOT, database_name, database_url, parser, small_database_url

# Written once a database is filled, so that the next run skips the generation.
MARKER = "bench_generated"
REFRESH_COMPLIANCE = ROOT / "training" / "management" / "commands" / "refresh_compliance.py"
SCRIPTS = ["queries.py", "dashboards.py", "admin.py", "import_bench.py", "load.py"]


def psql(url: str, sql: str) -> str:
    """One statement, outside any transaction (CREATE DATABASE needs that); its first value."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone() if cursor.description else None
    finally:
        connection.close()
    return str(row[0]) if row else ""


def maintenance_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def manage(url: str, *arguments: str, log) -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        # Generated data is demo data: allowed in these databases only.
        "DJANGO_DEMO_DATA_ALLOWED": "1",
        # Loading millions of rows and building their indexes takes what it takes.
        "BENCH_STATEMENT_TIMEOUT_MS": "0",
    }
    log(f"$ DATABASE_URL={url} manage.py {' '.join(arguments)}")
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)


def prepare(url: str, scale: float, force: bool, log) -> None:
    name = database_name(url)
    exists = psql(maintenance_url(url), f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and force:
        log(f"dropping database {name} (--force)")
        psql(maintenance_url(url), f'DROP DATABASE "{name}"')
    if not exists or force:
        log(f"creating database {name}")
        psql(maintenance_url(url), f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--noinput", "--verbosity", "0", log=log)
    psql(url, f"CREATE TABLE IF NOT EXISTS {MARKER} (scale float PRIMARY KEY, at timestamptz)")
    done = psql(url, f"SELECT at FROM {MARKER} WHERE scale = {scale}")
    if done:
        log(f"{name}: generated at scale {scale:g} on {done}; kept (--force generates again)")
    elif psql(url, "SELECT count(*) FROM sro_portal_district") != "0":
        log(f"{name}: holds districts already, generated elsewhere; kept (--force regenerates)")
    else:
        started = time.monotonic()
        manage(url, "generate_state_data", "--scale", f"{scale:g}", log=log)
        psql(url, f"INSERT INTO {MARKER} VALUES ({scale}, now())")
        log(f"{name}: generated at scale {scale:g} in {time.monotonic() - started:.0f} s")
        if REFRESH_COMPLIANCE.exists():  # a bulk load bypasses the services that keep it
            manage(url, "refresh_compliance", "--all", log=log)
            return
    if REFRESH_COMPLIANCE.exists():  # what a nightly run would have done since
        manage(url, "refresh_compliance", log=log)


def main():
    arguments = parser(__doc__.split("\n\n")[0])
    arguments.add_argument(
        "--force", action="store_true", help="drop both databases and generate them again"
    )
    arguments.add_argument(
        "--full-scale",
        type=float,
        default=1.0,
        help="the scale of the larger database (default 1: the whole state; less for a trial)",
    )
    arguments.add_argument(
        "--only", nargs="+", choices=SCRIPTS, help="run these scripts only (default: all)"
    )
    options = arguments.parse_args()
    full = database_url(options.database_url)
    if not full.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmarks run on PostgreSQL; DATABASE_URL is {full}")
    small = small_database_url(full)
    output = ROOT / "var" / "bench" / "last-run.txt"
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w") as record:

        def log(line=""):
            print(line, flush=True)
            record.write(line + "\n")
            record.flush()

        log(f"# make bench, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
        log(
            f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average at start {os.getloadavg()[0]:.1f}"
        )
        log(f"# PostgreSQL: {psql(maintenance_url(full), 'SHOW server_version')}")
        for url, scale in ((small, 0.01), (full, options.full_scale)):
            prepare(url, scale, options.force, log)
        manage(full, "collectstatic", "--noinput", "--verbosity", "0", log=log)
        verdicts = []
        for script in options.only or SCRIPTS:
            log(f"\n## {script}\n")
            started = time.monotonic()
            if not (ROOT / "bench" / script).exists():
                log(f"bench/{script} is missing")
                verdicts.append((script, 2, 0.0))
                continue
            run = subprocess.Popen(
                [sys.executable, str(ROOT / "bench" / script)],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": full},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for line in run.stdout:
                log(line.rstrip("\n"))
            code = run.wait()
            verdicts.append((script, code, time.monotonic() - started))
        log("\n## summary\n")
        for script, code, seconds in verdicts:
            verdict = "every target met" if code == 0 else f"exit {code}: a target missed or failed"
            log(f"{script:<16} {seconds:6.0f} s  {verdict}")
        log(f"\nwritten to {output.relative_to(ROOT)}")
    return 0 if all(code == 0 for _, code, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
