"""The lists of the large tables read their page off an index, in order, with no sort and no
scan of the whole table: the admin's changelists (unfiltered and by district, agency, action,
kind of record or school year) and the site's lists (state-wide, a district's, an agency's,
deep pages included), as PostgreSQL plans them.

The test data is tiny, so the planner would rather scan and sort it: `enable_seqscan = off`
and `enable_sort = off` (for this test's transaction only) make it show the plan it takes at
scale, where reading the rows in index order and stopping after a page wins. Neither forbids
anything: when no index gives the order, the plan still sorts (the last test shows it)."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory

from accountability.models import Complaint
from accountability.views.complaints import ComplaintListView
from incidents.models import ActivityLog, EnforcementAction, Incident
from incidents.views import ActivityListView, EnforcementActionListView, IncidentListView
from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog
from sro_portal.schoolyear import school_year_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Query plans are PostgreSQL's: run with DATABASE_URL=postgres://...",
    ),
]

SORT = re.compile(r"\bSort\b")


def plan(queryset, *, sort=False) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"SET LOCAL enable_sort = {'on' if sort else 'off'}")
    return queryset.explain()


def assert_read_in_order(queryset, index, table):
    text = plan(queryset)
    assert index in text, text
    assert not SORT.search(text), text
    assert f"Seq Scan on {table}" not in text, text


def changelist_queryset(model, user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    model_admin = admin.site._registry[model]
    changelist = model_admin.get_changelist_instance(request)
    return changelist.queryset[: changelist.list_per_page]


def site_queryset(view_class, user, page=1):
    request = RequestFactory().get("/")
    request.user = user
    view = view_class()
    view.setup(request)
    queryset = view.get_queryset()
    start = (page - 1) * view.paginate_by
    return queryset[start : start + view.paginate_by]


@pytest.fixture
def records(tenant, other_tenant):
    audit_record(
        actor=Actor(user=tenant.sro, ip_address="10.0.0.1"),
        action=AuditLog.Action.VIEW,
        instance=tenant.incident,
    )
    return tenant


ADMIN_LISTS = [
    # model, the filter of the list (from the tenant), the index that serves it
    (ActivityLog, lambda t: {}, "activitylog_recent"),
    (ActivityLog, lambda t: {"district__id__exact": t.district.pk}, "activitylog_district_recent"),
    (ActivityLog, lambda t: {"agency__id__exact": t.agency.pk}, "activitylog_agency_recent"),
    (
        ActivityLog,
        lambda t: {"school_year": school_year_of(t.entry.occurred_on)},
        "activitylog_recent",
    ),
    (Incident, lambda t: {}, "incident_recent"),
    (Incident, lambda t: {"district__id__exact": t.district.pk}, "incident_district_recent"),
    (Incident, lambda t: {"agency__id__exact": t.agency.pk}, "incident_agency_recent"),
    (EnforcementAction, lambda t: {}, "enforcement_recent"),
    (
        EnforcementAction,
        lambda t: {"district__id__exact": t.district.pk},
        "enforcement_district_recent",
    ),
    (EnforcementAction, lambda t: {"agency__id__exact": t.agency.pk}, "enforcement_agency_recent"),
    (AuditLog, lambda t: {}, "auditlog_recent"),
    (AuditLog, lambda t: {"action__exact": "view"}, "auditlog_action_recent"),
    (
        AuditLog,
        lambda t: {"content_type__id__exact": ContentType.objects.get_for_model(Incident).pk},
        "auditlog_kind_recent",
    ),
]


@pytest.mark.parametrize(
    ("model", "params", "index"),
    ADMIN_LISTS,
    ids=[f"{m._meta.model_name}-{i}" for i, (m, _, _) in enumerate(ADMIN_LISTS)],
)
def test_an_admin_list_of_a_large_table_reads_an_index_in_order(
    records, state_staff, model, params, index
):
    queryset = changelist_queryset(model, state_staff, **params(records))
    assert_read_in_order(queryset, index, model._meta.db_table)


SITE_LISTS = [
    # view, who looks, the index that serves their list
    (IncidentListView, "state_staff", "incident_recent"),
    (IncidentListView, "district_admin", "incident_district_recent"),
    (IncidentListView, "agency_supervisor", "incident_agency_recent"),
    (EnforcementActionListView, "state_staff", "enforcement_recent"),
    (EnforcementActionListView, "district_admin", "enforcement_district_recent"),
    (EnforcementActionListView, "agency_supervisor", "enforcement_agency_recent"),
    (ActivityListView, "state_staff", "activitylog_recent"),
    (ActivityListView, "district_admin", "activitylog_district_recent"),
    (ActivityListView, "agency_supervisor", "activitylog_agency_recent"),
    (ComplaintListView, "district_admin", "complaint_district_recent"),
]


@pytest.mark.parametrize("page", [1, 400])
@pytest.mark.parametrize(
    ("view_class", "who", "index"),
    SITE_LISTS,
    ids=[f"{v.__name__}-{w}" for v, w, _ in SITE_LISTS],
)
def test_a_site_list_reads_its_page_off_an_index_however_deep(
    records, state_staff, view_class, who, index, page
):
    user = state_staff if who == "state_staff" else getattr(records, who)
    queryset = site_queryset(view_class, user, page=page)
    assert_read_in_order(queryset, index, queryset.model._meta.db_table)


def test_without_its_index_the_check_fails(records):
    """The check above can fail: the same list, its index dropped (inside this test's
    transaction, rolled back after it), is read some other way."""
    queryset = site_queryset(IncidentListView, records.district_admin)
    assert_read_in_order(queryset, "incident_district_recent", "incidents_incident")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX incident_district_recent")
    with pytest.raises(AssertionError):
        assert_read_in_order(queryset, "incident_district_recent", "incidents_incident")


def test_nobody_without_a_role_sees_field_records(records):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert not Incident.objects.visible_to(request.user).exists()


def test_searches_read_indexes(records, state_staff):
    """A case number or a username is found through its upper-case index, words of a
    description through the full-text index."""
    searches = [
        (Incident, "cAsE-1", "incident_case_number_upper"),
        (Incident, "laptop", "incident_description_search"),
        (EnforcementAction, "case-1", "enforcement_case_number_upper"),
        (AuditLog, "home.sro", "auditlog_actor_upper"),
        (AuditLog, "high school", "auditlog_object_search"),
        (Complaint, "hallway", "complaint_description_search"),
    ]
    for model, term, index in searches:
        queryset = changelist_queryset(model, state_staff, q=term)
        text = plan(queryset, sort=True)
        assert index in text, (model, term, text)
        assert f"Seq Scan on {model._meta.db_table}" not in text, text


def test_an_officers_entries_are_read_through_the_officer_index(records, state_staff):
    """A username search looks the officer up first, then reads the daily log in order through
    (officer, day): never a join that scans the log."""
    queryset = changelist_queryset(ActivityLog, state_staff, q=records.sro.username.upper())
    assert records.entry in list(queryset)
    assert_read_in_order(queryset, "activitylog_officer_day", "incidents_activitylog")


def test_current_entries_are_an_anti_join_read_in_order(records, state_staff):
    """An amended entry is left out by probing the unique index on `amends` row by row (NOT
    EXISTS); a LEFT JOIN ... IS NULL was estimated at one row and joined by scanning the log."""
    queryset = site_queryset(ActivityListView, state_staff, page=400)
    text = plan(queryset)
    assert "Anti Join" in text, text
    assert "Left Join" not in text, text
    assert "incidents_activitylog_amends_id_key" in text, text


def test_incidents_awaiting_review_are_counted_off_their_own_index(records):
    # State staff's "districts that need attention" counts these per district.
    awaiting = Incident.objects.awaiting_review().values("district_id").order_by()
    text = plan(awaiting)
    assert "incident_awaiting_review" in text, text
    assert "Seq Scan on incidents_incident" not in text, text
