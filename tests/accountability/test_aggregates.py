"""The aggregate module against numbers worked out by hand."""

import datetime

import pytest

from accountability import aggregates
from accountability.models import Enrollment
from incidents.models import EnforcementAction
from sro_portal import schoolyear
from tests.factories import EnforcementActionFactory, IncidentFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory()


def actions(school, **groups):
    """groups: race -> how many actions of students of that race (other fields default)."""
    incident = IncidentFactory(school=school)
    for race, n in groups.items():
        for _ in range(n):
            EnforcementActionFactory(incident=incident, student_race=race)
    return EnforcementAction.objects.filter(school=school)


def test_school_years_run_july_to_june():
    assert schoolyear.school_year_of(datetime.date(2025, 6, 30)) == 2024
    assert schoolyear.school_year_of(datetime.date(2025, 7, 1)) == 2025
    assert schoolyear.school_year_bounds(2025) == (
        datetime.date(2025, 7, 1),
        datetime.date(2026, 6, 30),
    )
    assert schoolyear.parse_school_year("2025-26") == 2025
    for bad in ("2025-27", "25-26", "next year", ""):
        with pytest.raises(ValueError, match="write it as 2025-26"):
            schoolyear.parse_school_year(bad)


def test_counts_carry_labels_not_codes(school):
    rows = aggregates.enforcement_counts(actions(school, black=2, white=1), "race")
    assert [(r.labels[0], r.count) for r in rows] == [
        ("Black or African American", 2),
        ("White", 1),
    ]


def test_rates_and_relative_rates_by_hand(school):
    qs = actions(school, black=4, white=2)
    Enrollment.objects.create(school=school, school_year=2025, total=100, black=20, white=80)
    enrolled = aggregates.enrollment_totals(Enrollment.objects.all())
    rows = {r.key: r for r in aggregates.rates(qs, "race", enrolled)}
    # Black students: 4 of 20 = 20 per 100; everyone else: 2 of 80 = 2.5 per 100; 20 / 2.5 = 8.
    assert rows["black"].per_100 == pytest.approx(20.0)
    assert rows["black"].relative_rate == pytest.approx(8.0)
    # White students: 2 of 80 = 2.5; everyone else: 4 of 20 = 20; 2.5 / 20 = 0.125.
    assert rows["white"].per_100 == pytest.approx(2.5)
    assert rows["white"].relative_rate == pytest.approx(0.125)
    # No Asian students enrolled: no rate, rather than a division by zero.
    assert rows["asian"].count == 0 and rows["asian"].enrolled == 0
    assert rows["asian"].per_100 is None and rows["asian"].relative_rate is None
    # "Not reported" has no enrollment group at all.
    assert rows["not_reported"].enrolled is None


def test_without_enrollment_there_are_counts_but_no_rates(school):
    qs = actions(school, black=1)
    assert aggregates.enrollment_totals(Enrollment.objects.all()) is None
    rows = {r.key: r for r in aggregates.rates(qs, "race", None)}
    assert rows["black"].count == 1 and rows["black"].per_100 is None


def test_crosstab_lines_up_every_value_with_totals(school):
    incident = IncidentFactory(school=school)
    EnforcementActionFactory(incident=incident, student_race="black", student_disability="idea")
    EnforcementActionFactory(incident=incident, student_race="black", student_disability="none")
    EnforcementActionFactory(incident=incident, student_race="white", student_disability="idea")
    table = aggregates.crosstab(EnforcementAction.objects.all(), "race", "disability")
    assert table.columns == ["IDEA (special education)", "Section 504 only", "None", "Unknown"]
    rows = {label: (values, total) for label, values, total in table.rows}
    assert rows["Black or African American"] == ([1, 0, 1, 0], 2)
    assert rows["White"] == ([1, 0, 0, 0], 1)
    assert rows["Asian"] == ([0, 0, 0, 0], 0)
    assert table.column_totals == [2, 0, 1, 0] and table.total == 3


def test_counts_run_one_query_whatever_the_data_size(school, django_assert_num_queries):
    qs = actions(school, black=3, white=30)
    with django_assert_num_queries(1):
        aggregates.enforcement_counts(qs, "race", "gender")
    with django_assert_num_queries(1):
        aggregates.crosstab(qs, "race", "disability")
