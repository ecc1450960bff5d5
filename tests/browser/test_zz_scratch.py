import pytest
from playwright.sync_api import expect
from tests.browser.test_field_journey import sro, PHONE, visit  # noqa
from sro_portal.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.usefixtures("transactional_db")

def run(page, check_a11y, errors, label):
    try:
        visit(page, check_a11y)
    except BaseException as e:  # noqa
        errors.append(f"== {label}: {e}")

def test_scratch(new_page, live_server, login, check_a11y, sro):
    errors = []
    page = new_page(PHONE)
    login(page, live_server, sro.username)
    page.goto(f"{live_server.url}/field/incidents/new/")
    page.locator("#id_school").select_option("")
    page.get_by_role("button", name="Record the incident").click()
    run(page, check_a11y, errors, "empty incident")
    open("/tmp/dump/s_incident.html","w").write(page.content())
    page.goto(f"{live_server.url}/field/activity/new/")
    page.locator("#id_school").select_option("")
    page.get_by_label("Minutes").fill("")
    page.get_by_label("Date").fill("2099-01-01")
    page.get_by_role("button", name="Save", exact=True).click()
    run(page, check_a11y, errors, "empty activity")
    # one disciplinary incident needing review
    page.goto(f"{live_server.url}/field/incidents/new/")
    page.get_by_label("Location").select_option(label="School grounds")
    page.get_by_label("What happened").fill("x")
    page.get_by_label("Disciplinary misconduct (the school handles it)").check()
    page.locator("#id_handled_by").select_option("sro")
    page.get_by_role("button", name="Record the incident").click()
    run(page, check_a11y, errors, "disc detail")
    url = page.url
    page.goto(f"{live_server.url}/field/incidents/")
    run(page, check_a11y, errors, "list")
    page.goto(f"{live_server.url}/field/incidents/?review=awaiting")
    run(page, check_a11y, errors, "list awaiting")
    page.goto(f"{live_server.url}/field/activity/?week=2020-01-01")
    run(page, check_a11y, errors, "old week")
    # enforcement empty
    page.goto(f"{live_server.url}/field/incidents/new/")
    page.get_by_label("Location").select_option(label="School grounds")
    page.get_by_label("What happened").fill("x")
    page.get_by_label("Possibly illegal conduct").check()
    page.locator("#id_handled_by").select_option("sro")
    page.get_by_role("button", name="Record the incident").click()
    page.get_by_role("link", name="Add one for a student").click()
    page.get_by_label("Date").fill("")
    page.get_by_role("button", name="Record").click()
    run(page, check_a11y, errors, "empty action")
    page.screenshot(path="/tmp/dump/s_action.png", full_page=True)
    # district admin review
    from incidents.models import Incident
    inc = Incident.objects.get(needs_review=True)
    admin = user_with_role(Role.DISTRICT_ADMIN, district=inc.district, username="dadmin")
    page2 = new_page(PHONE)
    login(page2, live_server, admin.username)
    page2.goto(url)
    run(page2, check_a11y, errors, "admin detail")
    page2.get_by_role("button", name="Record the review").click()
    run(page2, check_a11y, errors, "admin review err")
    page2.screenshot(path="/tmp/dump/s_review.png", full_page=True)
    page2.goto(url + "review/")
    page2.get_by_role("button", name="Record the review").click()
    run(page2, check_a11y, errors, "review page err")
    page2.get_by_label("Review note").fill("ok")
    page2.get_by_role("button", name="Record the review").click()
    run(page2, check_a11y, errors, "reviewed")
    page2.goto(f"{live_server.url}/field/incidents/")
    run(page2, check_a11y, errors, "admin list")
    print("\n".join(errors))
    assert not errors
