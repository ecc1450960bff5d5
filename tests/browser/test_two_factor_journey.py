"""A district administrator sets up an authenticator app at first sign-in, keeps the recovery
codes, and signs in again with a code, with axe on every page."""

import base64

from playwright.sync_api import expect

from sro_portal import two_factor
from tests.factories import PASSWORD
from tests.two_factor import unused_code


def sign_in_with_password(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_setting_up_an_app_and_signing_in_with_its_code(page, live_server, tenant, check_a11y):
    user = tenant.district_admin
    sign_in_with_password(page, live_server, user)

    # The role requires the second step: no other page opens before it is set up.
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    check_a11y(page)
    page.goto(f"{live_server.url}/programs/")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    key = base64.b32decode(secret.replace(" ", "")).hex()
    code = two_factor.current_code(two_factor.unsaved_app_device(user, key))
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(two_factor.RECOVERY_CODE_COUNT)
    check_a11y(page)
    # On to the page first asked for.
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/programs/")
    check_a11y(page)

    page.get_by_role("button", name=str(user)).click()
    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, live_server, user)
    expect(page.get_by_role("heading", name="Second sign-in step")).to_be_visible()
    check_a11y(page)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("Code from your authenticator app").fill(wrong)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    check_a11y(page)
    # django-otp holds the next try back a second after a miss.
    page.wait_for_timeout(1100)
    page.get_by_label("Code from your authenticator app").fill(
        unused_code(two_factor.app_device(user))
    )
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name=str(user)).click()
    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_text(f"You have {two_factor.RECOVERY_CODE_COUNT} unused")).to_be_visible()
    check_a11y(page)
