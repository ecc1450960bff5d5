"""The compliance summary (`ComplianceStatus`) against `compliance_for`, the one place the rules
live: after every kind of write, through the site, the services, the admin and the imports, and
as days pass; and the pages that read it: paginated, filtered and counted in SQL, in a fixed
number of queries whatever the number of people."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from programs import services as program_services
from programs.models import Assignment
from sro_portal.audit import Actor
from sro_portal.models import User
from sro_portal.roles import Role
from tests.factories import (
    AssignmentFactory,
    CompletionFactory,
    CourseFactory,
    MOUFactory,
    RequirementFactory,
    StaffMemberFactory,
    seeded_topic,
    user_with_role,
)
from training import services, summary
from training.compliance import compliance_for
from training.models import (
    Audience,
    Completion,
    ComplianceStatus,
    Requirement,
    StaffMember,
    Status,
)
from training.resources import STAFF_COMPLETION_COLUMNS, CompletionResource

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PAGE = reverse("training:compliance")


def key(person):
    return ("staff" if isinstance(person, StaffMember) else "user", person.pk)


def assert_summary_is_compliance_for(today=None):
    """Every person's row says what `compliance_for` says on that day, and nobody lacks one."""
    today = today or TODAY
    people = [*User.objects.order_by("pk"), *StaffMember.objects.order_by("pk")]
    expected = {key(r.person): r for r in compliance_for(people, today)}
    rows = {
        key(row.person): row
        for row in ComplianceStatus.objects.select_related("user", "staff_member")
    }
    assert set(rows) == set(expected)
    for person, result in expected.items():
        row = rows[person]
        deadlines = [i.deadline for i in result.requirements if i.status != Status.COMPLIANT]
        assert (row.status, row.hours_missing, row.next_deadline) == (
            result.status,
            result.hours_missing,
            min(deadlines, default=None),
        ), (person, today)
        if person[0] == "staff":
            left_on = result.person.left_on
            assert row.is_current == (left_on is None or left_on >= today), (person, today)


def row_of(person):
    return ComplianceStatus.objects.get(
        **{"staff_member" if key(person)[0] == "staff" else "user": person}
    )


@pytest.fixture
def aoda_course():
    return CourseFactory(title="Alcohol and other drugs", topics=[seeded_topic("aoda")])


@pytest.fixture
def world(tenant, state_staff, aoda_course):
    """Statewide requirements for SROs, administrators and teachers, everyone's row worked out
    as the daily command leaves it."""
    aoda = seeded_topic("aoda")
    RequirementFactory(audience=Audience.SRO, topic=aoda, min_hours=4, frequency="yearly")
    RequirementFactory(audience=Audience.ADMINISTRATOR, topic=aoda, min_hours=2, frequency="once")
    RequirementFactory(
        audience=Audience.TEACHER,
        topic=aoda,
        min_hours=2,
        frequency="every_n_years",
        every_n_years=2,
        deadline_days=365,
    )
    tenant.sro.memberships.update(started_on=TODAY - 100 * DAY)
    summary.refresh_all()
    assert_summary_is_compliance_for()
    return tenant


# After each kind of write, the summary is what compliance_for says, without a page read.


def test_a_completion_recorded_through_the_service(world, aoda_course):
    assert row_of(world.sro).status == Status.UPCOMING
    services.completion_record(
        actor=Actor(user=world.sro),
        completion=Completion(
            person=world.sro, course=aoda_course, completed_on=TODAY - DAY, hours=Decimal("4")
        ),
    )
    assert row_of(world.sro).status == Status.COMPLIANT
    assert_summary_is_compliance_for()


def test_a_completion_imported_in_the_admin_file(world, aoda_course):
    assert row_of(world.building_admin).status == Status.UPCOMING

    dataset = tablib.Dataset(
        [
            world.building_admin.username,
            aoda_course.title,
            (TODAY - DAY).isoformat(),
            "2",
            "completed",
            "",
            "",
            "",
        ],
        headers=[
            "username",
            "course",
            "completed_on",
            "hours",
            "outcome",
            "score",
            "verified_by",
            "verified_on",
        ],
    )
    result = CompletionResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert row_of(world.building_admin).status == Status.COMPLIANT
    assert_summary_is_compliance_for()


def test_a_dry_run_import_changes_nothing(world, aoda_course):
    dataset = tablib.Dataset(
        [
            world.building_admin.username,
            aoda_course.title,
            (TODAY - DAY).isoformat(),
            "2",
            "completed",
            "",
            "",
            "",
        ],
        headers=[
            "username",
            "course",
            "completed_on",
            "hours",
            "outcome",
            "score",
            "verified_by",
            "verified_on",
        ],
    )
    CompletionResource().import_data(dataset, dry_run=True, use_transactions=True)
    assert row_of(world.building_admin).status == Status.UPCOMING


def test_a_roster_persons_completion_imported_on_the_site(client, world, aoda_course):
    member = world.staff_member
    StaffMember.objects.filter(pk=member.pk).update(started_on=TODAY - 320 * DAY)
    summary.refresh(staff_ids=[member.pk])
    assert row_of(member).status == Status.DUE_SOON
    url = reverse("training:staff_completion_import")
    header = ",".join(c.header for c in STAFF_COMPLETION_COLUMNS)
    school = f"{member.school.district.dpi_code}-{member.school.dpi_code}"
    line = f"{school},{member.name},,{aoda_course.title},{(TODAY - DAY).isoformat()},2,,"
    client.force_login(world.district_admin)
    preview = client.post(
        url,
        {"action": "preview", "file": SimpleUploadedFile("t.csv", f"{header}\n{line}\n".encode())},
    )
    assert row_of(member).status == Status.DUE_SOON  # the preview saved nothing
    token = preview.context["importer"]["pending"]["token"]
    client.post(url, {"action": "confirm", "token": token})
    assert row_of(member).status == Status.COMPLIANT
    assert_summary_is_compliance_for()


def test_a_completion_changed_and_deleted_in_the_admin(client, world, state_staff, aoda_course):
    completion = CompletionFactory(person=world.sro, course=aoda_course, hours=Decimal("4"))
    summary.refresh_completions([completion])
    assert row_of(world.sro).status == Status.COMPLIANT
    client.force_login(state_staff)
    client.post(
        reverse("admin:training_completion_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [completion.pk]},
    )
    assert not Completion.objects.filter(pk=completion.pk).exists()
    assert row_of(world.sro).status == Status.UPCOMING
    assert_summary_is_compliance_for()


def test_a_program_requirement_changed_added_and_removed(world):
    actor = Actor(user=world.district_admin)
    requirement = world.requirement  # the program's: SROs, 8 h of de-escalation a year
    assert row_of(world.sro).status == Status.UPCOMING
    requirement.min_hours = Decimal("100")
    services.requirement_save(actor=actor, requirement=requirement, changed_fields=["min_hours"])
    assert row_of(world.sro).hours_missing > Decimal("90")
    assert_summary_is_compliance_for()
    added = Requirement(
        program=world.program,
        audience=Audience.TEACHER,
        topic=seeded_topic("de-escalation"),
        min_hours=Decimal("1"),
        frequency="once",
        deadline_days=10,
    )
    services.requirement_save(actor=actor, requirement=added)
    assert row_of(world.staff_member).status == Status.OVERDUE
    assert_summary_is_compliance_for()
    services.requirement_delete(actor=actor, requirement=added)
    assert row_of(world.staff_member).status != Status.OVERDUE
    assert_summary_is_compliance_for()


def test_a_statewide_requirement_added_in_the_admin(client, world, state_staff):
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:training_requirement_add"),
        {
            "audience": Audience.TEACHER,
            "topic": seeded_topic("de-escalation").pk,
            "min_hours": "1",
            "frequency": "once",
            "deadline_days": "10",
        },
    )
    assert response.status_code == 302
    assert row_of(world.staff_member).status == Status.OVERDUE
    assert_summary_is_compliance_for()


def test_an_assignment_started_and_ended(world):
    officer = user_with_role(Role.SRO, agency=world.agency)
    officer.memberships.update(started_on=TODAY - 30 * DAY)
    MOUFactory(program=world.program, signed=True)
    summary.refresh(user_ids=[officer.pk])
    before = row_of(officer)
    actor = Actor(user=world.district_admin)
    assignment = program_services.assignment_save(
        actor=actor,
        assignment=Assignment(
            program=world.program, school=world.school, officer=officer, starts_on=TODAY - DAY
        ),
    )
    started = row_of(officer)
    # The program's requirement (8 h of de-escalation) now applies too.
    assert started.hours_missing == before.hours_missing + Decimal("8")
    assert started.district_id == world.district.pk
    assert_summary_is_compliance_for()
    assignment.ends_on = TODAY - DAY
    program_services.assignment_save(actor=actor, assignment=assignment)
    assert row_of(officer).hours_missing == before.hours_missing
    assert_summary_is_compliance_for()


def test_a_staff_member_added_and_leaving(world):
    actor = Actor(user=world.district_admin)
    member = StaffMember(
        school=world.school,
        name="New teacher",
        audience=Audience.TEACHER,
        started_on=TODAY - 400 * DAY,
    )
    services.staff_member_save(actor=actor, staff_member=member)
    assert row_of(member).status == Status.OVERDUE
    assert_summary_is_compliance_for()
    member.left_on = TODAY - DAY
    services.staff_member_save(actor=actor, staff_member=member, changed_fields=["left_on"])
    assert row_of(member).is_current is False
    assert_summary_is_compliance_for()


def test_a_roster_person_linked_to_an_account_counts_its_completions(world, aoda_course):
    member = world.staff_member
    CompletionFactory(person=world.building_admin, course=aoda_course, hours=Decimal("2"))
    services.staff_member_link(
        actor=Actor(user=world.district_admin), staff_member=member, user=world.building_admin
    )
    assert row_of(member).status == Status.COMPLIANT
    assert_summary_is_compliance_for()


def test_a_membership_added_in_the_admin(client, world, state_staff):
    person = world.agency_supervisor  # no training applies to the role
    assert row_of(person).status == Status.COMPLIANT
    client.force_login(state_staff)
    prefix = "memberships"
    existing = person.memberships.get()
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": existing.pk,
        f"{prefix}-0-user": person.pk,
        f"{prefix}-0-role": existing.role,
        f"{prefix}-0-agency": existing.agency_id,
        f"{prefix}-0-started_on": existing.started_on.isoformat(),
        f"{prefix}-1-role": Role.BUILDING_ADMIN,
        f"{prefix}-1-district": world.district.pk,
        f"{prefix}-1-school": world.school.pk,
        f"{prefix}-1-started_on": (TODAY - 400 * DAY).isoformat(),
    }
    response = client.post(reverse("admin:sro_portal_user_change", args=[person.pk]), data)
    assert response.status_code == 302, response.context["errors"]
    assert row_of(person).status == Status.OVERDUE
    assert_summary_is_compliance_for()


def test_a_course_given_another_topic(world):
    course = CourseFactory(topics=[seeded_topic("de-escalation")])
    CompletionFactory(person=world.sro, course=course, hours=Decimal("4"))
    summary.refresh(user_ids=[world.sro.pk])
    assert row_of(world.sro).status == Status.UPCOMING
    course.topics.add(seeded_topic("aoda"))
    summary.refresh_courses([course.pk])
    assert row_of(world.sro).status == Status.COMPLIANT
    assert_summary_is_compliance_for()


# Time alone.


def test_the_summary_follows_compliance_for_day_by_day(tenant):
    """Every day for two years and a half, the rows whose day has come are worked out again and
    then every row says what compliance_for says that day: deadlines, due-soon windows, new
    periods, assignments starting and ending, roster people leaving."""
    start = TODAY
    aoda = seeded_topic("aoda")
    RequirementFactory(audience=Audience.SRO, topic=aoda, min_hours=4, frequency="yearly")
    RequirementFactory(audience=Audience.ADMINISTRATOR, topic=aoda, min_hours=2, frequency="once")
    RequirementFactory(
        audience=Audience.TEACHER,
        topic=aoda,
        min_hours=2,
        frequency="every_n_years",
        every_n_years=2,
        deadline_days=90,
    )
    course = CourseFactory(topics=[aoda])
    tenant.sro.memberships.update(started_on=start - 300 * DAY)
    CompletionFactory(person=tenant.sro, course=course, completed_on=start - 200 * DAY, hours=4)
    later = user_with_role(Role.SRO, agency=tenant.agency)
    later.memberships.update(started_on=start - 20 * DAY)
    AssignmentFactory(
        program=tenant.program,
        school=tenant.school,
        officer=later,
        starts_on=start + 40 * DAY,
        ends_on=start + 200 * DAY,
    )
    StaffMemberFactory(school=tenant.school, started_on=start - 700 * DAY, left_on=start + 90 * DAY)
    member = StaffMemberFactory(school=tenant.school, started_on=start - 10 * DAY)
    CompletionFactory(
        person=None, staff_member=member, course=course, completed_on=start - DAY, hours=2
    )
    summary.refresh_all(today=start)
    for offset in range(800):
        day = start + offset * DAY
        summary.refresh_stale(today=day)
        assert_summary_is_compliance_for(day)


def test_readers_work_out_stale_rows_and_people_without_a_row(client, world):
    StaffMemberFactory(school=world.school, started_on=TODAY - 50 * DAY)  # no service: no row
    row = row_of(world.staff_member)
    ComplianceStatus.objects.filter(pk=row.pk).update(status=Status.OVERDUE, valid_until=TODAY)
    client.force_login(world.district_admin)
    client.get(PAGE)
    assert_summary_is_compliance_for()


def test_the_daily_command(world):
    ComplianceStatus.objects.all().delete()
    call_command("refresh_compliance", "--all", stdout=io.StringIO())
    assert_summary_is_compliance_for()
    later = TODAY + 400 * DAY
    out = io.StringIO()
    call_command("refresh_compliance", "--today", later.isoformat(), stdout=out)
    assert "compliance rows worked out" in out.getvalue()
    assert_summary_is_compliance_for(later)


# The pages.


def roster(school, count, **kwargs):
    for n in range(count):
        StaffMemberFactory(school=school, name=f"Person {n:03}", **kwargs)


def test_the_compliance_page_shows_50_people_a_page_with_counts_for_all(client, world):
    roster(world.school, 60)
    summary.refresh_all()
    client.force_login(world.district_admin)
    first = client.get(PAGE)
    assert len(first.context["results"]) == 50
    total = first.context["paginator"].count
    assert total == sum(first.context["summary"].values())
    second = client.get(PAGE, {"page": 2})
    assert len(second.context["results"]) == total - 50
    assert not {r.pk for r in first.context["results"]} & {r.pk for r in second.context["results"]}


def test_filters_by_status_role_district_and_name(client, world, other_tenant, state_staff):
    roster(world.school, 3, started_on=TODAY - 400 * DAY)  # their first year is over: overdue
    roster(other_tenant.school, 2)
    summary.refresh_all()
    client.force_login(state_staff)
    overdue = client.get(PAGE, {"status": "overdue"}).context["results"]
    assert overdue and {r.status for r in overdue} == {"overdue"}
    teachers = client.get(PAGE, {"role": "roster:teacher"}).context["results"]
    assert {r.is_roster for r in teachers} == {True} and len(teachers) == 3 + 2 + 2
    sros = client.get(PAGE, {"role": Role.SRO}).context["results"]
    assert {r.user for r in sros} == {world.sro, other_tenant.sro}
    district = client.get(PAGE, {"district": other_tenant.district.pk}).context["results"]
    assert {r.district_id for r in district} == {other_tenant.district.pk}
    assert other_tenant.staff_member in {r.person for r in district}
    named = client.get(PAGE, {"q": "Person 00"}).context["results"]
    assert len(named) == 5
    client.force_login(world.district_admin)
    refused = client.get(PAGE, {"district": other_tenant.district.pk})
    assert refused.context["filter"].form.errors
    assert other_tenant.staff_member not in {r.person for r in refused.context["results"]}


def test_the_export_streams_every_matching_row_with_labels(client, world):
    roster(world.school, 60)
    summary.refresh_all()
    client.force_login(world.district_admin)
    response = client.get(PAGE, {"export": "csv", "role": "roster:teacher"})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Person", "Username", "Account or roster"]
    people = [row for row in rows[1:] if len(row) > 2 and row[2] == "Roster"]
    assert len(people) == 61
    assert {row[3] for row in people} == {"Teachers"}
    assert {row[6] for row in people} <= {"Overdue", "Due soon", "Not yet due", "Compliant"}
    assert ["Role", "Teachers (staff roster)"] in rows
    xlsx = client.get(reverse("training:compliance"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("size", [2, 30])
def test_the_pages_run_a_fixed_number_of_queries(
    client, world, state_staff, django_assert_max_num_queries, size
):
    roster(world.school, size)
    for _ in range(size):
        officer = user_with_role(Role.SRO, agency=world.agency)
        AssignmentFactory(program=world.program, school=world.school, officer=officer)
        CompletionFactory(person=officer)
    summary.refresh_all()
    for user in (state_staff, world.district_admin):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            assert client.get(PAGE, {"status": "upcoming", "sort": "deadline"}).status_code == 200
        with django_assert_max_num_queries(12):
            response = client.get(PAGE, {"export": "csv"})
            b"".join(response.streaming_content)
    client.force_login(world.district_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accountability:report_training")).status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_a_first_read_without_rows_is_bounded_too(
    client, world, django_assert_max_num_queries, size
):
    """People written without the services get their rows on the first read, in a fixed
    number of queries too (up to a thousand people at once)."""
    roster(world.school, size)
    client.force_login(world.district_admin)
    with django_assert_max_num_queries(25):
        assert client.get(PAGE).status_code == 200
    assert ComplianceStatus.objects.filter(is_roster=True).count() == size + 1
