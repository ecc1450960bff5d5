"""The Civil Rights Data Collection file: referrals to law enforcement and arrests, by school, in
the CRDC's student groups, built from the aggregate module.

One row per school and measure: `referral` counts every enforcement action, `arrest` only arrests.
Students are counted once per event: the portal stores no student identifier, so a student in two
events counts twice.
"""

import csv
import io

from incidents.models import EnforcementAction
from sro_portal.exports import safe

from .aggregates import enforcement_by_school

A = EnforcementAction
RACES = [
    ("hispanic", A.Race.HISPANIC),
    ("american_indian", A.Race.AMERICAN_INDIAN),
    ("asian", A.Race.ASIAN),
    ("pacific_islander", A.Race.PACIFIC_ISLANDER),
    ("black", A.Race.BLACK),
    ("white", A.Race.WHITE),
    ("two_or_more", A.Race.TWO_OR_MORE),
    ("not_reported", A.Race.NOT_REPORTED),
]
SEXES = [
    ("m", A.Gender.MALE),
    ("f", A.Gender.FEMALE),
    ("x", A.Gender.NONBINARY),
    ("not_reported", A.Gender.UNKNOWN),
]
MEASURES = [("referral", None), ("arrest", A.Kind.ARREST)]
COUNT_COLUMNS = [
    *(f"{race}_{sex}" for race, _ in RACES for sex, _ in SEXES),
    *(f"idea_{race}_{sex}" for race, _ in RACES for sex, _ in SEXES),
    *(f"s504_{sex}" for sex, _ in SEXES),
    *(f"el_{sex}" for sex, _ in SEXES),
    "total",
]
HEADERS = ["school_code", "school_name", "measure", *COUNT_COLUMNS]

_RACE = {value: code for code, value in RACES}
_SEX = {value: code for code, value in SEXES}


def _columns(race, gender, disability, english_learner):
    """The columns one action counts in."""
    sex = _SEX[gender]
    prefix = "idea_" if disability == A.Disability.IDEA else ""
    columns = [f"{prefix}{_RACE[race]}_{sex}", "total"]
    if disability == A.Disability.SECTION_504:
        columns.append(f"s504_{sex}")
    if english_learner == A.EnglishLearner.YES:
        columns.append(f"el_{sex}")
    return columns


def crdc_rows(actions, schools=None) -> list[list]:
    """Rows of the file (without the header), from enforcement actions already scoped and
    filtered to a period. Every school of `schools` gets its rows, zeros included; schools with
    actions always do. Two queries at most."""
    grouped = enforcement_by_school(
        actions, "kind", "race", "gender", "disability", "english_learner"
    )
    found = {}
    for row in grouped:
        school = found.setdefault(
            row.school_id,
            {"name": row.name, "code": row.code, "counts": {m: {} for m, _ in MEASURES}},
        )
        kind, *student = row.keys
        for measure, only_kind in MEASURES:
            if only_kind is not None and kind != only_kind:
                continue
            cells = school["counts"][measure]
            for column in _columns(*student):
                cells[column] = cells.get(column, 0) + row.count
    if schools is not None:
        for pk, name, school_code, district_code in schools.values_list(
            "pk", "name", "dpi_code", "district__dpi_code"
        ):
            found.setdefault(
                pk,
                {
                    "name": name,
                    "code": f"{district_code}-{school_code}",
                    "counts": {m: {} for m, _ in MEASURES},
                },
            )
    rows = []
    for school in sorted(found.values(), key=lambda s: s["code"]):
        for measure, _ in MEASURES:
            cells = school["counts"][measure]
            rows.append(
                [
                    school["code"],
                    safe(school["name"]),
                    measure,
                    *(cells.get(c, 0) for c in COUNT_COLUMNS),
                ]
            )
    return rows


def crdc_csv(actions, schools=None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(crdc_rows(actions, schools))
    return out.getvalue()
