"""The programs list and the directory's lists download as CSV or XLSX like every other list:
what the list shows to the role (all pages of it), labels rather than codes, names beside codes,
the filters in use stated, in a fixed number of queries."""

import csv
import io

import pytest
from django.urls import reverse

from programs.models import Program
from sro_portal.models import Agency, Grade
from sro_portal.roles import Role
from tests.factories import AgencyFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("programs:program_list")
DISTRICTS = reverse("directory:district_list")
SCHOOLS = reverse("directory:school_list")
AGENCIES = reverse("directory:agency_list")


def download(client, url, **query):
    response = client.get(url, {**query, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    blank = rows.index([])
    return rows[0], rows[1:blank], dict(r for r in rows[blank + 1 :] if len(r) == 2)


def column(client, url, index=0, **query):
    _, rows, _ = download(client, url, **query)
    return sorted(r[index] for r in rows)


def users(tenant, state_staff):
    return {
        Role.STATE_STAFF: state_staff,
        Role.DISTRICT_ADMIN: tenant.district_admin,
        Role.BUILDING_ADMIN: tenant.building_admin,
        Role.AGENCY_SUPERVISOR: tenant.agency_supervisor,
        Role.SRO: tenant.sro,
    }


# Programs.


@pytest.mark.parametrize("role", [r for r in Role if r != Role.STATE_STAFF])
def test_each_local_role_downloads_only_its_own_programs(
    client, tenant, other_tenant, state_staff, role
):
    client.force_login(users(tenant, state_staff)[role])
    assert column(client, PROGRAMS) == [tenant.program.name]


def test_state_staff_download_every_program_with_labels_and_codes(
    client, tenant, other_tenant, state_staff
):
    client.force_login(state_staff)
    assert column(client, PROGRAMS) == sorted([tenant.program.name, other_tenant.program.name])
    headers, rows, about = download(client, PROGRAMS, name=tenant.program.name)
    assert headers == [
        "Program",
        "Status",
        "District",
        "DPI district code",
        "Agency",
        "Agency kind",
        "ORI",
    ]
    assert rows == [
        [
            tenant.program.name,
            tenant.program.get_status_display(),
            tenant.district.name,
            tenant.district.dpi_code,
            tenant.agency.name,
            "Police department",
            tenant.agency.ori,
        ]
    ]
    assert about["Report"] == "Programs"
    assert about["Name contains"] == tenant.program.name


def test_programs_filter_by_status_district_and_agency(client, tenant, state_staff):
    ended = ProgramFactory(
        district=tenant.district, agency=tenant.agency, status=Program.Status.ENDED
    )
    client.force_login(tenant.district_admin)
    assert column(client, PROGRAMS, status="ended") == [ended.name]
    _, _, about = download(client, PROGRAMS, status="ended")
    assert about["Status"] == "Ended"
    page = client.get(PROGRAMS, {"status": "ended"})
    assert [p.name for p in page.context["program_list"]] == [ended.name]
    client.force_login(state_staff)
    assert column(client, PROGRAMS, district=tenant.district.dpi_code) == sorted(
        [tenant.program.name, ended.name]
    )
    assert column(client, PROGRAMS, agency=tenant.agency.ori.lower()) == sorted(
        [tenant.program.name, ended.name]
    )


def test_a_bad_filter_shows_the_page_and_why_instead_of_a_download(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(PROGRAMS, {"status": "closed", "export": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert "status" in response.context["filter"].form.errors


def test_the_programs_download_runs_a_fixed_number_of_queries(
    client, state_staff, django_assert_max_num_queries
):
    ProgramFactory.create_batch(30)
    client.force_login(state_staff)
    # Seven, and the download's audit entry.
    with django_assert_max_num_queries(8):
        _, rows, _ = download(client, PROGRAMS)
    assert len(rows) == 30
    with django_assert_max_num_queries(8):
        assert client.get(PROGRAMS, {"sort": "-status"}).status_code == 200


# Districts and schools.


def test_district_people_download_only_their_district(client, tenant, other_tenant, state_staff):
    for user in (tenant.district_admin, tenant.building_admin):
        client.force_login(user)
        assert column(client, DISTRICTS) == [tenant.district.name]
    client.force_login(state_staff)
    assert column(client, DISTRICTS) == sorted([tenant.district.name, other_tenant.district.name])
    headers, rows, about = download(client, DISTRICTS, name=tenant.district.name)
    assert headers == ["District", "DPI district code", "NCES id", "County", "CESA", "Schools"]
    d = tenant.district
    assert rows == [[d.name, d.dpi_code, d.nces_id, d.county, str(d.cesa), "2"]]
    assert about["Name contains"] == d.name


def test_districts_filter_by_cesa(client, tenant, other_tenant, state_staff):
    other = other_tenant.district
    other.cesa = 9
    other.save()
    client.force_login(state_staff)
    assert column(client, DISTRICTS, cesa="9") == [other.name]
    assert download(client, DISTRICTS, cesa="9")[2]["CESA"] == "9"


def test_schools_in_scope_with_their_district_and_grade_labels(
    client, tenant, other_tenant, state_staff
):
    client.force_login(tenant.district_admin)
    assert column(client, SCHOOLS) == sorted([tenant.school.name, tenant.other_school.name])
    client.force_login(tenant.building_admin)
    headers, rows, _ = download(client, SCHOOLS)
    assert headers == [
        "School",
        "DPI school code",
        "District",
        "DPI district code",
        "NCES id",
        "Lowest grade",
        "Highest grade",
    ]
    s = tenant.school
    assert rows == [
        [s.name, s.dpi_code, s.district.name, s.district.dpi_code, s.nces_id, "9", "12"]
    ]
    client.force_login(state_staff)
    assert len(column(client, SCHOOLS)) == 4


def test_schools_filter_by_district_and_grade_served(client, tenant, other_tenant, state_staff):
    elementary = SchoolFactory(
        district=tenant.district, lowest_grade=Grade.KINDERGARTEN, highest_grade=Grade.G5
    )
    client.force_login(state_staff)
    assert column(client, SCHOOLS, district=tenant.district.dpi_code) == sorted(
        [tenant.school.name, tenant.other_school.name, elementary.name]
    )
    assert column(client, SCHOOLS, district=other_tenant.district.name.upper()) == sorted(
        [other_tenant.school.name, other_tenant.other_school.name]
    )
    _, rows, about = download(client, SCHOOLS, grade="0")
    assert [r[0] for r in rows] == [elementary.name]
    assert rows[0][5:] == ["K", "5"]
    assert about["Serves grade"] == "K"


def test_the_directory_downloads_run_a_fixed_number_of_queries(
    client, state_staff, django_assert_max_num_queries
):
    SchoolFactory.create_batch(30)
    AgencyFactory.create_batch(30)
    client.force_login(state_staff)
    for url in (DISTRICTS, SCHOOLS, AGENCIES):
        # Seven, and the download's audit entry.
        with django_assert_max_num_queries(8):
            _, rows, _ = download(client, url)
        assert len(rows) == 30


# Agencies.


def test_agency_people_download_only_their_agency(client, tenant, other_tenant, state_staff):
    for user in (tenant.agency_supervisor, tenant.sro):
        client.force_login(user)
        assert column(client, AGENCIES) == [tenant.agency.name]
    client.force_login(state_staff)
    headers, rows, _ = download(client, AGENCIES, name=tenant.agency.name)
    assert headers == ["Agency", "Kind", "ORI"]
    assert rows == [[tenant.agency.name, "Police department", tenant.agency.ori]]


def test_agencies_filter_by_kind(client, tenant, state_staff):
    sheriff = AgencyFactory(kind=Agency.Kind.SHERIFFS_OFFICE)
    client.force_login(state_staff)
    _, rows, about = download(client, AGENCIES, kind="sheriffs_office")
    assert rows == [[sheriff.name, "Sheriff's office", sheriff.ori]]
    assert about["Kind"] == "Sheriff's office"


def test_roles_without_the_list_may_not_download_it(client, tenant):
    for user, url in (
        (tenant.sro, DISTRICTS),
        (tenant.agency_supervisor, SCHOOLS),
        (tenant.district_admin, AGENCIES),
    ):
        client.force_login(user)
        assert client.get(url, {"export": "csv"}).status_code == 403


def test_every_list_offers_its_downloads(client, tenant, state_staff):
    client.force_login(state_staff)
    for url in (PROGRAMS, DISTRICTS, SCHOOLS, AGENCIES):
        page = client.get(url, {"name": "x"}).content.decode()
        assert "export=csv" in page and "export=xlsx" in page
        xlsx = client.get(url, {"export": "xlsx"})
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
