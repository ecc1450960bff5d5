"""A whole file of enforcement actions is read, checked and saved together: the same refusals as
row by row, nothing saved when any row is refused, and a fixed number of queries whatever the
number of rows (lookups once per file, inserts in batches)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import EnforcementAction, Incident
from incidents.resources import EnforcementActionResource
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from tests.factories import EnforcementActionFactory, IncidentFactory
from tests.incidents import test_import as row_by_row
from tests.incidents.test_import import (
    admin_upload,
    code,
    confirm,
    csv_file,
    csv_text,
    imported,
    preview,
    problems,
    refused,
    values,
)

pytestmark = pytest.mark.django_db

on_duty = row_by_row.on_duty  # the fixture: a program active under a signed MOU

DAY = datetime.timedelta(days=1)


def rows(tenant, count, **overrides):
    """`count` actions, each of its own case (so each makes an incident), over several days."""
    today = timezone.localdate()
    return [
        values(
            tenant,
            case_number=f"B-{n}",
            occurred_on=(today - DAY * (1 + n % 5)).isoformat(),
            student_age=str(10 + n % 8),
            **overrides,
        )
        for n in range(count)
    ]


def created():
    return AuditLog.objects.filter(action=AuditLog.Action.CREATE).count()


def test_a_file_of_many_cases_makes_one_incident_per_case_and_audits_each_record(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    before = created()
    file_rows = rows(on_duty, 30)
    file_rows.append(values(on_duty, case_number="B-0", student_age="21"))  # a second student
    response = imported(client, *file_rows)
    assert response.status_code == 302
    assert EnforcementAction.objects.filter(case_number__startswith="B-").count() == 31
    assert Incident.objects.filter(case_number__startswith="B-").count() == 30
    assert Incident.objects.get(case_number="B-0").enforcement_actions.count() == 2
    assert created() - before == 61
    entry = AuditLog.objects.filter(action=AuditLog.Action.CREATE, detail__imported=True).last()
    assert entry.changes and entry.object_id
    [accepted] = AuditLog.objects.filter(action=AuditLog.Action.IMPORT)
    assert accepted.detail["totals"] == {"new": 31} and accepted.detail["rows"] == 31


def test_a_bad_row_anywhere_saves_nothing(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    good = rows(on_duty, 40)
    good[37]["student_race"] = "purple"
    response = confirm(client, preview(client, csv_file(*good[:37], *good[38:])))
    assert response.status_code == 302
    # The same file with its bad row, at the end: refused whole.
    EnforcementAction.objects.all().delete()
    Incident.objects.filter(case_number__startswith="B-").delete()
    response = preview(client, csv_file(*good))
    refused(response, 39, "Student race/ethnicity", "'purple' is not one of the allowed values")
    assert response.context["importer"]["pending"] is None
    assert not Incident.objects.filter(case_number__startswith="B-").exists()


def test_a_row_refused_only_at_confirmation_saves_nothing_of_the_others(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(*rows(on_duty, 20)))
    # Meanwhile another import takes case B-19 at another school.
    IncidentFactory(program=on_duty.program, school=on_duty.other_school, case_number="B-19")
    refusal = confirm(client, response)
    refused(refusal, 21, "Case number", "already used by this agency")
    assert not EnforcementAction.objects.filter(case_number__startswith="B-").exists()
    assert Incident.objects.filter(case_number__startswith="B-").count() == 1


@pytest.mark.parametrize("count", [10, 500])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(
    client, on_duty, django_assert_max_num_queries, count
):
    client.force_login(on_duty.agency_supervisor)
    upload = csv_file(*rows(on_duty, count))
    with django_assert_max_num_queries(30):
        response = preview(client, upload)
    assert response.context["importer"]["pending"]["rows"] == count
    with CaptureQueriesContext(connection) as confirmation:
        response = confirm(client, response)
    assert EnforcementAction.objects.filter(case_number__startswith="B-").count() == count
    inserts = [q for q in confirmation if q["sql"].startswith("INSERT")]
    assert len(confirmation) - len(inserts) <= 30
    # Three tables (incidents, actions, audit entries), in batches of 2,000 rows; SQLite takes at
    # most 999 values a statement, so there a batch holds fewer rows.
    if connection.vendor == "postgresql":
        assert len(inserts) <= 5


def test_the_service_reads_a_file_in_a_fixed_number_of_queries(on_duty, django_assert_num_queries):
    """The resource's lookups (agencies, schools, categories, earlier actions) and the service's
    (permission, incidents by case number, assignments, MOUs): one query each per file."""
    file_rows = rows(on_duty, 200)
    resource = EnforcementActionResource(actor=Actor(user=on_duty.agency_supervisor))
    import tablib

    dataset = tablib.Dataset().load(csv_text(*file_rows), format="csv")
    with django_assert_num_queries(11):
        result = resource.import_data(dataset, dry_run=True)
    assert not result.has_validation_errors(), result.invalid_rows[:1]
    assert result.totals["new"] == 200
    assert not EnforcementAction.objects.filter(case_number__startswith="B-").exists()


def test_refusals_are_those_of_the_row_by_row_rules(client, on_duty, other_tenant):
    on_duty.incident.case_number = "OLD-1"
    on_duty.incident.save()
    IncidentFactory(
        program=on_duty.program,
        school=on_duty.school,
        classification="disciplinary",
        sro_response="warning",
        case_number="DISC-1",
    )
    client.force_login(on_duty.agency_supervisor)
    response = preview(
        client,
        csv_file(
            values(on_duty, case_number="OK-1"),
            values(on_duty, case_number="OLD-1", school=code(on_duty.other_school)),
            values(on_duty, case_number="DISC-1", kind="arrest"),
            values(on_duty, case_number="NEW-1", classification="disciplinary", kind="arrest"),
            values(on_duty, case_number="NEW-2", agency=other_tenant.agency.ori),
            values(on_duty, case_number="NEW-3", location=""),
        ),
    )
    refused(response, 3, "Case number", "already used by this agency")
    refused(response, 4, "Kind", "classified as disciplinary misconduct")
    refused(response, 5, "Classification", "Disciplinary misconduct is the school's")
    refused(response, 6, "Agency ORI", "only the records of an agency you supervise")
    refused(response, 7, "Location", "")
    assert not any(row == 2 for row, _, _ in problems(response))


def test_an_action_imported_before_is_left_unchanged(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    file_rows = rows(on_duty, 5)
    imported(client, *file_rows)
    response = preview(client, csv_file(*file_rows, *rows(on_duty, 7)[5:]))
    assert response.context["importer"]["pending"]["totals"] == {"new": 2, "skip": 5}


def test_a_legacy_incident_takes_the_case_number_of_its_first_imported_action(on_duty):
    legacy = IncidentFactory(program=on_duty.program, school=on_duty.school)
    EnforcementActionFactory(incident=legacy, case_number="L-1")
    Incident.objects.filter(pk=legacy.pk).update(case_number="")
    action = EnforcementActionFactory.build(
        agency=on_duty.agency,
        school=on_duty.school,
        case_number="L-1",
        occurred_on=timezone.localdate() - DAY,
    )
    action.offense_category.save()
    services.enforcement_action_import(
        actor=Actor(user=on_duty.agency_supervisor), action=action, incident=Incident()
    )
    legacy.refresh_from_db()
    assert action.incident == legacy and legacy.case_number == "L-1"


def test_the_admin_imports_many_rows_in_its_two_passes(client, on_duty, state_staff):
    client.force_login(state_staff)
    response = admin_upload(client, csv_text(*rows(on_duty, 300)))
    form = response.context["confirm_form"]
    assert response.context["result"].totals["new"] == 300
    assert not EnforcementAction.objects.filter(case_number__startswith="B-").exists()
    client.post(reverse("admin:incidents_enforcementaction_process_import"), form.initial)
    assert EnforcementAction.objects.filter(case_number__startswith="B-").count() == 300
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1


def test_text_with_tabs_newlines_and_backslashes_is_saved_as_written(client, on_duty):
    """On PostgreSQL the rows go in by COPY, whose text format escapes these."""
    client.force_login(on_duty.agency_supervisor)
    words = 'Line one\nline\ttwo \\ three "quoted" \\N'
    imported(client, values(on_duty, case_number="T-1", description=words))
    incident = Incident.objects.get(case_number="T-1")
    assert incident.description == words
    entry = AuditLog.objects.get(
        object_id=str(incident.pk),
        action=AuditLog.Action.CREATE,
        content_type=ContentType.objects.get_for_model(Incident),
    )
    assert entry.changes["description"] == words and entry.detail == {"imported": True}
