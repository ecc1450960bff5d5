"""The staff roster (people without accounts): its rules, compliance computed exactly as for
account holders, linking to an account without losing history, and its pages per role."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from sro_portal.roles import Role
from tests.factories import (
    CompletionFactory,
    CourseFactory,
    RequirementFactory,
    StaffMemberFactory,
    user_with_role,
)
from training import services
from training.compliance import compliance_for
from training.models import Audience, Completion, Requirement, StaffMember, Topic
from training.summary import refresh_all

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def actor(user):
    return Actor(user=user)


# The model and its scope.


def test_a_staff_member_takes_the_district_of_their_school(tenant):
    member = StaffMemberFactory(school=tenant.other_school)
    assert member.district_id == tenant.district.pk


def test_a_name_is_on_a_schools_roster_once(tenant):
    StaffMemberFactory(school=tenant.school, name="Ann Lee")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMemberFactory(school=tenant.school, name="Ann Lee")
    StaffMemberFactory(school=tenant.other_school, name="Ann Lee")


def test_nobody_leaves_before_starting_nor_starts_in_the_future(tenant):
    member = StaffMemberFactory.build(
        school=tenant.school, started_on=TODAY - DAY, left_on=TODAY - 2 * DAY
    )
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "left_on" in error.value.message_dict
    member = StaffMemberFactory.build(school=tenant.school, started_on=TODAY + DAY)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "started_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMemberFactory(started_on=TODAY - DAY, left_on=TODAY - 2 * DAY)


def test_an_sro_is_not_a_roster_audience(tenant):
    member = StaffMemberFactory.build(school=tenant.school, audience=Audience.SRO)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "audience" in error.value.message_dict


def test_a_completion_belongs_to_exactly_one_holder(tenant):
    member = StaffMemberFactory(school=tenant.school)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionFactory(person=tenant.sro, staff_member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionFactory(person=None)
    both = Completion(
        person=tenant.sro, staff_member=member, course=tenant.course, completed_on=TODAY, hours=1
    )
    with pytest.raises(ValidationError, match="choose one, not both"):
        both.full_clean()


def test_the_roster_is_seen_by_its_administrators_and_state_staff_only(
    tenant, other_tenant, state_staff
):
    here = tenant.staff_member
    other_school = StaffMemberFactory(school=tenant.other_school)
    elsewhere = other_tenant.staff_member

    def seen(user):
        return set(StaffMember.objects.visible_to(user))

    assert seen(tenant.district_admin) == {here, other_school}
    assert seen(tenant.building_admin) == {here}
    assert seen(tenant.sro) == seen(tenant.agency_supervisor) == set()
    assert seen(state_staff) >= {here, other_school, elsewhere}
    completion = CompletionFactory(person=None, staff_member=elsewhere)
    assert completion not in Completion.objects.visible_to(tenant.district_admin)
    assert completion in Completion.objects.visible_to(other_tenant.district_admin)


# Compliance: a roster person is measured exactly as an account holder.


def test_the_same_completions_give_the_same_compliance_to_a_roster_person_and_an_account(tenant):
    started = TODAY - 400 * DAY
    aoda = Topic.objects.get(code="aoda")
    yearly = RequirementFactory(
        audience=Audience.ADMINISTRATOR, topic=aoda, min_hours=4, deadline_days=90
    )
    once = RequirementFactory(
        audience=Audience.ADMINISTRATOR,
        topic=Topic.objects.get(code="mandatory-reporting"),
        frequency=Requirement.Frequency.ONCE,
        min_hours=2,
        deadline_days=30,
    )
    program_only = RequirementFactory(
        program=tenant.program, audience=Audience.ADMINISTRATOR, topic=aoda, min_hours=6
    )
    tenant.building_admin.memberships.update(started_on=started)
    member = StaffMemberFactory(
        school=tenant.school, audience=Audience.ADMINISTRATOR, started_on=started
    )
    course = CourseFactory(topics=[aoda], hours=Decimal("3"))
    for days_ago in (380, 20):
        for holder in ({"person": tenant.building_admin}, {"staff_member": member}):
            CompletionFactory(
                **({"person": None} | holder),
                course=course,
                completed_on=TODAY - days_ago * DAY,
                hours=Decimal("3"),
            )
    account, roster = compliance_for([tenant.building_admin, member])
    assert roster.is_roster and not account.is_roster

    def measured(result):
        return {
            r.requirement.pk: (r.status, r.hours_done, r.period_start, r.deadline)
            for r in result.requirements
        }

    assert measured(roster) == measured(account)
    assert set(measured(roster)) == {yearly.pk, once.pk, program_only.pk}
    assert (roster.status, roster.hours_missing) == (account.status, account.hours_missing)
    assert roster.status == "overdue"


def test_a_teacher_on_the_roster_answers_to_requirements_for_teachers(tenant):
    teachers = RequirementFactory(audience=Audience.TEACHER, min_hours=2, deadline_days=30)
    RequirementFactory(audience=Audience.PUPIL_SERVICES, min_hours=2)
    member = StaffMemberFactory(school=tenant.school, started_on=TODAY - 60 * DAY)
    [result] = compliance_for([member])
    assert [r.requirement for r in result.requirements] == [teachers]
    assert result.status == "overdue"


def test_compliance_of_roster_people_reads_in_a_fixed_number_of_queries(
    tenant, django_assert_max_num_queries
):
    RequirementFactory(audience=Audience.TEACHER)
    people = [StaffMemberFactory(school=tenant.school) for _ in range(12)]
    for member in people:
        CompletionFactory(person=None, staff_member=member)
    with django_assert_max_num_queries(6):
        assert len(compliance_for([tenant.sro, *people])) == 13


# Linking a roster person to an account keeps their history and compliance.


def test_linking_to_an_account_keeps_history_and_compliance_and_is_audited(tenant):
    RequirementFactory(audience=Audience.TEACHER, min_hours=8, deadline_days=400)
    member = tenant.staff_member
    teacher = user_with_role(Role.BUILDING_ADMIN, school=tenant.school, username="teacher")
    done = CompletionFactory(person=None, staff_member=member, hours=Decimal("5"))
    [before] = compliance_for([member])
    services.staff_member_link(
        actor=actor(tenant.district_admin), staff_member=member, user=teacher
    )
    member.refresh_from_db()
    assert member.user == teacher
    [after] = compliance_for([member])
    assert [(r.status, r.hours_done) for r in after.requirements] == [
        (r.status, r.hours_done) for r in before.requirements
    ]
    # Training recorded on the account now counts for the roster person, and the other way round.
    CompletionFactory(person=teacher, course=done.course, hours=Decimal("3"))
    [after] = compliance_for([member])
    assert [r.status for r in after.requirements] == ["compliant"]
    entry = AuditLog.objects.filter(object_id=str(member.pk), action="update").get()
    assert entry.changed_fields == ["user"] and entry.actor == tenant.district_admin
    assert entry.detail["linked_account"] == "teacher"
    assert Completion.objects.filter(staff_member=member).get() == done


def test_the_account_page_shows_the_roster_history_after_linking(client, tenant):
    member = tenant.staff_member
    CompletionFactory(person=None, staff_member=member, course=tenant.course)
    services.staff_member_link(
        actor=actor(tenant.district_admin), staff_member=member, user=tenant.building_admin
    )
    client.force_login(tenant.building_admin)
    response = client.get(reverse("training:my_training"))
    assert tenant.course in {c.course for c in response.context["completions"]}


def test_linking_is_refused_outside_ones_roster_or_to_an_unseen_account(tenant, other_tenant):
    with pytest.raises(ValidationError):
        services.staff_member_link(
            actor=actor(tenant.district_admin),
            staff_member=other_tenant.staff_member,
            user=tenant.sro,
        )
    with pytest.raises(ValidationError):
        services.staff_member_link(
            actor=actor(tenant.district_admin),
            staff_member=tenant.staff_member,
            user=other_tenant.building_admin,
        )
    tenant.staff_member.refresh_from_db()
    assert tenant.staff_member.user is None


def test_the_link_page_links_and_refuses_a_second_link(client, tenant):
    client.force_login(tenant.district_admin)
    url = reverse("training:staff_link", args=[tenant.staff_member.pk])
    client.post(url, {"user": tenant.building_admin.pk})
    tenant.staff_member.refresh_from_db()
    assert tenant.staff_member.user == tenant.building_admin
    response = client.post(url, {"user": tenant.district_admin.pk}, follow=True)
    assert "already linked" in response.content.decode()
    tenant.staff_member.refresh_from_db()
    assert tenant.staff_member.user == tenant.building_admin


# The services refuse what the rule refuses, whoever calls them.


def test_a_building_admin_keeps_only_their_own_schools_roster(tenant):
    member = StaffMemberFactory.build(school=tenant.other_school)
    with pytest.raises(ValidationError):
        services.staff_member_save(actor=actor(tenant.building_admin), staff_member=member)
    member = StaffMemberFactory.build(school=tenant.school)
    services.staff_member_save(actor=actor(tenant.building_admin), staff_member=member)
    assert AuditLog.objects.filter(action="create", object_id=str(member.pk)).exists()


def test_nobody_moves_someone_off_another_schools_roster(tenant):
    member = StaffMemberFactory(school=tenant.other_school)
    member.school = tenant.school
    with pytest.raises(ValidationError):
        services.staff_member_save(actor=actor(tenant.building_admin), staff_member=member)


@pytest.mark.parametrize("who", ["sro", "agency_supervisor"])
def test_sros_and_supervisors_keep_no_roster(tenant, who):
    member = StaffMemberFactory.build(school=tenant.school)
    with pytest.raises(ValidationError):
        services.staff_member_save(actor=actor(getattr(tenant, who)), staff_member=member)
    completion = Completion(
        staff_member=tenant.staff_member, course=tenant.course, completed_on=TODAY, hours=1
    )
    with pytest.raises(ValidationError):
        services.completion_record(actor=actor(getattr(tenant, who)), completion=completion)


def test_training_recorded_for_a_roster_person_counts_as_verified(tenant):
    completion = Completion(
        staff_member=tenant.staff_member, course=tenant.course, completed_on=TODAY, hours=2
    )
    services.completion_record(actor=actor(tenant.building_admin), completion=completion)
    assert completion.verified_by == tenant.building_admin


# Pages, per role.

LIST = reverse("training:staff_list")


@pytest.mark.parametrize("who", ["district_admin", "building_admin"])
def test_administrators_see_their_roster(client, tenant, other_tenant, who):
    other_school = StaffMemberFactory(school=tenant.other_school, name="Zed Other")
    client.force_login(getattr(tenant, who))
    listed = set(client.get(LIST).context["object_list"])
    expected = {tenant.staff_member} | ({other_school} if who == "district_admin" else set())
    assert listed == expected


@pytest.mark.parametrize("who", ["sro", "agency_supervisor"])
def test_sros_and_supervisors_are_refused_the_roster(client, tenant, who):
    client.force_login(getattr(tenant, who))
    assert client.get(LIST).status_code == 403
    detail = reverse("training:staff_detail", args=[tenant.staff_member.pk])
    assert client.get(detail).status_code == 403


def test_another_districts_staff_member_answers_404(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    pk = other_tenant.staff_member.pk
    for url in (
        reverse("training:staff_detail", args=[pk]),
        reverse("training:staff_update", args=[pk]),
        reverse("training:staff_completion_create", args=[pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("training:staff_link", args=[pk])).status_code == 404


def test_the_list_filters_hides_who_left_and_shows_them_on_request(client, tenant):
    gone = StaffMemberFactory(
        school=tenant.school, name="Gone Person", left_on=TODAY - DAY, started_on=TODAY - 99 * DAY
    )
    nurse = StaffMemberFactory(school=tenant.school, name="Nurse", audience=Audience.PUPIL_SERVICES)
    client.force_login(tenant.district_admin)
    assert gone not in client.get(LIST).context["object_list"]
    assert list(client.get(LIST, {"status": "left"}).context["object_list"]) == [gone]
    assert list(client.get(LIST, {"audience": "pupil_services"}).context["object_list"]) == [nurse]
    response = client.get(LIST, {"school": 999_999})
    assert response.status_code == 200 and "not one of yours" in response.content.decode()


def test_the_list_exports_with_labels(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(LIST, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Name", "Position", "Audience", "School"]
    assert rows[1][:4] == [
        "home teacher",
        "Grade 9 English teacher",
        "Teachers",
        "home High School",
    ]
    xlsx = client.get(LIST, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["C2"].value == "Teachers"


def test_the_list_runs_a_fixed_number_of_queries(client, tenant, django_assert_max_num_queries):
    for _ in range(20):
        StaffMemberFactory(school=tenant.school)
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def form_data(tenant, **changes):
    data = {
        "school": tenant.school.pk,
        "name": "Pat Doe",
        "position": "School counselor",
        "audience": "pupil_services",
        "started_on": (TODAY - 30 * DAY).isoformat(),
        "left_on": "",
    }
    return data | changes


def test_a_building_admin_adds_changes_and_ends_an_entry(client, tenant):
    client.force_login(tenant.building_admin)
    response = client.post(reverse("training:staff_create"), form_data(tenant))
    member = StaffMember.objects.get(name="Pat Doe")
    assert response.url == member.get_absolute_url()
    assert (member.district, member.audience) == (tenant.district, "pupil_services")
    url = reverse("training:staff_update", args=[member.pk])
    client.post(url, form_data(tenant, left_on=TODAY.isoformat()))
    member.refresh_from_db()
    assert member.left_on == TODAY
    actions = AuditLog.objects.filter(object_id=str(member.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["create", "update"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"started_on": "not a date"}, "started_on", "valid date"),
        ({"started_on": (TODAY + DAY).isoformat()}, "started_on", "future"),
        ({"left_on": (TODAY - 60 * DAY).isoformat()}, "left_on", "before they started"),
        ({"audience": "sro"}, "audience", "valid choice"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(client, tenant, changes, field, message):
    client.force_login(tenant.district_admin)
    before = StaffMember.objects.count()
    response = client.post(reverse("training:staff_create"), form_data(tenant, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert form["position"].value() == "School counselor"
    assert StaffMember.objects.count() == before


def test_a_building_admin_cannot_add_to_another_school(client, tenant):
    client.force_login(tenant.building_admin)
    response = client.post(
        reverse("training:staff_create"), form_data(tenant, school=tenant.other_school.pk)
    )
    assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not StaffMember.objects.filter(name="Pat Doe").exists()


def test_the_training_page_records_a_completion_and_shows_compliance(client, tenant):
    RequirementFactory(audience=Audience.TEACHER, topic=tenant.course.topics.first(), min_hours=1)
    member = tenant.staff_member
    client.force_login(tenant.building_admin)
    url = reverse("training:staff_completion_create", args=[member.pk])
    data = {
        "course": tenant.course.pk,
        "completed_on": (TODAY - DAY).isoformat(),
        "hours": "2",
        "outcome": "completed",
        "score": "",
    }
    response = client.post(url, data)
    assert response.url == member.get_absolute_url()
    completion = Completion.objects.get(staff_member=member)
    assert completion.person is None and completion.verified_by == tenant.building_admin
    page = client.get(member.get_absolute_url())
    assert page.context["compliance"].status == "compliant"
    assert tenant.course.title in page.content.decode()


def test_bad_training_input_is_refused_beside_its_field(client, tenant):
    client.force_login(tenant.building_admin)
    url = reverse("training:staff_completion_create", args=[tenant.staff_member.pk])
    data = {
        "course": tenant.course.pk,
        "completed_on": (TODAY + DAY).isoformat(),
        "hours": "999",
        "outcome": "completed",
    }
    response = client.post(url, data)
    form = response.context["form"]
    assert "future" in " ".join(form.errors["completed_on"])
    assert form["hours"].value() == "999"
    assert not Completion.objects.filter(staff_member=tenant.staff_member).exists()


def test_the_roster_is_reachable_from_the_training_section(client, tenant):
    client.force_login(tenant.building_admin)
    assert LIST in client.get(reverse("training:my_training")).content.decode()
    client.force_login(tenant.sro)
    assert LIST not in client.get(reverse("training:my_training")).content.decode()


# The compliance page and its export show roster people beside account holders.


def test_compliance_shows_roster_people_and_exports_them(client, tenant, other_tenant):
    RequirementFactory(audience=Audience.TEACHER, min_hours=2, deadline_days=10)
    gone = StaffMemberFactory(
        school=tenant.school, started_on=TODAY - 99 * DAY, left_on=TODAY - DAY
    )
    client.force_login(tenant.district_admin)
    for query in ({}, {"school": tenant.school.pk}, {"program": tenant.program.pk}):
        response = client.get(reverse("training:compliance"), query)
        people = {r.person: r.status for r in response.context["results"]}
        assert people[tenant.staff_member] == "overdue"
        assert gone not in people and other_tenant.staff_member not in people
    response = client.get(reverse("training:compliance"), {"school": tenant.other_school.pk})
    assert tenant.staff_member not in {r.person for r in response.context["results"]}
    export = client.get(reverse("training:compliance"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][2] == "Account or roster"
    assert [row[c] for row in rows[1:] if row and row[0] == "home teacher" for c in (0, 1, 2)][
        :3
    ] == ["home teacher", "", "Roster"]


def test_the_compliance_page_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries
):
    RequirementFactory(audience=Audience.TEACHER)
    for _ in range(15):
        member = StaffMemberFactory(school=tenant.school)
        CompletionFactory(person=None, staff_member=member)
    refresh_all()  # the compliance summary, as the services and the daily command keep it
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("training:compliance")).status_code == 200


# Every training list downloads, with labels.


@pytest.mark.parametrize(
    ("name", "header", "label"),
    [
        ("training:course_list", "Course", "Teachers"),
        ("training:provider_list", "Provider", ""),
        ("training:requirement_list", "Program", "SROs"),
    ],
)
def test_training_lists_export_with_labels(client, tenant, name, header, label):
    CourseFactory(title="For teachers", audiences=["teacher"])
    client.force_login(tenant.sro)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse(name), {"export": fmt})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    text = client.get(reverse(name), {"export": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == header
    assert label in text
    assert 'teacher"' not in text and ",sro," not in text
    assert client.get(reverse(name), {"export": "pdf"}).status_code == 404


def test_the_admin_saves_a_roster_entry_through_the_service(client, tenant, state_staff):
    client.force_login(state_staff)
    data = {"school": tenant.school.pk, "name": "X Y", "audience": "teacher"}
    data |= {"position": "", "started_on": "2025-01-01", "left_on": ""}
    response = client.post(reverse("admin:training_staffmember_add"), data)
    assert response.status_code == 302
    member = StaffMember.objects.get(name="X Y")
    assert member.district == tenant.district
    assert AuditLog.objects.filter(object_id=str(member.pk), action="create").count() == 1
    response = client.post(
        reverse("admin:training_completion_add"),
        {"course": tenant.course.pk, "completed_on": "2025-01-01", "hours": "1"},
    )
    assert "choose one, not both" in response.content.decode()
