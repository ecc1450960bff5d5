"""State staff (DPI/DOJ) work in the Django admin: they sign in through the site, walk its lists,
forms, search and import pages with axe-core on each, and import districts from a CSV file."""

import re

from playwright.sync_api import expect

from sro_portal.models import District
from sro_portal.roles import Role
from tests.conftest import make_tenant
from tests.factories import DistrictFactory, MOUFactory, ProgramFactory, user_with_role

DISTRICTS_CSV = (
    "dpi_code,name,nces_id,county,cesa\n"
    "0007,Adams-Friendship Area School District,5500030,Adams,5\n"
    "0014,Abbotsford School District,5500060,Clark,10\n"
)


def heading(page):
    return page.get_by_role("heading", level=1)


def results(page):
    """The rows of a changelist's result table."""
    return page.locator("#result_list tbody tr")


def open_changelist(page, live_server, path, title, *, query=""):
    page.goto(f"{live_server.url}/admin/{path}/{query}")
    expect(heading(page)).to_have_text(re.compile(rf"^Select {title} to (change|view)$"))


def test_state_staff_walk_the_admin_with_axe_on_every_page(
    page, live_server, login, check_a11y, transactional_db
):
    home = make_tenant("home")
    other = make_tenant("other")
    due = MOUFactory(
        program=ProgramFactory(district=home.district, agency=home.agency, name="Lakeside Program"),
        signed=True,
    )
    staff = user_with_role(Role.STATE_STAFF, username="dpi.staff")

    login(page, live_server, staff.username)
    page.get_by_role("link", name="Open the administration").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(heading(page)).to_have_text("Statewide records")
    expect(page.get_by_role("link", name="Districts", exact=True).first).to_be_visible()
    check_a11y(page)

    # Directory.
    open_changelist(page, live_server, "sro_portal/district", "district")
    expect(results(page).filter(has_text=home.district.name)).to_have_count(1)
    expect(results(page).filter(has_text=other.district.name)).to_have_count(1)
    check_a11y(page)

    results(page).get_by_role("link", name=home.district.name).click()
    expect(heading(page)).to_have_text(re.compile(r"^(Change|View) district$"))
    expect(page.get_by_role("heading", level=2)).to_contain_text([home.district.name])
    expect(page.locator("#content")).to_contain_text(home.school.name)  # the schools inline
    expect(page.locator("form#district_form")).to_be_visible()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
    check_a11y(page)

    open_changelist(page, live_server, "sro_portal/school", "school")
    expect(results(page).filter(has_text=home.school.name)).to_have_count(1)
    check_a11y(page)

    # A filtered changelist: one district's schools only.
    page.locator("#changelist-filter").get_by_role("link", name=home.district.name).click()
    expect(page).to_have_url(re.compile(rf"district__id__exact={home.district.pk}"))
    expect(results(page)).to_have_count(2)
    expect(results(page).filter(has_text=other.school.name)).to_have_count(0)
    check_a11y(page)

    open_changelist(page, live_server, "sro_portal/agency", "agency")
    expect(results(page).filter(has_text=home.agency.name)).to_have_count(1)
    check_a11y(page)

    # Programs and MOUs.
    open_changelist(page, live_server, "programs/program", "program")
    expect(results(page).filter(has_text="home Program")).to_have_count(1)
    check_a11y(page)

    results(page).get_by_role("link", name="home Program").click()
    expect(heading(page)).to_have_text(re.compile(r"^(Change|View) program$"))
    expect(page.locator("#content")).to_contain_text("home Program")
    check_a11y(page)

    open_changelist(page, live_server, "programs/mou", "MOU")
    page.locator("#changelist-filter").get_by_role(
        "link", name="Due within 60 days or overdue"
    ).click()
    expect(page).to_have_url(re.compile(r"review=due_60"))
    expect(results(page)).to_have_count(1)
    expect(results(page)).to_contain_text(str(due))
    check_a11y(page)

    # Field records.
    open_changelist(page, live_server, "incidents/incident", "incident")
    expect(results(page).filter(has_text=home.school.name)).to_have_count(1)
    check_a11y(page)

    page.goto(f"{live_server.url}/admin/incidents/incident/{home.incident.pk}/change/")
    expect(heading(page)).to_have_text(re.compile(r"^(Change|View) incident$"))
    expect(page.locator("#content")).to_contain_text(str(home.incident))
    check_a11y(page)

    open_changelist(page, live_server, "incidents/enforcementaction", "enforcement action")
    expect(results(page).filter(has_text=home.action.case_number)).to_have_count(1)
    check_a11y(page)

    open_changelist(page, live_server, "accountability/complaint", "complaint")
    expect(results(page).filter(has_text=home.complaint.tracking_code)).to_have_count(1)
    check_a11y(page)

    # The audit log, and a search of it for the staff member: opening the incident was recorded.
    open_changelist(page, live_server, "sro_portal/auditlog", "audit log entry")
    expect(results(page).first).to_be_visible()
    check_a11y(page)

    search = page.locator("#changelist-search")
    search.get_by_role("textbox").fill("dpi.staff")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=dpi.staff"))
    expect(results(page).filter(has_text=str(home.incident))).to_have_count(1)
    expect(results(page).filter(has_not_text="dpi.staff")).to_have_count(0)
    check_a11y(page)


def test_state_staff_import_districts_from_a_csv_file(
    page, live_server, login, check_a11y, transactional_db, tmp_path
):
    staff = user_with_role(Role.STATE_STAFF, username="dpi.staff")
    csv = tmp_path / "districts.csv"
    csv.write_text(DISTRICTS_CSV)

    login(page, live_server, staff.username)
    open_changelist(page, live_server, "sro_portal/district", "district")
    page.get_by_role("link", name="Import").click()
    expect(page).to_have_url(f"{live_server.url}/admin/sro_portal/district/import/")
    expect(heading(page)).to_have_text("Import")
    check_a11y(page)

    page.get_by_label("File to import").set_input_files(csv)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("Abbotsford School District")
    assert not District.objects.exists(), "the preview is a dry run"
    check_a11y(page)

    page.get_by_role("button", name="Confirm import").click()
    expect(heading(page)).to_have_text(re.compile(r"^Select district to (change|view)$"))
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    expect(results(page)).to_have_count(2)
    expect(results(page).filter(has_text="Abbotsford School District")).to_have_count(1)
    check_a11y(page)
    assert set(District.objects.values_list("dpi_code", flat=True)) == {"0007", "0014"}


def test_select_all_checks_every_row_under_the_content_security_policy(
    page, live_server, login, check_a11y, transactional_db
):
    # One more than a page holds, so that selecting across pages is offered too.
    DistrictFactory.create_batch(101)
    staff = user_with_role(Role.STATE_STAFF, username="dpi.staff")

    login(page, live_server, staff.username)
    open_changelist(page, live_server, "sro_portal/district", "district")
    boxes = results(page).locator("input.action-select")
    expect(boxes).to_have_count(100)
    checked = page.locator("#result_list tbody input.action-select:checked")

    page.locator("#action-toggle").check()
    expect(checked).to_have_count(100)
    expect(page.locator("#result_list tbody tr.selected")).to_have_count(100)
    expect(page.locator(".action-counter")).to_have_text("100 of 100 selected")
    check_a11y(page)

    page.get_by_role("button", name="Select all 101 districts").click()
    expect(page.locator(".actions .all")).to_have_text("All 101 selected")
    expect(page.locator("input.select-across")).to_have_value("1")

    page.get_by_role("button", name="Clear selection").click()
    expect(checked).to_have_count(0)
    expect(page.locator("#action-toggle")).not_to_be_checked()
    expect(page.locator(".action-counter")).to_have_text("0 of 100 selected")
    check_a11y(page)
