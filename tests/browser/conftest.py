"""Playwright fixtures: headless Debian Chromium driving pytest-django's live server.

Run with `pytest tests/browser` (or `-m browser`). Browsers are never downloaded: the tests use the
system's /usr/bin/chromium (`apt-get install chromium`). Without it they skip, except under CI
(`CI` set), where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from sro_portal import two_factor
from sro_portal.models import User
from tests.factories import PASSWORD
from tests.two_factor import give_app, unused_code

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse
# the ORM calls that fixtures and tests make while it runs (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Installed before any page script runs (and outside the page's CSP), so every violation of the
# Content-Security-Policy on a page is recorded, whether or not it also reaches the console.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""

_axe = Axe()

BROWSER_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser as `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Debian chromium is not installed ({CHROMIUM}): apt-get install chromium"
        if _ci():
            pytest.fail(f"{reason}. CI installs it, so its absence is an error.", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_page(browser, viewport):
    # Without motion, a button the pointer happens to rest on is checked in its final hover
    # colours, not halfway through Bootstrap's colour transition.
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []

    def on_console(message):
        # A failed load is reported by on_response below, with its URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400:
            page.console_errors.append(
                f"{response.status} {response.request.method} {response.url}"
            )

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page per test, at a desktop viewport."""
    context, page = _new_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Open pages at another viewport: `new_page({"width": 390, "height": 844})`."""
    contexts = []

    def open_page(viewport):
        context, page = _new_page(browser, viewport)
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def check_page_errors(page):
    """Fail on any CSP violation or console error the current page has produced."""
    csp = page.evaluate("window.__cspViolations || []")
    assert not csp, f"Content-Security-Policy violations on {page.url}:\n" + "\n".join(csp)
    assert not page.console_errors, f"Browser console errors up to {page.url}:\n" + "\n".join(
        page.console_errors
    )


# axe-core reads every stylesheet for its css-orientation-lock rule. One holding an @import (the
# admin's forms.css imports widgets.css) it copies into <style> elements of a scratch document,
# which inherits the page's Content-Security-Policy; Chromium blocks them and logs the block as a
# console error. Those come from the checker, not the page: the ones logged while axe runs are
# dropped, and every other console error and CSP report still fails the test.
AXE_STYLESHEET_COPY = "Applying inline style violates the following Content Security Policy"


def check_a11y(page):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; fail on any violation."""
    check_page_errors(page)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    before = len(page.console_errors)
    results = _axe.run(page, options=options)
    page.console_errors[before:] = [
        error for error in page.console_errors[before:] if not error.startswith(AXE_STYLESHEET_COPY)
    ]
    if results.violations_count:
        lines = [f"{results.violations_count} accessibility violation(s) on {page.url}:"]
        for violation in results.response["violations"]:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>"
            )
            for node in violation["nodes"]:
                lines.append("    " + " ".join(str(part) for part in node["target"]))
                summary = node.get("failureSummary") or ""
                lines.extend(f"      {line.strip()}" for line in summary.splitlines())
        pytest.fail("\n".join(lines), pytrace=False)


def login(page, live_server, username, password=PASSWORD, *, a11y=False):
    """Sign in through the real login form, and its second step, and wait to land on the home
    page.

    With `a11y=True` the login page (and the code page) is checked with axe before its form is
    filled.
    """
    page.goto(f"{live_server.url}/accounts/login/")
    if a11y:
        check_a11y(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-step/" in page.url:
        pass_second_step(page, username, a11y=a11y)
    expect(page).to_have_url(f"{live_server.url}/")


def pass_second_step(page, username, *, a11y=False):
    """Type the code of the user's authenticator app (given to every role that requires one), or
    a fresh recovery code when this period's codes are spent."""
    user = User.objects.get(username=username)
    if not two_factor.has_device(user) and two_factor.is_required(user):
        give_app(user)
        page.reload()
    if a11y:
        check_a11y(page)
    code = unused_code(two_factor.app_device(user))
    if code is None:
        page.get_by_label("Recovery code").fill(two_factor.new_recovery_codes(user=user)[0])
        page.get_by_role("button", name="Use recovery code").click()
    else:
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Verify").click()


@pytest.fixture(name="check_a11y")
def check_a11y_fixture():
    return check_a11y


@pytest.fixture(name="login")
def login_fixture():
    return login
