"""The activity report against numbers worked out by hand, for each role's scope."""

import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from incidents.models import ActivityType
from sro_portal.roles import Role
from tests.factories import (
    ActivityLogFactory,
    AssignmentFactory,
    ProgramFactory,
    SchoolFactory,
    seeded,
    user_with_role,
)

pytestmark = pytest.mark.django_db
URL = reverse("accountability:report_activity")
YEAR = "school_year=2024-25"


def day(month, d, year=2024):
    return datetime.date(year, month, d)


def log(assignment, code, on, minutes, **fields):
    return ActivityLogFactory(
        assignment=assignment,
        activity_type=seeded(ActivityType, code),
        occurred_on=on,
        minutes=minutes,
        **fields,
    )


@pytest.fixture
def data(tenant, other_tenant):
    """In 2024-25, in the home tenant's program (minutes):
    the SRO at the high school: patrol 60 (Sep 10), mentoring 90 (Sep 11), lesson 120 (Oct 1);
    a second SRO at the middle school: outreach 30 (Oct 2), patrol 45 (Oct 3) amended to 30.
    By hand: law enforcement 90 (2 entries), counselor/mentor 90, educator 120, outreach 30;
    330 minutes = 5.5 hours in 5 entries; the SRO 270, the second SRO 60; September 150,
    October 180. Outside: the other tenant's patrol 600, and a patrol of 500 in 2025-26."""
    second = user_with_role(Role.SRO, agency=tenant.agency, username="second.sro")
    second_assignment = AssignmentFactory(
        program=tenant.program, school=tenant.other_school, officer=second
    )
    log(tenant.assignment, "patrol", day(9, 10), 60)
    log(tenant.assignment, "mentoring", day(9, 11), 90, students_met=3)
    log(tenant.assignment, "classroom-lesson", day(10, 1), 120, students_met=25, staff_met=1)
    log(second_assignment, "community-outreach", day(10, 2), 30)
    original = log(second_assignment, "patrol", day(10, 3), 45)
    log(second_assignment, "patrol", day(10, 3), 30, amends=original, amendment_reason="typo")
    log(other_tenant.assignment, "patrol", day(9, 10), 600)
    log(tenant.assignment, "patrol", day(7, 1, 2025), 500)
    return {"second": second}


def report(client, user, query=YEAR):
    client.force_login(user)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return response


def rows(response, name):
    section = next(s for s in response.context["sections"] if s["name"] == name)
    chart = section["chart"]
    return {row["label"]: row["values"] for row in chart.rows}


def test_the_district_sees_its_numbers_worked_out_by_hand(client, tenant, data):
    response = report(client, tenant.district_admin)
    assert rows(response, "group") == {
        "Law enforcement": [1.5, 2],
        "Informal counselor/mentor": [1.5, 1],
        "Educator": [2.0, 1],
        "Community outreach": [0.5, 1],
        "Meeting with administrators": [0.0, 0],
        "Other": [0.0, 0],
    }
    assert rows(response, "activity_type") == {
        "Classroom lesson": [2.0, 1],
        "Community outreach": [0.5, 1],
        "Mentoring": [1.5, 1],
        "Patrol": [1.5, 2],
    }
    sro_name = tenant.sro.get_full_name()
    second_name = data["second"].get_full_name()
    assert rows(response, "officer") == {sro_name: [4.5, 3], second_name: [1.0, 2]}
    assert rows(response, "school") == {
        tenant.school.name: [4.5, 3],
        tenant.other_school.name: [1.0, 2],
    }
    assert rows(response, "month") == {"September 2024": [2.5, 2], "October 2024": [3.0, 3]}
    summary = response.context["summary"]
    assert summary == {
        "hours": 5.5,
        "entries": 5,
        "enforcement_share": 27,  # 90 of 330 minutes
        "prevention_share": 73,  # 240 of 330
    }
    page = response.content.decode()
    assert "5.5 hours in 5 entries: 27% law enforcement, 73% mentoring" in page


@pytest.mark.parametrize(
    ("role", "hours", "entries"),
    [
        ("sro", 4.5, 3),  # their own
        ("building_admin", 4.5, 3),  # the high school's
        ("district_admin", 5.5, 5),
        ("agency_supervisor", 5.5, 5),  # the agency's officers
    ],
)
def test_each_role_sees_its_own_scope(client, tenant, data, role, hours, entries):
    summary = report(client, getattr(tenant, role)).context["summary"]
    assert (summary["hours"], summary["entries"]) == (hours, entries)


def test_state_staff_see_every_district(client, data, state_staff):
    summary = report(client, state_staff).context["summary"]
    assert (summary["hours"], summary["entries"]) == (15.5, 6)  # and the other tenant's 600


def test_filters_narrow_the_report(client, tenant, data):
    by_officer = report(client, tenant.district_admin, f"{YEAR}&officer={data['second'].pk}")
    assert by_officer.context["summary"]["hours"] == 1.0
    by_school = report(client, tenant.district_admin, f"{YEAR}&school={tenant.school.pk}")
    assert by_school.context["summary"]["hours"] == 4.5
    by_program = report(client, tenant.district_admin, f"{YEAR}&program={tenant.program.pk}")
    assert by_program.context["summary"]["hours"] == 5.5
    by_dates = report(client, tenant.district_admin, "start=2024-10-01&end=2024-10-31")
    assert by_dates.context["summary"]["hours"] == 3.0
    assert by_dates.context["filters"]["Period"] == "October 1, 2024 to October 31, 2024"


def test_the_current_school_year_by_default(client, tenant):
    response = report(client, tenant.sro, "")
    assert response.context["summary"]["entries"] == 1  # the tenant's entry of today
    assert response.context["filters"]["SRO"] == "All SROs"


def test_choices_stay_within_scope(client, tenant, other_tenant, data):
    form = report(client, tenant.building_admin).context["form"]
    schools = dict(form.fields["school"].choices)
    assert tenant.school.pk in schools and other_tenant.school.pk not in schools
    officers = dict(report(client, tenant.sro).context["form"].fields["officer"].choices)
    assert set(officers) == {"", tenant.sro.pk}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("school_year=2024-27", "school_year", "is not a school year: write it as 2025-26."),
        ("school_year=soon", "school_year", "is not a school year"),
        ("start=2024-10-31&end=2024-10-01", "end", "The end date is before the start date."),
        ("start=2010-01-01&end=2024-10-01", "end", "A range can cover at most 10 years."),
        ("start=2024-10-01", "end", "Give both dates of the range."),
        ("school_year=2024-25&start=2024-10-01&end=2024-10-02", "school_year", "not both"),
        ("start=yesterday&end=2024-10-01", "start", "Enter a valid date."),
    ],
)
def test_bad_input_is_explained_beside_its_field(client, tenant, query, field, message):
    response = report(client, tenant.district_admin, query)
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    # crispy puts the message right under the field it belongs to
    assert re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>[^<]*', page)
    assert "Correct the filters marked above" in page
    assert "sections" not in response.context


@pytest.mark.parametrize("field", ["school", "officer", "program"])
def test_an_unknown_or_out_of_scope_choice_is_refused(client, tenant, other_tenant, field):
    value = {
        "school": other_tenant.school.pk,
        "officer": other_tenant.sro.pk,
        "program": other_tenant.program.pk,
    }[field]
    for bad in (value, 999_999, "x"):
        form = report(client, tenant.district_admin, f"{field}={bad}").context["form"]
        assert "from the list" in form.errors[field][0]


def test_chart_and_table_carry_the_same_numbers(client, tenant, data):
    response = report(client, tenant.district_admin)
    page = response.content.decode()
    for section in response.context["sections"]:
        chart = section["chart"]
        found = re.search(
            rf'<script id="{chart.data_id}" type="application/json">(.*?)</script>', page
        )
        drawn = json.loads(found.group(1))
        assert drawn["labels"] == [str(label) for label in chart.labels]
        table = page[page.index(f'id="{chart.id}-title"') :]
        table = table[: table.index("</table>")]
        for i, label in enumerate(drawn["labels"]):
            cells = "".join(
                f'<td class="text-end">{series["values"][i]}</td>' for series in drawn["series"]
            )
            assert f'<th scope="row">{label}</th>{cells}' in table


def test_csv_carries_labels_not_codes(client, tenant, data):
    client.force_login(tenant.district_admin)
    response = client.get(f"{URL}?{YEAR}&table=group&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    lines = text.splitlines()
    assert lines[0] == "Part of the job,Hours,Minutes,Entries,Students met,Staff met"
    assert lines[1] == "Law enforcement,1.5,90,2,0,0"
    assert lines[2] == "Informal counselor/mentor,1.5,90,1,3,0"
    assert lines[3] == "Educator,2.0,120,1,25,1"
    assert "counselor_mentor" not in text and "law_enforcement" not in text
    assert "Period,School year 2024-25" in text and "SRO,All SROs" in text


def test_every_table_in_one_download(client, tenant, data):
    client.force_login(tenant.district_admin)
    response = client.get(f"{URL}?{YEAR}&school={tenant.school.pk}&table=all&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == [
        "Breakdown",
        "Label",
        "Hours",
        "Minutes",
        "Entries",
        "Students met",
        "Staff met",
    ]
    breakdowns = {row[0] for row in values[1:]}
    assert breakdowns == {"Part of the job", "Activity", "SRO", "School", "Month"}
    assert ["School", tenant.school.name, 4.5, 270, 3, 28, 1] in values
    about = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows(min_row=2)}
    assert about["School"] == tenant.school.name


def test_an_unknown_export_answers_404(client, tenant):
    client.force_login(tenant.district_admin)
    assert client.get(f"{URL}?format=pdf").status_code == 404
    assert client.get(f"{URL}?table=nope&format=csv").status_code == 404
    assert client.get(f"{URL}?school_year=nope&format=csv").status_code == 404


@pytest.mark.parametrize("size", [1, 12])
def test_the_report_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, state_staff, size
):
    for i in range(size):
        program = ProgramFactory()
        school = SchoolFactory(district=program.district)
        officer = user_with_role(Role.SRO, agency=program.agency)
        assignment = AssignmentFactory(program=program, school=school, officer=officer)
        for code in ("patrol", "mentoring", "classroom-lesson"):
            log(assignment, code, day(9, 1 + i), 30)
    client.force_login(state_staff)
    # The session, the user and their memberships; three lists of choices; five aggregates; the
    # request's savepoint and its release.
    with django_assert_max_num_queries(13):
        response = client.get(f"{URL}?{YEAR}")
    assert response.context["summary"]["entries"] == 3 * size
    # The download also writes its audit entry.
    with django_assert_max_num_queries(14):
        client.get(f"{URL}?{YEAR}&table=all&format=csv")
