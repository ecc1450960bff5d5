"""The enforcement report and the districts compared: numbers worked out by hand agree with the
pages, the downloads carry labels, scoping holds, bad input is answered beside its field."""

import csv
import datetime
import io
import json
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.models import Enrollment
from sro_portal.roles import Role
from tests.factories import (
    AgencyFactory,
    DistrictFactory,
    EnforcementActionFactory,
    IncidentFactory,
    ProgramFactory,
    SchoolFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
URL = reverse("accountability:report_enforcement")
DAY = datetime.date(2024, 10, 1)  # in school year 2024-25


def action(program, school, **fields):
    incident = IncidentFactory(program=program, school=school)
    fields.setdefault("occurred_on", DAY)
    return EnforcementActionFactory(incident=incident, **fields)


def make_world():
    """Two schools of one district with six actions between them, enrollment for both, and a
    second district whose action nobody in the first may count."""
    district = DistrictFactory(name="Lakeside School District", dpi_code="3619")
    a = SchoolFactory(district=district, name="Alpha High", dpi_code="0010")
    b = SchoolFactory(district=district, name="Beta Middle", dpi_code="0020")
    agency = AgencyFactory(name="Lakeside Police Department")
    program = ProgramFactory(district=district, agency=agency, name="Lakeside SRO Program")
    actions = [
        action(
            program,
            a,
            student_race="black",
            student_gender="male",
            student_disability="idea",
            student_english_learner="yes",
            kind="arrest",
        ),
        action(
            program,
            a,
            student_race="black",
            student_gender="female",
            student_disability="none",
            student_english_learner="no",
            kind="referral",
        ),
        action(
            program,
            a,
            student_race="white",
            student_gender="male",
            student_disability="section_504",
            student_english_learner="no",
            kind="arrest",
        ),
        action(
            program,
            a,
            student_race="white",
            student_gender="female",
            student_disability="none",
            student_english_learner="unknown",
            kind="citation",
        ),
        action(
            program,
            a,
            student_race="hispanic",
            student_gender="nonbinary",
            student_disability="idea",
            student_english_learner="yes",
            kind="referral",
        ),
        action(
            program,
            b,
            student_race="white",
            student_gender="male",
            student_disability="none",
            student_english_learner="no",
            kind="referral",
        ),
    ]
    Enrollment.objects.create(
        school=a,
        school_year=2024,
        total=100,
        black=20,
        white=50,
        hispanic=30,
        female=50,
        male=48,
        nonbinary=2,
        idea=10,
        section_504=5,
        english_learner=8,
    )
    Enrollment.objects.create(school=b, school_year=2024, total=100, white=100, female=50, male=50)
    other_district = DistrictFactory(name="Faraway School District", dpi_code="9999")
    far = SchoolFactory(district=other_district, name="Faraway High", dpi_code="0099")
    other_program = ProgramFactory(district=other_district, name="Faraway Program")
    action(other_program, far, student_race="black")
    return SimpleNamespace(
        district=district,
        a=a,
        b=b,
        agency=agency,
        program=program,
        actions=actions,
        far=far,
        other_program=other_program,
        district_admin=user_with_role(Role.DISTRICT_ADMIN, district=district),
        building_admin=user_with_role(Role.BUILDING_ADMIN, school=a),
        supervisor=user_with_role(Role.AGENCY_SUPERVISOR, agency=agency),
        sro=user_with_role(Role.SRO, agency=agency),
        state=user_with_role(Role.STATE_STAFF),
    )


@pytest.fixture
def world():
    return make_world()


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, {"school_year": "2024-25", **params})


def breakdown(response, name):
    return {
        r["label"]: r["count"]
        for b in response.context["breakdowns"]
        if b.name == name
        for r in b.rows
    }


def rate_table(response, label):
    return {r.label: r for lbl, rows in response.context["rates"] if lbl == label for r in rows}


def test_counts_by_hand(client, world):
    response = get(client, world.district_admin)
    assert response.status_code == 200
    assert response.context["total"] == 6
    assert breakdown(response, "kind") == {
        "Arrest": 2,
        "Citation or ticket": 1,
        "Referral to law enforcement": 3,
    }
    assert breakdown(response, "race") == {
        "Hispanic/Latino": 1,
        "Black or African American": 2,
        "White": 3,
    }
    assert breakdown(response, "disability") == {
        "IDEA (special education)": 2,
        "Section 504 only": 1,
        "None": 3,
    }
    assert breakdown(response, "school") == {
        "Alpha High (3619-0010)": 5,
        "Beta Middle (3619-0020)": 1,
    }
    assert breakdown(response, "month") == {"October 2024": 6}
    assert breakdown(response, "referred_for_charging") == {"Yes": 6}
    cross = response.context["cross"]
    assert (cross.row_label, cross.column_label) == ("Race and ethnicity", "Disability")
    rows = {label: (values, total) for label, values, total in cross.rows}
    assert cross.columns == ["IDEA (special education)", "Section 504 only", "None", "Unknown"]
    assert rows["Black or African American"] == ([1, 0, 1, 0], 2)
    assert rows["White"] == ([0, 1, 2, 0], 3)
    assert cross.column_totals == [2, 1, 3, 0] and cross.total == 6


def test_rates_and_relative_rates_by_hand(client, world):
    response = get(client, world.district_admin)
    assert response.context["enrollment"]["total"] == 200
    assert response.context["overall_per_100"] == pytest.approx(3.0)
    race = rate_table(response, "Race and ethnicity")
    black = race["Black or African American"]
    assert (black.count, black.enrolled) == (2, 20)
    assert black.per_100 == pytest.approx(10.0)
    assert black.relative_rate == pytest.approx((2 / 20) / (4 / 180))  # 4.5
    assert race["White"].per_100 == pytest.approx(2.0)
    assert race["White"].relative_rate == pytest.approx((3 / 150) / (3 / 50))
    assert race["Hispanic/Latino"].relative_rate == pytest.approx((1 / 30) / (5 / 170))
    assert race["Asian"].enrolled == 0 and race["Asian"].per_100 is None  # zero denominator
    assert race["Not reported"].enrolled is None
    idea = rate_table(response, "Disability")["IDEA (special education)"]
    assert idea.per_100 == pytest.approx(20.0)
    assert idea.relative_rate == pytest.approx((2 / 10) / (4 / 190))
    content = response.content.decode()
    assert "10.00" in content and "4.50" in content and "none enrolled" in content


def test_zero_denominator_for_one_school(client, world):
    response = get(client, world.district_admin, school=world.b.pk)
    assert response.context["total"] == 1
    idea = rate_table(response, "Disability")["IDEA (special education)"]
    assert (idea.count, idea.enrolled, idea.per_100, idea.relative_rate) == (0, 0, None, None)
    white = rate_table(response, "Race and ethnicity")["White"]
    assert white.per_100 == pytest.approx(1.0) and white.relative_rate is None  # nobody else


def test_missing_enrollment_is_said_plainly(client, world):
    SchoolFactory(district=world.district, name="Gamma Elementary", dpi_code="0030")
    response = get(client, world.district_admin)
    assert response.context["rates"] == []
    assert response.context["missing_enrollment"] == ["Gamma Elementary in 2024-25"]
    assert (
        "No enrollment recorded for Gamma Elementary in 2024-25: rates are not shown."
        in response.content.decode()
    )
    # A range over two school years needs both years' enrollment.
    response = get(
        client,
        world.district_admin,
        school_year="",
        start="2024-01-01",
        end="2024-12-31",
        school=world.a.pk,
    )
    assert response.context["missing_enrollment"] == ["Alpha High in 2023-24"]


def test_scoping_per_role(client, world):
    assert get(client, world.district_admin).context["total"] == 6
    assert get(client, world.building_admin).context["total"] == 5
    assert get(client, world.supervisor).context["total"] == 6
    assert get(client, world.state).context["total"] == 7
    assert get(client, world.state, district=world.district.pk).context["total"] == 6
    assert get(client, world.sro).status_code == 403


def test_the_filter_offers_only_what_the_user_may_see(client, world):
    form = get(client, world.building_admin).context["form"]
    assert list(form.fields["school"].queryset) == [world.a]
    assert "district" not in form.fields
    form = get(client, world.district_admin).context["form"]
    assert world.other_program not in form.fields["program"].queryset
    assert "district" in get(client, world.state).context["form"].fields


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"school_year": "2024-26"}, "school_year", "is not a school year: write it as 2025-26"),
        ({"school_year": "soon"}, "school_year", "is not a school year"),
        (
            {"school_year": "", "start": "2024-09-01", "end": "2024-08-01"},
            "end",
            "The end date is before the start date.",
        ),
        (
            {"school_year": "", "start": "2010-01-01", "end": "2024-01-01"},
            "end",
            "A range can cover at most 10 years.",
        ),
        ({"school_year": "", "start": "2024-01-01"}, "end", "Give both dates of the range."),
        (
            {"start": "2024-09-01", "end": "2024-10-01"},
            "school_year",
            "Choose a school year or a date range, not both.",
        ),
        ({"row": "shoe_size"}, "row", "shoe_size is not a breakdown of this report"),
        ({"row": "race", "column": "race"}, "column", "Choose two different breakdowns"),
        ({"school": "FAR"}, "school", "That school is unknown, or not one you may report on"),
        ({"program": "OTHER"}, "program", "That program is unknown"),
        ({"format": "csv", "school_year": "x"}, "school_year", "is not a school year"),
    ],
)
def test_bad_input_is_answered_beside_the_field(client, world, params, field, message):
    params = {
        k: {"FAR": world.far.pk, "OTHER": world.other_program.pk}.get(v, v)
        for k, v in params.items()
    }
    response = get(client, world.district_admin, **params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split(":")[0].replace("'", "&#x27;") in response.content.decode()


def test_a_school_out_of_scope_is_refused_not_counted(client, world):
    response = get(client, world.building_admin, school=world.b.pk)
    assert "school" in response.context["form"].errors
    assert "total" not in response.context


def _queries(client, user):
    with CaptureQueriesContext(connection) as captured:
        assert get(client, user).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_data_size(
    client, world, django_assert_max_num_queries
):
    small = _queries(client, world.district_admin)
    for i in range(25):
        action(
            world.program,
            world.b if i % 2 else world.a,
            student_age=10 + i % 8,
            kind=["arrest", "citation"][i % 2],
            occurred_on=DAY + datetime.timedelta(days=40 * (i % 6)),
        )
    SchoolFactory(district=world.district)
    with django_assert_max_num_queries(small):
        get(client, world.district_admin)
    with django_assert_max_num_queries(40):
        get(client, world.district_admin)


def test_each_chart_carries_the_numbers_of_its_table(client, world):
    response = get(client, world.district_admin)
    content = response.content.decode()
    for b in response.context["breakdowns"]:
        script = re.search(
            rf'<script id="{b.chart.data_id}" type="application/json">(.*?)</script>', content
        )
        data = json.loads(script.group(1))
        assert data["labels"] == [r["label"] for r in b.rows]
        assert data["series"][0]["values"] == [r["count"] for r in b.rows]
        for row in b.rows:
            assert (
                f'<th scope="row">{row["label"]}</th><td class="text-end">{row["count"]}</td>'
                in (content.replace("&amp;", "&"))
            )


def test_csv_export_carries_labels_names_codes_and_filters(client, world):
    response = get(client, world.district_admin, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Section", "Breakdown", "Group", "School DPI code", "Actions"]
    assert rows[1][:5] == ["Total", "All enforcement actions", "All", "", "6"]
    assert ["Breakdown", "School", "Alpha High", "3619-0010", "5"] in [r[:5] for r in rows]
    assert any(r[:5] == ["Breakdown", "Disability", "Section 504 only", "", "1"] for r in rows)
    race_by_disability = "Race and ethnicity by Disability"
    assert [
        race_by_disability,
        "Black or African American",
        "IDEA (special education)",
        "",
        "1",
    ] in [r[:5] for r in rows]
    black = next(
        r for r in rows if r[:3] == ["Rates", "Race and ethnicity", "Black or African American"]
    )
    assert black[4:] == ["2", "20", "10.0", "4.5"]
    text = response.content.decode()
    assert "section_504" not in text and ",idea," not in text
    assert ["Period", "School year 2024-25"] in rows
    assert any(r and r[0] == "Produced" for r in rows)


def test_xlsx_export(client, world):
    response = get(client, world.district_admin, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert values[[v[2] for v in values].index("Arrest")][:5] == [
        "Breakdown",
        "Kind",
        "Arrest",
        None,
        2,
    ]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Period"] == "School year 2024-25"


def test_the_reports_page_offers_the_enforcement_report_to_overseers_only(client, world):
    report = reverse("accountability:report_enforcement")
    client.force_login(world.district_admin)
    links = client.get(reverse("accountability:reports")).context["report_links"]
    assert report in [link["url"] for link in links]
    client.force_login(world.sro)
    links = client.get(reverse("accountability:reports")).context["report_links"]
    assert report not in [link["url"] for link in links]


# Districts compared.

DISTRICTS = reverse("accountability:report_districts")


def test_districts_compared_by_hand(client, world):
    client.force_login(world.state)
    response = client.get(DISTRICTS, {"school_year": "2024-25"})
    rows = {r.name: r for r in response.context["rows"]}
    lake = rows["Lakeside School District"]
    assert (lake.actions, lake.enrolled, lake.group_actions, lake.group_enrolled) == (6, 200, 2, 20)
    assert lake.per_100 == pytest.approx(3.0)
    assert lake.group_per_100 == pytest.approx(10.0)
    assert lake.relative_rate == pytest.approx((2 / 20) / (4 / 180))
    far = rows["Faraway School District"]
    assert (far.actions, far.enrolled, far.per_100) == (1, None, None)
    assert "No enrollment recorded for its schools" in response.content.decode()


def test_districts_compared_for_another_group_sorted(client, world):
    client.force_login(world.state)
    response = client.get(
        DISTRICTS, {"school_year": "2024-25", "group": "idea", "sort": "-actions"}
    )
    rows = response.context["rows"]
    assert [r.name for r in rows] == ["Lakeside School District", "Faraway School District"]
    assert rows[0].group_per_100 == pytest.approx(20.0)
    response = client.get(DISTRICTS, {"school_year": "2024-25", "sort": "actions"})
    assert response.context["rows"][0].name == "Faraway School District"
    response = client.get(DISTRICTS, {"sort": "shoe_size", "group": "tall"})
    assert "shoe_size is not a column of this table" in response.content.decode()
    assert "tall is not a student group" in response.content.decode()


def test_districts_compared_export_and_access(client, world):
    client.force_login(world.state)
    response = client.get(DISTRICTS, {"school_year": "2024-25", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][5] == "Black or African American: actions"
    lake = next(r for r in rows if r[0] == "Lakeside School District")
    # The comparison leaves every district: 6 and 2 actions are small counts, their rates hidden.
    assert lake[1:9] == ["3619", "<10", "200", "", "<10", "20", "", ""]
    assert ["Student group", "Black or African American"] in rows
    for user in (world.district_admin, world.building_admin, world.supervisor, world.sro):
        client.force_login(user)
        assert client.get(DISTRICTS).status_code == 403


def test_districts_compared_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.state)
    with CaptureQueriesContext(connection) as small:
        client.get(DISTRICTS, {"school_year": "2024-25"})
    for _ in range(3):
        district = DistrictFactory()
        school = SchoolFactory(district=district)
        action(ProgramFactory(district=district), school)
    with CaptureQueriesContext(connection) as large:
        client.get(DISTRICTS, {"school_year": "2024-25"})
    assert len(large) == len(small)


def test_program_and_agency_filters(client, world):
    second = ProgramFactory(district=world.district, name="Lakeside Sheriff Program")
    action(second, world.a, student_race="asian")
    assert get(client, world.district_admin).context["total"] == 7
    assert get(client, world.district_admin, program=world.program.pk).context["total"] == 6
    response = get(client, world.district_admin, program=second.pk)
    assert response.context["total"] == 1
    assert breakdown(response, "race") == {"Asian": 1}
    assert get(client, world.district_admin, agency=second.agency.pk).context["total"] == 1
    # The agency's supervisor sees only the agency's own actions.
    assert get(client, world.supervisor).context["total"] == 6


def test_the_form_shows_the_breakdowns_the_report_crosses(client, world):
    client.force_login(world.district_admin)
    form = client.get(URL).context["form"]
    assert (form["row"].value(), form["column"].value()) == ("race", "disability")
    form = client.get(URL, {"row": "gender", "column": "kind"}).context["form"]
    assert (form["row"].value(), form["column"].value()) == ("gender", "kind")
    page = client.get(URL).content.decode()
    assert "All agencies you may see" in page
