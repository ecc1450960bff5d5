"""Three weeks of believable field records for each demo SRO: the day's activities across the
three parts of the job, incidents of both classifications, and enforcement actions."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from programs.models import Assignment, Classification, Responder
from sro_portal import schoolyear
from sro_portal.audit import Actor
from sro_portal.models import User

from . import services
from .models import (
    ActivityLog,
    ActivityType,
    EnforcementAction,
    Incident,
    Location,
    OffenseCategory,
    SROResponse,
)

DAY = datetime.timedelta(days=1)
INCIDENTS = [
    # what happened, classification, handled by, SRO's response, school's response
    (
        "Two students argued loudly in the cafeteria; staff separated them.",
        Classification.DISCIPLINARY,
        Responder.SCHOOL_ADMIN,
        SROResponse.NO_ACTION,
        "Restorative conversation",
    ),
    (
        "A student was found vaping in a restroom.",
        Classification.DISCIPLINARY,
        Responder.SCHOOL_ADMIN,
        SROResponse.NO_ACTION,
        "Referral to the AODA counselor",
    ),
    (
        "A fight in the hallway at passing time; the SRO helped staff separate the students.",
        Classification.DISCIPLINARY,
        Responder.BOTH,
        SROResponse.WARNING,
        "Parent conference",
    ),
    (
        "A laptop cart was taken from a classroom.",
        Classification.POSSIBLY_ILLEGAL,
        Responder.SRO,
        SROResponse.REFERRAL_FOR_CHARGING,
        "Property inventory",
    ),
    (
        "A student brought a folding knife to school and showed it to classmates.",
        Classification.POSSIBLY_ILLEGAL,
        Responder.BOTH,
        SROResponse.CITATION,
        "Suspension hearing",
    ),
    (
        "Threats were posted online against a classmate.",
        Classification.POSSIBLY_ILLEGAL,
        Responder.BOTH,
        SROResponse.ARREST,
        "Threat assessment",
    ),
]
# kind, offense type, code, category, for charging
ACTIONS = [
    (EnforcementAction.Kind.REFERRAL, "statute", "943.20(1)(a)", "theft", True),
    (EnforcementAction.Kind.CITATION, "ordinance", "9.41", "weapons", False),
    (EnforcementAction.Kind.ARREST, "statute", "947.019", "threats", True),
]


@transaction.atomic
def seed_field_records(today=None) -> None:
    today = today or timezone.localdate()
    rng = random.Random(2026)  # the same demo every time
    types = list(ActivityType.objects.filter(is_active=True))
    races = list(EnforcementAction.Race)
    for officer in User.objects.filter(username__in=["sro.ortega", "sro.lindqvist"]):
        if ActivityLog.objects.filter(officer=officer).exists():
            continue
        actor = Actor(user=officer)
        assignments = list(
            Assignment.objects.active(today).filter(officer=officer).select_related("school")
        )
        if not assignments:
            continue
        for days_ago in range(21, -1, -1):
            day = today - days_ago * DAY
            if day.weekday() >= 5:
                continue
            for _ in range(rng.randint(3, 5)):
                activity_type = rng.choice(types)
                services.activity_log(
                    actor=actor,
                    entry=ActivityLog(
                        school=rng.choice(assignments).school,
                        activity_type=activity_type,
                        occurred_on=day,
                        minutes=rng.choice([15, 20, 30, 45, 60, 90]),
                        students_met=rng.randint(0, 25),
                        staff_met=rng.randint(0, 4),
                    ),
                )
        for number, (text, classification, handled_by, response, school_response) in enumerate(
            INCIDENTS
        ):
            when = timezone.make_aware(
                datetime.datetime.combine(
                    today - (3 * number + 2) * DAY, datetime.time(10 + number % 4, 15)
                )
            )
            incident = services.incident_report(
                actor=actor,
                incident=Incident(
                    school=assignments[number % len(assignments)].school,
                    occurred_at=when,
                    location=rng.choice([Location.BUILDING, Location.GROUNDS, Location.PARKING]),
                    description=text,
                    classification=classification,
                    handled_by=handled_by,
                    sro_response=response,
                    school_response=school_response,
                ),
            )
            if classification != Classification.POSSIBLY_ILLEGAL:
                continue
            kind, offense_type, code, category, charging = ACTIONS[number % len(ACTIONS)]
            for _ in range(1 + number % 2):  # one or two students
                services.enforcement_action_record(
                    actor=actor,
                    incident=incident,
                    action=EnforcementAction(
                        kind=kind,
                        occurred_on=when.date(),
                        offense_type=offense_type,
                        offense_code=code,
                        offense_category=OffenseCategory.objects.get(code=category),
                        referred_for_charging=charging,
                        on_school_property=True,
                        taken_by=EnforcementAction.TakenBy.SRO,
                        # One event, one case number, whichever student.
                        case_number=f"{officer.username.split('.')[1][:3].upper()}-"
                        f"{today.year}-{number:03d}",
                        student_age=rng.randint(13, 18),
                        student_grade=rng.randint(9, 12),
                        student_gender=rng.choice(["female", "male"]),
                        student_race=rng.choice(races),
                        student_disability=rng.choice(["idea", "section_504", "none", "none"]),
                        student_english_learner=rng.choice(["yes", "no", "no", "no"]),
                    ),
                )
    seed_enforcement_history(today)


# Three school years of Lakeshore's enforcement actions, as imported from the police
# department's records (no incident behind them): enough that the reports have a shape, with
# some student groups large (White, Hispanic/Latino students, referrals) and some of two to four
# (arrests, custody, Black, American Indian students...), so that small-cell suppression shows in
# every download that leaves the district.

HISTORY_PREFIX = "LPD-H"
# One past school year's actions; the current year gets about half as many, so far.
HISTORY_QUOTAS = {
    "kind": [("referral", 26), ("citation", 13), ("arrest", 4), ("custody", 2)],
    "race": [
        ("white", 24),
        ("hispanic", 11),
        ("two_or_more", 4),
        ("black", 3),
        ("american_indian", 2),
        ("asian", 1),
    ],
    "gender": [("male", 27), ("female", 16), ("nonbinary", 2)],
    "disability": [("none", 31), ("idea", 11), ("section_504", 3)],
    "english_learner": [("no", 36), ("yes", 7), ("unknown", 2)],
    "category": [
        ("fighting", 12),
        ("disorderly-conduct", 10),
        ("tobacco-vaping", 8),
        ("theft", 6),
        ("drugs", 4),
        ("threats", 3),
        ("weapons", 2),
    ],
}
HISTORY_OFFENSES = {  # category -> (offense type, code)
    "fighting": ("ordinance", "9.27"),
    "disorderly-conduct": ("statute", "947.01(1)"),
    "tobacco-vaping": ("ordinance", "9.32"),
    "theft": ("statute", "943.20(1)(a)"),
    "drugs": ("statute", "961.41(3g)(e)"),
    "threats": ("statute", "947.019"),
    "weapons": ("statute", "948.61"),
}


def _drawn(rng, quotas, n):
    """`n` values holding each value's share of `quotas`, in a shuffled order."""
    values = [value for value, count in quotas for _ in range(count)]
    while len(values) < n:
        values += values
    values = values[:n] if n == len(values) else rng.sample(values, n)
    rng.shuffle(values)
    return values


def seed_enforcement_history(today=None) -> None:
    """Safe to run again: nothing is added once the history is there."""
    today = today or timezone.localdate()
    program = (
        Assignment.objects.filter(program__name="Lakeshore SRO Program")
        .select_related("program")
        .first()
    )
    recorder = User.objects.filter(username="sro.ortega").first()
    if program is None or recorder is None:
        return
    program = program.program
    if EnforcementAction.objects.filter(
        agency_id=program.agency_id, case_number__startswith=HISTORY_PREFIX
    ).exists():
        return
    schools = {
        s.name: s
        for s in program.district.schools.filter(
            name__in=["Lakeshore High School", "Harbor Middle School"]
        )
    }
    if len(schools) < 2:
        return
    categories = {c.code: c for c in OffenseCategory.objects.all()}
    latest = schoolyear.school_year_of(today)
    rows = []
    for year in range(latest - 2, latest + 1):
        rng = random.Random(year)  # the same demo every time
        start, end = schoolyear.school_year_bounds(year)
        start = max(start, datetime.date(year, 9, 1))  # school starts in September
        end = min(end, datetime.date(year + 1, 6, 10), today - DAY)
        if end < start:
            continue
        n = 45 if year < latest else 22
        drawn = {name: _drawn(rng, quotas, n) for name, quotas in HISTORY_QUOTAS.items()}
        span = (end - start).days
        for i in range(n):
            high = i % 3 != 0  # two of three at the high school
            school = schools["Lakeshore High School" if high else "Harbor Middle School"]
            age = rng.randint(14, 18) if high else rng.randint(11, 14)
            category = drawn["category"][i]
            offense_type, code = HISTORY_OFFENSES[category]
            day = start + datetime.timedelta(days=rng.randint(0, span))
            if day.weekday() >= 5:
                day -= (day.weekday() - 4) * DAY
            kind = drawn["kind"][i]
            action = EnforcementAction(
                school=school,
                district_id=school.district_id,
                agency_id=program.agency_id,
                recorded_by=recorder,
                occurred_on=day,
                kind=kind,
                offense_type=offense_type,
                offense_code=code,
                offense_category=categories[category],
                referred_for_charging=kind in ("arrest", "referral"),
                on_school_property=rng.random() < 0.85,
                taken_by="sro" if rng.random() < 0.9 else "other_officer",
                case_number=f"{HISTORY_PREFIX}{year}-{i + 1:03d}",
                student_age=age,
                student_grade=min(12, max(6, age - 5)),
                student_gender=drawn["gender"][i],
                student_race=drawn["race"][i],
                student_disability=drawn["disability"][i],
                student_english_learner=drawn["english_learner"][i],
            )
            action.full_clean()
            rows.append(action)
    EnforcementAction.objects.bulk_create(rows)
