"""The program-definition journey in the browser: a district proposes a program with an agency,
concludes its needs assessment, agrees the SRO's role, drafts, approves and signs the MOU, and
assigns an SRO, who then reads the program. axe runs on every page the journey reaches."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    MOUFactory,
    OutreachComponentFactory,
    ProgramFactory,
    ProtocolEntryFactory,
    SchoolFactory,
    user_with_role,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

PROGRAM = "Northside SRO Program"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people():
    """A district with one school, an agency, and the three people the journey needs."""
    school = SchoolFactory(name="Northside High School")
    agency = AgencyFactory(name="Northside Police Department")
    return {
        "school": school,
        "district": school.district,
        "agency": agency,
        "admin": user_with_role(
            Role.DISTRICT_ADMIN,
            district=school.district,
            username="n.admin",
            first_name="Dana",
            last_name="Admin",
        ),
        "supervisor": user_with_role(
            Role.AGENCY_SUPERVISOR,
            agency=agency,
            username="n.supervisor",
            first_name="Sam",
            last_name="Supervisor",
        ),
        "sro": user_with_role(
            Role.SRO, agency=agency, username="n.sro", first_name="Riley", last_name="Officer"
        ),
    }


def iso(day: datetime.date) -> str:
    return day.isoformat()


def main_navigation(page):
    return page.get_by_role("navigation", name="Main")


def sign_out(page, user):
    page.get_by_role("button", name=user.get_full_name(), exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def open_program(page, check_a11y):
    """From anywhere: Programs in the navigation, then the program's own page."""
    main_navigation(page).get_by_role("link", name="Programs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")
    check_a11y(page)
    page.get_by_role("link", name=PROGRAM, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAM)
    check_a11y(page)


def open_mou(page, check_a11y, number=1):
    page.get_by_role("region", name="Memoranda of understanding").get_by_role(
        "link", name=f"Version {number}", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Memorandum of Understanding: School Resource Officer Program"
    )
    check_a11y(page)


def status_badge(page):
    return page.get_by_role("region", name="Overview").locator(".badge")


def change_status(page, check_a11y, to_status, offered):
    status = page.get_by_label("Move the program to")
    expect(status.locator("option")).to_have_text(offered)
    status.select_option(label=to_status)
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_have_text(f"The program is now {to_status}.")
    expect(status_badge(page)).to_have_text(to_status)
    check_a11y(page)


def field_error(page, field_id):
    """The error crispy-forms renders beside a field (`error_1_id_<name>`)."""
    return page.locator(f"main [id^='error_'][id$='_{field_id}']")


def approve_mou(page, check_a11y, side_label):
    page.get_by_role("button", name=f"Approve for the {side_label}").click()
    expect(page.get_by_role("status")).to_have_text("MOU draft approved.")
    check_a11y(page)


def record_signature(page, check_a11y, side, signatory, title, message):
    page.get_by_role("link", name="Record a signature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a signature on MOU version 1")
    check_a11y(page)
    page.get_by_label("Signing for").select_option(label=side)
    page.get_by_label("Signatory").fill(signatory)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date signed").fill(iso(timezone.localdate()))
    page.get_by_role("button", name="Record the signature").click()
    expect(page.get_by_role("status")).to_have_text(message)
    check_a11y(page)


def test_a_program_from_proposal_to_an_assigned_sro(page, live_server, login, check_a11y, people):
    admin, supervisor, sro = people["admin"], people["supervisor"], people["sro"]
    today = timezone.localdate()
    effective_on = today - datetime.timedelta(days=30)
    ends_on = effective_on.replace(year=effective_on.year + 2)

    # 1. The district administrator proposes the program.
    login(page, live_server, admin.username, a11y=True)
    check_a11y(page)
    main_navigation(page).get_by_role("link", name="Programs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")
    expect(page.get_by_role("cell", name="No programs to show.")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Propose a program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a program")
    check_a11y(page)
    page.get_by_label("District").select_option(label=people["district"].name)
    page.get_by_label("Agency").select_option(label=people["agency"].name)
    page.get_by_label("Name").fill(PROGRAM)
    page.get_by_label("Purpose").fill("Safe arrival and dismissal at Northside.")
    page.get_by_role("button", name="Propose the program").click()
    expect(page).to_have_url(re.compile(r"/programs/\d+/$"))
    program_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAM)
    expect(page.get_by_role("status")).to_have_text("Program proposed. Next: the needs assessment.")
    expect(status_badge(page)).to_have_text("Proposed")
    check_a11y(page)

    # 2. Assessing need; the assessment refuses a needed SRO without a purpose, then saves.
    change_status(page, check_a11y, "Assessing need", ["Assessing need", "Ended"])
    page.get_by_role("link", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Needs assessment of {PROGRAM}")
    check_a11y(page)
    page.get_by_label("Problems observed").fill("Fights at dismissal.")
    page.get_by_label("Root causes").fill("No adult supervision at the bus loop.")
    page.get_by_label("Data reviewed").fill("Discipline referrals and the climate survey.")
    page.get_by_label("Students").check()
    page.get_by_label("Families").check()
    page.get_by_label("Conclusion").select_option(label="An SRO is needed")
    page.get_by_label("Concluded on").fill(iso(today - datetime.timedelta(days=60)))
    page.get_by_role("button", name="Save the assessment").click()
    purpose = page.get_by_label("Purpose of the SRO")
    expect(field_error(page, "id_sro_purpose")).to_have_text(
        "State for what purpose an SRO is needed."
    )
    expect(purpose).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(page.get_by_label("Problems observed")).to_have_value("Fights at dismissal.")
    expect(page.get_by_label("Students")).to_be_checked()
    check_a11y(page)
    purpose.fill("Safety at arrival and dismissal.")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page).to_have_url(f"{program_url}#assessment")
    expect(page.get_by_role("status")).to_have_text("Needs assessment saved.")
    assessment = page.get_by_role("region", name="Needs assessment")
    expect(assessment).to_contain_text("An SRO is needed")
    expect(assessment).to_contain_text("Safety at arrival and dismissal.")
    expect(assessment).to_contain_text("Students, Families")
    check_a11y(page)

    # 3. Only the allowed moves are offered: drafting, not active yet.
    change_status(page, check_a11y, "Drafting", ["Drafting", "Ended"])

    # 4. A responsibility, approved by the district.
    page.get_by_role("link", name="Add a responsibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add responsibility")
    check_a11y(page)
    page.get_by_label("Part of job").select_option(label="Educator")
    page.get_by_label("Description").fill("Teach the internet safety unit")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{program_url}#roles")
    roles = page.get_by_role("region", name="Roles and responsibilities")
    expect(
        roles.get_by_role("listitem").filter(has_text="Teach the internet safety unit")
    ).to_be_visible()
    expect(roles).to_contain_text("Not approved by either side yet.")
    check_a11y(page)
    roles.get_by_role("button", name="Approve for the school district").click()
    expect(page.get_by_role("status")).to_have_text("Roles and responsibilities approved.")
    expect(roles.locator(".badge.text-bg-success")).to_have_text(
        [re.compile(r"^Approved by the school district \(Dana Admin, ")]
    )
    expect(roles.get_by_role("button", name=re.compile("^Approve for"))).to_have_count(0)
    check_a11y(page)

    # 4b. A situation in the response protocol: activation needs at least one.
    page.get_by_role("link", name="Add a situation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add response protocol entry")
    check_a11y(page)
    page.get_by_label("Situation").fill("Fight at dismissal")
    page.get_by_label("Classification").select_option(label="Possibly illegal conduct")
    page.get_by_label("Who responds").select_option(label="Both")
    page.get_by_label("Referral to services").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{program_url}#protocol")
    protocol = page.get_by_role("region", name="Response protocol")
    expect(protocol.get_by_role("row").filter(has_text="Fight at dismissal")).to_contain_text(
        "Referral to services"
    )
    check_a11y(page)
    sign_out(page, admin)
    check_a11y(page)

    # 5. The agency supervisor approves for the agency.
    login(page, live_server, supervisor.username)
    open_program(page, check_a11y)
    roles = page.get_by_role("region", name="Roles and responsibilities")
    roles.get_by_role("button", name="Approve for the agency").click()
    expect(page.get_by_role("status")).to_have_text("Roles and responsibilities approved.")
    expect(roles.locator(".badge.text-bg-success")).to_have_text(
        [
            re.compile(r"^Approved by the school district \(Dana Admin, "),
            re.compile(r"^Approved by the law enforcement agency \(Sam Supervisor, "),
        ]
    )
    check_a11y(page)

    # 6. The MOU: drafted and approved by the agency, approved and signed by the district,
    # then signed by the agency.
    page.get_by_role("link", name="Draft a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add MOU")
    check_a11y(page)
    page.get_by_label("Effective date").fill(iso(effective_on))
    page.get_by_label("End date").fill(iso(ends_on))
    # The MOU's own text: exact labels, as each section also has a "not applicable" box.
    page.get_by_label("Data collected and shared", exact=True).fill(
        "Incident counts, de-identified."
    )
    page.get_by_label("Training", exact=True).fill("De-escalation and adolescent development.")
    page.get_by_label("Complaint process", exact=True).fill("Written complaint to the chief.")
    page.get_by_label("Evaluation", exact=True).fill("Yearly, by both sides and families.")
    page.get_by_label("Administrators' oversight of the SRO", exact=True).fill(
        "The principal directs the SRO's daily work at the school."
    )
    # Sections this program does not have are marked not applicable, each with its reason:
    # a box ticked without a reason is refused, and what was typed stays.
    page.get_by_label("Contacts: not applicable").check()
    page.get_by_role("button", name="Save").click()
    contacts_reason = page.get_by_label("Contacts: why it does not apply")
    expect(field_error(page, "id_na_contacts_reason")).to_have_text(
        "Give the reason this section does not apply."
    )
    expect(contacts_reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Contacts: not applicable")).to_be_checked()
    expect(page.get_by_label("Training", exact=True)).to_have_value(
        "De-escalation and adolescent development."
    )
    check_a11y(page)
    not_applicable = {
        "Contacts": "The district's safety plan names the contacts; it is attached.",
        "Positions and organisational chart": "The SRO is the program's only position.",
        "Property under the SRO's control": "No school property is under the SRO's control.",
        "Meeting cadence": "Meetings follow the district's existing safety team schedule.",
        "Mutual expectations": "The roles and responsibilities state them.",
    }
    for section, reason in not_applicable.items():
        page.get_by_label(f"{section}: not applicable").check()
        page.get_by_label(f"{section}: why it does not apply").fill(reason)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/mous/\d+/$"))
    mou_url = page.url
    expect(page.get_by_role("status")).to_have_text(
        "MOU draft created. Add who drafted it, then each side approves it."
    )
    expect(page.locator("main p .badge")).to_have_text("Draft")
    expect(page.get_by_role("link", name="Record a signature")).to_have_count(0)
    expect(page.get_by_text("or mark it not applicable with a reason")).to_have_count(0)
    expect(
        page.get_by_role("region", name="8. School property under the SRO's control")
    ).to_contain_text("Not applicable: No school property is under the SRO's control.")
    expect(
        page.get_by_role("region", name="15. Administrators' oversight of the SRO")
    ).to_contain_text("The principal directs the SRO's daily work at the school.")
    check_a11y(page)
    page.get_by_role("link", name="Add a drafter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add MOU drafter")
    check_a11y(page)
    page.get_by_label("Name").fill("Sam Supervisor")
    page.get_by_label("Party").select_option(label="Law enforcement agency")
    page.get_by_label("Role").fill("Patrol supervisor")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(mou_url)
    expect(page.get_by_role("status")).to_have_text("Drafter added.")
    expect(page.get_by_role("region", name="3. Drafted by")).to_contain_text(
        "Sam Supervisor, Patrol supervisor (Law enforcement agency)"
    )
    check_a11y(page)
    approve_mou(page, check_a11y, "agency")
    sign_out(page, supervisor)

    login(page, live_server, admin.username)
    open_program(page, check_a11y)
    open_mou(page, check_a11y)
    assert page.url == mou_url
    approve_mou(page, check_a11y, "school district")
    record_signature(
        page,
        check_a11y,
        "School district",
        "Pat Superintendent",
        "Superintendent",
        "Signature recorded. The other side signs next.",
    )
    sign_out(page, admin)

    login(page, live_server, supervisor.username)
    page.goto(mou_url)
    check_a11y(page)
    record_signature(
        page,
        check_a11y,
        "Law enforcement agency",
        "Chris Chief",
        "Chief of Police",
        "Both sides have signed: the MOU is signed.",
    )
    expect(page.locator("main p .badge")).to_have_text("Active")
    signatures = page.get_by_role("region", name="19. Signatures")
    expect(signatures).to_contain_text("Signed by Pat Superintendent")
    expect(signatures).to_contain_text("Signed by Chris Chief")
    sign_out(page, supervisor)

    # 7. The program goes active, and an SRO is assigned within the MOU's dates.
    login(page, live_server, admin.username)
    open_program(page, check_a11y)
    change_status(page, check_a11y, "Active", ["Active", "Ended"])
    assignments = page.get_by_role("region", name="SRO assignments")
    expect(assignments.get_by_role("cell", name="No SRO assigned yet.")).to_be_visible()
    assignments.get_by_role("link", name="Assign an SRO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add assignment")
    check_a11y(page)
    page.get_by_label("School").select_option(label=people["school"].name)
    page.get_by_label("SRO").select_option(label=sro.get_full_name())
    page.get_by_label("Starts on").fill(iso(effective_on - datetime.timedelta(days=1)))
    page.get_by_role("button", name="Save").click()
    expect(field_error(page, "id_starts_on")).to_contain_text(
        "No signed MOU of this program covers these dates."
    )
    expect(page.get_by_label("Starts on")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("SRO")).to_have_value(str(sro.pk))
    check_a11y(page)
    page.get_by_label("Starts on").fill(iso(today))
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{program_url}#assignments")
    expect(page.get_by_role("status")).to_have_text("SRO assigned.")
    expect(assignments.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [
            "Riley Officer",
            people["school"].name,
            date_format(today, "N j, Y"),
            "Open-ended",
            re.compile("Edit"),
        ]
    )
    check_a11y(page)
    sign_out(page, admin)

    # 8. The SRO reads the program, and changes nothing.
    login(page, live_server, sro.username)
    open_program(page, check_a11y)
    expect(status_badge(page)).to_have_text("Active")
    expect(page.get_by_role("link", name="Assign an SRO")).to_have_count(0)
    expect(page.get_by_label("Move the program to")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Approve for"))).to_have_count(0)
    expect(page.get_by_role("region", name="SRO assignments")).to_contain_text("Riley Officer")


def test_the_mou_prints_as_a_document(page, live_server, login, check_a11y, people):
    program = ProgramFactory(district=people["district"], agency=people["agency"], name=PROGRAM)
    mou = MOUFactory(program=program)
    login(page, live_server, people["admin"].username)
    page.goto(f"{live_server.url}{mou.get_absolute_url()}")
    next_steps = page.get_by_role("complementary", name="What happens next")
    signatures = page.get_by_role("heading", name="19. Signatures")
    expect(next_steps).to_be_visible()
    check_a11y(page)

    page.emulate_media(media="print")
    expect(next_steps).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    for hidden in page.locator(".d-print-none").all():
        expect(hidden).to_be_hidden()
    expect(signatures).to_be_visible()
    expect(page.get_by_role("heading", name="1. Parties")).to_be_visible()

    page.emulate_media(media="screen")
    expect(next_steps).to_be_visible()


def test_the_program_reads_on_a_phone(new_page, live_server, login, check_a11y, people):
    """At phone width the page never scrolls sideways; a wide table scrolls inside its own box,
    which takes keyboard focus so it scrolls without a mouse, even when it holds no link."""
    program = ProgramFactory(district=people["district"], agency=people["agency"], name=PROGRAM)
    ProtocolEntryFactory(program=program)
    OutreachComponentFactory(program=program)
    mou = MOUFactory(program=program, signed=True)
    page = new_page(PHONE)
    login(page, live_server, people["sro"].username)
    for url, table_of in [
        (program.get_absolute_url(), "Response protocol"),
        (mou.get_absolute_url(), "5. Response to incidents involving students"),
    ]:
        page.goto(f"{live_server.url}{url}")
        check_a11y(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        table = page.get_by_role("region", name=f"{table_of}: table, scrolls sideways")
        table.focus()
        expect(table).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("el => el.scrollLeft > 0", arg=table.element_handle())
