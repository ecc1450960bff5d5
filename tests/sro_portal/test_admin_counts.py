"""The admin's lists of the largest tables (daily log, incidents, enforcement actions, the audit
log) count only what a filter or search matched, never the whole table a second time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
