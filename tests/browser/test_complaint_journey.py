"""A parent files a complaint in Spanish, a district administrator acknowledges and resolves it,
and the parent, with the tracking code alone, sees the new status and nothing else of it. axe runs
on every page the journey reaches, form errors included."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from programs.models import Program
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    DistrictFactory,
    ProgramFactory,
    SchoolFactory,
    user_with_role,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

DESKTOP = {"width": 1280, "height": 800}
SCHOOL = "Northside High School"
DISTRICT = "Northside School District"
DESCRIPTION = "El oficial le gritó a mi hijo en el pasillo durante el almuerzo."
RESOLUTION = "The SRO and the school staff attend de-escalation training this term."
TRACKING_CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")
REQUIRED = "Este campo es obligatorio."


@pytest.fixture
def admin():
    """A district with one school and an active program with an agency; its administrator."""
    district = DistrictFactory(name=DISTRICT)
    SchoolFactory(district=district, name=SCHOOL)
    ProgramFactory(district=district, agency=AgencyFactory(), status=Program.Status.ACTIVE)
    # The complaint and look-up limits count per address in the cache, which outlives a test.
    cache.clear()
    return user_with_role(
        Role.DISTRICT_ADMIN,
        district=district,
        username="n.admin",
        first_name="Dana",
        last_name="Admin",
    )


def h1(page):
    return page.get_by_role("heading", level=1)


def field_group(page, field):
    """The wrapper crispy-forms draws around a field: its label, input, help and errors."""
    return page.locator(f"#div_id_{field}")


def look_up(page, code):
    page.get_by_label("Código de seguimiento").fill(code)
    page.get_by_role("button", name="Consultar el estado").click()


def change_status(page, status):
    page.get_by_label("New status").select_option(label=status)
    page.get_by_role("button", name="Change status").click()


def test_a_parent_files_in_spanish_and_sees_the_complaint_resolved(
    page, new_page, live_server, login, check_a11y, admin
):
    # 1. The parent, not signed in, opens the form and switches to Spanish.
    page.goto(f"{live_server.url}/accountability/complaints/new/")
    expect(h1(page)).to_have_text("File a complaint about a School Resource Officer")
    check_a11y(page)
    page.get_by_role("button", name="Español").click()
    expect(h1(page)).to_have_text(
        "Presentar una queja sobre un Oficial de Recursos Escolares (SRO)"
    )
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    # The way back names its language in that language, and says which language that is.
    english = page.get_by_role("button", name="English", exact=True)
    expect(english).to_have_attribute("lang", "en")
    expect(english).to_have_attribute("aria-pressed", "false")
    expect(
        page.get_by_text("Los campos marcados con un asterisco (*) son obligatorios.")
    ).to_be_visible()
    check_a11y(page)

    page.get_by_label("Escuela").select_option(label=f"{SCHOOL} ({DISTRICT})")
    page.get_by_role("button", name="Enviar la queja").click()
    expect(field_group(page, "description")).to_contain_text(REQUIRED)
    description = page.get_by_label("Qué pasó")
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(description).to_have_accessible_description(re.compile(re.escape(REQUIRED)))
    expect(page.get_by_label("Escuela")).to_have_value(re.compile(r"\d+"))
    check_a11y(page)

    description.fill(DESCRIPTION)
    page.get_by_label("Solo la página de estado, con mi código de seguimiento").check()
    page.get_by_role("button", name="Enviar la queja").click()
    expect(h1(page)).to_have_text("Su queja fue recibida")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    code = page.locator(".tracking-code").inner_text().strip()
    assert TRACKING_CODE.match(code), code
    check_a11y(page)

    # 2. The status page, in Spanish: a wrong code, then the right one.
    page.get_by_role("main").get_by_role("link", name="Consultar el estado de una queja").click()
    expect(h1(page)).to_have_text("Consultar el estado de una queja")
    check_a11y(page)
    look_up(page, "ABCD-EFGH-JKLM")
    expect(field_group(page, "tracking_code")).to_contain_text(
        "Ninguna queja tiene este código de seguimiento. Revíselo e inténtelo de nuevo."
    )
    expect(page.get_by_label("Código de seguimiento")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)
    look_up(page, code.lower())
    expect(page.get_by_role("heading", level=2)).to_have_text("Estado: Recibida")
    check_a11y(page)

    # 3. The district administrator, in a browser of their own, handles the complaint.
    staff = new_page(DESKTOP)
    login(staff, live_server, admin.username, a11y=True)
    # Their home page lists the new complaint at the top, before it is late.
    expect(staff.get_by_role("table", name=re.compile("not yet acknowledged"))).to_contain_text(
        code
    )
    check_a11y(staff)
    staff.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Complaints", exact=True
    ).click()
    expect(h1(staff)).to_have_text("Complaints")
    check_a11y(staff)
    staff.get_by_role("link", name=code, exact=True).click()
    expect(h1(staff)).to_have_text(f"Complaint {code}")
    # The complainant's words keep their language, for a screen reader to speak them rightly.
    expect(staff.locator("dd", has_text=DESCRIPTION)).to_have_attribute("lang", "es")
    expect(staff.locator("dl")).to_contain_text("Anonymous")
    check_a11y(staff)

    change_status(staff, "Acknowledged")
    expect(staff.get_by_role("status")).to_have_text("The complaint is now Acknowledged.")
    check_a11y(staff)
    change_status(staff, "Under review")
    expect(staff.get_by_role("status")).to_have_text("The complaint is now Under review.")
    check_a11y(staff)

    change_status(staff, "Resolved")
    expect(field_group(staff, "finding")).to_contain_text("Give the finding.")
    expect(field_group(staff, "resolution")).to_contain_text("Describe the resolution.")
    expect(staff.get_by_label("Finding")).to_have_attribute("aria-invalid", "true")
    expect(staff.get_by_label("Resolution")).to_have_attribute("aria-invalid", "true")
    check_a11y(staff)

    staff.get_by_label("Finding").select_option(label="Policy or training issue")
    staff.get_by_label("Resolution").fill(RESOLUTION)
    change_status(staff, "Resolved")
    expect(staff.get_by_role("status")).to_have_text("The complaint is now Resolved.")
    expect(staff.locator("dl")).to_contain_text("Policy or training issue")
    expect(staff.locator("dl")).to_contain_text(RESOLUTION)
    history = staff.locator("h2:has-text('History') + ol > li")
    expect(history).to_have_count(4)
    for item, status in zip(
        history.all(), ["Received", "Acknowledged", "Under review", "Resolved"], strict=True
    ):
        expect(item).to_contain_text(status)
    expect(history.nth(3)).to_contain_text("Dana Admin")
    # A resolved complaint moves no further.
    expect(staff.get_by_label("New status")).to_have_count(0)
    check_a11y(staff)

    # 4. The parent, still in Spanish, sees the new status and nothing else of the complaint.
    page.get_by_role("contentinfo").get_by_role(
        "link", name="Consultar el estado de una queja"
    ).click()
    expect(h1(page)).to_have_text("Consultar el estado de una queja")
    look_up(page, code)
    found = page.get_by_role("heading", level=2)
    expect(found).to_have_text("Estado: Resuelta")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    main = page.locator("main")
    for secret in (
        DESCRIPTION,
        RESOLUTION,
        "Policy or training issue",
        "Dana",
        "Admin",
        SCHOOL,
        DISTRICT,
        code,
    ):
        expect(main).not_to_contain_text(secret)
    check_a11y(page)

    # An anonymous complaint has nobody to write back to: only its handler was told, in
    # English, with the tracking code and without what the parent wrote.
    [message] = mail.outbox
    assert message.to == [admin.email]
    assert message.subject == f"New complaint about an SRO to acknowledge: {code}"
    assert DESCRIPTION not in message.body
