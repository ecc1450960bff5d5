"""An SRO sees what training is due, records a course, and sees the requirement met."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    CourseFactory,
    RequirementFactory,
    seeded_topic,
    user_with_role,
)

PHONE = {"width": 390, "height": 844}


def test_an_sro_sees_what_is_due_and_records_a_course(
    new_page, live_server, login, check_a11y, transactional_db
):
    today = timezone.localdate()
    sro = user_with_role(Role.SRO, agency=AgencyFactory(), first_name="Jo", last_name="Park")
    sro.memberships.update(started_on=today - datetime.timedelta(days=330))
    RequirementFactory(frequency="once", deadline_days=365)  # due in 35 days
    CourseFactory(title="De-escalation for School Teams", topics=[seeded_topic("de-escalation")])
    page = new_page(PHONE)

    login(page, live_server, sro.username, a11y=True)
    training = page.locator("section[aria-labelledby=own-training-heading]")
    expect(training).to_contain_text("Due soon")
    expect(training).to_contain_text("8.0 h to go by")
    check_a11y(page)

    training.get_by_role("link", name="Your training record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your training")
    expect(page.locator("section[aria-labelledby=due-heading]")).to_contain_text("Due soon")
    check_a11y(page)

    page.get_by_role("link", name="Course catalog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course catalog")
    check_a11y(page)
    page.get_by_role("link", name="De-escalation for School Teams").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Afterwards, a participant is expected to"
    )
    check_a11y(page)

    page.goto(f"{live_server.url}/training/completions/new/")
    page.get_by_label("Course").select_option(label="De-escalation for School Teams")
    page.get_by_label("Completed on").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Hours").fill("8")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("A completion cannot be dated in the future.")).to_be_visible()
    expect(page.get_by_label("Hours")).to_have_value("8")
    check_a11y(page)

    page.get_by_label("Completed on").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Training recorded.")).to_be_visible()
    due = page.locator("section[aria-labelledby=due-heading]")
    expect(due.get_by_role("heading")).to_have_text(re.compile("Compliant"))
    expect(page.locator("section[aria-labelledby=completions-heading]")).to_contain_text("Not yet")
    check_a11y(page)
