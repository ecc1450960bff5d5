"""Requirements, completions and certificates: the refusals, the scoping and the audit."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from tests.factories import PDF_BYTES, CompletionFactory, CourseFactory, RequirementFactory
from training import services
from training.models import Completion, Course, Requirement, Topic
from training.summary import refresh_all

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


# Requirements: a program adds to the statewide ones, never lowers them.


@pytest.mark.parametrize(
    ("change", "allowed"),
    [
        ({}, True),
        ({"min_hours": Decimal("12")}, True),
        ({"min_hours": Decimal("4")}, False),
        ({"frequency": "every_n_years", "every_n_years": 2}, False),
        ({"frequency": "once"}, False),
        ({"deadline_days": 400}, False),
        ({"deadline_days": 90}, True),
    ],
)
def test_a_program_requirement_may_not_be_lower_than_the_statewide_one(tenant, change, allowed):
    RequirementFactory()  # statewide: SROs, 8 h of de-escalation, yearly, within 365 days
    requirement = RequirementFactory.build(program=tenant.program, **change)
    actor = Actor(user=tenant.district_admin)
    if allowed:
        services.requirement_save(actor=actor, requirement=requirement)
        assert requirement.pk
    else:
        with pytest.raises(ValidationError) as error:
            services.requirement_save(actor=actor, requirement=requirement)
        assert "statewide" in error.value.message_dict["min_hours"][0]


def test_the_requirement_form_refuses_a_lower_requirement_beside_the_field(client, tenant):
    RequirementFactory()
    Requirement.objects.filter(program=tenant.program).delete()
    client.force_login(tenant.agency_supervisor)
    response = client.post(
        reverse("training:requirement_create", args=[tenant.program.pk]),
        {
            "audience": "sro",
            "topic": Topic.objects.get(code="de-escalation").pk,
            "min_hours": "2",
            "frequency": "yearly",
            "deadline_days": "365",
        },
    )
    assert "min_hours" in response.context["form"].errors
    assert response.context["form"]["min_hours"].value() == "2"
    assert not Requirement.objects.filter(program=tenant.program).exists()


def test_a_requirement_names_a_topic_or_a_course_not_both(tenant):
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementFactory(course=tenant.course)
    with pytest.raises(ValidationError):
        RequirementFactory.build(topic=None).full_clean()


def test_every_n_years_needs_its_number(tenant):
    with pytest.raises(ValidationError) as error:
        RequirementFactory.build(frequency="every_n_years").full_clean()
    assert "every_n_years" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementFactory(frequency="yearly", every_n_years=3)


def test_only_the_programs_sides_set_its_requirements(tenant):
    requirement = RequirementFactory.build(program=tenant.program, min_hours=10)
    for user in (tenant.building_admin, tenant.sro):
        with pytest.raises(ValidationError):
            services.requirement_save(actor=Actor(user=user), requirement=requirement)
    with pytest.raises(ValidationError):
        services.requirement_save(
            actor=Actor(user=tenant.district_admin),
            requirement=RequirementFactory.build(min_hours=10),
        )


def test_statewide_requirements_are_seen_by_all_and_program_ones_in_scope(tenant, other_tenant):
    statewide = RequirementFactory()
    seen = set(Requirement.objects.visible_to(tenant.sro))
    assert seen == {statewide, tenant.requirement}


# Completions: refusals beside the field, nothing saved.


def completion_data(tenant, **overrides):
    data = {
        "person": tenant.sro.pk,
        "course": tenant.course.pk,
        "completed_on": (TODAY - DAY).isoformat(),
        "hours": "8",
        "outcome": "completed",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": "-3"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "9"}, "hours"),  # the course lasts 8
        ({"hours": "9999"}, "hours"),
        ({"completed_on": (TODAY + DAY).isoformat()}, "completed_on"),
        ({"outcome": "passed"}, "score"),
        ({"score": "80"}, "score"),
    ],
)
def test_bad_completions_are_refused_beside_the_field(client, tenant, overrides, field):
    client.force_login(tenant.sro)
    before = Completion.objects.count()
    response = client.post(
        reverse("training:completion_create"), completion_data(tenant, **overrides)
    )
    assert field in response.context["form"].errors
    assert response.context["form"]["course"].value() == str(tenant.course.pk)
    assert Completion.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"just text pretending", "must be a PDF, PNG or JPEG"),
        ("big.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
        ("photo.png", b"GIF89a not a png", "must be a PDF, PNG or JPEG"),
    ],
)
def test_a_certificate_that_is_not_a_pdf_or_image_or_too_big_is_refused(
    client, tenant, name, content, message
):
    client.force_login(tenant.sro)
    before = Completion.objects.count()
    response = client.post(
        reverse("training:completion_create"),
        {**completion_data(tenant), "certificate": SimpleUploadedFile(name, content)},
    )
    assert message in response.context["form"].errors["certificate"][0]
    assert Completion.objects.count() == before


def test_an_sro_records_their_own_training_unverified(client, tenant):
    client.force_login(tenant.sro)
    response = client.post(
        reverse("training:completion_create"),
        {
            **completion_data(tenant),
            "certificate": SimpleUploadedFile("my-certificate.pdf", PDF_BYTES),
        },
    )
    assert response.url == reverse("training:my_training")
    completion = Completion.objects.latest("pk")
    assert completion.verified_by is None
    assert completion.certificate.name.startswith("certificates/")
    assert "my-certificate" not in completion.certificate.name
    assert AuditLog.objects.filter(action="create", content_type__model="completion").exists()


def test_a_supervisor_records_for_an_officer_and_it_counts_as_verified(client, tenant):
    client.force_login(tenant.agency_supervisor)
    client.post(reverse("training:completion_create"), completion_data(tenant))
    completion = Completion.objects.latest("pk")
    assert completion.verified_by == tenant.agency_supervisor


def test_nobody_records_training_for_someone_outside_their_staff(client, tenant, other_tenant):
    client.force_login(tenant.agency_supervisor)
    response = client.post(
        reverse("training:completion_create"), completion_data(tenant, person=other_tenant.sro.pk)
    )
    assert "person" in response.context["form"].errors
    client.force_login(tenant.sro)
    response = client.post(
        reverse("training:completion_create"),
        completion_data(tenant, person=tenant.agency_supervisor.pk),
    )
    assert "person" in response.context["form"].errors


def test_verification_is_by_an_overseer_not_oneself(client, tenant):
    completion = CompletionFactory(person=tenant.sro, course=tenant.course)
    with pytest.raises(ValidationError):
        services.completion_verify(actor=Actor(user=tenant.sro), completion=completion)
    client.force_login(tenant.district_admin)
    client.post(reverse("training:completion_verify", args=[completion.pk]))
    completion.refresh_from_db()
    assert completion.verified_by == tenant.district_admin


def test_a_certificate_is_served_in_scope_only_and_each_view_is_audited(
    client, tenant, other_tenant
):
    url = reverse("training:certificate", args=[tenant.completion.pk])
    for user in (
        tenant.sro,
        tenant.agency_supervisor,
        tenant.district_admin,
        tenant.building_admin,
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditLog.objects.filter(action="view", content_type__model="completion").count() == 4
    for user in (other_tenant.sro, other_tenant.district_admin, other_tenant.agency_supervisor):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_training_records_of_another_district_answer_404(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    assert client.get(reverse("training:person_training", args=[tenant.sro.pk])).status_code == 200
    response = client.get(reverse("training:person_training", args=[other_tenant.sro.pk]))
    assert response.status_code == 404


def test_the_record_shows_hours_by_topic_and_flags_repeats(client, tenant):
    CompletionFactory(person=tenant.sro, course=tenant.course)
    client.force_login(tenant.sro)
    response = client.get(reverse("training:my_training"))
    page = response.content.decode()
    assert "Repeated" in page and "Covered more than once" not in page
    [row] = response.context["topics"]
    assert (row["hours"], row["course_count"]) == (Decimal("16"), 1)
    CompletionFactory(person=tenant.sro, course=CourseFactory(hours=Decimal("2")))
    response = client.get(reverse("training:my_training"))
    assert "Covered more than once" in response.content.decode()
    [row] = response.context["topics"]
    assert (row["hours"], row["course_count"]) == (Decimal("18"), 2)


# Compliance pages and export.


def test_the_compliance_page_and_export_list_who_is_out_of_compliance(client, tenant):
    RequirementFactory(frequency="once", deadline_days=10, topic=Topic.objects.get(code="aoda"))
    tenant.sro.memberships.update(started_on=TODAY - 100 * DAY)
    client.force_login(tenant.district_admin)
    response = client.get(reverse("training:compliance") + f"?program={tenant.program.pk}")
    people = {r.person: r.status for r in response.context["results"]}
    assert people[tenant.sro] == "overdue"
    export = client.get(
        reverse("training:compliance"), {"program": tenant.program.pk, "export": "csv"}
    )
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("Person,Username,Account or roster,Audience,School,District,Status")
    assert any(tenant.sro.username in row and "Overdue" in row for row in rows[1:])


def test_compliance_of_another_districts_program_answers_404(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    url = reverse("training:compliance") + f"?program={other_tenant.program.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("training:compliance") + "?program=abc").status_code == 404


def test_an_sro_sees_what_is_due_on_their_home_page(client, tenant):
    RequirementFactory(frequency="once", deadline_days=30, topic=Topic.objects.get(code="aoda"))
    tenant.sro.memberships.update(started_on=TODAY - 10 * DAY)
    client.force_login(tenant.sro)
    page = client.get(reverse("home")).content.decode()
    assert "Your training" in page and "Due soon" in page and "h to go by" in page


def test_the_course_catalog_filters_by_topic_and_audience(client, tenant):
    teachers = CourseFactory(
        title="For teachers", audiences=["teacher"], topics=[Topic.objects.get(code="aoda")]
    )
    client.force_login(tenant.sro)
    aoda = Topic.objects.get(code="aoda").pk
    listed = client.get(reverse("training:course_list") + f"?topic={aoda}").context["object_list"]
    assert list(listed) == [teachers]
    listed = client.get(reverse("training:course_list") + "?audience=sro").context["object_list"]
    assert teachers not in listed


def test_thirteen_topics_are_seeded():
    assert Topic.objects.count() == 13
    assert Topic.objects.filter(code="mandatory-reporting").exists()


# Imports: whole files or nothing.


def upload(client, model, content, name="file.csv", file_format="0"):
    return client.post(
        reverse(f"admin:training_{model}_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": file_format, "resource": "0"},
    )


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(reverse(f"admin:training_{model}_process_import"), form.initial)


def test_courses_import_with_their_topics(client, state_staff):
    client.force_login(state_staff)
    content = (
        b"title,provider,topics,hours,delivery,audiences,collaborative,learning_outcomes,"
        b"description\n"
        b"Youth Mental Health First Aid,,mental-health;aoda,8,in_person,sro;teacher,1,"
        b"Spot a crisis,\n"
    )
    confirm(client, "course", upload(client, "course", content))
    course = Course.objects.get(title="Youth Mental Health First Aid")
    assert set(course.topics.values_list("code", flat=True)) == {"mental-health", "aoda"}
    assert course.audiences == ["sro", "teacher"]


def test_a_course_file_with_an_unknown_topic_imports_nothing(client, state_staff):
    client.force_login(state_staff)
    content = (
        b"title,provider,topics,hours,delivery,audiences,collaborative,learning_outcomes,"
        b"description\n"
        b"Good course,,aoda,2,online,sro,0,Know,\n"
        b"Bad course,,astrology,2,online,sro,0,Know,\n"
    )
    response = upload(client, "course", content)
    assert "confirm_form" not in response.context
    [(line, [error])] = response.context["result"].row_errors()
    assert line == 2
    assert str(error.error) == "Unknown topic code: astrology."
    assert "Unknown topic code: astrology." in response.content.decode()
    assert not Course.objects.filter(title__in=["Good course", "Bad course"]).exists()


def test_completions_import_all_or_nothing_naming_each_bad_row(client, state_staff, tenant):
    client.force_login(state_staff)
    header = "username,course,completed_on,hours,outcome,score,verified_by,verified_on\n"
    good = f"{tenant.sro.username},{tenant.course.title},{TODAY - DAY},8,completed,,,\n"
    future = f"{tenant.sro.username},{tenant.course.title},{TODAY + 5 * DAY},8,completed,,,\n"
    unknown = f"nobody,{tenant.course.title},{TODAY - DAY},8,completed,,,\n"
    before = Completion.objects.count()
    response = upload(client, "completion", (header + good + future + unknown).encode())
    invalid = {
        row.number: row.field_specific_errors for row in response.context["result"].invalid_rows
    }
    assert set(invalid) == {2, 3}
    assert "completed_on" in invalid[2]
    assert invalid[3] == {"person": ["No person is called 'nobody'."]}
    assert Completion.objects.count() == before
    confirm(client, "completion", upload(client, "completion", (header + good).encode()))
    assert Completion.objects.count() == before + 1


def test_completions_export_as_xlsx(client, state_staff, tenant):
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:training_completion_export"),
        {
            "format": "1",
            "resource": "0",
            "completionresource_person": "on",
            "completionresource_course": "on",
        },
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["username", "course"]
    assert [c.value for c in sheet[2]] == [tenant.sro.username, tenant.course.title]


@pytest.mark.parametrize("size", [1, 10])
def test_training_pages_run_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size
):
    from sro_portal.roles import Role
    from tests.factories import AssignmentFactory, user_with_role

    RequirementFactory()
    for _ in range(size):
        officer = user_with_role(Role.SRO, agency=tenant.agency)
        AssignmentFactory(program=tenant.program, school=tenant.school, officer=officer)
        CompletionFactory(person=officer, course=tenant.course)
        CompletionFactory(person=tenant.sro, course=CourseFactory())
    refresh_all()  # the compliance summary, as the services and the daily command keep it
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("training:compliance")).status_code == 200
    with django_assert_max_num_queries(14):
        url = reverse("training:person_training", args=[tenant.sro.pk])
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("training:course_list")).status_code == 200
