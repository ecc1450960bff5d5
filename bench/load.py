"""Load test: 50 simulated people at once against gunicorn on loopback, with locust headless.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sro_bench .venv/bin/python bench/load.py

Starts gunicorn under bench/settings.py (production's settings over plain HTTP, plus the two
bench-only pages of bench/urls.py) with --workers sync workers, as `make serve` runs the site,
and drives it in three runs of --run-time seconds each (bench/locustfile.py), every person
sending their next request as soon as the last is answered:

1. the bench-only trivial page then the bench-only one-row insert: the floor of this server;
2. SROs opening the daily log form and sending it (each their own session, past both sign-in
   steps, made on the server: bench/common.py `signed_in_session`);
3. the administrator of the district with the most schools opening their home page.

Targets: the log form (GET and POST) at least half the minimal pages' rate, the district home at
least a quarter of the trivial page's; no failed request; the rows in the database after the run
equal the successful posts, for the log form and for the minimal insert.
"""

import datetime
import html
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, database_url, parser, people, reproduce, setup, signed_in_session, table

NOTE = "Load test entry"
PHASES = ["MinimalUser", "LogFormUser", "DistrictHomeUser"]


def prepare(users: int) -> tuple[dict, list[str]]:
    """The bench table, and a session for each simulated person; returns what locust reads and
    the session keys (deleted after the run)."""
    from django.db import connection
    from django.utils import timezone

    from bench.views import TABLE
    from incidents.models import ActivityType
    from programs.models import Assignment
    from sro_portal.roles import Role

    with connection.cursor() as cursor:
        # Each run starts from an empty table (and the layout of this version of the script).
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} "
            "(id bigserial PRIMARY KEY, user_id bigint NOT NULL, created_at timestamptz NOT NULL)"
        )
    everyone = people()
    activity_type = ActivityType.objects.filter(is_active=True).order_by("pk").first()
    # SROs with an active assignment, those of the largest district first, one person each.
    assignments = (
        Assignment.objects.active().select_related("officer").order_by("-district_id", "officer_id")
    )
    chosen, seen = [], set()
    for assignment in assignments.filter(district=everyone["district"]).iterator():
        if assignment.officer_id not in seen:
            seen.add(assignment.officer_id)
            chosen.append(assignment)
    for assignment in assignments.exclude(district=everyone["district"])[: users * 4]:
        if len(chosen) >= users:
            break
        if assignment.officer_id not in seen:
            seen.add(assignment.officer_id)
            chosen.append(assignment)
    if not chosen:
        raise SystemExit("No SRO with an active assignment: generate the data first.")
    keys = []
    sro = []
    for i in range(users):
        assignment = chosen[i % len(chosen)]
        keys.append(signed_in_session(assignment.officer))
        sro.append(
            {"session": keys[-1], "school": assignment.school_id, "activity_type": activity_type.pk}
        )
    administrators = [signed_in_session(everyone[Role.DISTRICT_ADMIN]) for _ in range(users)]
    keys += administrators
    sessions = {
        "note": NOTE,
        "today": timezone.localdate().isoformat(),
        "sro": sro,
        "district_admin": administrators,
        "district_html": html.escape(everyone["district"].name),
        "officers": len(chosen),
        "district": str(everyone["district"]),
    }
    return sessions, keys


def serve(port: int, workers: int, url: str) -> subprocess.Popen:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": url}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "sro_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def run_phase(phase, port, options, folder, sessions_path) -> dict:
    """{request name: its final figures} of one locust run."""
    result = Path(folder) / phase  # locust adds .json
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--skip-log",
            "--users",
            str(options.users),
            "--spawn-rate",
            str(options.users),
            "--run-time",
            f"{options.run_time}s",
            # At the end each person finishes the request in flight: every row the server wrote
            # is then a request locust counted.
            "--stop-timeout",
            "60",
            "--host",
            f"http://127.0.0.1:{port}",
            "--json-file",
            str(result),
            phase,
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_SESSIONS": str(sessions_path)},
        check=False,  # locust exits 1 when a request failed: counted below
        stdout=subprocess.DEVNULL,
    )
    written = json.loads(result.with_suffix(".json").read_text())
    return {entry["name"]: entry for entry in written}


def percentile(histogram: dict, fraction: float) -> float:
    """From locust's histogram of response times (rounded milliseconds: count)."""
    times = sorted((float(ms), count) for ms, count in histogram.items())
    wanted, seen = fraction * sum(count for _, count in times), 0
    for ms, count in times:
        seen += count
        if seen >= wanted:
            return ms
    return 0.0


def main():
    arguments = parser(__doc__.split("\n\n")[0])
    arguments.add_argument("--users", type=int, default=50, help="simulated people at once")
    arguments.add_argument("--run-time", type=int, default=30, help="seconds of each run")
    arguments.add_argument(
        "--workers", type=int, default=3, help="gunicorn sync workers (3 on two cores)"
    )
    arguments.add_argument("--port", type=int, default=8777)
    options = arguments.parse_args()
    url = database_url(options.database_url)
    setup(url)
    from django.contrib.sessions.models import Session
    from django.db import connection

    from bench.views import TABLE
    from incidents.models import ActivityLog

    sessions, keys = prepare(options.users)
    started = datetime.datetime.now(datetime.UTC)
    server = serve(options.port, options.workers, url)
    stats = {}
    try:
        with tempfile.TemporaryDirectory(prefix="sro-load-") as folder:
            sessions_path = Path(folder) / "sessions.json"
            sessions_path.write_text(json.dumps(sessions))
            for phase in PHASES:
                stats |= run_phase(phase, options.port, options, folder, sessions_path)
                print(f"# {phase}: done", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    def rate(name):
        entry = stats.get(name)
        if not entry or not entry["num_requests"]:
            return 0.0
        return entry["num_requests"] / (entry["last_request_timestamp"] - entry["start_time"])

    def failed(name):
        return stats[name]["num_failures"] if name in stats else 0

    def succeeded(name):
        return stats[name]["num_requests"] - failed(name) if name in stats else 0

    logged = ActivityLog.objects.filter(notes=NOTE, created_at__gte=started).count()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        inserted = cursor.fetchone()[0]
    Session.objects.filter(session_key__in=keys).delete()

    rows = [
        [
            name,
            entry["num_requests"],
            entry["num_failures"],
            rate(name),
            percentile(entry["response_times"], 0.5),
            percentile(entry["response_times"], 0.95),
        ]
        for name, entry in stats.items()
    ]
    print(
        f"{options.users} simulated people, {options.run_time} s a run, gunicorn "
        f"{options.workers} sync workers; {sessions['officers']} distinct SROs; "
        f"district home of {sessions['district']}"
    )
    print(table(["request", "count", "failures", "per second", "median ms", "p95 ms"], rows))

    checks = [
        ("log form GET >= 1/2 minimal GET", rate("log form GET"), rate("minimal GET") / 2),
        ("log form POST >= 1/2 minimal POST", rate("log form POST"), rate("minimal POST") / 2),
        ("district home >= 1/4 minimal GET", rate("district home GET"), rate("minimal GET") / 4),
    ]
    failures = sum(failed(name) for name in stats)
    verdicts = [
        [what, f"{measured:.1f}/s", f"{floor:.1f}/s", "MET" if measured >= floor else "NOT MET"]
        for what, measured, floor in checks
    ]
    verdicts.append(
        ["no failed request", str(failures), "0", "MET" if failures == 0 else "NOT MET"]
    )
    verdicts.append(
        [
            "log form rows = successful posts",
            str(logged),
            str(succeeded("log form POST")),
            "MET" if logged == succeeded("log form POST") else "NOT MET",
        ]
    )
    verdicts.append(
        [
            "minimal rows = successful posts",
            str(inserted),
            str(succeeded("minimal POST")),
            "MET" if inserted == succeeded("minimal POST") else "NOT MET",
        ]
    )
    print()
    print(table(["target", "measured", "needed", ""], verdicts))
    print(
        "command:",
        reproduce(
            "load.py",
            url,
            "--users",
            str(options.users),
            "--run-time",
            str(options.run_time),
            "--workers",
            str(options.workers),
        ),
    )
    return 0 if all(v[-1] == "MET" for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
