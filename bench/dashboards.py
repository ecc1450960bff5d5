"""Each dashboard and report against PostgreSQL running the same SQL alone: at most 2x.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sro_bench .venv/bin/python bench/dashboards.py

For each page (the district home of the district with the most schools, the state home, the
reports and the compliance page, as district administrator and as state staff), the median wall
time of --runs requests through Django's test client (middleware, views, templates: all the
Python) is set against the median time of the same queries, captured from one request and run
again with a raw cursor, results fetched, in one transaction rolled back (a page's writes, such
as its audit entry, are replayed too and undone). Page / SQL at most 2 is the target.
"""

import re
import sys

from common import (
    database_url,
    median_ms,
    parser,
    people,
    reproduce,
    setup,
    signed_in_client,
    table,
)

PAGES = [
    "home",
    "training:compliance",
    "accountability:reports",
    "accountability:report_enforcement",
    "accountability:report_activity",
    "accountability:report_complaints",
    "accountability:report_training",
    "accountability:report_districts",
    "accountability:program",
]
TARGET = 2.0


# A queryset read with .iterator() is a server-side cursor: its SQL is logged as the DECLARE.
SERVER_CURSOR = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ', re.I)


def replay(statements):
    """Run the captured statements again, fetching every row, and undo what they wrote."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(SERVER_CURSOR.sub("", sql))
                if cursor.description is not None:
                    cursor.fetchall()
        transaction.set_rollback(True)


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")

    get()  # warm-up: caches, and the session's clock
    with CaptureQueriesContext(connection) as captured:
        get()
    statements = [query["sql"] for query in captured.captured_queries]
    page = median_ms(get, runs)
    sql = median_ms(lambda: replay(statements), runs)
    return len(statements), page, sql


def main():
    arguments = parser(__doc__.split("\n\n")[0])
    arguments.add_argument("--runs", type=int, default=5, help="timed requests per page")
    options = arguments.parse_args()
    url = database_url(options.database_url)
    setup(url)
    from django.urls import reverse

    from programs.models import Program
    from sro_portal.roles import Role

    everyone = people()
    program = Program.objects.filter(district=everyone["district"]).order_by("pk").first()
    rows, missed = [], 0
    for role in (Role.DISTRICT_ADMIN, Role.STATE_STAFF):
        client = signed_in_client(everyone[role])
        for name in PAGES:
            if name == "accountability:program":
                if program is None:
                    continue
                path = reverse(name, kwargs={"program_pk": program.pk})
            else:
                path = reverse(name)
            try:
                if client.get(path).status_code == 403:
                    continue  # not this role's page
                queries, page, sql = measure(client, path, options.runs)
            except Exception as error:  # a statement timeout (bench/settings.py), for one
                missed += 1
                rows.append([name, role.value, "-", type(error).__name__, "-", "-", "-", "NOT MET"])
                continue
            ratio = page / sql if sql else float("inf")
            met = ratio <= TARGET
            missed += not met
            verdict = "MET" if met else "NOT MET"
            rows.append([name, role.value, queries, page, sql, page - sql, f"{ratio:.2f}", verdict])
    print(f"district: {everyone['district']} ({everyone['district'].schools.count()} schools)")
    print(
        table(
            ["page", "as", "queries", "page ms", "SQL alone ms", "rest ms", "page/SQL", "<= 2x"],
            rows,
        )
    )
    print(f"\n{len(rows) - missed} of {len(rows)} pages within {TARGET:g}x of their SQL alone.")
    print("command:", reproduce("dashboards.py", url, "--runs", str(options.runs)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
