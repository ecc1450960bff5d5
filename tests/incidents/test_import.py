"""Agency supervisors import their agency's enforcement actions from its records system: each
action is matched to its incident by case number (created when missing, under rules 2 and 4), shows
where entered ones do, and the file imports whole or not at all, every file tried audited once.
State staff import in the admin through the same service."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability.aggregates import enforcement_of
from incidents import services
from incidents.models import EnforcementAction, Incident
from incidents.resources import ACTION_COLUMNS
from programs.models import MOU, Program
from sro_portal.audit import Actor
from sro_portal.models import AuditLog
from tests.factories import (
    AssignmentFactory,
    EnforcementActionFactory,
    IncidentFactory,
    MOUFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("incidents:import")
DAY = datetime.timedelta(days=1)
COLUMNS = ACTION_COLUMNS
HEADERS = [column.header for column in COLUMNS]


@pytest.fixture
def on_duty(tenant):
    """The tenant's program active under a signed MOU: its SRO serves at its first school."""
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    MOUFactory(program=tenant.program, signed=True)
    return tenant


def code(school):
    return f"{school.district.dpi_code}-{school.dpi_code}"


def values(tenant, **overrides):
    cells = {
        "agency": tenant.agency.ori,
        "case_number": "24-100",
        "school": code(tenant.school),
        "occurred_on": (timezone.localdate() - DAY).isoformat(),
        "occurred_time": "10:15",
        "location": "building",
        "classification": "possibly_illegal",
        "handled_by": "sro",
        "sro_response": "citation",
        "description": "A fight in the cafeteria.",
        "kind": "citation",
        "offense_type": "ordinance",
        "offense_code": "9.41",
        "offense_category": "fighting",
        "referred_for_charging": "No",
        "on_school_property": "Yes",
        "taken_by": "sro",
        "student_age": "15",
        "student_grade": "10",
        "student_gender": "female",
        "student_race": "hispanic",
        "student_disability": "none",
        "student_english_learner": "no",
    }
    cells.update(overrides)
    return cells


def csv_text(*rows, headers=HEADERS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for cells in rows:
        writer.writerow([cells.get(column.name, "") for column in COLUMNS])
    return out.getvalue()


def csv_file(*rows, name="actions.csv"):
    return SimpleUploadedFile(name, csv_text(*rows).encode())


def preview(client, upload):
    return client.post(URL, {"action": "preview", "file": upload})


def confirm(client, response):
    pending = response.context["importer"]["pending"]
    assert pending is not None, problems(response)
    return client.post(URL, {"action": "confirm", "token": pending["token"]})


def imported(client, *rows):
    return confirm(client, preview(client, csv_file(*rows)))


def problems(response):
    return [(p.get("row"), p.get("field"), p["reason"]) for p in response.context["problems"]]


def imports():
    return list(AuditLog.objects.filter(action=AuditLog.Action.IMPORT).order_by("pk"))


def refused(response, row, field, words):
    found = problems(response)
    assert any(r == row and f == field and words in why for r, f, why in found), found


# The page, its template and its columns.


def test_the_page_lists_the_columns_their_codes_and_warns_against_names(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    page = client.get(URL).content.decode()
    assert "Disorderly conduct" in page  # offense categories, from their table
    assert "possibly_illegal" in page and "Possibly illegal conduct" in page
    assert "Section 504 only" in page
    assert "without any student&#x27;s name" in page
    assert "YYYY-MM-DD" in page
    assert on_duty.agency.ori in page


def test_the_template_is_the_supervisors_own_and_round_trips(client, on_duty):
    """Its example names the supervisor's agency and a school it served yesterday, so it imports
    as it is; imported again, nothing changes."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    on_duty.assignment.starts_on = yesterday - datetime.timedelta(days=30)
    on_duty.assignment.save()
    client.force_login(on_duty.agency_supervisor)
    template = client.get(URL, {"download": "template"})
    assert template["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(template.content.decode())))
    assert rows[0] == HEADERS
    assert len(rows) == 3 and rows[1][1] == rows[2][1] == "25-004711"
    first = preview(client, SimpleUploadedFile("template.csv", template.content))
    assert first.context["importer"]["pending"]["totals"] == {"new": 2}
    confirm(client, first)
    incident = Incident.objects.get(case_number="25-004711")
    assert incident.enforcement_actions.count() == 2
    assert timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M") == (
        f"{yesterday.isoformat()} 10:15"
    )
    assert rows[1][0] == on_duty.agency.ori
    before = (Incident.objects.count(), EnforcementAction.objects.count())
    again = preview(client, SimpleUploadedFile("template.csv", template.content))
    assert again.context["importer"]["pending"]["totals"] == {"skip": 2}
    confirm(client, again)
    assert (Incident.objects.count(), EnforcementAction.objects.count()) == before
    assert [e.detail["totals"] for e in imports()] == [{"new": 2}, {"skip": 2}]


def test_the_download_of_recorded_actions_imports_again_unchanged(client, on_duty, other_tenant):
    client.force_login(on_duty.agency_supervisor)
    imported(
        client,
        values(on_duty, description="=1+1 was written on a wall."),
        values(on_duty, student_age="16", student_grade=""),
    )
    download = client.get(URL, {"download": "records"})
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == HEADERS
    assert len(rows) == 4  # the tenant's own action and the two imported; not the other agency's
    assert other_tenant.action.case_number not in download.content.decode()
    assert "Possibly illegal conduct" in rows[1] + rows[2] + rows[3]  # labels, not codes
    assert "'=1+1 was written on a wall." in download.content.decode()  # never a formula
    before = EnforcementAction.objects.count()
    again = preview(client, SimpleUploadedFile("records.csv", download.content))
    assert again.context["importer"]["pending"]["totals"] == {"skip": 3}
    confirm(client, again)
    assert EnforcementAction.objects.count() == before


# Actions attach to incidents: created from the row, or the agency's incident of that number.


def test_rows_of_one_case_share_one_new_incident_made_from_the_first_row(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    before = AuditLog.objects.filter(action=AuditLog.Action.CREATE).count()
    imported(
        client,
        values(on_duty),
        values(on_duty, student_age="16", student_gender="male", description="Later words."),
    )
    incident = Incident.objects.get(case_number="24-100")
    assert (incident.school, incident.agency, incident.program) == (
        on_duty.school,
        on_duty.agency,
        on_duty.program,
    )
    assert incident.reported_by == on_duty.agency_supervisor
    assert incident.description == "A fight in the cafeteria."
    assert (incident.classification, incident.handled_by, incident.sro_response) == (
        "possibly_illegal",
        "sro",
        "citation",
    )
    assert not incident.needs_review
    actions = list(incident.enforcement_actions.order_by("student_age"))
    assert [a.student_age for a in actions] == [15, 16]
    assert {a.recorded_by for a in actions} == {on_duty.agency_supervisor}
    assert {a.district for a in actions} == {on_duty.district}
    # One entry per record created (the incident and both actions), and one for the file.
    created = AuditLog.objects.filter(action=AuditLog.Action.CREATE).count() - before
    assert created == 3
    [entry] = imports()
    assert entry.detail["outcome"] == "accepted" and entry.detail["totals"] == {"new": 2}


def test_an_action_attaches_to_the_agencys_incident_of_that_case_number(client, on_duty):
    on_duty.incident.case_number = "24-200"
    on_duty.incident.save()
    client.force_login(on_duty.agency_supervisor)
    imported(client, values(on_duty, case_number="24-200", description=""))
    assert on_duty.incident.enforcement_actions.filter(case_number="24-200").count() == 1
    assert Incident.objects.count() == 1 + 0  # no incident created
    assert Incident.objects.filter(case_number="24-200").count() == 1


def test_an_incident_recorded_before_case_numbers_is_found_by_its_actions(client, on_duty):
    number = on_duty.action.case_number
    client.force_login(on_duty.agency_supervisor)
    imported(client, values(on_duty, case_number=number, student_age="17"))
    on_duty.incident.refresh_from_db()
    assert on_duty.incident.case_number == number
    assert on_duty.incident.enforcement_actions.count() == 2


def test_imported_actions_show_on_the_incident_the_lists_and_the_reports(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    imported(client, values(on_duty, offense_code="IMPORTED-941"))
    incident = Incident.objects.get(case_number="24-100")
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "IMPORTED-941" in page and "24-100" in page
    listing = client.get(reverse("incidents:incident_list"), {"case_number": "24-100"})
    assert list(listing.context["incident_list"]) == [incident]
    assert "24-100" in listing.content.decode()
    search = client.get(reverse("incidents:incident_list"), {"q": "24-1"})
    assert incident in search.context["incident_list"]
    export = client.get(reverse("incidents:incident_list"), {"export": "csv"}).content.decode()
    assert "Agency case number" in export and "24-100" in export
    actions = client.get(reverse("incidents:enforcementaction_list"))
    assert "IMPORTED-941" in actions.content.decode()
    action = EnforcementAction.objects.get(offense_code="IMPORTED-941")
    assert action in enforcement_of(on_duty.program)
    client.force_login(on_duty.district_admin)
    report = client.get(reverse("accountability:report_enforcement"))
    assert report.status_code == 200
    assert action in report.context["actions"]
    assert (
        report.context["total"]
        == EnforcementAction.objects.visible_to(on_duty.district_admin).count()
    )


# Who may import what.


def test_a_supervisor_may_not_import_for_another_agency(client, on_duty, other_tenant):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(values(on_duty, agency=other_tenant.agency.ori)))
    refused(response, 2, "Agency ORI", "an agency you supervise")
    assert EnforcementAction.objects.filter(case_number="24-100").count() == 0
    assert imports()[0].detail["outcome"] == "refused"


def test_an_action_already_in_another_agency_is_not_reported_as_unchanged(
    client, on_duty, other_tenant
):
    theirs = other_tenant.action
    row = values(
        on_duty,
        agency=other_tenant.agency.ori,
        case_number=theirs.case_number,
        school=code(theirs.school),
        occurred_on=theirs.occurred_on.isoformat(),
        kind=theirs.kind,
        offense_type=theirs.offense_type,
        offense_code=theirs.offense_code,
        offense_category="theft",
        referred_for_charging="Yes",
        taken_by=theirs.taken_by,
        student_race="white",
    )
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(row))
    refused(response, 2, "Agency ORI", "an agency you supervise")


@pytest.mark.parametrize("role", ["district_admin", "building_admin", "sro"])
def test_other_roles_may_not_open_or_use_the_page(client, on_duty, role):
    client.force_login(getattr(on_duty, role))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"download": "template"}).status_code == 403
    assert preview(client, csv_file(values(on_duty))).status_code == 403
    assert imports() == []
    assert not Incident.objects.filter(case_number="24-100").exists()


def test_state_staff_import_for_any_agency(client, on_duty, state_staff):
    client.force_login(state_staff)
    imported(client, values(on_duty))
    assert Incident.objects.get(case_number="24-100").reported_by == state_staff


def test_the_links_show_to_supervisors_only(client, on_duty):
    lists = [reverse("incidents:incident_list"), reverse("incidents:enforcementaction_list")]
    client.force_login(on_duty.agency_supervisor)
    for url in [*lists, reverse("home")]:
        assert "Import from your records system" in client.get(url).content.decode(), url
    client.force_login(on_duty.district_admin)
    for url in lists:
        assert "Import from your records system" not in client.get(url).content.decode()


# Bad files: refused whole, with the reason, audited.


def test_a_file_of_the_wrong_type_is_refused_and_audited(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, SimpleUploadedFile("actions.pdf", b"%PDF-1.4"))
    assert problems(response) == [(None, None, "Upload a .csv or .xlsx file.")]
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"
    assert entry.detail["model"] == "incidents.EnforcementAction"


def test_an_empty_or_too_large_file_is_refused(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    empty = preview(client, SimpleUploadedFile("actions.csv", b""))
    assert problems(empty) == [(None, None, "The file is empty.")]
    header_only = preview(client, csv_file())
    assert problems(header_only) == [(None, None, "The file has no rows under its header row.")]
    # Up to 30 MB a file runs in the background (tests/incidents/test_bulk_import_jobs.py).
    big = preview(client, SimpleUploadedFile("actions.csv", b"x" * (30 * 1024 * 1024 + 1)))
    assert "larger than 30 MB" in problems(big)[0][2]
    assert [e.detail["outcome"] for e in imports()] == ["refused"] * 3


def test_unknown_columns_are_refused(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    text = csv_text(values(on_duty), headers=[*HEADERS[:-1], "Student name"])
    response = preview(client, SimpleUploadedFile("actions.csv", text.encode()))
    assert "columns this import does not know: Student name" in problems(response)[0][2]


def test_duplicate_rows_are_refused(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(values(on_duty), values(on_duty)))
    assert (3, None, "It repeats row 2 exactly.") in problems(response)
    assert not Incident.objects.filter(case_number="24-100").exists()


def test_every_bad_row_is_named_with_its_column_and_nothing_is_saved(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    tomorrow = (timezone.localdate() + DAY).isoformat()
    response = preview(
        client,
        csv_file(
            values(on_duty, case_number="OK-1"),
            values(on_duty, case_number="BAD-2", kind="detention"),
            values(on_duty, case_number="BAD-3", student_race="purple", location="moon"),
            values(on_duty, case_number="BAD-4", occurred_on="14/10/2025"),
            values(on_duty, case_number="BAD-5", occurred_on=tomorrow),
            values(on_duty, case_number="BAD-6", offense_category="jaywalking"),
            values(on_duty, case_number="BAD 7", student_age="40"),
            values(on_duty, case_number="BAD-8", referred_for_charging="maybe"),
        ),
    )
    assert response.context["importer"]["pending"] is None
    refused(response, 3, "Kind", "'detention' is not one of the allowed values: arrest")
    refused(response, 4, "Student race/ethnicity", "'purple' is not one of the allowed values")
    refused(response, 4, "Location", "'moon' is not one of the allowed values")
    refused(response, 5, "Date", "YYYY-MM-DD")
    refused(response, 6, "Date", "future")
    refused(response, 7, "Offense category", "'jaywalking' is not one of the offense categories")
    refused(response, 8, "Case number", "Letters, digits and dashes only.")
    refused(response, 8, "Student age", "")
    refused(response, 9, "Referred for charging", "write Yes or No")
    assert not any(r == 2 for r, _, _ in problems(response))
    assert "nothing was saved" in response.content.decode()
    assert not Incident.objects.filter(case_number__in=["OK-1", "24-100"]).exists()
    [entry] = imports()
    assert entry.detail["outcome"] == "refused" and entry.detail["rows"] == 8


def test_no_active_assignment_refuses_the_incident_naming_the_row(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(values(on_duty, school=code(on_duty.other_school))))
    refused(response, 2, "School", "holds no active assignment at")
    before = (on_duty.assignment.starts_on - DAY).isoformat()
    response = preview(client, csv_file(values(on_duty, occurred_on=before)))
    refused(response, 2, "School", "holds no active assignment")


def test_a_school_of_another_agency_is_refused(client, on_duty, other_tenant):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(values(on_duty, school=code(other_tenant.school))))
    refused(response, 2, "School", "holds no active assignment")


def test_an_unsigned_mou_refuses_the_incident(client, tenant):
    Program.objects.filter(pk=tenant.program.pk).update(status=Program.Status.ACTIVE)
    client.force_login(tenant.agency_supervisor)
    response = preview(client, csv_file(values(tenant)))
    refused(response, 2, "School", "signed MOU in force")


def test_a_case_number_used_at_another_school_is_refused(client, on_duty):
    AssignmentFactory(program=on_duty.program, school=on_duty.other_school, officer=on_duty.sro)
    on_duty.incident.case_number = "24-300"
    on_duty.incident.save()
    client.force_login(on_duty.agency_supervisor)
    row = values(on_duty, case_number="24-300", school=code(on_duty.other_school))
    response = preview(client, csv_file(row))
    refused(response, 2, "Case number", f"on an incident at {on_duty.school}")
    # Within one file too: the first row's school makes the incident.
    response = preview(
        client,
        csv_file(values(on_duty), values(on_duty, school=code(on_duty.other_school))),
    )
    refused(response, 3, "Case number", "already used by this agency")


def test_another_agencys_case_number_is_its_own(client, on_duty, other_tenant):
    other_tenant.incident.case_number = "24-100"
    other_tenant.incident.save()
    client.force_login(on_duty.agency_supervisor)
    imported(client, values(on_duty))
    mine = Incident.objects.get(agency=on_duty.agency, case_number="24-100")
    assert mine != other_tenant.incident
    assert other_tenant.incident.enforcement_actions.count() == 1


def test_an_arrest_on_discipline_only_is_refused(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(
        client,
        csv_file(values(on_duty, classification="disciplinary", kind="arrest", sro_response="")),
    )
    refused(response, 2, "Classification", "Disciplinary misconduct is the school's")
    IncidentFactory(
        program=on_duty.program,
        school=on_duty.school,
        classification="disciplinary",
        sro_response="warning",
        case_number="24-400",
    )
    response = preview(client, csv_file(values(on_duty, case_number="24-400", kind="arrest")))
    refused(response, 2, "Kind", "classified as disciplinary misconduct")


def test_incident_columns_are_needed_to_create_an_incident(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(values(on_duty, location="", description="")))
    refused(response, 2, "Location", "")
    refused(response, 2, "What happened", "")


def test_labels_are_accepted_for_codes_and_an_xlsx_file_imports(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    row = values(
        on_duty,
        kind="Citation or ticket",
        student_race="Hispanic/Latino",
        offense_category="Fighting",
        occurred_on=timezone.localdate() - DAY,
        student_age=15,
        occurred_time="2:30 PM",
    )
    sheet.append([row[column.name] for column in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    confirm(client, preview(client, SimpleUploadedFile("actions.xlsx", out.getvalue())))
    action = EnforcementAction.objects.get(case_number="24-100")
    assert (action.kind, action.student_race, action.offense_category.code) == (
        "citation",
        "hispanic",
        "fighting",
    )
    assert timezone.localtime(action.incident.occurred_at).hour == 14


def test_a_confirmation_checks_the_file_again(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    response = preview(client, csv_file(values(on_duty)))
    MOU.objects.filter(program=on_duty.program).update(state=MOU.State.DRAFT)
    refusal = confirm(client, response)
    refused(refusal, 2, "School", "holds no active assignment")
    assert not Incident.objects.filter(case_number="24-100").exists()
    assert [e.detail["outcome"] for e in imports()] == ["refused"]


def test_the_page_runs_a_fixed_number_of_queries(client, on_duty, django_assert_max_num_queries):
    client.force_login(on_duty.agency_supervisor)
    with django_assert_max_num_queries(12):
        client.get(URL)


# Recording on the site: the incident takes the case number; an action carries its incident's.


def test_an_incident_takes_the_case_number_of_its_first_action(on_duty):
    incident = IncidentFactory(program=on_duty.program, school=on_duty.school)
    action = EnforcementActionFactory.build(incident=incident, case_number="24-500")
    action.offense_category.save()
    services.enforcement_action_record(
        actor=Actor(user=on_duty.agency_supervisor), action=action, incident=incident
    )
    incident.refresh_from_db()
    assert incident.case_number == "24-500"
    other = EnforcementActionFactory.build(incident=incident, case_number="24-501")
    with pytest.raises(Exception, match="case number is 24-500"):
        services.enforcement_action_record(
            actor=Actor(user=on_duty.agency_supervisor), action=other, incident=incident
        )
    second = IncidentFactory(program=on_duty.program, school=on_duty.school)
    taken = EnforcementActionFactory.build(incident=second, case_number="24-500")
    with pytest.raises(Exception, match="already used on another incident"):
        services.enforcement_action_record(
            actor=Actor(user=on_duty.agency_supervisor), action=taken, incident=second
        )


def test_a_case_number_is_unique_per_agency_in_the_database(on_duty):
    from django.db import IntegrityError, transaction

    IncidentFactory(program=on_duty.program, school=on_duty.school, case_number="24-600")
    IncidentFactory(program=on_duty.program, school=on_duty.school)  # blank numbers repeat
    IncidentFactory(program=on_duty.program, school=on_duty.school)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(program=on_duty.program, school=on_duty.school, case_number="24-600")


# The admin: state staff import through the same service, under the same rules.


def admin_upload(client, text):
    return client.post(
        reverse("admin:incidents_enforcementaction_import"),
        {
            "import_file": SimpleUploadedFile("actions.csv", text.encode()),
            "format": "0",
            "resource": "0",
        },
    )


def test_the_admin_import_attaches_actions_to_incidents(client, on_duty, state_staff):
    client.force_login(state_staff)
    response = admin_upload(client, csv_text(values(on_duty), values(on_duty, student_age="16")))
    form = response.context["confirm_form"]
    client.post(reverse("admin:incidents_enforcementaction_process_import"), form.initial)
    incident = Incident.objects.get(case_number="24-100")
    assert incident.enforcement_actions.count() == 2
    assert incident.reported_by == state_staff


def test_the_admin_import_enforces_the_same_rules(client, on_duty, state_staff):
    client.force_login(state_staff)
    school = SchoolFactory(district=on_duty.district)
    content = csv_text(
        values(on_duty, case_number="A-1", school=code(school)),
        values(on_duty, case_number="A-2", classification="disciplinary", kind="arrest"),
        values(on_duty, case_number="A-3", occurred_on=(timezone.localdate() + DAY).isoformat()),
    )
    response = admin_upload(client, content)
    assert "confirm_form" not in response.context
    invalid = {r.number: r.field_specific_errors for r in response.context["result"].invalid_rows}
    assert "no active assignment" in invalid[1]["school"][0]
    assert "Disciplinary misconduct" in invalid[2]["classification"][0]
    assert "future" in invalid[3]["occurred_on"][0]
    assert not Incident.objects.filter(case_number__startswith="A-").exists()


def test_the_migration_gives_incidents_their_actions_case_number(tenant):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("incidents.migrations.0005_incident_case_number")
    mixed = IncidentFactory(program=tenant.program, school=tenant.school)
    EnforcementActionFactory(incident=mixed, case_number="M-1")
    EnforcementActionFactory(incident=mixed, case_number="M-2")
    migration.case_numbers_from_actions(apps, None)
    tenant.incident.refresh_from_db()
    mixed.refresh_from_db()
    assert tenant.incident.case_number == tenant.action.case_number
    assert mixed.case_number == ""
