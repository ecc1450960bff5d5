"""Three weeks of believable field records for each demo SRO: the day's activities across the
three parts of the job, incidents of both classifications, and enforcement actions."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from programs.models import Assignment, Classification, Responder
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
            for student in range(1 + number % 2):
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
                        case_number=f"{officer.username.split('.')[1][:3].upper()}-"
                        f"{today.year}-{number:03d}{student}",
                        student_age=rng.randint(13, 18),
                        student_grade=rng.randint(9, 12),
                        student_gender=rng.choice(["female", "male"]),
                        student_race=rng.choice(races),
                        student_disability=rng.choice(["idea", "section_504", "none", "none"]),
                        student_english_learner=rng.choice(["yes", "no", "no", "no"]),
                    ),
                )
