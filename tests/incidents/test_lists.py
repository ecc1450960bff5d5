"""The field-record lists: incidents, enforcement actions and SRO activity filter, sort, paginate
and export; what a user sees, chooses and downloads stays within their scope."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import ActivityType, OffenseCategory
from sro_portal.roles import Role
from tests.factories import (
    ActivityLogFactory,
    AssignmentFactory,
    EnforcementActionFactory,
    IncidentFactory,
    seeded,
    user_with_role,
)

pytestmark = pytest.mark.django_db

INCIDENTS = reverse("incidents:incident_list")
ACTIONS = reverse("incidents:enforcementaction_list")
ACTIVITY = reverse("incidents:activity_list")
TODAY = timezone.localdate()


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def listed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return list(response.context["object_list"])


def rows_of(response):
    """The data rows of a CSV export, and its 'about' lines as a dict."""
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    blank = lines.index([])
    return lines[0], lines[1:blank], dict(tuple(line) for line in lines[blank + 1 :])


def incident(tenant, **fields):
    fields.setdefault("reported_by", tenant.sro)
    fields.setdefault("school", tenant.school)
    return IncidentFactory(program=tenant.program, **fields)


# Incidents.


def test_a_school_year_of_incidents_runs_from_local_midnight_on_july_1(client, tenant):
    chicago = timezone.get_default_timezone()
    last_of_june = incident(
        tenant, occurred_at=datetime.datetime(2025, 6, 30, 23, 30, tzinfo=chicago)
    )
    first_of_july = incident(
        tenant, occurred_at=datetime.datetime(2025, 7, 1, 0, 30, tzinfo=chicago)
    )
    client.force_login(tenant.district_admin)
    this_year = listed(client, INCIDENTS, school_year="2025-26")
    assert first_of_july in this_year and last_of_june not in this_year
    last_year = listed(client, INCIDENTS, school_year="2024-25")
    assert last_of_june in last_year and first_of_july not in last_year


def test_each_incident_filter_narrows_the_list(client, tenant):
    old = incident(tenant, occurred_at=at(datetime.date(2024, 9, 10)), description="A fight")
    other_school = incident(tenant, school=tenant.other_school, description="Vandalism")
    discipline = incident(
        tenant,
        classification="disciplinary",
        sro_response="no_action",
        handled_by="school_admin",
    )
    warned = incident(tenant, sro_response="warning")
    awaiting = incident(tenant, needs_review=True)
    client.force_login(tenant.district_admin)
    assert listed(client, INCIDENTS, school=tenant.other_school.pk) == [other_school]
    assert listed(client, INCIDENTS, classification="disciplinary") == [discipline]
    assert listed(client, INCIDENTS, sro_response="warning") == [warned]
    assert listed(client, INCIDENTS, school_year="2024-25") == [old]
    assert listed(client, INCIDENTS, date_from="2024-09-10", date_to="2024-09-10") == [old]
    assert old not in listed(client, INCIDENTS, date_from="2024-09-11")
    assert listed(client, INCIDENTS, q="FIGHT") == [old]
    assert listed(client, INCIDENTS, review="awaiting") == [awaiting]
    # A referral for charging (the factory's) with no action recorded is incomplete.
    assert set(listed(client, INCIDENTS, incomplete="1")) == {old, other_school, awaiting}
    assert warned not in listed(client, INCIDENTS, incomplete="1")


def test_bad_filter_input_is_explained_beside_its_field_and_the_page_still_opens(
    client, tenant, other_tenant
):
    client.force_login(tenant.district_admin)
    response = client.get(
        INCIDENTS,
        {
            "date_from": "2025-06-01",
            "date_to": "2025-01-01",
            "school_year": "2025-27",
            "school": other_tenant.school.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert errors["date_to"] == ["The end date is before the start date."]
    assert "2025-27 is not a school year" in errors["school_year"][0]
    assert "not one of yours" in errors["school"][0]
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert "is-invalid" in page
    # Each bad filter is left out: the list is the user's own, unfiltered, never another's.
    assert list(response.context["object_list"]) == [tenant.incident]
    for garbage in ({"school": "any"}, {"date_from": "yesterday"}, {"sort": "password"}):
        assert listed(client, INCIDENTS, **garbage) == [tenant.incident]


def test_a_school_out_of_scope_is_not_a_choice(client, tenant, other_tenant):
    client.force_login(tenant.building_admin)
    response = client.get(INCIDENTS)
    schools = set(response.context["filter"].form.fields["school"].queryset)
    assert schools == {tenant.school}
    client.force_login(tenant.district_admin)
    schools = set(client.get(INCIDENTS).context["filter"].form.fields["school"].queryset)
    assert schools == {tenant.school, tenant.other_school}


def test_the_old_links_of_the_home_page_still_filter(client, tenant):
    awaiting = incident(tenant, needs_review=True, sro_response="warning")
    missing = incident(tenant, sro_response="arrest")
    client.force_login(tenant.district_admin)
    assert listed(client, INCIDENTS, review="awaiting") == [awaiting]
    assert listed(client, INCIDENTS, incomplete="1") == [missing]


def test_incidents_sort_by_a_whitelisted_column_with_aria_sort(client, tenant):
    tenant.school.name, tenant.other_school.name = "Zenith High", "Alpine Middle"
    tenant.school.save()
    tenant.other_school.save()
    alpine = incident(tenant, school=tenant.other_school)
    client.force_login(tenant.district_admin)
    assert listed(client, INCIDENTS, sort="school") == [alpine, tenant.incident]
    assert listed(client, INCIDENTS, sort="-school") == [tenant.incident, alpine]
    page = client.get(INCIDENTS, {"sort": "school", "page": "1"}).content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-school">School' in page
    page = client.get(INCIDENTS, {"sort": "-school"}).content.decode()
    assert 'aria-sort="descending"><a href="?sort=school">School' in page
    # A sort outside the whitelist is refused and ignored.
    response = client.get(INCIDENTS, {"sort": "description"})
    assert "sort" in response.context["filter"].form.errors


def test_the_filters_and_sort_survive_pagination(client, tenant):
    for _ in range(26):
        incident(tenant, sro_response="warning")
    client.force_login(tenant.district_admin)
    response = client.get(INCIDENTS, {"sro_response": "warning", "sort": "school"})
    assert response.context["is_paginated"]
    assert "?sro_response=warning&amp;sort=school&amp;page=2" in response.content.decode()
    assert len(listed(client, INCIDENTS, sro_response="warning", sort="school", page=2)) == 1


def test_the_incident_export_holds_labels_dpi_codes_and_the_filters_used(
    client, tenant, other_tenant
):
    for _ in range(30):  # more than a page: the export is never paginated
        incident(tenant, description="=HYPERLINK(evil)")
    client.force_login(tenant.district_admin)
    response = client.get(INCIDENTS, {"export": "csv", "classification": "possibly_illegal"})
    headers, rows, about = rows_of(response)
    assert len(rows) == 31
    row = dict(zip(headers, rows[0], strict=True))
    assert row["Classification"] == "Possibly illegal conduct"
    assert row["SRO's response"] == "Referral for charging"
    assert row["School"] == tenant.school.name
    assert row["DPI school code"] == tenant.school.dpi_code
    assert row["DPI district code"] == tenant.district.dpi_code
    assert {r[headers.index("What happened")] for r in rows} >= {"'=HYPERLINK(evil)"}
    assert about["Classification"] == "Possibly illegal conduct"
    assert about["Report"] == "Incidents" and "Produced" in about
    assert other_tenant.school.name not in response.content.decode()


def test_an_unfiltered_export_says_so_and_xlsx_opens(client, tenant):
    client.force_login(tenant.district_admin)
    _, rows, about = rows_of(client.get(INCIDENTS, {"export": "csv"}))
    assert len(rows) == 1 and about["Filters"] == "None"
    response = client.get(INCIDENTS, {"export": "xlsx", "sort": "-when"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, about_sheet = book.worksheets
    assert data.max_row == 2
    assert ["Sort by", "When (descending)"] in [
        [c.value for c in row] for row in about_sheet.iter_rows()
    ]
    assert client.get(INCIDENTS, {"export": "pdf"}).status_code == 404


def test_an_export_with_bad_filters_shows_the_page_instead(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(INCIDENTS, {"export": "csv", "school_year": "2025-27"})
    assert response["Content-Type"].startswith("text/html")
    assert "school_year" in response.context["filter"].form.errors


# Enforcement actions.


def action(tenant, **fields):
    fields.setdefault("incident", tenant.incident)
    return EnforcementActionFactory(**fields)


def test_each_enforcement_filter_narrows_the_list(client, tenant):
    first = tenant.action
    last_year = action(tenant, occurred_on=datetime.date(2024, 3, 1))
    arrest = action(tenant, kind="arrest")
    drugs = action(tenant, offense_category=seeded(OffenseCategory, "drugs"))
    not_referred = action(tenant, referred_for_charging=False)
    black = action(tenant, student_race="black")
    idea = action(tenant, student_disability="idea")
    learner = action(tenant, student_english_learner="yes")
    elsewhere = action(
        tenant,
        incident=incident(tenant, school=tenant.other_school),
        school=tenant.other_school,
    )
    client.force_login(tenant.district_admin)
    assert listed(client, ACTIONS, kind="arrest") == [arrest]
    assert listed(client, ACTIONS, offense_category=drugs.offense_category.pk) == [drugs]
    assert listed(client, ACTIONS, referred="no") == [not_referred]
    assert not_referred not in listed(client, ACTIONS, referred="yes")
    assert listed(client, ACTIONS, race="black") == [black]
    assert listed(client, ACTIONS, disability="idea") == [idea]
    assert listed(client, ACTIONS, english_learner="yes") == [learner]
    assert listed(client, ACTIONS, school=tenant.other_school.pk) == [elsewhere]
    assert listed(client, ACTIONS, school_year="2023-24") == [last_year]
    assert listed(client, ACTIONS, date_from="2024-02-01", date_to="2024-03-01") == [last_year]
    assert first in listed(client, ACTIONS, date_from=TODAY - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    "role", ["sro", "building_admin", "district_admin", "agency_supervisor", "state_staff"]
)
def test_each_role_lists_and_exports_only_enforcement_actions_in_scope(
    client, tenant, other_tenant, state_staff, role
):
    colleague = user_with_role(Role.SRO, agency=tenant.agency)
    theirs = action(
        tenant,
        incident=incident(tenant, school=tenant.other_school, reported_by=colleague),
        school=tenant.other_school,
        recorded_by=colleague,
    )
    user = state_staff if role == "state_staff" else getattr(tenant, role)
    client.force_login(user)
    expected = {
        "sro": {tenant.action},  # the SRO: the actions they recorded, nobody else's
        "building_admin": {tenant.action},
        "district_admin": {tenant.action, theirs},
        "agency_supervisor": {tenant.action, theirs},
        "state_staff": {tenant.action, theirs, other_tenant.action},
    }[role]
    assert set(listed(client, ACTIONS)) == expected
    _, rows, _ = rows_of(client.get(ACTIONS, {"export": "csv"}))
    assert {r[13] for r in rows} == {a.case_number for a in expected}


def test_the_enforcement_export_holds_labels(client, tenant):
    action(tenant, kind="custody", student_race="american_indian", student_disability="section_504")
    client.force_login(tenant.district_admin)
    headers, rows, about = rows_of(client.get(ACTIONS, {"export": "csv", "kind": "custody"}))
    row = dict(zip(headers, rows[0], strict=True))
    assert len(rows) == 1
    assert row["Kind"] == "Custody"
    assert row["Offense category"] == "Theft"
    assert row["Student race/ethnicity"] == "American Indian or Alaska Native"
    assert row["Student disability status"] == "Section 504 only"
    assert row["Referred for charging"] == "Yes"
    assert row["DPI school code"] == tenant.school.dpi_code
    assert about["Kind"] == "Custody"


def test_enforcement_actions_sort_by_age(client, tenant):
    young = action(tenant, student_age=11)
    old = action(tenant, student_age=18)
    client.force_login(tenant.district_admin)
    ages = listed(client, ACTIONS, sort="age")
    assert ages[0] == young and ages[-1] == old
    assert listed(client, ACTIONS, sort="-age")[0] == old


# SRO activity, for those who oversee SROs.


def entry(assignment, **fields):
    return ActivityLogFactory(assignment=assignment, **fields)


@pytest.fixture
def second_assignment(tenant):
    """A second SRO of the same agency, at the district's other school."""
    colleague = user_with_role(Role.SRO, agency=tenant.agency, last_name="Colleague")
    return AssignmentFactory(program=tenant.program, school=tenant.other_school, officer=colleague)


@pytest.mark.parametrize(
    "role", ["building_admin", "district_admin", "agency_supervisor", "state_staff"]
)
def test_each_overseer_lists_only_the_activity_in_scope(
    client, tenant, other_tenant, state_staff, second_assignment, role
):
    theirs = entry(second_assignment)
    user = state_staff if role == "state_staff" else getattr(tenant, role)
    client.force_login(user)
    expected = {
        "building_admin": {tenant.entry},
        "district_admin": {tenant.entry, theirs},
        "agency_supervisor": {tenant.entry, theirs},
        "state_staff": {tenant.entry, theirs, other_tenant.entry},
    }[role]
    assert set(listed(client, ACTIVITY)) == expected
    officers = set(client.get(ACTIVITY).context["filter"].form.fields["officer"].queryset)
    assert officers == {e.officer for e in expected}
    _, rows, _ = rows_of(client.get(ACTIVITY, {"export": "csv"}))
    assert len(rows) == len(expected)


def test_sros_keep_their_own_daily_log_and_do_not_open_the_overview(client, tenant):
    client.force_login(tenant.sro)
    assert client.get(ACTIVITY).status_code == 403


def test_each_activity_filter_narrows_the_list(client, tenant, second_assignment):
    theirs = entry(second_assignment)
    lesson = entry(tenant.assignment, activity_type=seeded(ActivityType, "classroom-lesson"))
    mentoring = entry(tenant.assignment, activity_type=seeded(ActivityType, "mentoring"))
    last_year = entry(tenant.assignment, occurred_on=datetime.date(2024, 10, 1))
    amended = entry(tenant.assignment, minutes=45)
    entry(tenant.assignment, amends=amended, amendment_reason="Wrong minutes", minutes=40)
    client.force_login(tenant.district_admin)
    assert listed(client, ACTIVITY, officer=second_assignment.officer.pk) == [theirs]
    assert listed(client, ACTIVITY, school=tenant.other_school.pk) == [theirs]
    assert listed(client, ACTIVITY, group="educator") == [lesson]
    assert listed(client, ACTIVITY, activity_type=mentoring.activity_type.pk) == [mentoring]
    assert listed(client, ACTIVITY, school_year="2024") == [last_year]
    assert listed(client, ACTIVITY, date_to="2024-10-01") == [last_year]
    # An amended entry gives way to its amendment.
    assert amended not in listed(client, ACTIVITY)


def test_the_activity_export_holds_the_part_of_the_job_and_the_filters(client, tenant):
    entry(tenant.assignment, activity_type=seeded(ActivityType, "classroom-lesson"))
    client.force_login(tenant.district_admin)
    headers, rows, about = rows_of(client.get(ACTIVITY, {"export": "csv", "group": "educator"}))
    row = dict(zip(headers, rows[0], strict=True))
    assert len(rows) == 1
    assert row["Part of the job"] == "Educator"
    assert row["Activity"] == "Classroom lesson"
    assert row["SRO"] == str(tenant.sro)
    assert about["Part of the job"] == "Educator"


def test_an_officer_out_of_scope_is_not_a_choice(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    response = client.get(ACTIVITY, {"officer": other_tenant.sro.pk})
    assert "officer" in response.context["filter"].form.errors
    assert list(response.context["object_list"]) == [tenant.entry]


# Fixed query counts, at two sizes.


def grow(tenant, size):
    for _ in range(size):
        made = incident(tenant)
        action(tenant, incident=made)
        entry(tenant.assignment)


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(
    ("url", "params"),
    [
        (INCIDENTS, {}),
        (INCIDENTS, {"school_year": "2025-26", "sort": "-school", "q": "laptop"}),
        (INCIDENTS, {"export": "csv"}),
        (ACTIONS, {}),
        (ACTIONS, {"race": "white", "sort": "offense"}),
        (ACTIONS, {"export": "xlsx"}),
        (ACTIVITY, {}),
        (ACTIVITY, {"group": "law_enforcement", "sort": "sro"}),
        (ACTIVITY, {"export": "csv"}),
    ],
)
def test_every_list_and_export_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size, url, params
):
    grow(tenant, size)
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(10):
        assert client.get(url, params).status_code == 200
