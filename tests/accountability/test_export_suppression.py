"""Exports that leave the district owning the data show small counts as "<10" and withhold
their complements ("*"); the district's own administrators get the exact numbers."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import Complaint, Enrollment
from accountability.suppression import leaves_district
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    ComplaintFactory,
    DistrictFactory,
    EnforcementActionFactory,
    IncidentFactory,
    ProgramFactory,
    SchoolFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
REPORT = reverse("accountability:report_enforcement")
DISTRICTS = reverse("accountability:report_districts")
COMPLAINTS = reverse("accountability:report_complaints")
DAY = datetime.date(2024, 10, 1)  # in school year 2024-25
NOTE = ["Small counts", "Shown as <10, with complementary cells withheld (*)"]


def actions(program, school, n, **fields):
    for _ in range(n):
        incident = IncidentFactory(program=program, school=school)
        EnforcementActionFactory(incident=incident, occurred_on=DAY, **fields)


@pytest.fixture
def world():
    """3 arrests of Black students and 20 citations of White students in one district."""
    district = DistrictFactory(name="Lakeshore School District", dpi_code="3001")
    school = SchoolFactory(district=district, name="Lakeshore High", dpi_code="0100")
    agency = AgencyFactory(name="Lakeshore Police Department")
    program = ProgramFactory(district=district, agency=agency)
    actions(program, school, 3, kind="arrest", student_race="black")
    actions(program, school, 20, kind="citation", student_race="white")
    Enrollment.objects.create(
        school=school, school_year=2024, total=200, black=20, white=150, hispanic=30
    )
    return SimpleNamespace(
        district=district,
        program=program,
        district_admin=user_with_role(Role.DISTRICT_ADMIN, district=district),
        supervisor=user_with_role(Role.AGENCY_SUPERVISOR, agency=agency),
        state=user_with_role(Role.STATE_STAFF),
    )


def download(client, user, url=REPORT, **params):
    client.force_login(user)
    response = client.get(url, {"school_year": "2024-25", "format": "csv", **params})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def cell(rows, section, breakdown, group, column=4):
    (row,) = [r for r in rows if r[:3] == [section, breakdown, group]]
    return row[column]


def test_state_staff_export_hides_small_counts_and_their_complements(client, world):
    rows = download(client, world.state)
    assert cell(rows, "Breakdown", "Kind", "Arrest") == "<10"
    assert cell(rows, "Breakdown", "Kind", "Citation or ticket") == "*"
    assert cell(rows, "Total", "All enforcement actions", "All") == "23"
    assert cell(rows, "Breakdown", "Race and ethnicity", "Black or African American") == "<10"
    assert cell(rows, "Breakdown", "Race and ethnicity", "White") == "*"
    cross = "Race and ethnicity by Disability"
    assert cell(rows, cross, "Black or African American", "None") == "<10"
    assert cell(rows, cross, "White", "None") == "*"
    assert cell(rows, cross, "White", "All") == "*"
    assert NOTE in rows


def test_zero_stays_zero(client, world):
    rows = download(client, world.state)
    cross = "Race and ethnicity by Disability"
    assert cell(rows, cross, "Black or African American", "IDEA (special education)") == "0"
    assert cell(rows, "Rates", "Race and ethnicity", "Hispanic/Latino") == "0"
    assert cell(rows, "Rates", "Race and ethnicity", "Hispanic/Latino", column=6) == "0.0"


def test_rates_from_hidden_counts_are_blank(client, world):
    rows = download(client, world.state)
    for group in ("Black or African American", "White"):
        rate = next(r for r in rows if r[:3] == ["Rates", "Race and ethnicity", group])
        assert rate[4] in ("<10", "*")
        assert rate[6:8] == ["", ""]
    # The total is shown, so the overall rate is.
    assert cell(rows, "Rates", "All students", "All", column=6) == "11.5"


def test_district_admin_gets_exact_counts(client, world):
    rows = download(client, world.district_admin)
    assert cell(rows, "Breakdown", "Kind", "Arrest") == "3"
    assert cell(rows, "Breakdown", "Kind", "Citation or ticket") == "20"
    assert cell(rows, "Rates", "Race and ethnicity", "Black or African American", 6) == "15.0"
    assert NOTE not in rows
    assert ["Small counts", "Shown as counted (the download stays within your own district)"] in (
        rows
    )


def test_agency_supervisor_export_of_a_partner_district_is_suppressed(client, world):
    rows = download(client, world.supervisor)
    assert cell(rows, "Breakdown", "Kind", "Arrest") == "<10"
    assert cell(rows, "Breakdown", "Kind", "Citation or ticket") == "*"
    assert NOTE in rows


def test_xlsx_export_is_suppressed_too(client, world):
    import openpyxl

    client.force_login(world.state)
    response = client.get(REPORT, {"school_year": "2024-25", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    (arrest,) = [r for r in values if r[:3] == ["Breakdown", "Kind", "Arrest"]]
    assert arrest[4] == "<10"
    about = [[c.value for c in row] for row in book["About"].iter_rows()]
    assert NOTE in about


def test_districts_comparison_export_is_suppressed(client, world):
    other = DistrictFactory(name="Northwood School District", dpi_code="3002")
    school = SchoolFactory(district=other)
    actions(ProgramFactory(district=other), school, 12, student_race="black")
    rows = download(client, world.state, url=DISTRICTS, group="black")
    lake = next(r for r in rows if r[0] == "Lakeshore School District")
    north = next(r for r in rows if r[0] == "Northwood School District")
    # Lakeshore: 23 actions, 3 of them of Black students (small): hidden, its rates blank.
    assert lake[5] == "<10"
    assert lake[7:9] == ["", ""]
    # Northwood's 12 Black students' actions are shown, unless needed as a complement.
    assert north[2] in ("12", "*")
    assert NOTE in rows


def test_complaints_export_leaving_the_district_is_suppressed(client, world):
    received = timezone.make_aware(datetime.datetime(2024, 10, 1, 9))
    for _ in range(2):
        ComplaintFactory(program=world.program)
    Complaint.objects.update(received_at=received)
    own = download(client, world.district_admin, url=COMPLAINTS, table="status")
    assert ["Received", "2"] in own
    outside = download(client, world.supervisor, url=COMPLAINTS, table="status")
    assert ["Received", "<10"] in outside
    assert ["Resolved", "0"] in outside
    assert NOTE in outside


def test_leaves_district(world):
    district_ids = {world.district.pk}
    assert not leaves_district(_scoped(world.district_admin), district_ids)
    assert leaves_district(_scoped(world.district_admin), {world.district.pk, -1})
    assert leaves_district(_scoped(world.state), district_ids)
    assert leaves_district(_scoped(world.supervisor), district_ids)


def _scoped(user):
    from sro_portal.scope import Scope

    user.scope = Scope.of(user)
    return user


def test_demo_has_lakeshore_enforcement_history_that_shows_suppression(client):
    from django.core.management import call_command

    from incidents.models import EnforcementAction
    from sro_portal.models import User
    from sro_portal.schoolyear import school_year_label, school_year_of

    call_command("seed_demo", stdout=io.StringIO())
    history = EnforcementAction.objects.filter(case_number__startswith="LPD-H")
    count = history.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert history.count() == count
    last_year = school_year_of(timezone.localdate()) - 1
    state = User.objects.filter(memberships__role=Role.STATE_STAFF).first()
    lakeshore = history.first().district
    rows = download(
        client,
        state,
        school_year=school_year_label(last_year),
        district=lakeshore.pk,
    )
    kinds = {r[2]: r[4] for r in rows if r[:2] == ["Breakdown", "Kind"]}
    assert "<10" in kinds.values()
    assert any(v.isdigit() and int(v) >= 10 for v in kinds.values())
    assert NOTE in rows
    admin = User.objects.get(username="district.lakeshore")
    own = download(client, admin, school_year=school_year_label(last_year))
    assert "<10" not in {r[4] for r in own if r[:2] == ["Breakdown", "Kind"]}
