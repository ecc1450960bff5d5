"""An SRO's field records on a phone: three activities logged in the daily log, then an incident
with an arrest and the enforcement action for the student. Every page the journey reaches, the
pages that show a form's errors included, is checked with axe and never scrolls sideways."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from incidents.models import ActivityType, OffenseCategory
from programs.models import Classification, Program, Responder
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    MOUFactory,
    ProgramFactory,
    ProtocolEntryFactory,
    SchoolFactory,
    seeded,
    user_with_role,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

PHONE = {"width": 390, "height": 844}
SCHOOL = "Lakeview High School"


@pytest.fixture
def sro():
    """An SRO assigned, for a year now, to one school of an active program with a signed MOU in
    force, whose response protocol has two situations."""
    # The browser tests empty the database between them: the data migration's activity types
    # and offense categories are seeded again.
    seeded(ActivityType, "patrol")
    seeded(OffenseCategory, "threats")
    school = SchoolFactory(name=SCHOOL)
    agency = AgencyFactory(name="Lakeview Police Department")
    program = ProgramFactory(
        district=school.district,
        agency=agency,
        name="Lakeview SRO Program",
        status=Program.Status.ACTIVE,
    )
    MOUFactory(program=program, signed=True)
    ProtocolEntryFactory(program=program, situation="Vaping on school grounds")
    ProtocolEntryFactory(
        program=program,
        situation="Threat of violence against a person",
        classification=Classification.POSSIBLY_ILLEGAL,
        responder=Responder.SRO,
        non_enforcement_responses=[],
    )
    officer = user_with_role(
        Role.SRO, agency=agency, username="l.sro", first_name="Alex", last_name="Rivera"
    )
    AssignmentFactory(program=program, school=school, officer=officer)
    return officer


def visit(page, check_a11y):
    """What every page of the journey must satisfy: axe finds nothing, no CSP violation or
    console error, and the page fits the phone's width."""
    check_a11y(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide"


def open_from_menu(page, check_a11y, label):
    """On a phone the navigation is collapsed behind its toggle button."""
    navigation = page.get_by_role("navigation", name="Main")
    link = navigation.get_by_role("link", name=label, exact=True)
    expect(link).to_be_hidden()
    toggle = navigation.get_by_role("button", name="Toggle navigation")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    visit(page, check_a11y)


def field_error(page, field_id):
    """The error crispy-forms renders beside a field (`error_1_id_<name>`)."""
    return page.locator(f"main [id^='error_'][id$='_{field_id}']")


def expect_only_error(page, field_id, text):
    """One error, beside the field it concerns, which is marked invalid."""
    expect(field_error(page, field_id)).to_contain_text(text)
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .invalid-feedback")).to_have_count(1)
    expect(page.locator("main .alert-danger")).to_have_count(0)


def week_heading(day):
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    return f"{date_format(monday, 'N j')} \N{EN DASH} {date_format(sunday, 'N j, Y')}"


def log_activity(page, activity, minutes, *, another):
    page.get_by_label("Activity").select_option(label=activity)
    page.get_by_label("Minutes").fill(str(minutes))
    page.get_by_role(
        "button", name="Save and log another" if another else "Save", exact=True
    ).click()


def test_an_sro_logs_the_day_and_records_an_arrest_on_a_phone(
    new_page, live_server, login, check_a11y, sro
):
    today = timezone.localdate()
    school = sro.assignments.get().school
    page = new_page(PHONE)

    # 1. The daily log, reached through the collapsed menu, is empty this week.
    login(page, live_server, sro.username, a11y=True)
    visit(page, check_a11y)
    open_from_menu(page, check_a11y, "Daily log")
    expect(page.get_by_role("region", name="Time by part of the job")).to_contain_text(
        "Nothing logged this week yet."
    )

    # 2. Three activities: the form suggests today, the only school and half an hour; minutes
    # beyond a day are refused beside the field, keeping what was typed.
    page.get_by_role("link", name="Log an activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an activity")
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    expect(page.locator("#id_school")).to_have_value(str(school.pk))
    expect(page.get_by_label("Minutes")).to_have_value("30")
    expect(page.get_by_label("Activity")).to_have_value("")
    visit(page, check_a11y)

    notes = "Walked the bus loop at dismissal."
    page.get_by_label("Notes").fill(notes)
    log_activity(page, "Patrol", 2000, another=True)
    expect_only_error(page, "id_minutes", re.compile(r"1,?440|a day"))
    expect(page.get_by_label("Notes")).to_have_value(notes)
    expect(page.get_by_label("Minutes")).to_have_value("2000")
    visit(page, check_a11y)

    patrol = ActivityType.objects.get(name="Patrol")
    log_activity(page, "Patrol", 45, another=True)
    expect(page.get_by_role("status")).to_have_text("Logged: Patrol, 45 minutes.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an activity")
    expect(page.get_by_label("Activity")).to_have_value(str(patrol.pk))
    expect(page.get_by_label("Notes")).to_have_value("")
    expect(page.get_by_label("Minutes")).to_have_value("30")
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    expect(page.locator("#id_school")).to_have_value(str(school.pk))
    visit(page, check_a11y)

    log_activity(page, "Mentoring", 20, another=True)
    expect(page.get_by_role("status")).to_have_text("Logged: Mentoring, 20 minutes.")
    mentoring = ActivityType.objects.get(name="Mentoring")
    expect(page.get_by_label("Activity")).to_have_value(str(mentoring.pk))
    visit(page, check_a11y)

    log_activity(page, "Classroom lesson", 50, another=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Daily log")
    expect(page.get_by_role("status")).to_have_text("Logged: Classroom lesson, 50 minutes.")
    entries = page.get_by_role("region", name=date_format(today, "l, N j")).get_by_role("listitem")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text(f"Patrol · 45 min · {SCHOOL}")
    expect(entries.nth(1)).to_contain_text(f"Mentoring · 20 min · {SCHOOL}")
    expect(entries.nth(2)).to_contain_text(f"Classroom lesson · 50 min · {SCHOOL}")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        [week_heading(today), "Time by part of the job", "Entries by day"]
    )
    expect(
        page.get_by_role("region", name="Time by part of the job").get_by_role("listitem")
    ).to_have_text(
        [
            "Educator: 50 min",
            "Law enforcement: 45 min",
            "Informal counselor/mentor: 20 min",
        ]
    )
    visit(page, check_a11y)

    # 3. An incident, with the program's protocol beside the form. An arrest is refused on
    # disciplinary misconduct; classified as possibly illegal conduct, it is recorded.
    open_from_menu(page, check_a11y, "Incidents")
    page.get_by_role("link", name="Record an incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an incident")
    protocol = page.get_by_role("complementary", name="Your program's response protocol")
    expect(protocol.get_by_role("listitem")).to_have_count(2)
    expect(protocol).to_contain_text("Vaping on school grounds")
    expect(protocol).to_contain_text("Threat of violence against a person")
    expect(page.locator("#id_school")).to_have_value(str(school.pk))
    visit(page, check_a11y)

    when = (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    description = "A student threatened another at lunch and showed a knife."
    page.get_by_label("Date and time").fill(when)
    page.get_by_label("Location").select_option(label="School building")
    page.get_by_label("What happened").fill(description)
    page.get_by_label("Disciplinary misconduct (the school handles it)").check()
    page.get_by_label("Handled by").select_option(label="Both")
    page.get_by_label("School response").fill("Suspended pending an expulsion hearing.")
    page.get_by_label("SRO's response").select_option(label="Arrest")
    page.get_by_role("button", name="Record the incident").click()
    expect_only_error(page, "id_sro_response", "is refused on disciplinary misconduct")
    expect(page.get_by_label("What happened")).to_have_value(description)
    expect(page.get_by_label("Date and time")).to_have_value(when)
    expect(page.get_by_label("SRO's response")).to_have_value("arrest")
    visit(page, check_a11y)

    page.get_by_label("Possibly illegal conduct").check()
    page.get_by_role("button", name="Record the incident").click()
    expect(page).to_have_url(re.compile(r"/field/incidents/\d+/$"))
    incident_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Incident at {SCHOOL}")
    expect(page.get_by_role("status")).to_have_text("Incident recorded.")
    expect(
        page.get_by_role("cell", name="None: no arrest, citation, custody or referral.")
    ).to_be_visible()
    visit(page, check_a11y)

    # 4. The arrest of one student: an age outside 3 to 22 is refused, then it is recorded.
    page.get_by_role("link", name="Add one for a student").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an enforcement action")
    expect(page.get_by_label("Date")).to_have_value(when[:10])
    expect(page.get_by_label("On school property")).to_be_checked()
    visit(page, check_a11y)

    page.get_by_label("Kind").select_option(label="Arrest")
    page.get_by_label("Offense type").select_option(label="Wisconsin statute")
    page.get_by_label("Statute or ordinance").fill("947.019")
    page.get_by_label("Offense category").select_option(label="Threats")
    page.get_by_role("combobox", name=re.compile(r"^By\*?$")).select_option(label="The SRO")
    page.get_by_label("Agency case number").fill("LPD-2026-0001")
    page.get_by_label("Student age").fill("30")
    page.get_by_label("Student grade").select_option(label="10")
    page.get_by_label("Student gender").select_option(label="Male")
    page.get_by_label("Student race/ethnicity").select_option(label="Two or more races")
    page.get_by_label("Student disability status").select_option(label="Section 504 only")
    page.get_by_label("English learner status").select_option(label="Not an English learner")
    page.get_by_role("button", name="Record", exact=True).click()
    expect_only_error(page, "id_student_age", "22")
    expect(page.get_by_label("Agency case number")).to_have_value("LPD-2026-0001")
    expect(page.get_by_label("Student race/ethnicity")).to_have_value("two_or_more")
    visit(page, check_a11y)

    page.get_by_label("Student age").fill("15")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page).to_have_url(incident_url)
    expect(page.get_by_role("status")).to_have_text(
        "Enforcement action recorded. Add one for each student."
    )
    actions = page.get_by_role("region", name="Enforcement actions")
    expect(actions.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [
            "Arrest",
            "Threats (Wisconsin statute 947.019)",
            "No",
            "The SRO",
            "LPD-2026-0001",
            re.compile(
                "^Age 15, male, Two or more races, disability: Section 504 only, "
                "not an English learner$",
                re.IGNORECASE,
            ),
        ]
    )
    visit(page, check_a11y)
