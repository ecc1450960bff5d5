"""The charts and lists each role's home page adds: an SRO's week, overseers' school year, and
the districts state staff should look at first."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.views.home import districts_needing_attention
from incidents.models import ActivityType, Incident
from programs.models import MOU
from tests.factories import (
    ActivityLogFactory,
    ComplaintFactory,
    EnforcementActionFactory,
    IncidentFactory,
    MOUFactory,
    ProgramFactory,
    SchoolFactory,
    UserFactory,
    seeded,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday())


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def chart_values(chart):
    return {row["label"]: row["values"][0] for row in chart.rows}


def test_an_sro_sees_this_week_s_minutes_by_part_of_the_job(client, tenant):
    # The tenant's entry of today: patrol, 30 minutes. Add mentoring 45 on Monday, and a
    # lesson of 60 a week before Monday, which is not this week.
    ActivityLogFactory(
        assignment=tenant.assignment,
        activity_type=seeded(ActivityType, "mentoring"),
        occurred_on=MONDAY,
        minutes=45,
    )
    ActivityLogFactory(
        assignment=tenant.assignment,
        activity_type=seeded(ActivityType, "classroom-lesson"),
        occurred_on=MONDAY - datetime.timedelta(days=7),
        minutes=60,
    )
    response = home(client, tenant.sro)
    assert chart_values(response.context["week_chart"]) == {
        "Law enforcement": 30,
        "Informal counselor/mentor": 45,
        "Educator": 0,
        "Community outreach": 0,
        "Meeting with administrators": 0,
        "Other": 0,
    }
    page = response.content.decode()
    # "Your day" stays first; the week follows it.
    assert page.index('id="day-heading"') < page.index('id="week-heading"')
    assert reverse("accountability:report_activity") in page
    assert "enforcement_chart" not in response.context


@pytest.mark.parametrize("role", ["district_admin", "building_admin", "agency_supervisor"])
def test_overseers_see_this_school_year_with_links_into_the_reports(
    client, tenant, other_tenant, role
):
    # The tenant has one referral (yesterday) and 30 minutes of patrol (today); add an arrest.
    EnforcementActionFactory(incident=tenant.incident, kind="arrest")
    response = home(client, getattr(tenant, role))
    assert chart_values(response.context["enforcement_chart"]) == {
        "Arrest": 1,
        "Citation or ticket": 0,
        "Custody": 0,
        "Referral to law enforcement": 1,
    }
    activity = chart_values(response.context["activity_chart"])
    assert activity["Law enforcement"] == 0.5 and activity["Educator"] == 0
    page = response.content.decode()
    assert reverse("accountability:report_activity") in page
    links = {link["label"] for link in response.context["report_links"]}
    assert {"Activity", "Training"} <= links
    assert ("Complaints" in links) == (role != "building_admin")
    assert "districts_attention" not in response.context


def test_state_staff_see_the_year_statewide(client, tenant, other_tenant, state_staff):
    response = home(client, state_staff)
    assert chart_values(response.context["enforcement_chart"])["Referral to law enforcement"] == 2
    assert "every district" in response.content.decode()


def test_districts_needing_attention_are_counted_by_hand(tenant, other_tenant):
    past = TODAY - datetime.timedelta(days=3)
    # Home: one overdue MOU review, two complaints not acknowledged in time, one incident
    # awaiting review: 4. Other: one incident awaiting review: 1.
    mou = MOUFactory(program=tenant.program, signed=True)
    MOU.objects.filter(pk=mou.pk).update(review_due_on=past)
    ComplaintFactory.create_batch(2, program=tenant.program, acknowledge_by=past)
    ComplaintFactory(program=tenant.program)  # not due yet
    Incident.objects.filter(pk__in=[tenant.incident.pk, other_tenant.incident.pk]).update(
        needs_review=True
    )
    quiet = SchoolFactory().district  # nothing overdue: left out
    districts = districts_needing_attention()
    assert [(d.name, d.mou_reviews, d.complaints, d.reviews, d.total) for d in districts] == [
        (tenant.district.name, 1, 2, 1, 4),
        (other_tenant.district.name, 0, 0, 1, 1),
    ]
    assert quiet not in districts


def test_only_the_top_ten_districts_show(client, state_staff):
    for n in range(12):
        program = ProgramFactory()
        for _ in range(n + 1):
            ComplaintFactory(program=program, acknowledge_by=TODAY - datetime.timedelta(days=1))
    response = home(client, state_staff)
    totals = [d.total for d in response.context["districts_attention"]]
    assert totals == list(range(12, 2, -1))
    page = response.content.decode()
    assert "Districts that need attention first" in page


@pytest.mark.parametrize("size", [1, 8])
def test_state_staff_home_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, state_staff, size
):
    for _ in range(size):
        incident = IncidentFactory()
        Incident.objects.filter(pk=incident.pk).update(needs_review=True)
        EnforcementActionFactory(incident=incident)
        ComplaintFactory(program=incident.program, acknowledge_by=TODAY - datetime.timedelta(1))
    client.force_login(state_staff)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("home"))
    assert len(response.context["districts_attention"]) == size


@pytest.mark.parametrize("size", [1, 8])
def test_sro_home_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, tenant, size
):
    for i in range(size):
        ActivityLogFactory(assignment=tenant.assignment, occurred_on=MONDAY, minutes=10 + i)
    client.force_login(tenant.sro)
    with django_assert_max_num_queries(15):
        client.get(reverse("home"))


def test_an_account_without_a_role_gets_no_charts(client):
    response = home(client, UserFactory())
    assert "enforcement_chart" not in response.context and "week_chart" not in response.context
