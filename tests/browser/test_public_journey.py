"""A parent, without an account, opens the public pages, searches their school, opens the
district's page, reads the agreement in force and the numbers (small ones hidden), and files a
complaint from there. axe runs on every page the journey reaches."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from accountability.models import PublicPage
from programs.models import Program
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    DistrictFactory,
    EnforcementActionFactory,
    IncidentFactory,
    MOUFactory,
    ProgramFactory,
    ResponsibilityFactory,
    SchoolFactory,
    user_with_role,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

SCHOOL = "Riverbend Middle School"
DISTRICT = "Riverbend Area School District"
DESCRIPTION = "The officer searched my child's locker without telling the principal."


@pytest.fixture
def district():
    district = DistrictFactory(name=DISTRICT)
    school = SchoolFactory(district=district, name=SCHOOL)
    agency = AgencyFactory(name="Riverbend Police Department")
    program = ProgramFactory(
        district=district, agency=agency, status=Program.Status.ACTIVE, name="Riverbend SRO"
    )
    ResponsibilityFactory(program=program)
    MOUFactory(program=program, signed=True, district_signatory="Pat Superintendent")
    sro = user_with_role(Role.SRO, agency=agency, username="r.sro")
    AssignmentFactory(program=program, school=school, officer=sro)
    incident = IncidentFactory(program=program, school=school, reported_by=sro)
    EnforcementActionFactory.create_batch(3, incident=incident, kind="arrest")
    EnforcementActionFactory.create_batch(20, incident=incident, kind="referral")
    PublicPage.objects.create(
        district=district,
        published=True,
        published_at=timezone.now(),
        **dict.fromkeys(PublicPage.SECTIONS, True),
    )
    DistrictFactory(name="Quiet Lake School District")  # publishes nothing
    cache.clear()  # the complaint limit counts per address in the cache
    return district


def h1(page):
    return page.get_by_role("heading", level=1)


def test_a_parent_reads_the_district_page_and_files_a_complaint(
    page, live_server, check_a11y, district
):
    # 1. The site's address leads a visitor without an account to the public pages.
    page.goto(f"{live_server.url}/")
    expect(h1(page)).to_have_text("School Resource Officer programs in Wisconsin")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name=DISTRICT)).to_be_visible()
    expect(page.get_by_text("Quiet Lake School District")).to_have_count(0)
    check_a11y(page)

    # 2. They search their school.
    page.get_by_label("Search by district or school name").fill("Riverbend Middle")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Riverbend Middle")
    check_a11y(page)
    page.get_by_role("link", name=DISTRICT).click()

    # 3. The district's page: programs, schools, the agreement, the numbers.
    expect(h1(page)).to_have_text(DISTRICT)
    expect(page.get_by_role("heading", name="Programs and partner agencies")).to_be_visible()
    expect(page.get_by_text("Partner agency: Riverbend Police Department")).to_be_visible()
    expect(page.get_by_role("main").get_by_text(SCHOOL)).to_be_visible()
    mou = page.get_by_role("article")
    expect(
        mou.get_by_role("heading", name="Memorandum of Understanding: Riverbend SRO")
    ).to_be_visible()
    expect(mou).to_contain_text("Signed for the district and for the agency.")
    expect(mou).not_to_contain_text("Pat Superintendent")
    expect(page.get_by_text("“<10” is a count of 1 to 9 students.")).to_be_visible()
    kinds = page.get_by_role("table").filter(has_text="Referral to law enforcement").first
    expect(kinds.get_by_role("row", name="Arrest")).to_contain_text("<10")
    expect(kinds.get_by_role("row", name="Referral to law enforcement")).to_contain_text("*")
    expect(kinds.get_by_role("row", name="Custody")).to_contain_text("0")
    expect(page.locator("canvas").first).to_be_attached()
    check_a11y(page)

    # 4. In Spanish, then back to English.
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Programas y agencias asociadas")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # 5. From the page, they file a complaint.
    page.get_by_role("main").get_by_role("link", name="File a complaint about an SRO").click()
    expect(h1(page)).to_have_text("File a complaint about a School Resource Officer")
    check_a11y(page)
    page.get_by_label("School").select_option(label=f"{SCHOOL} ({DISTRICT})")
    page.get_by_label("What happened").fill(DESCRIPTION)
    page.get_by_label("Only the status page, with my tracking code").check()
    page.get_by_role("button", name="Send the complaint").click()
    expect(h1(page)).to_have_text("Your complaint was received")
    check_a11y(page)
