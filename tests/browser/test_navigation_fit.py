"""At laptop widths (1024 and 1280 px) the navigation of the roles with the longest menus fits the
screen on the complaint pages, the language buttons of the translated ones included: every link,
the account menu and each language button can be seen and reached without scrolling sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sro_portal.roles import Role
from tests.factories import user_with_role

WIDTHS = [1024, 1280]
ROLES = [Role.STATE_STAFF, Role.DISTRICT_ADMIN]


def pages(tenant):
    return {
        "complaint list": reverse("accountability:complaint_list"),
        "complaint detail": reverse("accountability:complaint_detail", args=[tenant.complaint.pk]),
        # Translated, so it carries the language buttons beside the menus.
        "complaint form": reverse("accountability:complaint_create"),
    }


def user_for(role, tenant, state_staff):
    return state_staff if role == Role.STATE_STAFF else tenant.district_admin


def assert_within(page, locator, width, what):
    count = locator.count()
    assert count, f"no {what} on {page.url}"
    for index in range(count):
        element = locator.nth(index)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{what} {element.inner_text()!r} spans {box['x']:.0f} to "
            f"{box['x'] + box['width']:.0f} px, beyond the {width} px screen on {page.url}"
        )


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{width}px" for width in WIDTHS])
@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_navigation_fits_the_screen_on_complaint_pages(
    role, width, new_page, live_server, login, check_a11y, tenant, state_staff
):
    page = new_page({"width": width, "height": 800})
    user = user_for(role, tenant, state_staff)
    login(page, live_server, user.username)

    for name, path in pages(tenant).items():
        page.goto(f"{live_server.url}{path}")
        navigation = page.get_by_role("navigation", name="Main")
        toggle = navigation.get_by_role("button", name="Toggle navigation")
        if toggle.is_visible():
            assert_within(page, toggle, width, "the menu button")
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
        assert_within(
            page, navigation.locator("#main-nav > ul").first.get_by_role("link"), width, "the link"
        )
        assert_within(
            page,
            navigation.get_by_role("button", name=user.get_full_name()),
            width,
            "the account menu",
        )
        if name == "complaint form":
            assert_within(
                page, navigation.locator(".language-switch button"), width, "the language button"
            )
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{name} is {overflow} px wide at {width} px: it scrolls sideways"
        check_a11y(page)


def test_a_long_name_keeps_the_menu_on_one_line(new_page, live_server, login, check_a11y, tenant):
    user = user_with_role(
        Role.STATE_STAFF,
        username="long.name",
        first_name="Maximiliana",
        last_name="Montgomery-Richardson",
    )
    page = new_page({"width": 1280, "height": 800})
    login(page, live_server, user.username)
    page.goto(f"{live_server.url}{reverse('accountability:complaint_list')}")

    navigation = page.get_by_role("navigation", name="Main")
    # Cut short on screen, whole for assistive technology.
    account = navigation.get_by_role("button", name=user.get_full_name(), exact=True)
    assert_within(page, account, 1280, "the account menu")
    assert navigation.bounding_box()["height"] < 70
    account.click()
    expect(navigation.get_by_role("button", name="Sign out")).to_be_visible()
    check_a11y(page)
