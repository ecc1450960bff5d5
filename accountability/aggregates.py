"""What the data says, in SQL aggregates: the one module that reports, exports, home dashboards,
the CRDC file and evaluation snapshots all use, so that they never disagree.

Each function takes a queryset already scoped and filtered by the caller (`visible_to`, dates,
school) and answers with labelled rows, never internal codes. Every function runs a fixed number
of queries whatever the data size.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from incidents.models import ActivityLog, ActivityType, EnforcementAction
from sro_portal.models import Grade

from .models import Enrollment

A = EnforcementAction


# The ways enforcement actions are broken down: name -> (field, label, labels of its values).


@dataclass(frozen=True)
class Dimension:
    name: str
    field: str
    label: str
    choices: dict = field(default_factory=dict)

    def label_of(self, value) -> str:
        if value is None:
            return "Not recorded"
        if isinstance(value, datetime.date):
            return value.strftime("%B %Y")
        return str(self.choices.get(value, value))


YES_NO = {True: "Yes", False: "No"}
ENFORCEMENT_DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("kind", "kind", "Kind", dict(A.Kind.choices)),
        Dimension("offense_category", "offense_category__name", "Offense category"),
        Dimension(
            "referred_for_charging", "referred_for_charging", "Referred for charging", YES_NO
        ),
        Dimension("on_school_property", "on_school_property", "On school property", YES_NO),
        Dimension("taken_by", "taken_by", "By", dict(A.TakenBy.choices)),
        Dimension("school", "school__name", "School"),
        Dimension("month", "month", "Month"),
        Dimension("race", "student_race", "Race and ethnicity", dict(A.Race.choices)),
        Dimension("gender", "student_gender", "Gender", dict(A.Gender.choices)),
        Dimension("disability", "student_disability", "Disability", dict(A.Disability.choices)),
        Dimension(
            "english_learner",
            "student_english_learner",
            "English learner",
            dict(A.EnglishLearner.choices),
        ),
        Dimension("age", "student_age", "Age"),
        Dimension("grade", "student_grade", "Grade", dict(Grade.choices)),
    ]
}
# The student groups enrollment counts, so a rate per 100 students can be given for them.
RATED_DIMENSIONS = ("race", "gender", "disability", "english_learner")


def _grouped(queryset, dimensions):
    fields = [d.field for d in dimensions]
    if "month" in fields:
        queryset = queryset.annotate(month=TruncMonth("occurred_on"))
    return queryset.values(*fields).annotate(n=Count("pk")).order_by(*fields)


@dataclass
class Row:
    keys: tuple
    labels: tuple
    count: int


def enforcement_counts(actions, *names: str) -> list[Row]:
    """Enforcement actions counted by one or more dimensions (students per event: the portal
    stores no student identifier)."""
    dimensions = [ENFORCEMENT_DIMENSIONS[n] for n in names]
    return [
        Row(
            keys=tuple(row[d.field] for d in dimensions),
            labels=tuple(d.label_of(row[d.field]) for d in dimensions),
            count=row["n"],
        )
        for row in _grouped(actions, dimensions)
    ]


@dataclass
class Crosstab:
    row_label: str
    column_label: str
    rows: list  # [(label, [count per column], row total)]
    columns: list  # [label]
    column_totals: list
    total: int


def crosstab(actions, row_name: str, column_name: str) -> Crosstab:
    """Two dimensions crossed (race by disability, race by gender...), with totals, in one
    query. Every value of each dimension's choices appears, zero or not, so tables line up."""
    rows_d, cols_d = ENFORCEMENT_DIMENSIONS[row_name], ENFORCEMENT_DIMENSIONS[column_name]
    cells = {
        (r.keys[0], r.keys[1]): r.count for r in enforcement_counts(actions, row_name, column_name)
    }
    row_keys = _keys(rows_d, {k[0] for k in cells})
    col_keys = _keys(cols_d, {k[1] for k in cells})
    rows = []
    for rk in row_keys:
        values = [cells.get((rk, ck), 0) for ck in col_keys]
        rows.append((rows_d.label_of(rk), values, sum(values)))
    column_totals = [sum(cells.get((rk, ck), 0) for rk in row_keys) for ck in col_keys]
    return Crosstab(
        row_label=rows_d.label,
        column_label=cols_d.label,
        rows=rows,
        columns=[cols_d.label_of(ck) for ck in col_keys],
        column_totals=column_totals,
        total=sum(column_totals),
    )


def _keys(dimension, seen):
    known = list(dimension.choices) if dimension.choices else []
    return known + sorted((k for k in seen if k not in known), key=lambda k: (k is None, str(k)))


# Rates per 100 enrolled students, and each group's rate against all other students.


@dataclass
class RateRow:
    key: str
    label: str
    count: int
    enrolled: int | None  # None: no enrollment for this group
    per_100: float | None
    relative_rate: float | None  # the group's rate over the rate of all other students


def enrollment_totals(enrollment) -> dict | None:
    """Enrollment summed over the schools and years of `enrollment` (a scoped, filtered
    queryset), by group, with "total"; None when there is none."""
    sums = enrollment.aggregate(
        total=Sum("total"), rows=Count("pk"), **{g: Sum(g) for g in Enrollment.GROUPS}
    )
    if not sums.pop("rows"):
        return None
    return sums


def rates(actions, dimension_name: str, enrollment: dict | None) -> list[RateRow]:
    """Counts by a student group, with rates where enrollment exists. The relative rate compares
    a group with every other student: (n / E) / ((N - n) / (T - E)); it is left out where either
    denominator is zero."""
    dimension = ENFORCEMENT_DIMENSIONS[dimension_name]
    counts = {r.keys[0]: r.count for r in enforcement_counts(actions, dimension_name)}
    total_count = sum(counts.values())
    by_value = {
        value: group
        for group, (action_field, value) in Enrollment.GROUPS.items()
        if action_field == dimension.field
    }
    total_enrolled = enrollment["total"] if enrollment else None
    result = []
    for key in _keys(dimension, set(counts)):
        n = counts.get(key, 0)
        group = by_value.get(key)
        enrolled = enrollment[group] if enrollment and group else None
        per_100 = relative = None
        if enrolled:
            per_100 = 100 * n / enrolled
            others = (total_enrolled or 0) - enrolled
            if others > 0 and total_count - n > 0:
                relative = (n / enrolled) / ((total_count - n) / others)
        result.append(
            RateRow(
                key=key,
                label=dimension.label_of(key),
                count=n,
                enrolled=enrolled,
                per_100=per_100,
                relative_rate=relative,
            )
        )
    return result


# What an SRO does on a typical day.

ACTIVITY_DIMENSIONS = {
    "group": ("activity_type__group", "Part of the job", dict(ActivityType.Group.choices)),
    "activity_type": ("activity_type__name", "Activity", {}),
    "officer": ("officer__username", "SRO", {}),
    "school": ("school__name", "School", {}),
    "month": ("month", "Month", {}),
}


def activity_mix(logs, name: str = "group") -> list[dict]:
    """Minutes, entries, students and staff met, by part of the job or another dimension, over
    the entries as they stand (an amended entry gives way to its amendment)."""
    field_name, _, choices = ACTIVITY_DIMENSIONS[name]
    logs = logs.current()
    if name == "month":
        logs = logs.annotate(month=TruncMonth("occurred_on"))
    rows = (
        logs.values(field_name)
        .annotate(
            minutes=Sum("minutes"),
            entries=Count("pk"),
            students=Sum("students_met"),
            staff=Sum("staff_met"),
        )
        .order_by(field_name)
    )
    return [
        {
            "key": row[field_name],
            "label": (
                row[field_name].strftime("%B %Y")
                if isinstance(row[field_name], datetime.date)
                else str(choices.get(row[field_name], row[field_name]))
            ),
            "minutes": row["minutes"] or 0,
            "hours": round((row["minutes"] or 0) / 60, 1),
            "entries": row["entries"],
            "students": row["students"] or 0,
            "staff": row["staff"] or 0,
        }
        for row in rows
    ]


def in_period(queryset, start: datetime.date, end: datetime.date, date_field="occurred_on"):
    return queryset.filter(**{f"{date_field}__range": (start, end)})


def enforcement_of(program=None, **filters):
    """Enforcement actions of a program: those on its incidents, and imported ones of its
    district and agency that carry no incident."""
    actions = EnforcementAction.objects.all()
    if program is not None:
        actions = actions.filter(
            Q(incident__program=program)
            | Q(incident__isnull=True, agency_id=program.agency_id, district_id=program.district_id)
        )
    return actions.filter(**filters)


def activity_of(program=None):
    logs = ActivityLog.objects.all()
    return logs.filter(assignment__program=program) if program is not None else logs


# By school, with the codes that name it (a school's name alone repeats across districts).

SCHOOL_FIELDS = ("school_id", "school__name", "school__dpi_code", "school__district__dpi_code")


@dataclass
class SchoolRow:
    school_id: int
    name: str
    code: str  # district code-school code, as DPI writes it
    keys: tuple  # the values of the other dimensions asked for
    count: int

    @property
    def label(self) -> str:
        return self.name


def enforcement_by_school(actions, *names: str) -> list[SchoolRow]:
    """Enforcement actions counted by school (name and DPI codes) and any other dimensions, in
    one query."""
    dimensions = [ENFORCEMENT_DIMENSIONS[n] for n in names]
    fields = [d.field for d in dimensions]
    if "month" in fields:
        actions = actions.annotate(month=TruncMonth("occurred_on"))
    rows = (
        actions.values(*SCHOOL_FIELDS, *fields)
        .annotate(n=Count("pk"))
        .order_by("school__name", "school__district__dpi_code", "school__dpi_code", *fields)
    )
    return [
        SchoolRow(
            school_id=row["school_id"],
            name=row["school__name"],
            code=f"{row['school__district__dpi_code']}-{row['school__dpi_code']}",
            keys=tuple(row[f] for f in fields),
            count=row["n"],
        )
        for row in rows
    ]


# Districts side by side: actions, enrollment and one group's rate, each district's own.


@dataclass
class DistrictRow:
    district_id: int
    name: str
    code: str
    actions: int
    enrolled: int | None  # None: not every school of the district has enrollment
    schools: int
    schools_enrolled: int
    per_100: float | None
    group_actions: int
    group_enrolled: int | None
    group_per_100: float | None
    relative_rate: float | None


def group_label(group: str) -> str:
    """The label of an enrollment group, as the enforcement records name it."""
    action_field, value = Enrollment.GROUPS[group]
    dimension = next(d for d in ENFORCEMENT_DIMENSIONS.values() if d.field == action_field)
    return dimension.label_of(value)


def district_comparison(districts, actions, enrollment, group: str) -> list[DistrictRow]:
    """One row per district of `districts`: its actions (all, and of `group`), its enrollment
    summed over `enrollment` (filtered by the caller to the school years), the rate per 100 and
    the group's relative rate against all the district's other students. Rates are left out where
    any of the district's schools has no enrollment. Three queries."""
    action_field, value = Enrollment.GROUPS[group]
    counts = {
        row["district_id"]: row
        for row in actions.values("district_id")
        .annotate(n=Count("pk"), g=Count("pk", filter=Q(**{action_field: value})))
        .order_by()
    }
    sums = {
        row["district_id"]: row
        for row in enrollment.values("district_id")
        .annotate(total=Sum("total"), g=Sum(group), schools=Count("school_id", distinct=True))
        .order_by()
    }
    result = []
    for district in districts.annotate(school_count=Count("schools")).order_by("name"):
        c = counts.get(district.pk, {"n": 0, "g": 0})
        s = sums.get(district.pk)
        complete = bool(s) and s["schools"] >= district.school_count
        enrolled = s["total"] if complete else None
        group_enrolled = s["g"] if complete else None
        per_100 = 100 * c["n"] / enrolled if enrolled else None
        group_per_100 = 100 * c["g"] / group_enrolled if group_enrolled else None
        relative = None
        if group_enrolled and enrolled - group_enrolled > 0 and c["n"] - c["g"] > 0:
            relative = (c["g"] / group_enrolled) / ((c["n"] - c["g"]) / (enrolled - group_enrolled))
        result.append(
            DistrictRow(
                district_id=district.pk,
                name=district.name,
                code=district.dpi_code,
                actions=c["n"],
                enrolled=enrolled,
                schools=district.school_count,
                schools_enrolled=s["schools"] if s else 0,
                per_100=per_100,
                group_actions=c["g"],
                group_enrolled=group_enrolled,
                group_per_100=group_per_100,
                relative_rate=relative,
            )
        )
    return result
