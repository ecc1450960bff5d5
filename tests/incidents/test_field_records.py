"""The SRO's daily log, incidents and enforcement actions: rules, refusals, scoping, audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import ActivityLog, ActivityType, EnforcementAction, Incident
from programs.models import Program
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from sro_portal.roles import Role
from tests.factories import (
    ActivityLogFactory,
    AssignmentFactory,
    EnforcementActionFactory,
    IncidentFactory,
    MOUFactory,
    seeded,
    user_with_role,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def on_duty(tenant):
    """The tenant's SRO holds an active assignment: the program is active under a signed MOU."""
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    MOUFactory(program=tenant.program, signed=True)
    return tenant


def activity_data(tenant, **overrides):
    data = {
        "school": tenant.school.pk,
        "activity_type": seeded(ActivityType, "mentoring").pk,
        "occurred_on": TODAY.isoformat(),
        "minutes": "30",
        "students_met": "3",
        "staff_met": "0",
        "notes": "Lunch table conversation",
    }
    data.update(overrides)
    return data


# The daily log.


def test_an_sro_logs_an_activity_at_an_assigned_school(client, on_duty):
    client.force_login(on_duty.sro)
    response = client.post(reverse("incidents:activity_create"), activity_data(on_duty))
    assert response.status_code == 302
    entry = ActivityLog.objects.latest("pk")
    assert (entry.officer, entry.school, entry.district, entry.agency) == (
        on_duty.sro,
        on_duty.school,
        on_duty.district,
        on_duty.agency,
    )
    assert entry.assignment == on_duty.assignment
    assert AuditLog.objects.filter(
        action="create", content_type__model="activitylog", object_id=str(entry.pk)
    ).exists()


def test_log_another_returns_to_a_fresh_form_with_the_last_type(client, on_duty):
    client.force_login(on_duty.sro)
    response = client.post(
        reverse("incidents:activity_create"), {**activity_data(on_duty), "another": "1"}
    )
    assert response.url == reverse("incidents:activity_create")
    form = client.get(response.url).context["form"]
    assert form.initial["activity_type"] == seeded(ActivityType, "mentoring").pk
    assert form.initial["school"] == on_duty.school.pk
    assert form.initial["occurred_on"] == TODAY


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"minutes": "1441"}, "minutes"),
        ({"minutes": "0"}, "minutes"),
        ({"students_met": "-1"}, "students_met"),
        ({"staff_met": "-2"}, "staff_met"),
        ({"occurred_on": (TODAY + DAY).isoformat()}, "occurred_on"),
    ],
)
def test_bad_activity_input_is_refused_beside_the_field(client, on_duty, overrides, field):
    client.force_login(on_duty.sro)
    before = ActivityLog.objects.count()
    response = client.post(
        reverse("incidents:activity_create"), activity_data(on_duty, **overrides)
    )
    assert field in response.context["form"].errors
    assert response.context["form"]["notes"].value() == "Lunch table conversation"
    assert ActivityLog.objects.count() == before


def test_logging_where_the_sro_is_not_assigned_is_refused(client, on_duty):
    actor = Actor(user=on_duty.sro)
    entry = ActivityLog(
        school=on_duty.other_school,
        activity_type=seeded(ActivityType, "patrol"),
        occurred_on=TODAY,
        minutes=20,
    )
    with pytest.raises(ValidationError) as error:
        services.activity_log(actor=actor, entry=entry)
    assert "no active assignment" in error.value.message_dict["school"][0]
    client.force_login(on_duty.sro)
    form = client.get(reverse("incidents:activity_create")).context["form"]
    assert list(form.fields["school"].queryset) == [on_duty.school]


def test_logging_needs_an_mou_in_force_and_an_active_program(tenant):
    entry = ActivityLog(
        school=tenant.school,
        activity_type=seeded(ActivityType, "patrol"),
        occurred_on=TODAY,
        minutes=20,
    )
    with pytest.raises(ValidationError):  # a draft MOU only
        services.activity_log(actor=Actor(user=tenant.sro), entry=entry)
    MOUFactory(program=tenant.program, signed=True)
    with pytest.raises(ValidationError):  # the program is not active yet
        services.activity_log(actor=Actor(user=tenant.sro), entry=entry)


def test_a_date_before_the_assignment_is_refused_with_its_start(on_duty):
    start = on_duty.assignment.starts_on
    entry = ActivityLog(
        school=on_duty.school,
        activity_type=seeded(ActivityType, "patrol"),
        occurred_on=start - DAY,
        minutes=20,
    )
    with pytest.raises(ValidationError) as error:
        services.activity_log(actor=Actor(user=on_duty.sro), entry=entry)
    assert "begins on" in error.value.message_dict["occurred_on"][0]


def test_the_database_refuses_minutes_over_a_day(on_duty):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityLogFactory(assignment=on_duty.assignment, minutes=1441)


def test_the_author_corrects_within_seven_days(client, on_duty):
    entry = on_duty.entry
    client.force_login(on_duty.sro)
    url = reverse("incidents:activity_change", args=[entry.pk])
    assert not client.get(url).context["amending"]
    client.post(url, activity_data(on_duty, minutes="45"))
    entry.refresh_from_db()
    assert entry.minutes == 45
    assert AuditLog.objects.get(action="update", object_id=str(entry.pk)).changed_fields == [
        "activity_type",
        "minutes",
        "notes",
        "students_met",
    ]


def test_after_seven_days_an_amendment_keeps_the_original(client, on_duty):
    entry = on_duty.entry
    ActivityLog.objects.filter(pk=entry.pk).update(created_at=timezone.now() - 8 * DAY)
    entry.refresh_from_db()
    entry.minutes = 90
    with pytest.raises(ValidationError):
        services.activity_correct(
            actor=Actor(user=on_duty.sro), entry=entry, changed_fields=["minutes"]
        )
    client.force_login(on_duty.sro)
    url = reverse("incidents:activity_change", args=[entry.pk])
    assert client.get(url).context["amending"]
    response = client.post(url, activity_data(on_duty, minutes="90"))
    assert "amendment_reason" in response.context["form"].errors
    response = client.post(
        url, {**activity_data(on_duty, minutes="90"), "amendment_reason": "Wrong duration typed"}
    )
    assert response.status_code == 302
    original = ActivityLog.objects.get(pk=entry.pk)
    assert original.minutes == 30
    amendment = original.amended_by
    assert (amendment.minutes, amendment.amendment_reason) == (90, "Wrong duration typed")
    assert list(ActivityLog.objects.filter(officer=on_duty.sro).current()) == [amendment]
    assert client.get(url).status_code == 404, "the original is amended: amend the newer one"


def test_nobody_changes_another_sros_entry(client, on_duty, other_tenant):
    client.force_login(other_tenant.sro)
    url = reverse("incidents:activity_change", args=[on_duty.entry.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("size", [1, 25])
def test_the_week_view_runs_a_fixed_number_of_queries(
    client, on_duty, django_assert_max_num_queries, size
):
    ActivityLogFactory.create_batch(size, assignment=on_duty.assignment)
    client.force_login(on_duty.sro)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("incidents:activity_week"))
    assert len(response.context["entries"]) == size + 1


def test_the_week_view_shows_minutes_by_part_of_the_job(client, on_duty):
    ActivityLogFactory(
        assignment=on_duty.assignment,
        minutes=45,
        activity_type=seeded(ActivityType, "classroom-lesson"),
    )
    client.force_login(on_duty.sro)
    response = client.get(reverse("incidents:activity_week"))
    assert dict(response.context["minutes_by_group"]) == {"Law enforcement": 30, "Educator": 45}


# Incidents (rule 4).


def incident_data(tenant, **overrides):
    data = {
        "school": tenant.school.pk,
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "location": "building",
        "description": "Typed description",
        "classification": "possibly_illegal",
        "handled_by": "sro",
        "sro_response": "arrest",
    }
    data.update(overrides)
    return data


def test_an_arrest_on_a_discipline_only_incident_is_refused_beside_the_field(client, on_duty):
    client.force_login(on_duty.sro)
    before = Incident.objects.count()
    response = client.post(
        reverse("incidents:incident_create"), incident_data(on_duty, classification="disciplinary")
    )
    assert "sro_response" in response.context["form"].errors
    assert response.context["form"]["description"].value() == "Typed description"
    assert Incident.objects.count() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(
            program=on_duty.program, classification="disciplinary", sro_response="custody"
        )


@pytest.mark.parametrize(
    ("classification", "handled_by", "response", "review"),
    [
        ("disciplinary", "school_admin", "no_action", False),
        ("disciplinary", "both", "no_action", True),
        ("disciplinary", "school_admin", "warning", True),
        ("possibly_illegal", "sro", "arrest", False),
        ("possibly_illegal", "both", "restorative_practice", False),
    ],
)
def test_sro_involvement_in_discipline_goes_to_review(
    client, on_duty, classification, handled_by, response, review
):
    client.force_login(on_duty.sro)
    client.post(
        reverse("incidents:incident_create"),
        incident_data(
            on_duty, classification=classification, handled_by=handled_by, sro_response=response
        ),
    )
    incident = Incident.objects.latest("pk")
    assert incident.needs_review == review
    assert incident.program == on_duty.program


def test_an_incident_where_the_sro_is_not_assigned_or_in_the_future_is_refused(client, on_duty):
    client.force_login(on_duty.sro)
    response = client.post(
        reverse("incidents:incident_create"), incident_data(on_duty, school=on_duty.other_school.pk)
    )
    assert "school" in response.context["form"].errors
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("incidents:incident_create"), incident_data(on_duty, occurred_at=future)
    )
    assert "occurred_at" in response.context["form"].errors


def test_the_protocol_is_shown_beside_the_incident_form(client, on_duty):
    client.force_login(on_duty.sro)
    page = client.get(reverse("incidents:incident_create")).content.decode()
    assert on_duty.parts["protocolentry"].situation in page


def test_the_district_administrator_reviews(client, on_duty):
    incident = IncidentFactory(
        program=on_duty.program,
        school=on_duty.school,
        classification="disciplinary",
        handled_by="both",
        sro_response="warning",
        needs_review=True,
    )
    client.force_login(on_duty.district_admin)
    assert "incidents_to_review" in client.get(reverse("home")).context
    assert client.get(reverse("home")).context["incidents_to_review"] == 1
    client.post(
        reverse("incidents:incident_review", args=[incident.pk]),
        {"note": "Discussed", "version": incident.version},
    )
    incident.refresh_from_db()
    assert (incident.reviewed_by, incident.review_note) == (on_duty.district_admin, "Discussed")
    with pytest.raises(ValidationError):
        services.incident_review(
            actor=Actor(user=on_duty.district_admin),
            incident=on_duty.incident,
            note="Not needed",
            expected_version=on_duty.incident.version,
        )


def test_every_view_of_an_incident_is_audited(client, tenant):
    client.force_login(tenant.building_admin)
    assert client.get(tenant.incident.get_absolute_url()).status_code == 200
    entry = AuditLog.objects.get(action="view", content_type__model="incident")
    assert entry.actor == tenant.building_admin


@pytest.mark.parametrize("role", ["sro", "building_admin", "district_admin", "agency_supervisor"])
def test_each_role_lists_only_incidents_in_scope(client, tenant, other_tenant, role):
    colleague = user_with_role(Role.SRO, agency=tenant.agency)
    theirs = IncidentFactory(
        program=tenant.program, school=tenant.other_school, reported_by=colleague
    )
    client.force_login(getattr(tenant, role))
    listed = set(client.get(reverse("incidents:incident_list")).context["object_list"])
    expected = {
        "sro": {tenant.incident},
        "building_admin": {tenant.incident},
        "district_admin": {tenant.incident, theirs},
        "agency_supervisor": {tenant.incident, theirs},
    }[role]
    assert listed == expected


@pytest.mark.parametrize("size", [1, 20])
def test_the_incident_list_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    for _ in range(size):
        EnforcementActionFactory(
            incident=IncidentFactory(program=tenant.program, school=tenant.school)
        )
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("incidents:incident_list")).status_code == 200


# Enforcement actions (rule 5).


def action_data(**overrides):
    data = {
        "kind": "arrest",
        "occurred_on": (TODAY - DAY).isoformat(),
        "offense_type": "statute",
        "offense_code": "947.019",
        "offense_category": seeded_category("threats"),
        "referred_for_charging": "on",
        "on_school_property": "on",
        "taken_by": "sro",
        "case_number": "LPD-2026-0100",
        "student_age": "15",
        "student_grade": "10",
        "student_gender": "male",
        "student_race": "two_or_more",
        "student_disability": "section_504",
        "student_english_learner": "no",
    }
    data.update(overrides)
    return data


def seeded_category(code):
    from incidents.models import OffenseCategory

    return seeded(OffenseCategory, code).pk


def test_an_action_records_the_offense_and_the_students_demographics_only(client, tenant):
    client.force_login(tenant.sro)
    url = reverse("incidents:enforcementaction_create", args=[tenant.incident.pk])
    assert client.post(url, action_data()).status_code == 302
    action = EnforcementAction.objects.get(case_number="LPD-2026-0100")
    assert (action.school, action.agency, action.recorded_by) == (
        tenant.school,
        tenant.agency,
        tenant.sro,
    )
    assert (action.student_age, action.student_race, action.student_disability) == (
        15,
        "two_or_more",
        "section_504",
    )
    names = {f.name for f in EnforcementAction._meta.get_fields()}
    assert not names & {"student_name", "student_id", "date_of_birth", "name"}


@pytest.mark.parametrize(("age", "ok"), [("2", False), ("3", True), ("22", True), ("23", False)])
def test_the_students_age_is_3_to_22(client, tenant, age, ok):
    client.force_login(tenant.sro)
    url = reverse("incidents:enforcementaction_create", args=[tenant.incident.pk])
    response = client.post(url, action_data(student_age=age, case_number=f"AGE-{age}"))
    assert (response.status_code == 302) == ok
    if not ok:
        assert "student_age" in response.context["form"].errors
        assert response.context["form"]["offense_code"].value() == "947.019"


def test_a_case_number_of_another_incident_is_refused_beside_the_field(client, tenant):
    other = IncidentFactory(program=tenant.program, school=tenant.school, reported_by=tenant.sro)
    client.force_login(tenant.sro)
    url = reverse("incidents:enforcementaction_create", args=[other.pk])
    before = EnforcementAction.objects.count()
    response = client.post(url, action_data(case_number=tenant.action.case_number))
    assert "another incident" in response.context["form"].errors["case_number"][0]
    assert EnforcementAction.objects.count() == before


def test_two_students_of_one_incident_share_its_case_number(client, tenant):
    client.force_login(tenant.sro)
    url = reverse("incidents:enforcementaction_create", args=[tenant.incident.pk])
    case = tenant.action.case_number
    assert client.post(url, action_data(case_number=case, student_age="14")).status_code == 302
    assert client.post(url, action_data(case_number=case, student_age="16")).status_code == 302
    shared = EnforcementAction.objects.filter(agency=tenant.agency, case_number=case)
    assert shared.count() == 3
    assert {a.incident_id for a in shared} == {tenant.incident.pk}
    assert {a.student_age for a in shared} >= {14, 16}


def test_no_enforcement_action_on_a_discipline_only_incident(tenant):
    incident = IncidentFactory(
        program=tenant.program,
        school=tenant.school,
        reported_by=tenant.sro,
        classification="disciplinary",
        handled_by="school_admin",
        sro_response="no_action",
    )
    action = EnforcementAction(
        **{
            k: v
            for k, v in action_data().items()
            if k not in {"offense_category", "referred_for_charging", "on_school_property"}
        }
    )
    action.offense_category_id = seeded_category("threats")
    with pytest.raises(ValidationError) as error:
        services.enforcement_action_record(
            actor=Actor(user=tenant.sro), action=action, incident=incident
        )
    assert "disciplinary misconduct" in error.value.message_dict["kind"][0]
    assert not incident.enforcement_actions.exists()


def test_only_the_reporting_sro_or_the_agency_supervisor_adds_actions(client, tenant):
    colleague = user_with_role(Role.SRO, agency=tenant.agency)
    AssignmentFactory(program=tenant.program, school=tenant.school, officer=colleague)
    client.force_login(colleague)
    url = reverse("incidents:enforcementaction_create", args=[tenant.incident.pk])
    assert client.get(url).status_code == 404  # not theirs to see
    client.force_login(tenant.agency_supervisor)
    assert client.post(url, action_data(case_number="SUP-1")).status_code == 302


# Import from an agency's records system.


# The admin accepts the field names as headers as well as the template's; `agency_ori` is the
# agency's column as files from before the site's import name it.
HEADER = (
    "agency_ori,case_number,school,occurred_on,occurred_time,location,classification,handled_by,"
    "sro_response,description,kind,offense_type,offense_code,offense_category,"
    "referred_for_charging,on_school_property,taken_by,student_age,student_grade,"
    "student_gender,student_race,student_disability,student_english_learner\n"
)


def row(tenant, case, age="15", school=None):
    school = school or f"{tenant.district.dpi_code}-{tenant.school.dpi_code}"
    return (
        f"{tenant.agency.ori},{case},{school},{TODAY - DAY},09:30,building,possibly_illegal,sro,"
        "citation,Vaping in a restroom.,citation,ordinance,9.41,"
        f"tobacco-vaping,0,1,other_officer,{age},9,female,hispanic,none,yes\n"
    )


def upload(client, content):
    return client.post(
        reverse("admin:incidents_enforcementaction_import"),
        {
            "import_file": SimpleUploadedFile("actions.csv", content.encode()),
            "format": "0",
            "resource": "0",
        },
    )


def test_a_good_file_of_enforcement_actions_imports(client, on_duty, state_staff):
    tenant = on_duty
    seeded(ActivityType, "patrol")  # the reference lists exist
    client.force_login(state_staff)
    preview = upload(client, HEADER + row(tenant, "IMP-1") + row(tenant, "IMP-2"))
    form = preview.context["confirm_form"]
    client.post(reverse("admin:incidents_enforcementaction_process_import"), form.initial)
    imported = EnforcementAction.objects.filter(case_number__startswith="IMP-")
    assert imported.count() == 2
    assert {a.district for a in imported} == {tenant.district}
    assert {a.incident.case_number for a in imported} == {"IMP-1", "IMP-2"}
    assert AuditLog.objects.filter(action="import").get().detail["rows"] == 2


def test_a_file_with_bad_rows_imports_nothing_and_names_each(client, on_duty, state_staff):
    tenant = on_duty
    AssignmentFactory(program=tenant.program, school=tenant.other_school, officer=tenant.sro)
    client.force_login(state_staff)
    other_school = f"{tenant.district.dpi_code}-{tenant.other_school.dpi_code}"
    content = (
        HEADER
        + row(tenant, "IMP-1")
        + row(tenant, "IMP-1")
        + row(tenant, "IMP-3", age="40")
        + row(tenant, tenant.action.case_number, school=other_school)
        + row(tenant, "IMP-5", school="0000-0000")
    )
    before = EnforcementAction.objects.count()
    response = upload(client, content)
    assert "confirm_form" not in response.context
    invalid = {r.number: r.field_specific_errors for r in response.context["result"].invalid_rows}
    assert set(invalid) == {3, 4, 5}  # rows 1 and 2 share a case: two students, one event
    assert "student_age" in invalid[3]
    assert "already used by this agency" in invalid[4]["case_number"][0]
    assert "No school has the codes" in invalid[5]["school"][0]
    assert EnforcementAction.objects.count() == before


def test_an_incident_before_the_assignment_is_refused_beside_its_date(client, on_duty):
    client.force_login(on_duty.sro)
    before = datetime.datetime.combine(on_duty.assignment.starts_on - DAY, datetime.time(10))
    response = client.post(
        reverse("incidents:incident_create"),
        incident_data(on_duty, occurred_at=before.strftime("%Y-%m-%dT%H:%M")),
    )
    assert "begins on" in response.context["form"].errors["occurred_at"][0]
