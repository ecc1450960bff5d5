"""The admin's lists of the largest tables (daily log, incidents, enforcement actions, the audit
log) count only what a filter or search matched, never the whole table a second time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.models import Meeting
from programs.models import Approval
from tests.factories import ContactFactory, MOUFactory, ProgramFactory

pytestmark = pytest.mark.django_db

LARGE = [
    "admin:incidents_activitylog_changelist",
    "admin:incidents_incident_changelist",
    "admin:incidents_enforcementaction_changelist",
    "admin:sro_portal_auditlog_changelist",
]


@pytest.mark.parametrize("name", LARGE)
def test_a_searched_list_of_a_large_table_counts_once(client, tenant, state_staff, name):
    client.force_login(state_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), {"q": "nothing matches this"})
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    # None at all when the search names nobody (a username that no account has).
    assert len(counts) <= 1, counts
    assert response.context["cl"].result_count == 0
    assert "Show all" in response.content.decode()


def _contacts(tenant, n):
    for _ in range(n):
        ContactFactory(program=tenant.program, school=tenant.school, level="building")


def _meetings(tenant, n):
    for k in range(n):
        Meeting.objects.create(
            program=tenant.program,
            school=tenant.school,
            held_on=datetime.date(2025, 9, 1) + datetime.timedelta(days=k),
            attendees="Principal, SRO",
            topics="Arrival and dismissal",
            recorded_by=tenant.district_admin,
        )


def _approvals(tenant, n):
    for _ in range(n):
        mou = MOUFactory(program=ProgramFactory(district=tenant.district, agency=tenant.agency))
        Approval.objects.create(
            program=mou.program,
            mou=mou,
            subject=Approval.Subject.MOU,
            side="district",
            approved_by=tenant.district_admin,
        )


@pytest.mark.parametrize(
    ("name", "add"),
    [
        ("admin:accountability_contact_changelist", _contacts),
        ("admin:accountability_meeting_changelist", _meetings),
        ("admin:programs_approval_changelist", _approvals),
    ],
)
def test_a_list_whose_rows_name_an_optional_record_runs_the_same_queries_for_more_rows(
    client, tenant, state_staff, name, add
):
    client.force_login(state_staff)
    add(tenant, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    add(tenant, 4)
    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse(name))
    assert response.context["cl"].result_count >= 5
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]
