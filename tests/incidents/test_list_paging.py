"""The site's lists of field records count at most a cap of rows (or take PostgreSQL's estimate
of an unfiltered table), say so, and run the same number of queries whatever the size."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sro_portal.paging import COUNT_CAP, CappedCountPaginator
from tests.factories import ActivityLogFactory, EnforcementActionFactory, IncidentFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("incidents:incident_list", "incidents"),
    ("incidents:enforcementaction_list", "enforcement actions"),
    ("incidents:activity_list", "entries"),
]


@pytest.mark.parametrize(("name", "noun"), LISTS)
def test_past_the_cap_a_list_says_more_than(client, tenant, state_staff, name, noun):
    incident = IncidentFactory(program=tenant.program, school=tenant.school)
    EnforcementActionFactory(incident=incident)
    ActivityLogFactory(assignment=tenant.assignment)
    client.force_login(state_staff)
    with mock.patch.object(CappedCountPaginator, "cap", 1):
        response = client.get(reverse(name), {"date_from": "2000-01-01"})
    assert f"More than 1 {noun}." in response.content.decode()


@pytest.mark.parametrize(("name", "noun"), LISTS)
def test_a_list_counts_with_a_cap(client, tenant, state_staff, name, noun):
    client.force_login(state_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    assert response.status_code == 200
    for sql in (q["sql"] for q in queries if "COUNT(" in q["sql"].upper()):
        if "incidents_" in sql:
            assert f"LIMIT {COUNT_CAP + 1}" in sql, sql
    assert f"1 {noun[:-1] if noun != 'entries' else 'entry'}" in response.content.decode()
