"""Contacts, meetings and their cadence, expectations, evaluations and their frozen data,
climate surveys."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import (
    AccountabilitySettings,
    Contact,
    DataSource,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    SurveyResult,
)
from accountability.oversight import meeting_status
from programs.models import Program
from programs.services import part_save
from sro_portal.audit import Actor
from tests.factories import (
    ActivityLogFactory,
    ComplaintFactory,
    ContactFactory,
    EnforcementActionFactory,
    IncidentFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def meet(tenant, user, days_ago):
    services.meeting_record(
        actor=Actor(user=user),
        meeting=Meeting(
            program=tenant.program,
            school=tenant.school,
            held_on=TODAY - days_ago * DAY,
            attendees="Principal and SRO",
            topics="The week",
        ),
    )


def test_a_missed_meeting_shows(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    AccountabilitySettings.objects.create(program=tenant.program, meeting_every_days=14)
    meet(tenant, tenant.building_admin, days_ago=20)
    program = Program.objects.get(pk=tenant.program.pk)
    assert meeting_status([program])[program.pk].missed
    client.force_login(tenant.district_admin)
    assert client.get(reverse("home")).context["missed_meetings"][0][0] == program
    meet(tenant, tenant.sro, days_ago=2)
    assert not meeting_status([program])[program.pk].missed
    assert client.get(reverse("home")).context["missed_meetings"] == []


def test_meetings_are_recorded_by_the_programs_people_only(tenant, other_tenant):
    for user in (tenant.sro, tenant.building_admin, tenant.agency_supervisor):
        meet(tenant, user, days_ago=1)
    with pytest.raises(ValidationError):
        meet(tenant, other_tenant.sro, days_ago=1)
    with pytest.raises(ValidationError):
        meet(tenant, tenant.sro, days_ago=-2)  # not held yet


def test_expectations_are_agreed_by_both_sides_and_a_change_clears_the_agreement(tenant):
    district, agency = Actor(user=tenant.district_admin), Actor(user=tenant.agency_supervisor)
    with pytest.raises(ValidationError):
        services.expectations_agree(actor=agency, program=tenant.program, side="district")
    services.expectations_agree(actor=district, program=tenant.program, side="district")
    services.expectations_agree(actor=agency, program=tenant.program, side="agency")
    settings_row = AccountabilitySettings.objects.get(program=tenant.program)
    assert settings_row.expectations_agreed_by_agency == tenant.agency_supervisor
    services.expectation_save(
        actor=agency,
        expectation=Expectation(
            program=tenant.program, held_by="sros", text="Include the SRO in drills."
        ),
    )
    settings_row.refresh_from_db()
    assert settings_row.expectations_agreed_by_district is None
    assert settings_row.expectations_agreed_by_agency is None


def test_contacts_show_on_each_persons_home_page(client, tenant):
    ContactFactory(
        program=tenant.program,
        level=Contact.Level.BUILDING,
        school=tenant.school,
        name="Principal Contact",
    )
    ContactFactory(program=tenant.program, level=Contact.Level.DISTRICT, name="District Contact")
    client.force_login(tenant.sro)
    names = {c.name for c in client.get(reverse("home")).context["contacts"]}
    assert names == {"Principal Contact", "District Contact"}
    client.force_login(tenant.building_admin)
    names = {c.name for c in client.get(reverse("home")).context["contacts"]}
    assert names == {tenant.contact.name}  # the agency contact


def test_a_building_contact_needs_a_school_of_the_district(tenant, other_tenant):
    actor = Actor(user=tenant.district_admin)
    with pytest.raises(ValidationError):
        part_save(actor=actor, part=Contact(program=tenant.program, level="building", name="X"))
    with pytest.raises(ValidationError):
        part_save(
            actor=actor,
            part=Contact(
                program=tenant.program, level="building", name="X", school=other_tenant.school
            ),
        )


def plan(tenant, sources=None):
    return part_save(
        actor=Actor(user=tenant.district_admin),
        part=EvaluationPlan(
            program=tenant.program,
            evaluators="Board",
            every_months=12,
            measures="Everything",
            data_sources=sources or list(DataSource.values),
        ),
    )


def evaluate(tenant):
    return services.evaluation_record(
        actor=Actor(user=tenant.district_admin),
        evaluation=Evaluation(
            program=tenant.program,
            period_start=TODAY - 30 * DAY,
            period_end=TODAY,
            conducted_on=TODAY,
            evaluators="Board",
            findings="F",
            recommendations="R",
        ),
    )


def test_an_evaluation_needs_a_plan(tenant):
    tenant.evaluation.delete()
    with pytest.raises(ValidationError):
        evaluate(tenant)


def test_a_plan_names_its_data(tenant):
    with pytest.raises(ValidationError) as error:
        part_save(
            actor=Actor(user=tenant.district_admin),
            part=EvaluationPlan(
                program=tenant.program, evaluators="Board", measures="M", data_sources=[]
            ),
        )
    assert "data_sources" in error.value.message_dict


def test_an_evaluation_freezes_the_data_it_used(client, tenant):
    plan(tenant)
    SurveyResult.objects.create(
        school=tenant.school,
        school_year=TODAY.year - 1,
        audience="students",
        question="I feel safe.",
        respondents=100,
        agree=70,
    )
    evaluation = evaluate(tenant)
    frozen = Evaluation.objects.get(pk=evaluation.pk).snapshot
    assert frozen["activity"]["law_enforcement"]["minutes"] == 30
    assert frozen["incidents"]["by_classification"] == {"possibly_illegal": 1}
    assert frozen["enforcement"]["total"] == 1
    assert frozen["enforcement"]["by_student_race"] == {"white": 1}
    assert frozen["complaints"]["by_status"] == {"received": 1}
    assert frozen["surveys"][0]["percent_agree"] == 70
    assert "training" in frozen

    # The records change afterwards; the evaluation still shows what the evaluators saw.
    ActivityLogFactory(assignment=tenant.assignment, minutes=200)
    EnforcementActionFactory(
        incident=IncidentFactory(program=tenant.program, school=tenant.school), student_race="asian"
    )
    ComplaintFactory(program=tenant.program)
    SurveyResult.objects.update(agree=10)
    assert Evaluation.objects.get(pk=evaluation.pk).snapshot == frozen
    client.force_login(tenant.building_admin)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert "70% of 100" in page


def test_the_snapshot_holds_only_the_planned_data(tenant):
    plan(tenant, sources=[DataSource.INCIDENTS])
    evaluation = evaluate(tenant)
    assert set(evaluation.snapshot) == {"program", "period", "incidents"}


def test_the_evaluation_form_refuses_a_period_in_the_wrong_order(client, tenant):
    plan(tenant)
    client.force_login(tenant.agency_supervisor)
    response = client.post(
        reverse("accountability:evaluation_create", args=[tenant.program.pk]),
        {
            "period_start": TODAY.isoformat(),
            "period_end": (TODAY - DAY).isoformat(),
            "conducted_on": TODAY.isoformat(),
            "evaluators": "Board",
            "findings": "Typed findings",
            "recommendations": "R",
        },
    )
    assert "period_end" in response.context["form"].errors
    assert response.context["form"]["findings"].value() == "Typed findings"
    assert Evaluation.objects.count() == 1


def test_overdue_evaluations_show_on_home_pages(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(
        status=Program.Status.ACTIVE, created_at=timezone.now() - 500 * DAY
    )
    Evaluation.objects.all().delete()
    plan(tenant)
    client.force_login(tenant.agency_supervisor)
    [(program, due)] = client.get(reverse("home")).context["evaluations_overdue"]
    assert program == tenant.program and due < TODAY


def test_the_accountability_page_is_scoped(client, tenant, other_tenant):
    client.force_login(tenant.sro)
    url = reverse("accountability:program", args=[tenant.program.pk])
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("accountability:program", args=[other_tenant.program.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("size", [1, 8])
def test_the_accountability_page_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    for n in range(size):
        ContactFactory(program=tenant.program)
        meet(tenant, tenant.sro, days_ago=n + 1)
        SurveyResult.objects.create(
            school=tenant.school,
            school_year=2020 + n,
            audience="students",
            question="Q",
            respondents=10,
            agree=5,
        )
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("accountability:program", args=[tenant.program.pk]))
    assert len(response.context["survey_years"]) == size


SURVEY_HEADER = "school,school_year,audience,question,respondents,agree\n"


def survey_row(tenant, agree="70", school=None):
    school = school or f"{tenant.district.dpi_code}-{tenant.school.dpi_code}"
    return f"{school},2025,students,I feel safe at school.,100,{agree}\n"


def upload(client, content):
    return client.post(
        reverse("admin:accountability_surveyresult_import"),
        {
            "import_file": SimpleUploadedFile("survey.csv", content.encode()),
            "format": "0",
            "resource": "0",
        },
    )


def test_survey_results_import_whole(client, tenant, state_staff):
    client.force_login(state_staff)
    preview = upload(client, SURVEY_HEADER + survey_row(tenant))
    client.post(
        reverse("admin:accountability_surveyresult_process_import"),
        preview.context["confirm_form"].initial,
    )
    result = SurveyResult.objects.get()
    assert (result.district, result.percent_agree) == (tenant.district, 70)


def test_a_survey_file_with_a_bad_row_imports_nothing(client, tenant, state_staff):
    client.force_login(state_staff)
    content = (
        SURVEY_HEADER
        + survey_row(tenant)
        + survey_row(tenant, agree="150").replace("I feel safe", "Other")
        + survey_row(tenant, school="0000-0000").replace("I feel safe", "Third")
    )
    response = upload(client, content)
    invalid = {r.number: r.field_specific_errors for r in response.context["result"].invalid_rows}
    assert set(invalid) == {2, 3}
    assert "agree" in invalid[2]
    assert "school" in invalid[3]
    assert not SurveyResult.objects.exists()
