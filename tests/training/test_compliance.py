"""Compliance arithmetic: periods counted from the start of the role, windows, overlaps."""

import datetime
from decimal import Decimal

import pytest

from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    CompletionFactory,
    CourseFactory,
    MembershipFactory,
    ProgramFactory,
    RequirementFactory,
    SchoolFactory,
    user_with_role,
)
from training.compliance import Status, compliance_for
from training.models import Audience, Requirement, Topic

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
DAY = datetime.timedelta(days=1)


def sro_started(days_ago, **kwargs):
    user = user_with_role(Role.SRO, agency=AgencyFactory(), **kwargs)
    user.memberships.update(started_on=TODAY - days_ago * DAY)
    return user


def completed(person, course, days_ago, hours=None):
    return CompletionFactory(
        person=person,
        course=course,
        completed_on=TODAY - days_ago * DAY,
        hours=Decimal(hours) if hours is not None else course.hours,
    )


def status_of(person, requirement=None):
    [result] = compliance_for([person], today=TODAY)
    if requirement is None:
        return result
    [item] = [r for r in result.requirements if r.requirement == requirement]
    return item


@pytest.fixture
def topic():
    return Topic.objects.get(code="de-escalation")


def test_a_once_requirement_counts_any_completion_ever_even_before_the_role(topic):
    requirement = RequirementFactory(frequency="once", deadline_days=365)
    person = sro_started(30)
    assert status_of(person, requirement).status == Status.UPCOMING
    completed(person, CourseFactory(), days_ago=400)
    assert status_of(person, requirement).status == Status.COMPLIANT


@pytest.mark.parametrize(
    ("started_days_ago", "expected"),
    [(10, Status.UPCOMING), (320, Status.DUE_SOON), (366, Status.OVERDUE)],
)
def test_an_unmet_requirement_is_upcoming_then_due_soon_then_overdue(started_days_ago, expected):
    requirement = RequirementFactory(frequency="once", deadline_days=365)
    item = status_of(sro_started(started_days_ago), requirement)
    assert item.status == expected
    assert item.deadline == TODAY - started_days_ago * DAY + 365 * DAY
    assert item.hours_missing == Decimal("8")


def test_yearly_hours_count_only_within_the_current_year_of_the_role():
    requirement = RequirementFactory(frequency="yearly", min_hours=8)
    person = sro_started(400)  # the second year of the role began 35 days ago
    course = CourseFactory(hours=Decimal("8"))
    completed(person, course, days_ago=200)  # the first year: met then
    item = status_of(person, requirement)
    assert item.hours_done == 0
    assert item.period_start == TODAY - 35 * DAY
    assert item.status == Status.UPCOMING
    completed(person, course, days_ago=10)
    assert status_of(person, requirement).status == Status.COMPLIANT


def test_a_missed_year_stays_overdue_into_the_next_one():
    requirement = RequirementFactory(frequency="yearly", min_hours=8)
    person = sro_started(400)
    item = status_of(person, requirement)
    assert item.status == Status.OVERDUE
    assert item.deadline == TODAY - 35 * DAY - DAY  # the end of the first year


def test_partial_hours_leave_hours_missing():
    requirement = RequirementFactory(frequency="yearly", min_hours=8)
    person = sro_started(100)
    completed(person, CourseFactory(hours=Decimal("8")), days_ago=5, hours="3")
    item = status_of(person, requirement)
    assert (item.hours_done, item.hours_missing) == (Decimal("3"), Decimal("5"))


def test_every_n_years_uses_n_year_periods():
    requirement = RequirementFactory(
        frequency="every_n_years", every_n_years=2, deadline_days=730, min_hours=4
    )
    person = sro_started(800)  # the second two-year period began 70 days ago
    course = CourseFactory(hours=Decimal("6"))
    completed(person, course, days_ago=500)  # the first period
    item = status_of(person, requirement)
    assert item.period_start == datetime.date(2026, 9, 19)
    assert item.status == Status.UPCOMING  # the first period was met, the second just began
    assert item.deadline == datetime.date(2028, 9, 18)


def test_a_course_counts_for_each_topic_it_covers_and_a_course_requirement_for_itself():
    trauma = Topic.objects.get(code="trauma-informed-practices")
    both = CourseFactory(
        hours=Decimal("8"), topics=[trauma, Topic.objects.get(code="de-escalation")]
    )
    de_escalation = RequirementFactory(min_hours=8)
    trauma_hours = RequirementFactory(topic=trauma, min_hours=4)
    the_course = RequirementFactory(topic=None, course=both, min_hours=8, frequency="once")
    person = sro_started(100)
    completed(person, both, days_ago=5)
    result = status_of(person)
    assert {r.requirement: r.status for r in result.requirements} == {
        de_escalation: Status.COMPLIANT,
        trauma_hours: Status.COMPLIANT,
        the_course: Status.COMPLIANT,
    }


def test_overlapping_statewide_and_program_requirements_are_each_measured():
    school = SchoolFactory()
    agency = AgencyFactory()
    program = ProgramFactory(district=school.district, agency=agency)
    statewide = RequirementFactory(min_hours=8)
    stricter = RequirementFactory(program=program, min_hours=12)
    person = user_with_role(Role.SRO, agency=agency)
    person.memberships.update(started_on=TODAY - 100 * DAY)
    AssignmentFactory(program=program, school=school, officer=person, starts_on=TODAY - 90 * DAY)
    completed(person, CourseFactory(hours=Decimal("8")), days_ago=5)
    [result] = compliance_for([person], today=TODAY)
    statuses = {r.requirement: r.status for r in result.requirements}
    assert statuses == {statewide: Status.COMPLIANT, stricter: Status.UPCOMING}
    assert result.hours_missing == Decimal("4")


def test_a_program_requirement_does_not_reach_people_outside_the_program():
    RequirementFactory(program=ProgramFactory(), min_hours=12)
    assert status_of(sro_started(100)).requirements == []


def test_a_person_holding_two_roles_answers_for_both_audiences():
    school = SchoolFactory()
    admins = RequirementFactory(
        audience=Audience.ADMINISTRATOR,
        topic=Topic.objects.get(code="mandatory-reporting"),
        min_hours=2,
    )
    sros = RequirementFactory(min_hours=8)
    person = user_with_role(Role.BUILDING_ADMIN, school=school)
    MembershipFactory(user=person, role=Role.DISTRICT_ADMIN, district=school.district)
    MembershipFactory(user=person, role=Role.SRO, agency=AgencyFactory())
    result = status_of(person)
    assert sorted(r.requirement.pk for r in result.requirements) == sorted([admins.pk, sros.pk])


def test_the_earliest_start_of_a_role_counts():
    requirement = RequirementFactory(frequency="once", deadline_days=365)
    person = sro_started(30)
    MembershipFactory(
        user=person, role=Role.SRO, agency=AgencyFactory(), started_on=TODAY - 400 * DAY
    )
    assert status_of(person, requirement).status == Status.OVERDUE


def test_an_agency_supervisor_has_no_requirement_of_the_sro_audience():
    RequirementFactory()
    person = user_with_role(Role.AGENCY_SUPERVISOR, agency=AgencyFactory())
    assert status_of(person).status == Status.COMPLIANT
    assert status_of(person).requirements == []


def test_the_overall_status_is_the_most_urgent():
    RequirementFactory(frequency="once", deadline_days=10)
    RequirementFactory(topic=Topic.objects.get(code="aoda"), min_hours=2, deadline_days=365)
    assert status_of(sro_started(30)).status == Status.OVERDUE


@pytest.mark.parametrize("size", [1, 15])
def test_compliance_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries, size):
    RequirementFactory()
    RequirementFactory(frequency=Requirement.Frequency.ONCE)
    people = [sro_started(100) for _ in range(size)]
    for person in people:
        completed(person, CourseFactory(), days_ago=5)
    with django_assert_max_num_queries(6):
        results = compliance_for(people, today=TODAY)
    assert len(results) == size
