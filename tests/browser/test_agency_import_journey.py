"""An agency supervisor imports enforcement actions from the agency's records system: a file with
one bad row is refused with the row named, the corrected file is previewed and confirmed, and the
actions are found on their incidents; a year's file too large for a request runs in the
background while the page shows how far it has got, then what it imported. axe-core checks every
page the journey reaches."""

import csv
import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import ActivityType, EnforcementAction, Incident, OffenseCategory
from incidents.resources import ACTION_COLUMNS
from programs.models import Program
from sro_portal.imports import MAX_ROWS
from sro_portal.jobs import import_jobs_run_waiting
from sro_portal.models import ImportJob
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    MOUFactory,
    ProgramFactory,
    SchoolFactory,
    enforcement_action_file,
    seeded,
    user_with_role,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

SCHOOL = "Riverside High School"


@pytest.fixture
def supervisor():
    """The supervisor of an agency whose SRO serves, under a signed MOU in force, at one school."""
    seeded(ActivityType, "patrol")
    seeded(OffenseCategory, "fighting")
    school = SchoolFactory(name=SCHOOL)
    agency = AgencyFactory(name="Riverside Police Department")
    program = ProgramFactory(
        district=school.district,
        agency=agency,
        name="Riverside SRO Program",
        status=Program.Status.ACTIVE,
    )
    MOUFactory(program=program, signed=True)
    officer = user_with_role(Role.SRO, agency=agency, username="r.sro")
    AssignmentFactory(program=program, school=school, officer=officer)
    return user_with_role(
        Role.AGENCY_SUPERVISOR,
        agency=agency,
        username="r.supervisor",
        first_name="Dana",
        last_name="Okafor",
    )


def write_file(path, agency, school, *, second_kind):
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    common = {
        "agency": agency.ori,
        "school": f"{school.district.dpi_code}-{school.dpi_code}",
        "occurred_on": day,
        "occurred_time": "11:40",
        "location": "grounds",
        "classification": "possibly_illegal",
        "handled_by": "sro",
        "sro_response": "citation",
        "description": "A fight by the bus loop after lunch.",
        "offense_type": "ordinance",
        "offense_code": "9.41",
        "offense_category": "fighting",
        "referred_for_charging": "No",
        "on_school_property": "Yes",
        "taken_by": "sro",
        "student_grade": "10",
        "student_disability": "none",
        "student_english_learner": "no",
    }
    rows = [
        {
            **common,
            "case_number": "RPD-24-0101",
            "kind": "citation",
            "student_age": "15",
            "student_gender": "female",
            "student_race": "black",
        },
        {
            **common,
            "case_number": "RPD-24-0102",
            "kind": second_kind,
            "student_age": "16",
            "student_gender": "male",
            "student_race": "white",
            "referred_for_charging": "Yes",
        },
    ]
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([column.header for column in ACTION_COLUMNS])
        for row in rows:
            writer.writerow([row.get(column.name, "") for column in ACTION_COLUMNS])
    return path


def test_a_supervisor_fixes_a_bad_row_imports_and_finds_the_actions(
    page, live_server, login, check_a11y, supervisor, tmp_path
):
    agency = supervisor.memberships.get().agency
    school = Program.objects.get(agency=agency).assignments.get().school
    login(page, live_server, "r.supervisor", a11y=True)
    check_a11y(page)

    page.get_by_role("link", name="Import from your records system").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from your records system")
    check_a11y(page)

    bad = write_file(tmp_path / "records.csv", agency, school, second_kind="detention")
    page.get_by_label("CSV or Excel (.xlsx) file, at most 30 MB").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Row 3, Kind: 'detention' is not one of the allowed values")
    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    check_a11y(page)
    assert EnforcementAction.objects.count() == 0

    fixed = write_file(tmp_path / "records.csv", agency, school, second_kind="referral")
    page.get_by_label("CSV or Excel (.xlsx) file, at most 30 MB").set_input_files(str(fixed))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Check records.csv before it is saved")).to_be_visible()
    expect(page.get_by_text("2 to add")).to_be_visible()
    check_a11y(page)
    assert EnforcementAction.objects.count() == 0
    page.get_by_role("button", name="Import these 2 rows").click()
    expect(page.get_by_text("records.csv imported: 2 added")).to_be_visible()
    check_a11y(page)

    page.goto(f"{live_server.url}/field/incidents/")
    check_a11y(page)
    for case_number, kind in (("RPD-24-0101", "Citation or ticket"), ("RPD-24-0102", "Referral")):
        incident = Incident.objects.get(case_number=case_number)
        page.goto(f"{live_server.url}/field/incidents/")
        row = page.get_by_role("row").filter(has_text=case_number)
        row.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Incident at {SCHOOL}")
        assert page.url.endswith(incident.get_absolute_url())
        actions = page.get_by_role("region", name="Enforcement actions")
        expect(actions).to_contain_text(kind)
        expect(actions).to_contain_text(case_number)
        check_a11y(page)

    page.goto(f"{live_server.url}/field/enforcement/")
    expect(page.get_by_text("2 enforcement actions.")).to_be_visible()
    check_a11y(page)


def test_a_year_of_actions_imports_in_the_background_while_the_page_shows_progress(
    page, live_server, login, check_a11y, supervisor, tmp_path
):
    agency = supervisor.memberships.get().agency
    school = Program.objects.get(agency=agency).assignments.get().school
    rows = MAX_ROWS + 1
    year = tmp_path / "year.csv"
    year.write_bytes(enforcement_action_file(agency, [school], rows, "RPD-Y"))
    login(page, live_server, "r.supervisor")
    page.get_by_role("link", name="Import from your records system").click()
    page.get_by_label("CSV or Excel (.xlsx) file, at most 30 MB").set_input_files(str(year))

    # The live server shares this test's SQLite connection, so no poll of the page may reach it
    # while the worker runs here. Playwright calls a route's handler only while the test waits on
    # the browser: a poll sent while the worker runs is held in the browser until it is done.
    polls_in_flight = set()

    def let_through(route):
        polls_in_flight.add(route.request)
        route.continue_()

    page.route(re.compile(r"status=json"), let_through)

    def answered(request):
        polls_in_flight.discard(request)

    page.on("requestfinished", answered)
    page.on("requestfailed", answered)
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/field/import/\?job=\d+$"))
    job = ImportJob.objects.get()
    assert page.url == f"{live_server.url}{job.get_absolute_url()}"
    expect(
        page.get_by_text("year.csv is large: it is checked and imported in the background")
    ).to_be_visible()
    card = page.get_by_role("region", name="year.csv: waiting to start")
    expect(card).to_contain_text("you may leave this page and come back to it")
    expect(card.get_by_role("progressbar", name="Rows checked")).to_be_visible()
    expect(card).to_contain_text("0 of ? rows checked")
    expect(card.get_by_role("link", name="Reload")).to_have_attribute(
        "href", job.get_absolute_url()
    )
    check_a11y(page)
    assert EnforcementAction.objects.count() == 0
    while polls_in_flight:
        page.wait_for_timeout(50)

    # The worker (manage.py run_jobs) runs in this process; the page's next poll finds the job
    # finished and reloads to show what it imported.
    assert import_jobs_run_waiting() == 1
    done = page.get_by_role("region", name="year.csv: imported")
    expect(done).to_contain_text(
        f"Imported: {rows:,} added, 0 updated, 0 unchanged, of {rows:,} rows."
    )
    expect(page.get_by_role("progressbar")).to_have_count(0)
    check_a11y(page)
    assert EnforcementAction.objects.filter(agency=agency, school=school).count() == rows
    assert Incident.objects.filter(case_number__startswith="RPD-Y-").count() == (rows + 1) // 2
