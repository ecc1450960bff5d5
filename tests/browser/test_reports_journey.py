"""A district administrator opens the enforcement report from the navigation, crosses race by
disability, downloads the CSV and prints it, with axe on every page."""

import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from accountability.models import Enrollment
from sro_portal.roles import Role
from sro_portal.schoolyear import school_year_of
from tests.factories import (
    EnforcementActionFactory,
    IncidentFactory,
    ProgramFactory,
    SchoolFactory,
    user_with_role,
)


def test_a_district_administrator_reads_exports_and_prints_the_report(
    page, live_server, login, check_a11y, transactional_db
):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    school = SchoolFactory(name="Lakeside High")
    program = ProgramFactory(district=school.district, name="Lakeside SRO Program")
    people = [
        ("black", "idea"),
        ("black", "none"),
        ("white", "section_504"),
        ("white", "none"),
        ("hispanic", "idea"),
    ]
    for race, disability in people:
        EnforcementActionFactory(
            incident=IncidentFactory(program=program, school=school),
            occurred_on=yesterday,
            student_race=race,
            student_disability=disability,
        )
    Enrollment.objects.create(
        school=school,
        school_year=school_year_of(yesterday),
        total=100,
        black=20,
        white=50,
        hispanic=30,
        female=50,
        male=50,
        idea=10,
        section_504=5,
    )
    admin = user_with_role(Role.DISTRICT_ADMIN, district=school.district)

    login(page, live_server, admin.username, a11y=True)
    check_a11y(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    check_a11y(page)
    page.get_by_role("link", name=re.compile("^Enforcement Arrests")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enforcement report")
    expect(page.locator("main .lead")).to_contain_text("5 enforcement actions")
    check_a11y(page)

    page.get_by_label("Cross rows").select_option(label="Race and ethnicity")
    page.get_by_label("by columns").select_option(label="Disability")
    page.get_by_role("button", name="Show").click()
    cross = page.get_by_role("region", name="Race and ethnicity by disability")
    expect(cross).to_be_visible()
    black = cross.get_by_role("row", name="Black or African American")
    expect(black.get_by_role("cell")).to_have_text(["1", "0", "1", "0", "2"])
    expect(cross.locator("tfoot td").last).to_have_text("5")
    rates = page.get_by_role("region", name="Rates per 100 enrolled students")
    expect(rates.get_by_role("row", name="Black or African American")).to_contain_text("10.00")
    check_a11y(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert (
        "Race and ethnicity by Disability,Black or African American,IDEA (special education)"
        in text
    )
    assert "Lakeside High" in text and "Produced" in text
    check_a11y(page)

    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("form.report-filters")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("link", name="Download CSV")).to_be_hidden()
    expect(cross.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("table", name="By kind: the numbers")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
