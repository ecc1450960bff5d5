"""The admin's lists of the large tables on millions of rows: a school-year filter instead of
a date hierarchy, a search on indexed fields that says what it matches, and a count that never
reads a whole table (an estimate, or "more than" a cap)."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sro_portal.admin_scale import COUNT_CAP, CappedCountPaginator
from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog
from sro_portal.schoolyear import school_year_label, school_year_of
from tests.factories import ActivityLogFactory, EnforcementActionFactory, IncidentFactory

pytestmark = pytest.mark.django_db

LARGE = {
    "activitylog": "admin:incidents_activitylog_changelist",
    "incident": "admin:incidents_incident_changelist",
    "enforcementaction": "admin:incidents_enforcementaction_changelist",
    "auditlog": "admin:sro_portal_auditlog_changelist",
}
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_class estimates are PostgreSQL's"
)


def three_years_back(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year - 3, month=1, day=15)


@pytest.fixture
def old_records(tenant):
    """One record of each large table three school years back, beside the tenant's recent ones."""
    long_ago = three_years_back(timezone.localdate())
    moment = datetime.datetime.combine(
        long_ago, datetime.time(10), tzinfo=timezone.get_default_timezone()
    )
    incident = IncidentFactory(
        program=tenant.program, school=tenant.school, reported_by=tenant.sro, occurred_at=moment
    )
    with mock.patch("django.utils.timezone.now", return_value=moment):
        entry = audit_record(
            actor=Actor(user=tenant.sro, ip_address="10.0.0.9"),
            action=AuditLog.Action.VIEW,
            instance=incident,
        )
    audit_record(
        actor=Actor(user=tenant.sro, ip_address="10.0.0.9"),
        action=AuditLog.Action.VIEW,
        instance=tenant.incident,
    )
    return {
        "year": school_year_of(long_ago),
        "activitylog": ActivityLogFactory(assignment=tenant.assignment, occurred_on=long_ago),
        "incident": incident,
        "enforcementaction": EnforcementActionFactory(incident=incident, occurred_on=long_ago),
        "auditlog": entry or AuditLog.objects.order_by("at").first(),
    }


@pytest.mark.parametrize("model", LARGE)
def test_a_large_list_has_a_school_year_filter_and_no_date_hierarchy(
    client, tenant, old_records, state_staff, model
):
    client.force_login(state_staff)
    response = client.get(reverse(LARGE[model]))
    page = response.content.decode()
    assert response.context["cl"].date_hierarchy is None
    assert "xfull" not in page  # the date hierarchy's year links
    this_year = school_year_of(timezone.localdate())
    for year in range(this_year, old_records["year"] - 1, -1):
        assert f">{school_year_label(year)}</a>" in page
    assert "By school year" in page

    response = client.get(reverse(LARGE[model]), {"school_year": old_records["year"]})
    shown = list(response.context["cl"].result_list)
    assert old_records[model] in shown
    assert all(
        school_year_of(
            timezone.localtime(getattr(row, "occurred_at", None) or row.at).date()
            if model in ("incident", "auditlog")
            else row.occurred_on
        )
        == old_records["year"]
        for row in shown
    )


def test_a_school_year_ends_on_june_30(client, tenant, state_staff):
    """A record of June 30 belongs to the year that ends that day, one of July 1 to the next."""
    year = school_year_of(timezone.localdate()) - 1
    june = ActivityLogFactory(
        assignment=tenant.assignment, occurred_on=datetime.date(year + 1, 6, 30)
    )
    july = ActivityLogFactory(assignment=tenant.assignment, occurred_on=datetime.date(year, 7, 1))
    client.force_login(state_staff)
    response = client.get(reverse(LARGE["activitylog"]), {"school_year": year})
    assert set(response.context["cl"].result_list) == {june, july}


SEARCHES = [
    # list, a term, what it must find (from the tenant), whether only the tenant's match
    ("incident", lambda t: t.incident.case_number.lower(), lambda t: t.incident, True),
    ("incident", lambda t: "laptop", lambda t: t.incident, False),
    ("enforcementaction", lambda t: t.action.case_number.lower(), lambda t: t.action, True),
    ("enforcementaction", lambda t: t.action.offense_code, lambda t: t.action, False),
    ("activitylog", lambda t: t.sro.username.upper(), lambda t: t.entry, True),
]


@pytest.fixture
def case_numbers(tenant):
    tenant.incident.case_number = "2025-001234"
    tenant.incident.save(update_fields=["case_number"])
    return tenant


@pytest.mark.parametrize(("model", "term", "found", "only"), SEARCHES)
def test_search_finds_a_code_whole_and_words_of_a_description(
    client, case_numbers, other_tenant, state_staff, model, term, found, only
):
    client.force_login(state_staff)
    response = client.get(reverse(LARGE[model]), {"q": term(case_numbers)})
    shown = list(response.context["cl"].result_list)
    assert found(case_numbers) in shown
    if only:
        assert all(row.district_id == case_numbers.district.pk for row in shown), shown


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite matches substrings, without stemming"
)
def test_full_text_matches_a_word_in_any_form(client, tenant, state_staff):
    """PostgreSQL's English configuration: "laptops" finds "A laptop cart was taken"."""
    client.force_login(state_staff)
    response = client.get(reverse(LARGE["incident"]), {"q": "laptops taken"})
    assert list(response.context["cl"].result_list) == [tenant.incident]


def test_a_case_number_is_matched_whole_not_in_part(client, case_numbers, state_staff):
    client.force_login(state_staff)
    response = client.get(reverse(LARGE["incident"]), {"q": "2025-0012"})
    assert list(response.context["cl"].result_list) == []


def test_audit_search_finds_a_username_and_a_word_of_the_record(client, tenant, state_staff):
    audit_record(
        actor=Actor(user=tenant.sro, ip_address="10.0.0.9"),
        action=AuditLog.Action.VIEW,
        instance=tenant.incident,
    )
    client.force_login(state_staff)
    for term in [tenant.sro.username.upper(), "home"]:
        response = client.get(reverse(LARGE["auditlog"]), {"q": term})
        shown = list(response.context["cl"].result_list)
        assert shown, term
        assert all(entry.actor_id == tenant.sro.pk for entry in shown), term


def test_complaint_search_finds_a_tracking_code_and_a_word(client, tenant, state_staff):
    client.force_login(state_staff)
    url = reverse("admin:accountability_complaint_changelist")
    for term in [tenant.complaint.tracking_code.lower(), "hallway"]:
        response = client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [tenant.complaint], term
    assert list(client.get(url, {"q": "nothing"}).context["cl"].result_list) == []


@pytest.mark.parametrize("model", LARGE)
def test_the_search_box_says_what_it_matches(client, tenant, state_staff, model):
    client.force_login(state_staff)
    page = client.get(reverse(LARGE[model])).content.decode()
    assert 'id="searchbar_helptext"' in page
    assert "whole" in page


@pytest.mark.parametrize("params", [{}, {"q": "home"}, {"school_year": "2024"}])
@pytest.mark.parametrize("model", LARGE)
def test_no_list_of_a_large_table_counts_it_whole(client, tenant, state_staff, model, params):
    """Every count is of at most COUNT_CAP + 1 rows (a LIMIT inside it), or no count at all."""
    client.force_login(state_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(LARGE[model]), params)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert response.context["cl"].result_count <= COUNT_CAP + 1
    for sql in counts:
        assert f"LIMIT {COUNT_CAP + 1}" in sql, sql


def test_past_the_cap_the_list_says_more_than(client, tenant, other_tenant, state_staff):
    client.force_login(state_staff)
    with mock.patch.object(CappedCountPaginator, "cap", 1):
        response = client.get(reverse(LARGE["incident"]), {"q": "laptop"})
    page = response.content.decode()
    assert "More than 1 results" in page
    assert "More than 1 incidents" in page


@POSTGRES_ONLY
def test_an_unfiltered_list_past_the_cap_takes_the_planners_estimate(client, tenant, state_staff):
    """The estimate PostgreSQL keeps (set here as ANALYZE would on 2 million rows), read in the
    same single query as the capped count, so a small table and a large one run the same
    queries."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = 2050000 WHERE oid = 'incidents_activitylog'::regclass"
        )
    client.force_login(state_staff)
    with mock.patch.object(CappedCountPaginator, "cap", 0):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(LARGE["activitylog"]))
        assert "About 2,050,000" in response.content.decode()
        [count] = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert "LIMIT 1" in count and "reltuples" in count
        # A filter is counted, capped, whatever the estimate.
        response = client.get(reverse(LARGE["activitylog"]), {"q": tenant.sro.username})
    assert "About" not in response.context["cl"].paginator.count_label
    assert response.context["cl"].result_count == 1
    # Under the cap, the count is exact whatever the estimate.
    response = client.get(reverse(LARGE["activitylog"]))
    assert response.context["cl"].paginator.count_label == ""


@POSTGRES_ONLY
def test_a_table_never_analysed_is_counted_capped(client, tenant, state_staff):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1 WHERE oid = 'incidents_incident'::regclass"
        )
    client.force_login(state_staff)
    response = client.get(reverse(LARGE["incident"]))
    assert response.context["cl"].result_count == 1
    assert response.context["cl"].paginator.count_label == ""


def test_small_lists_count_exactly(client, tenant, state_staff):
    """Below the cap the count is exact and reads as usual."""
    client.force_login(state_staff)
    response = client.get(reverse(LARGE["incident"]))
    assert "1 incident" in response.content.decode()
    assert response.context["cl"].paginator.count_label == ""


@pytest.mark.parametrize(
    ("params", "in_order"),
    [({"district__id__exact": "1"}, True), ({"q": "laptop"}, False), ({"q": "2025-1"}, False)],
)
def test_a_count_follows_the_lists_order_unless_words_are_searched(
    client, tenant, state_staff, params, in_order
):
    """In the list's order the index that serves the page serves the count; a word search is
    counted in any order, so that the planner does not sort every match first."""
    client.force_login(state_staff)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(LARGE["incident"]), params)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1, counts
    assert ("ORDER BY" in counts[0]) is in_order, counts[0]
