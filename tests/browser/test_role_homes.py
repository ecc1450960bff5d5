"""Each role signs in, lands on its home page, and walks its navigation, with axe on every page."""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from sro_portal.roles import Role
from tests.browser.conftest import check_page_errors

PHONE = {"width": 390, "height": 844}


@dataclass
class Expected:
    user: object
    sections: list[str]  # the <h2> sections of the home page, in order (each heading starts so)
    organisation: tuple[str, str] | None  # (section, name): the organisation linked from it
    navigation: list[str]
    hidden: list[str] = field(default_factory=list)  # names that must appear on no page


# The main heading of each page of the navigation, where it is not the link's own text.
HEADINGS = {
    "Training": "Your training",
    "Compliance": "Training compliance: Everyone you oversee",
}


def expected_for(role, tenant, other_tenant, state_staff):
    elsewhere = [
        other_tenant.district.name,
        other_tenant.school.name,
        other_tenant.other_school.name,
        other_tenant.agency.name,
        other_tenant.program.name,
    ]
    directory = [
        "Home",
        "Incidents",
        "Programs",
        "Districts",
        "Schools",
        "Training",
        "Compliance",
        "Reports",
    ]
    handlers = ["Home", "Incidents", "Complaints", "Programs"]
    return {
        Role.STATE_STAFF: Expected(
            state_staff,
            ["Statewide", "Districts that need attention first", "This school year"],
            None,
            [
                "Home",
                "Incidents",
                "Complaints",
                "Programs",
                "Districts",
                "Schools",
                "Agencies",
                "Training",
                "Compliance",
                "Reports",
                "Administration",
            ],
        ),
        Role.DISTRICT_ADMIN: Expected(
            tenant.district_admin,
            [
                # The tenant's complaint is not yet acknowledged: it comes first.
                "Complaints to acknowledge",
                "Needs your attention",
                "This school year",
                "Your district",
                "Your training",
                "Your staff's training",
                "Your contacts",
            ],
            ("Your district", tenant.district.name),
            [*handlers, "Districts", "Schools", "Training", "Compliance", "Reports"],
            elsewhere,
        ),
        Role.BUILDING_ADMIN: Expected(
            tenant.building_admin,
            [
                "This school year",
                "Your school",
                "Your training",
                "Your staff's training",
                "Your contacts",
            ],
            ("Your school", tenant.school.name),
            directory,
            [*elsewhere, tenant.other_school.name],
        ),
        Role.AGENCY_SUPERVISOR: Expected(
            tenant.agency_supervisor,
            [
                "Complaints to acknowledge",
                "Needs your attention",
                "This school year",
                "Your staff's training",
                "Your agency",
            ],
            ("Your agency", tenant.agency.name),
            [*handlers, "Agencies", "Training", "Compliance", "Reports"],
            elsewhere,
        ),
        Role.SRO: Expected(
            tenant.sro,
            # The SRO's day starts with logging an activity: the first thing on the page.
            ["Your day", "This week", "Your training", "Your assignments", "Your agency"],
            ("Your agency", tenant.agency.name),
            ["Home", "Daily log", "Incidents", "Programs", "Agencies", "Training", "Reports"],
            [*elsewhere, tenant.other_school.name],
        ),
    }[role]


def main_navigation(page):
    """The page links of the main navigation (the account menu is a separate list)."""
    return page.get_by_role("navigation", name="Main").locator("#main-nav > ul").first


def assert_hidden(page, names):
    text = page.locator("body").inner_text()
    for name in names:
        assert name not in text, f"{name!r} is out of scope but shows on {page.url}"


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_role_signs_in_and_walks_its_navigation(
    role, page, live_server, login, check_a11y, tenant, other_tenant, state_staff
):
    expected = expected_for(role, tenant, other_tenant, state_staff)
    full_name = expected.user.get_full_name()

    login(page, live_server, expected.user.username, a11y=True)

    # Home: the greeting, and exactly the section this role has.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {full_name}")
    expect(page.locator("main h2")).to_have_text(
        [re.compile(f"^{re.escape(name)}") for name in expected.sections]
    )
    if expected.organisation:
        section_name, organisation = expected.organisation
        section = page.get_by_role("region", name=section_name)
        expect(section.get_by_role("link", name=organisation)).to_be_visible()
    else:
        section = page.get_by_role("region", name="Statewide")
        expect(section.get_by_role("link")).to_have_text(
            ["Districts", "Schools", "Agencies", "Open the administration"]
        )
        expect(section.locator(".stat")).to_have_text(["2", "4", "2"])

    navigation = main_navigation(page)
    expect(navigation.get_by_role("link")).to_have_text(expected.navigation)
    # At 1280 px every entry and the account menu stand on one line, none pushed off screen.
    account = page.get_by_role("button", name=full_name, exact=True)
    assert account.bounding_box()["x"] + account.bounding_box()["width"] <= 1280
    assert page.locator("nav.navbar").bounding_box()["height"] < 70
    expect(navigation.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    assert_hidden(page, expected.hidden)
    check_a11y(page)

    hrefs = {
        label: navigation.get_by_role("link", name=label, exact=True).get_attribute("href")
        for label in expected.navigation
    }
    for label in expected.navigation:
        if label == "Administration":
            response = page.goto(f"{live_server.url}{hrefs[label]}")
            assert response.status == 200, f"{label} answered {response.status}"
            expect(page).to_have_title(re.compile("SRO Portal administration"))
            check_page_errors(page)  # the admin's own templates: no CSP violation either
            continue
        main_navigation(page).get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(f"{live_server.url}{hrefs[label]}")
        heading = f"Welcome, {full_name}" if label == "Home" else HEADINGS.get(label, label)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        current = main_navigation(page).get_by_role("link", name=label, exact=True)
        expect(current).to_have_attribute("aria-current", "page")
        assert_hidden(page, expected.hidden)
        check_a11y(page)

    # The organisation the home page names opens on its own page.
    if expected.organisation:
        section_name, organisation = expected.organisation
        page.goto(f"{live_server.url}/")
        page.get_by_role("region", name=section_name).get_by_role("link", name=organisation).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(organisation)
        assert_hidden(page, expected.hidden)
        check_a11y(page)


def test_login_rejects_a_wrong_password(page, live_server, check_a11y, tenant):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(tenant.sro.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["SRO Portal"]
    )
    check_a11y(page)


def test_phone_menu_opens_and_signs_out(new_page, live_server, login, check_a11y, tenant):
    page = new_page(PHONE)
    user = tenant.district_admin
    login(page, live_server, user.username)

    toggle = page.get_by_role("button", name="Toggle navigation")
    links = main_navigation(page).get_by_role("link")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(links).to_have_text(
        [
            "Home",
            "Incidents",
            "Complaints",
            "Programs",
            "Districts",
            "Schools",
            "Training",
            "Compliance",
            "Reports",
        ]
    )
    for index in range(8):
        expect(links.nth(index)).to_be_visible()

    account = page.get_by_role("button", name=user.get_full_name())
    account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    check_a11y(page)

    sign_out.click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Toggle navigation")).to_have_count(0)
    check_a11y(page)

    # Signed out for real: home sends the visitor to the public pages, which link to sign in.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/public/$"))
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_skip_link_moves_focus_to_the_content(page, live_server, login, tenant):
    login(page, live_server, tenant.sro.username)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_account_pages(page, live_server, login, check_a11y, tenant):
    user = tenant.building_admin
    login(page, live_server, user.username)
    page.get_by_role("button", name=user.get_full_name()).click()
    page.get_by_role("link", name="Change password").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/change/")
    check_a11y(page)

    page.get_by_role("button", name=user.get_full_name()).click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/reset/")
    check_a11y(page)
