"""The complaints and training summary reports against numbers worked out by hand."""

import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import Complaint, ComplaintStatusChange
from sro_portal.roles import Role
from tests.factories import (
    AssignmentFactory,
    ComplaintFactory,
    CompletionFactory,
    MembershipFactory,
    ProgramFactory,
    RequirementFactory,
    SchoolFactory,
    StaffMemberFactory,
    UserFactory,
    user_with_role,
)
from training.summary import refresh_all

pytestmark = pytest.mark.django_db
COMPLAINTS = reverse("accountability:report_complaints")
TRAINING = reverse("accountability:report_training")
YEAR = "school_year=2024-25"


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def complaint(program, received, status, acknowledged=None, **fields):
    made = ComplaintFactory(program=program, **fields)
    Complaint.objects.filter(pk=made.pk).update(received_at=received, status=status)
    if acknowledged:
        change = ComplaintStatusChange.objects.create(
            complaint=made, from_status="received", to_status="acknowledged"
        )
        ComplaintStatusChange.objects.filter(pk=change.pk).update(changed_at=acknowledged)
    return made


@pytest.fixture
def complaints(tenant, other_tenant):
    """In 2024-25: one acknowledged after 2 days, one resolved (sustained) acknowledged after 6,
    one still received. By hand: average 4.0 days, longest 6.0. The other tenant's complaint,
    acknowledged after 30 days, and the tenant's own of today lie outside the district's
    2024-25."""
    complaint(tenant.program, at(2024, 9, 1, 10), "acknowledged", at(2024, 9, 3, 10))
    complaint(
        tenant.program,
        at(2024, 9, 10, 8),
        "resolved",
        at(2024, 9, 16, 8),
        finding="sustained",
        resolution="Retrained.",
    )
    complaint(tenant.program, at(2024, 11, 1, 9), "received")
    complaint(other_tenant.program, at(2024, 9, 1, 10), "acknowledged", at(2024, 10, 1, 10))


def table(response, name):
    chart = dict(response.context["charts"])[name]
    return {row["label"]: row["values"][0] for row in chart.rows}


def get(client, user, url, query=""):
    client.force_login(user)
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return response


def test_complaints_worked_out_by_hand(client, tenant, complaints):
    response = get(client, tenant.district_admin, COMPLAINTS, YEAR)
    assert table(response, "status") == {
        "Received": 1,
        "Acknowledged": 1,
        "Under review": 0,
        "Resolved": 1,
        "Withdrawn": 0,
    }
    assert table(response, "finding") == {
        "Sustained": 1,
        "Not sustained": 0,
        "Exonerated": 0,
        "Unfounded": 0,
        "Policy or training issue": 0,
        "No finding yet": 2,
    }
    assert table(response, "acknowledgement") == {
        "Average days to acknowledge": 4.0,
        "Longest days to acknowledge": 6.0,
    }
    assert response.context["total"] == 3 and response.context["acknowledged"] == 2


def test_state_staff_count_every_district(client, complaints, state_staff):
    response = get(client, state_staff, COMPLAINTS, YEAR)
    assert response.context["total"] == 4
    assert table(response, "acknowledgement") == {
        "Average days to acknowledge": 12.7,  # (2 + 6 + 30) / 3
        "Longest days to acknowledge": 30.0,
    }


def test_the_agency_supervisor_sees_their_agency_s_complaints(client, tenant, complaints):
    assert get(client, tenant.agency_supervisor, COMPLAINTS, YEAR).context["total"] == 3


@pytest.mark.parametrize("role", ["sro", "building_admin"])
def test_sros_and_building_administrators_never_see_complaints(client, tenant, role):
    client.force_login(getattr(tenant, role))
    assert client.get(COMPLAINTS).status_code == 403
    assert client.get(f"{COMPLAINTS}?format=csv").status_code == 403


def test_a_period_without_complaints_says_so(client, tenant):
    response = get(client, tenant.district_admin, COMPLAINTS, "school_year=2010-11")
    assert response.context["total"] == 0
    assert table(response, "acknowledgement") == {}
    assert "No records in this period." in response.content.decode()


def test_bad_dates_are_explained_beside_their_field(client, tenant):
    response = get(client, tenant.district_admin, COMPLAINTS, "start=2024-10-31&end=2024-10-01")
    assert response.context["form"].errors["end"] == ["The end date is before the start date."]
    assert 'id="error_1_id_end"' in response.content.decode()
    assert "charts" not in response.context


def test_complaints_export_with_labels(client, tenant, complaints):
    client.force_login(tenant.district_admin)
    text = client.get(f"{COMPLAINTS}?{YEAR}&table=status&format=csv").content.decode()
    lines = text.splitlines()
    assert lines[:4] == ["Status,Complaints", "Received,1", "Acknowledged,1", "Under review,0"]
    assert "under_review" not in text and "Period,School year 2024-25" in text
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{COMPLAINTS}?{YEAR}&table=all&format=xlsx").content)
    )
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert rows[0] == ["Table", "Label", "Value"]
    assert ["Complaints by finding", "Policy or training issue", 0] in rows
    assert ["Days to acknowledge", "Longest days to acknowledge", 6] in rows


@pytest.mark.parametrize("size", [1, 10])
def test_complaints_report_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, state_staff, size
):
    for _ in range(size):
        complaint(ProgramFactory(), at(2024, 9, 1, 10), "acknowledged", at(2024, 9, 2, 10))
    client.force_login(state_staff)
    # Session, user, memberships; three aggregates; the request's savepoint and release.
    with django_assert_max_num_queries(8):
        response = client.get(f"{COMPLAINTS}?{YEAR}")
    assert response.context["total"] == size


def sro(program, started_days_ago):
    """An SRO of the program's agency who took up the role that many days ago (training
    periods count from then)."""
    officer = UserFactory()
    MembershipFactory(
        user=officer,
        role=Role.SRO,
        agency=program.agency,
        started_on=timezone.localdate() - datetime.timedelta(days=started_days_ago),
    )
    return officer


@pytest.fixture
def staff():
    """A district with one program; two SROs assigned to it, a building administrator, and the
    district administrator who reads the report. SROs must do 8 hours a year: the first did,
    the second started two years ago and did none (overdue). No requirement applies to
    administrators (compliant). By program: 1 overdue, 2 compliant of 3; by role: SROs 1
    overdue and 1 compliant, building administrators 1 compliant."""
    school = SchoolFactory()
    program = ProgramFactory(district=school.district)
    RequirementFactory()
    done = sro(program, started_days_ago=60)  # 8 hours done 30 days ago, in this year
    late = sro(program, started_days_ago=730)
    for officer in (done, late):
        AssignmentFactory(program=program, school=school, officer=officer)
    CompletionFactory(person=done)
    principal = user_with_role(Role.BUILDING_ADMIN, school=school)
    admin = user_with_role(Role.DISTRICT_ADMIN, district=school.district)
    return {"program": program, "admin": admin, "principal": principal, "school": school}


def test_training_worked_out_by_hand(client, staff):
    response = get(client, staff["admin"], TRAINING)
    by_program = dict(response.context["charts"])["program"]
    assert {row["label"]: row["values"] for row in by_program.rows} == {
        staff["program"].name: [1, 0, 0, 2]
    }
    by_role = dict(response.context["charts"])["role"]
    assert {row["label"]: row["values"] for row in by_role.rows} == {
        "Building administrator": [0, 0, 0, 1],
        "School resource officer": [1, 0, 0, 1],
    }


def test_roster_people_count_by_audience_and_toward_their_districts_programs(client, staff):
    from training.models import Audience

    RequirementFactory(audience=Audience.TEACHER, frequency="once", deadline_days=30)
    StaffMemberFactory(school=staff["school"], audience=Audience.TEACHER)  # started 200 days ago
    StaffMemberFactory(school=SchoolFactory(), audience=Audience.TEACHER)  # another district
    response = get(client, staff["admin"], TRAINING)
    by_role = dict(response.context["charts"])["role"]
    rows = {row["label"]: row["values"] for row in by_role.rows}
    assert rows["Teachers (staff roster)"] == [1, 0, 0, 0]
    by_program = dict(response.context["charts"])["program"]
    assert {row["label"]: row["values"] for row in by_program.rows} == {
        staff["program"].name: [2, 0, 0, 2]
    }


def test_the_principal_sees_their_school_s_people(client, staff):
    response = get(client, staff["principal"], TRAINING)
    by_role = dict(response.context["charts"])["role"]
    assert {row["label"]: row["values"] for row in by_role.rows} == {
        "School resource officer": [1, 0, 0, 1]
    }


def test_sros_do_not_open_the_training_report(client, tenant):
    client.force_login(tenant.sro)
    assert client.get(TRAINING).status_code == 403


def test_training_chart_and_table_agree_and_export_labels(client, staff):
    response = get(client, staff["admin"], TRAINING)
    page = response.content.decode()
    chart = dict(response.context["charts"])["program"]
    drawn = json.loads(
        re.search(rf'<script id="{chart.data_id}" type="application/json">(.*?)</script>', page)[1]
    )
    assert [s["label"] for s in drawn["series"]] == [
        "Overdue",
        "Due soon",
        "Not yet due",
        "Compliant",
    ]
    assert [s["values"][0] for s in drawn["series"]] == [1, 0, 0, 2]
    cells = "".join(f'<td class="text-end">{v}</td>' for v in [1, 0, 0, 2])
    assert f'<th scope="row">{staff["program"].name}</th>{cells}' in page
    text = client.get(f"{TRAINING}?table=role&format=csv").content.decode()
    lines = text.splitlines()
    assert lines[0] == "Role,Overdue,Due soon,Not yet due,Compliant,People"
    assert "School resource officer,1,0,0,1,2" in lines
    assert "building_admin" not in text


@pytest.mark.parametrize("size", [1, 8])
def test_training_report_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size
):
    school = SchoolFactory()
    program = ProgramFactory(district=school.district)
    RequirementFactory()
    for _ in range(size):
        officer = sro(program, started_days_ago=60)
        AssignmentFactory(program=program, school=school, officer=officer)
        CompletionFactory(person=officer)
        StaffMemberFactory(school=school)
    admin = user_with_role(Role.DISTRICT_ADMIN, district=school.district)
    refresh_all()  # the compliance summary, as the services and the daily command keep it
    client.force_login(admin)
    # Session, user, memberships; the stale rows; by role, by roster audience, by program.
    with django_assert_max_num_queries(10):
        response = client.get(TRAINING)
    by_role = dict(response.context["charts"])["role"]
    assert {row["label"]: row["values"] for row in by_role.rows} == {
        "School resource officer": [0, 0, 0, size],
        "Teachers (staff roster)": [0, 0, 0, size],
    }
