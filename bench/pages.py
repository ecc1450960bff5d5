"""How the main pages scale with data size.

Run from the project root:

    .venv/bin/python bench/pages.py

Builds a throwaway SQLite database (/tmp/sro-bench.sqlite3), one tenant at a time with the
factories of the test suite, and for each page prints the number of SQL queries of one request
and the median and 90th-percentile wall time of 15 requests (after 2 warm-ups).

The "small" tenant is built and measured first, alone in the database; the "large" tenant is
added afterwards. Not a test: pytest only collects tests/.
"""

import datetime
import gc
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_PATH = Path("/tmp/sro-bench.sqlite3")
WARMUPS = 2
RUNS = 15

sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "sro_portal.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"  # sqlite:////tmp/... (absolute path)
for suffix in ("", "-journal", "-wal", "-shm"):
    Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)

STARTED = time.perf_counter()

import django  # noqa: E402

django.setup()

import factory.random  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

MEDIA = tempfile.mkdtemp(prefix="sro-bench-media-")
# Certificates uploaded by the factories land in a temporary folder, not in var/media.
override_settings(MEDIA_ROOT=MEDIA, ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"]).enable()

call_command("migrate", verbosity=0)

from incidents.models import ActivityType  # noqa: E402
from programs.models import Classification, Responder  # noqa: E402
from sro_portal.roles import Role  # noqa: E402
from tests.conftest import make_tenant  # noqa: E402
from tests.factories import (  # noqa: E402
    ActivityLogFactory,
    AssignmentFactory,
    CandidateRatingFactory,
    ComplaintFactory,
    CompletionFactory,
    ContactFactory,
    CourseFactory,
    EnforcementActionFactory,
    ExpectationFactory,
    IncidentFactory,
    MOUDrafterFactory,
    OutreachComponentFactory,
    PositionFactory,
    ProtocolEntryFactory,
    RequirementFactory,
    ResponsibilityFactory,
    seeded_topic,
    user_with_role,
)
from training.models import Audience  # noqa: E402

# Rows per list. "parts" is every other list of a program (responsibilities, protocol entries,
# positions, outreach, candidate ratings, MOU drafters, contacts, expectations): the brief names
# no large size for them, so they grow modestly.
SIZES = {
    "small": {"incidents": 10, "activity": 10, "complaints": 10, "staff": 10, "parts": 10},
    "large": {"incidents": 500, "activity": 2000, "complaints": 200, "staff": 100, "parts": 50},
}


def build(prefix, n):
    """A full tenant as the tests build it, then n[...] rows in each list."""
    rng = random.Random(prefix)
    tenant = make_tenant(prefix)
    program, sro = tenant.program, tenant.sro
    schools = [tenant.school, tenant.other_school]
    now = timezone.now()
    today = timezone.localdate()

    # Incidents over the past year, each with one enforcement action.
    for i in range(n["incidents"]):
        incident = IncidentFactory(
            program=program,
            school=schools[i % 2],
            reported_by=sro,
            occurred_at=now - datetime.timedelta(hours=1 + 17 * i),
        )
        EnforcementActionFactory(
            incident=incident, occurred_on=timezone.localdate(incident.occurred_at)
        )
    # A few disciplinary incidents handled by the SRO: awaiting the district's review.
    for i in range(max(1, n["incidents"] // 20)):
        IncidentFactory(
            program=program,
            school=schools[i % 2],
            reported_by=sro,
            classification=Classification.DISCIPLINARY,
            handled_by=Responder.SRO,
            sro_response="warning",
            needs_review=True,
        )

    # The SRO's activity this week, Monday to today.
    monday = today - datetime.timedelta(days=today.weekday())
    days = [monday + datetime.timedelta(days=d) for d in range(today.weekday() + 1)]
    types = list(ActivityType.objects.all())
    for i in range(n["activity"]):
        ActivityLogFactory(
            assignment=tenant.assignment,
            activity_type=types[i % len(types)],
            occurred_on=days[i % len(days)],
            minutes=rng.randint(5, 120),
        )

    # Complaints; a fifth past their acknowledgement deadline.
    for i in range(n["complaints"]):
        ComplaintFactory(
            program=program,
            school=schools[i % 2],
            acknowledge_by=today + datetime.timedelta(days=-3 if i % 5 == 0 else 5),
        )

    # Staff: seven in ten SROs assigned to the program, the rest building administrators;
    # each with two or three completed courses.
    topics = [seeded_topic("de-escalation")]
    courses = [CourseFactory(title=f"{prefix} course {c}", topics=topics) for c in range(5)]
    RequirementFactory(program=program, audience=Audience.ADMINISTRATOR)
    for i in range(n["staff"]):
        school = schools[i % 2]
        if i % 10 < 7:
            person = user_with_role(Role.SRO, agency=tenant.agency, username=f"{prefix}.sro{i}")
            AssignmentFactory(program=program, school=school, officer=person)
        else:
            person = user_with_role(
                Role.BUILDING_ADMIN, school=school, username=f"{prefix}.admin{i}"
            )
        for c in range(2 + i % 2):
            CompletionFactory(
                person=person,
                course=courses[(i + c) % len(courses)],
                completed_on=today - datetime.timedelta(days=20 + 90 * c),
            )

    # The other lists of the program and its MOU.
    for _ in range(n["parts"]):
        ResponsibilityFactory(program=program)
        ProtocolEntryFactory(program=program)
        PositionFactory(program=program)
        OutreachComponentFactory(program=program)
        CandidateRatingFactory(
            candidate=tenant.rating.candidate, criterion=tenant.rating.criterion, program=program
        )
        MOUDrafterFactory(mou=tenant.mou)
        ContactFactory(program=program)
        ExpectationFactory(program=program)
    return tenant


def pages(tenant):
    """(page, user, url) for every page measured."""
    admin, program = tenant.district_admin, tenant.program
    return [
        ("home", admin, reverse("home")),
        ("incidents:incident_list", admin, reverse("incidents:incident_list")),
        ("incidents:activity_week", tenant.sro, reverse("incidents:activity_week")),
        ("training:compliance", admin, reverse("training:compliance")),
        ("programs:program_detail", admin, reverse("programs:program_detail", args=[program.pk])),
        ("programs:mou_detail", admin, reverse("programs:mou_detail", args=[tenant.mou.pk])),
        ("accountability:complaint_list", admin, reverse("accountability:complaint_list")),
        ("accountability:program", admin, reverse("accountability:program", args=[program.pk])),
    ]


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
    return response


def measure(tenant, size):
    clients = {}
    rows = []
    for page, user, url in pages(tenant):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        client = clients[user.pk]
        for _ in range(WARMUPS - 1):
            get(client, url)
        with CaptureQueriesContext(connection) as captured:  # the last warm-up counts queries
            get(client, url)
        # Read now: the log is a view of connection.queries, which the next request resets.
        queries = len(captured)
        gc.collect()  # start each page's runs without the previous page's garbage
        times = []
        for _ in range(RUNS):  # timed without the query log's overhead
            start = time.perf_counter()
            get(client, url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p90 = times[math.ceil(0.9 * len(times)) - 1]  # nearest rank
        rows.append((page, size, queries, statistics.median(times), p90))
    return rows


def main():
    factory.random.reseed_random("sro-bench")
    results = []
    for size, n in SIZES.items():
        start = time.perf_counter()
        with transaction.atomic():
            tenant = build(size, n)
        built = time.perf_counter() - start
        start = time.perf_counter()
        results += measure(tenant, size)
        print(
            f"# {size}: built in {built:.1f} s, measured in {time.perf_counter() - start:.1f} s "
            f"({', '.join(f'{k}={v}' for k, v in n.items())})",
            flush=True,
        )

    header = ("page", "size", "queries", "median ms", "p90 ms")
    width = max(len(r[0]) for r in results)
    print(f"{header[0]:<{width}}  {header[1]:<5}  {header[2]:>7}  {header[3]:>9}  {header[4]:>8}")
    order = [page for page, _, _ in pages(tenant)]
    for page, size, queries, median, p90 in sorted(results, key=lambda r: order.index(r[0])):
        print(f"{page:<{width}}  {size:<5}  {queries:>7}  {median:>9.1f}  {p90:>8.1f}")
    print(f"# total {time.perf_counter() - STARTED:.1f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
