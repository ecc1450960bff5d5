"""The CRDC file: every column family's cells and totals equal the records, worked out by hand."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accountability.crdc import COUNT_COLUMNS, HEADERS, crdc_rows
from incidents.models import EnforcementAction
from tests.accountability.test_report_enforcement import action, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    # One more at Beta: nothing reported about race or sex, disability unknown.
    action(
        world.program,
        world.b,
        student_race="not_reported",
        student_gender="unknown",
        student_disability="unknown",
        student_english_learner="unknown",
        kind="custody",
    )
    return world


def by_key(rows):
    return {(row[0], row[2]): dict(zip(HEADERS, row, strict=True)) for row in rows}


def nonzero(row):
    return {c: row[c] for c in COUNT_COLUMNS if row[c]}


def test_every_column_family_by_hand(world):
    actions = EnforcementAction.objects.filter(district=world.district)
    rows = by_key(crdc_rows(actions))
    alpha_referral = rows[("3619-0010", "referral")]
    assert alpha_referral["school_name"] == "Alpha High"
    assert nonzero(alpha_referral) == {
        "idea_black_m": 1,  # black, male, IDEA, English learner, arrest
        "el_m": 1,
        "black_f": 1,  # black, female, no disability, referral
        "white_m": 1,  # white, male, Section 504 (not IDEA), arrest
        "s504_m": 1,
        "white_f": 1,  # white, female, citation
        "idea_hispanic_x": 1,  # Hispanic, nonbinary, IDEA, English learner, referral
        "el_x": 1,
        "total": 5,
    }
    assert nonzero(rows[("3619-0010", "arrest")]) == {
        "idea_black_m": 1,
        "el_m": 1,
        "white_m": 1,
        "s504_m": 1,
        "total": 2,
    }
    assert nonzero(rows[("3619-0020", "referral")]) == {
        "white_m": 1,
        "not_reported_not_reported": 1,
        "total": 2,
    }
    assert nonzero(rows[("3619-0020", "arrest")]) == {}
    assert len(rows) == 4  # two schools, two measures; Faraway is not in these actions


def test_race_and_sex_columns_add_up_to_the_total(world):
    actions = EnforcementAction.objects.all()
    for row in by_key(crdc_rows(actions)).values():
        races = sum(
            v
            for c, v in row.items()
            if c in COUNT_COLUMNS
            and c.count("_") >= 1
            and not c.startswith(("s504_", "el_"))
            and c != "total"
        )
        assert races == row["total"]
    referrals = sum(
        r["total"] for (_, m), r in by_key(crdc_rows(actions)).items() if m == "referral"
    )
    assert referrals == actions.count() == 8
    arrests = sum(r["total"] for (_, m), r in by_key(crdc_rows(actions)).items() if m == "arrest")
    assert arrests == actions.filter(kind="arrest").count() == 2


def test_schools_without_actions_get_zero_rows(world):
    from tests.factories import SchoolFactory

    quiet = SchoolFactory(district=world.district, name="Quiet Elementary", dpi_code="0040")
    rows = by_key(
        crdc_rows(
            EnforcementAction.objects.filter(district=world.district),
            schools=quiet.district.schools.all(),
        )
    )
    assert rows[("3619-0040", "referral")]["total"] == 0
    assert rows[("3619-0040", "arrest")]["school_name"] == "Quiet Elementary"


def read(text):
    return list(csv.reader(io.StringIO(text)))


def test_command_writes_the_district_file(world):
    out = io.StringIO()
    call_command("export_crdc", "--school-year", "2024-25", "--district", "3619", stdout=out)
    rows = read(out.getvalue())
    assert rows[0] == HEADERS
    assert [r[:3] for r in rows[1:]] == [
        ["3619-0010", "Alpha High", "referral"],
        ["3619-0010", "Alpha High", "arrest"],
        ["3619-0020", "Beta Middle", "referral"],
        ["3619-0020", "Beta Middle", "arrest"],
    ]
    assert rows[1][-1] == "5"
    out = io.StringIO()
    call_command("export_crdc", "--school-year", "2025-26", "--district", "3619", stdout=out)
    assert {r[-1] for r in read(out.getvalue())[1:]} == {"0"}  # another year: nothing
    out = io.StringIO()
    call_command("export_crdc", "--school-year", "2024-25", stdout=out)
    assert "9999-0099" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school-year", "2024-26"], "is not a school year: write it as 2025-26"),
        (["--school-year", "2024-25", "--district", "0000"], "No district has the DPI code"),
    ],
)
def test_command_refuses_bad_input(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_crdc", *args, stdout=io.StringIO())


def test_district_administrators_download_it_from_the_report_scoped(client, world):
    client.force_login(world.district_admin)
    url = reverse("accountability:report_enforcement")
    response = client.get(url, {"school_year": "2024-25", "format": "crdc"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "3619-0010" in text and "9999" not in text and "Faraway" not in text
    assert read(text)[1][-1] == "5"
    assert "Download CRDC file" in client.get(url).content.decode()
    for user in (world.building_admin, world.supervisor, world.state):
        client.force_login(user)
        assert client.get(url, {"school_year": "2024-25", "format": "crdc"}).status_code == 403
        assert "Download CRDC file" not in client.get(url).content.decode()
