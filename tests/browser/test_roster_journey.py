"""A district administrator keeps a school's staff roster in the browser: adds a teacher (a bad
date first), records their training, finds them on the compliance page and tries an import with a
bad row; axe-core finds no violation on any of these pages."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sro_portal.roles import Role
from tests.factories import CourseFactory, RequirementFactory, SchoolFactory, user_with_role
from training.models import Audience

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}


def test_a_district_admin_keeps_the_roster(
    new_page, live_server, login, check_a11y, transactional_db, tmp_path
):
    today = timezone.localdate()
    school = SchoolFactory(name="Lakeshore High School")
    admin = user_with_role(Role.DISTRICT_ADMIN, district=school.district)
    course = CourseFactory(title="Mandatory Reporting", audiences=["teacher"])
    RequirementFactory(
        audience=Audience.TEACHER, topic=course.topics.first(), min_hours=2, deadline_days=30
    )
    page = new_page(DESKTOP)
    login(page, live_server, admin.username)

    page.goto(f"{live_server.url}/training/")
    page.get_by_role("link", name="Staff roster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff roster")
    check_a11y(page)

    page.get_by_role("link", name="Add a staff member").click()
    page.get_by_label("School").select_option(label="Lakeshore High School")
    page.get_by_label("Name").fill("Karen Olson")
    page.get_by_label("Position").fill("Grade 9 English teacher")
    page.get_by_label("Audience").select_option(label="Teachers")
    page.get_by_label("Started on").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A start date cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Karen Olson")
    check_a11y(page)
    page.get_by_label("Started on").fill((today - datetime.timedelta(days=100)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training of Karen Olson")
    expect(page.locator("section[aria-labelledby=due-heading]")).to_contain_text("Overdue")
    check_a11y(page)

    page.get_by_role("link", name="Record training").click()
    page.get_by_label("Course").select_option(label="Mandatory Reporting")
    page.get_by_label("Completed on").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Hours").fill("2")
    check_a11y(page)
    page.get_by_role("button", name="Record").click()
    expect(page.locator("section[aria-labelledby=due-heading]")).to_contain_text("Compliant")

    page.goto(f"{live_server.url}/training/compliance/")
    expect(page.get_by_role("row", name="Karen Olson")).to_contain_text("Roster")
    check_a11y(page)

    page.goto(f"{live_server.url}/training/staff/import/")
    check_a11y(page)
    bad = tmp_path / "roster.csv"
    code = f"{school.district.dpi_code}-{school.dpi_code}"
    bad.write_text(
        "School,Name,Position,Audience,Started on,Left on\n"
        f"{code},Sam Ng,School counselor,janitor,2024-08-26,\n"
    )
    page.get_by_label("CSV or Excel (.xlsx) file, at most 2 MB").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#problems")).to_contain_text("Row 2, Audience")
    check_a11y(page)
