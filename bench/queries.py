"""Query counts of every list, report and dashboard of the site, and of every admin changelist,
at 1% and at 100% of the state's data: they must be equal (no query per row).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sro_bench .venv/bin/python bench/queries.py

compares the database named by DATABASE_URL (full scale) with the same name + "_1pct" (or
--small-url). Each page is opened, after one warm-up, as each person who may open it: state
staff, the administrator of the district with the most schools, an SRO assigned there, the
supervisor of that SRO's agency (bench/common.py, `people`), and anonymous visitors for the
public pages. Prints a table and the command; exits 1 on any difference.
"""

import argparse
import json
import subprocess
import sys

from common import (
    database_name,
    database_url,
    parser,
    people,
    reproduce,
    setup,
    signed_in_client,
    small_database_url,
    table,
)

# Pages without a list, report or dashboard on them: sign-in, the second step, language.
NOT_PAGES = {
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "set_language",
    "healthz",
    "two_factor:verify",
    "two_factor:setup",
    "two_factor:recovery_codes",
    "bench_minimal",
    "bench_minimal_insert",
}
# More queries than this on one page, though equal at both scales, is likely one per row of a
# full page: flagged, not counted as a miss.
CROWDED = 40
# Public pages, opened by an anonymous visitor.
PUBLIC = {"public:home", "public:district", "accountability:complaint_create"}


def page_urls(everyone):
    """(name, url) of every page measured: those that take no argument, and the dashboards of
    the largest district and of its program, which do."""
    from django.urls import NoReverseMatch, reverse

    from programs.models import Program
    from tests.sro_portal.test_url_access import named_urls

    district = everyone["district"]
    program = Program.objects.filter(district=district).order_by("pk").first()
    with_arguments = {
        "directory:district_detail": {"pk": district.pk},
        "public:district": {"pk": district.pk},
    }
    if program is not None:
        with_arguments |= {
            "programs:program_detail": {"pk": program.pk},
            "accountability:program": {"program_pk": program.pk},
        }
    pages = []
    for name in sorted(set(named_urls()) - NOT_PAGES):
        if "export" in name:  # downloads: the whole file, not a page
            continue
        try:
            pages.append((name, reverse(name, kwargs=with_arguments.get(name, {}))))
        except NoReverseMatch:
            continue  # takes an object this list does not name
    return pages


def admin_changelists():
    from django.contrib import admin
    from django.urls import reverse

    names = (
        f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry
    )
    return sorted((name, reverse(name)) for name in names)


def count_queries(client, url) -> tuple[int, int]:
    """(status, queries) of one GET, after a warm-up (caches of content types and the like)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured)


def measure(url) -> dict:
    """{"page as role": queries} on one database."""
    setup(url)
    from django.test import Client

    from sro_portal.roles import Role

    everyone = people()
    clients = {
        role.value: signed_in_client(everyone[role])
        for role in (Role.STATE_STAFF, Role.DISTRICT_ADMIN, Role.AGENCY_SUPERVISOR, Role.SRO)
        if everyone[role] is not None
    }
    counts, failures = {}, []
    for name, path in page_urls(everyone):
        visitors = {"anonymous": Client()} if name in PUBLIC else clients
        for role, client in visitors.items():
            try:
                status, queries = count_queries(client, path)
            except Exception as error:  # a statement timeout (bench/settings.py), for one
                failures.append(f"{name} as {role}: {type(error).__name__}: {error}".strip())
                continue
            if status == 200:
                counts[f"{name} as {role}"] = queries
            elif status >= 500:
                failures.append(f"{name} as {role}: {status}")
    for name, path in admin_changelists():
        try:
            status, queries = count_queries(clients[Role.STATE_STAFF.value], path)
        except Exception as error:
            failures.append(f"{name}: {type(error).__name__}: {error}".strip())
            continue
        if status == 200:
            counts[name] = queries
        else:
            failures.append(f"{name}: {status}")
    return {"counts": counts, "failures": failures, "size": size()}


def size() -> str:
    """How much the database holds, in the terms of issue 14."""
    from incidents.models import ActivityLog
    from sro_portal.models import District

    return f"{District.objects.count():,} districts, {ActivityLog.objects.count():,} daily log rows"


def main():
    arguments = parser(__doc__.split("\n\n")[0])
    arguments.add_argument("--small-url", help="the 1%% database (default: full name + _1pct)")
    # One database, as JSON: the comparison runs it once per scale, each in a process of its own.
    arguments.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = arguments.parse_args()
    full = database_url(options.database_url)
    if options.measure:
        json.dump(measure(full), sys.stdout)
        return 0
    small = options.small_url or small_database_url(full)
    results = {}
    for scale, url in (("small", small), ("full", full)):
        run = subprocess.run(
            [sys.executable, __file__, "--measure", "--database-url", url],
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            sys.stderr.write(run.stderr)
            raise SystemExit(f"measuring {url} failed")
        results[scale] = json.loads(run.stdout)
    small_counts, full_counts = results["small"]["counts"], results["full"]["counts"]
    rows, mismatches = [], 0
    for page in sorted(small_counts.keys() | full_counts.keys()):
        a, b = small_counts.get(page, "-"), full_counts.get(page, "-")
        same = a == b
        mismatches += not same
        # Equal, yet so many: a query per row, hidden because a full page at both scales.
        crowded = same and isinstance(a, int) and a > CROWDED
        rows.append(
            [page, a, b, "DIFFERENT" if not same else "equal, per row?" if crowded else "equal"]
        )
    print(
        f"small: {database_name(small)} ({results['small']['size']}); "
        f"full: {database_name(full)} ({results['full']['size']})"
    )
    print(table(["page as", "queries small", "queries full", ""], rows))
    listed = {row[0] for row in rows}
    for scale, result in results.items():
        for failure in result["failures"]:
            print(f"failed at {scale} scale: {failure}")
            # A page that failed at one scale only is a DIFFERENT row already.
            mismatches += not any(failure.startswith(f"{page}: ") for page in listed)
    crowded = sum(row[-1] == "equal, per row?" for row in rows)
    if crowded:
        print(f"\n{crowded} pages run more than {CROWDED} queries at both scales: per row?")
    print(
        f"\n{len(rows)} pages; {mismatches} differ or fail. "
        f"Target: equal counts at both scales: {'MET' if not mismatches else 'NOT MET'}"
    )
    print("command:", reproduce("queries.py", full, "--small-url", small))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
