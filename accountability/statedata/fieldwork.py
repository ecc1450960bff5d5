"""The SROs' field records, day by day: the day's activities across the parts of the job, now and
then an incident (disciplinary misconduct the school handles, or possibly illegal conduct), and on
possibly illegal conduct the enforcement actions, one per student, sharing the agency's case
number. Each is logged only at a school where the officer holds an assignment that day, and each
leaves the audit entry its service would."""

import datetime
import itertools
import json

from incidents.models import (
    ActivityLog,
    ActivityType,
    EnforcementAction,
    Incident,
    Location,
    OffenseCategory,
)
from programs.models import Classification, Responder
from sro_portal.models import Grade

from . import demography
from .auditing import A, address
from .vocabulary import (
    DISCIPLINE,
    ILLEGAL,
    ILLEGAL_WEIGHTS,
    KINDS,
    LOCATIONS,
    MINUTES,
    NOTES,
    OFFENSES,
    STUDENTS,
    TYPE_WEIGHTS,
)
from .world import DAY, LOCAL, UTC, school_days

OFF_PROPERTY = {Location.SCHOOL_EVENT, Location.SCHOOL_TRANSPORT}
ENFORCEMENT_SHARE = 0.73  # possibly illegal incidents that end in an enforcement action
ACTIVITY_FIELDS = ("officer", "school", "district", "agency", "assignment", "activity_type")


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class Officer:
    __slots__ = ("id", "ip", "program", "spans", "username")


def build_field_records(world, audit) -> None:
    rng = world.rng("field")
    types = list(ActivityType.objects.filter(is_active=True))
    type_weights = list(itertools.accumulate(TYPE_WEIGHTS.get(t.code, 1) for t in types))
    categories = {c.code: c.id for c in OffenseCategory.objects.all()}
    illegal_pairs = [(c, w) for c, w in ILLEGAL_WEIGHTS.items() if c in categories]
    discipline_pairs = [(c, 1) for c in DISCIPLINE if c in categories]

    # Each officer's assignments: (assignment, school, program, from, to).
    officers = {}
    for a in world.assignments:
        o = officers.get(a.officer.id)
        if o is None:
            o = officers[a.officer.id] = Officer()
            o.id, o.username = a.officer.id, a.officer.username
            o.ip = address(a.officer.id, a.program.agency.net)
            o.spans = []
            o.program = a.program
        o.spans.append((a.id, a.school, a.program, a.starts_on, a.ends_on))
    days = [
        d
        for year in range(world.first_year, world.latest_year + 1)
        for d in school_days(year)
        if d <= world.yesterday
    ]
    officer_days = sum(
        1
        for d in days
        for o in officers.values()
        if any(s <= d and (e is None or d <= e) for _, _, _, s, e in o.spans)
    )
    t = world.targets
    per_day = t.activity / max(1, officer_days)
    incident_chance = t.incidents / max(1, officer_days)
    sink = world.sink
    logs = sink.table(
        ActivityLog,
        [
            "officer_id",
            "school_id",
            "district_id",
            "agency_id",
            "assignment_id",
            "activity_type_id",
            "occurred_on",
            "minutes",
            "students_met",
            "staff_met",
            "notes",
            "amends_id",
            "amendment_reason",
            "created_at",
        ],
        total=t.activity,
    )
    incidents = sink.table(
        Incident,
        [
            "school_id",
            "district_id",
            "agency_id",
            "program_id",
            "reported_by_id",
            "occurred_at",
            "location",
            "description",
            "classification",
            "handled_by",
            "school_response",
            "sro_response",
            "case_number",
            "needs_review",
            "reviewed_by_id",
            "reviewed_at",
            "review_note",
            "created_at",
        ],
        total=t.incidents,
    )
    actions = sink.table(
        EnforcementAction,
        [
            "incident_id",
            "school_id",
            "district_id",
            "agency_id",
            "recorded_by_id",
            "occurred_on",
            "kind",
            "offense_type",
            "offense_code",
            "offense_category_id",
            "referred_for_charging",
            "on_school_property",
            "taken_by",
            "case_number",
            "student_age",
            "student_grade",
            "student_gender",
            "student_race",
            "student_disability",
            "student_english_learner",
            "created_at",
        ],
        total=t.actions,
    )
    race_weights = {}
    case_numbers = {}
    now = datetime.datetime.combine(world.today, datetime.time(), tzinfo=LOCAL).astimezone(UTC)
    whole, part = int(per_day), per_day - int(per_day)
    ordered = sorted(officers.values(), key=lambda o: o.id)

    for day in days:
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=LOCAL).astimezone(UTC)
        day_text = day.isoformat()
        for o in ordered:
            active = [s for s in o.spans if s[3] <= day and (s[4] is None or day <= s[4])]
            if not active:
                continue
            n = whole + (1 if rng.random() < part else 0) + rng.choice((-1, 0, 0, 0, 1))
            picked = rng.choices(types, cum_weights=type_weights, k=max(1, n))
            user = (o.id, o.username)
            for activity_type in picked:
                assignment, school, program, _, _ = (
                    active[rng.randrange(len(active))] if len(active) > 1 else active[0]
                )
                group = activity_type.group
                minutes = rng.choice(MINUTES.get(group, MINUTES["other"]))
                low, high = STUDENTS.get(group, (0, 5))
                students = rng.randint(low, high)
                staff = rng.randint(0, 3) if group != "admin_meeting" else rng.randint(1, 3)
                notes = rng.choice(NOTES.get(group, NOTES["other"])) if rng.random() < 0.15 else ""
                created = midnight + datetime.timedelta(minutes=rng.randint(900, 1080))
                district_id, agency_id = program.district.id, program.agency.id
                pk = logs.add(
                    o.id,
                    school.id,
                    district_id,
                    agency_id,
                    assignment,
                    activity_type.id,
                    day,
                    minutes,
                    students,
                    staff,
                    notes,
                    None,
                    "",
                    created,
                )
                text = f"{activity_type.name} at {school.name} on {day_text}"
                changes = (
                    f'{{"id": {pk}, "officer": {o.id}, "school": {school.id}, "district": '
                    f'{district_id}, "agency": {agency_id}, "assignment": {assignment}, '
                    f'"activity_type": {activity_type.id}, "occurred_on": "{day_text}", '
                    f'"minutes": {minutes}, "students_met": {students}, "staff_met": {staff}, '
                    f'"notes": "{notes}", "amends": null, "amendment_reason": "", '
                    f'"created_at": "{created.isoformat()}"}}'
                )
                audit.add(created, user, A.CREATE, ActivityLog, pk, text, changes, ip=o.ip)
                if rng.random() < 0.001 and created + DAY * 20 < now:
                    # Amended after the week of corrections: a new entry stands in its place.
                    later = created + DAY * rng.randint(8, 20)
                    reason = "The minutes were entered wrong."
                    amendment = logs.add(
                        o.id,
                        school.id,
                        district_id,
                        agency_id,
                        assignment,
                        activity_type.id,
                        day,
                        minutes + 15,
                        students,
                        staff,
                        notes,
                        pk,
                        reason,
                        later,
                    )
                    audit.add(
                        later,
                        user,
                        A.CREATE,
                        ActivityLog,
                        amendment,
                        text,
                        changes.replace(f'"id": {pk}', f'"id": {amendment}'),
                        ip=o.ip,
                        detail=json.dumps({"amends": pk, "reason": reason}),
                    )
            if rng.random() < incident_chance:
                span = active[rng.randrange(len(active))]
                _incident(
                    world,
                    rng,
                    audit,
                    incidents,
                    actions,
                    o,
                    span,
                    day,
                    midnight,
                    now,
                    categories,
                    illegal_pairs,
                    discipline_pairs,
                    race_weights,
                    case_numbers,
                )
    logs.close()
    incidents.close()
    actions.close()


def _incident(
    world,
    rng,
    audit,
    incidents,
    actions,
    o,
    span,
    day,
    midnight,
    now,
    categories,
    illegal_pairs,
    discipline_pairs,
    race_weights,
    case_numbers,
):
    _, school, program, _, _ = span
    district, agency = program.district, program.agency
    occurred = midnight + datetime.timedelta(minutes=rng.randint(450, 960))
    created = min(occurred + datetime.timedelta(minutes=rng.randint(20, 300)), now)
    location = _weighted(rng, LOCATIONS)
    illegal = rng.random() < 0.38
    enforcement = None
    if illegal:
        category = _weighted(rng, illegal_pairs)
        description = ILLEGAL[category]
        handled_by = _weighted(
            rng, [(Responder.SRO, 45), (Responder.BOTH, 50), (Responder.SCHOOL_ADMIN, 5)]
        )
        if rng.random() < ENFORCEMENT_SHARE:
            response, kind = _weighted(rng, [((r, k), w) for r, k, w in KINDS])
            enforcement = kind
        else:
            response = _weighted(
                rng,
                [
                    ("warning", 40),
                    ("referral_to_services", 30),
                    ("restorative_practice", 15),
                    ("no_action", 15),
                ],
            )
        school_response = rng.choice(
            [
                "Suspension hearing",
                "Parent conference",
                "Threat assessment",
                "Referral to the AODA counselor",
                "",
            ]
        )
        classification = Classification.POSSIBLY_ILLEGAL
    else:
        category = _weighted(rng, discipline_pairs)
        description = DISCIPLINE[category]
        handled_by = _weighted(
            rng, [(Responder.SCHOOL_ADMIN, 70), (Responder.BOTH, 22), (Responder.SRO, 8)]
        )
        if handled_by == Responder.SCHOOL_ADMIN:
            response = "no_action"
        else:
            response = _weighted(
                rng,
                [
                    ("warning", 40),
                    ("restorative_practice", 25),
                    ("referral_to_services", 20),
                    ("no_action", 15),
                ],
            )
        school_response = rng.choice(
            ["Restorative conversation", "Parent conference", "Detention", "In-school suspension"]
        )
        classification = Classification.DISCIPLINARY
    needs_review = classification == Classification.DISCIPLINARY and (
        handled_by != Responder.SCHOOL_ADMIN or response != "no_action"
    )
    reviewer = reviewed_at = None
    note = ""
    admin = world.district_admins[district.id]
    if needs_review and occurred + DAY * 14 < now and rng.random() < 0.85:
        reviewer = admin.id
        reviewed_at = occurred + DAY * rng.randint(1, 10)
        note = "Discussed with the SRO and the principal at the next meeting."
    case = ""
    if enforcement or (illegal and rng.random() < 0.25):
        key = (agency.id, day.year)
        case_numbers[key] = case_numbers.get(key, 0) + 1
        case = f"{agency.ori[2:5]}{day.year % 100:02d}-{case_numbers[key]:06d}"
    pk = incidents.add(
        school.id,
        district.id,
        agency.id,
        program.id,
        o.id,
        occurred,
        location,
        description,
        classification,
        handled_by,
        school_response,
        response,
        case,
        needs_review,
        reviewer,
        reviewed_at,
        note,
        created,
    )
    local = occurred.astimezone(LOCAL)
    text = f"Incident at {school.name}, {local:%Y-%m-%d %H:%M}"
    user = (o.id, o.username)
    audit.add(
        created,
        user,
        A.CREATE,
        Incident,
        pk,
        text,
        audit.values(
            id=pk,
            school=school.id,
            district=district.id,
            agency=agency.id,
            program=program.id,
            reported_by=o.id,
            occurred_at=occurred.isoformat(),
            location=location,
            description=description,
            classification=classification,
            handled_by=handled_by,
            school_response=school_response,
            sro_response=response,
            case_number=case,
            needs_review=needs_review,
            reviewed_by=None,
            reviewed_at=None,
            review_note="",
            version=1,
            created_at=created.isoformat(),
        ),
        ip=o.ip,
    )
    principal = world.building_admins.get(school.id)
    if principal and rng.random() < 0.6:
        seen = min(created + datetime.timedelta(hours=rng.randint(1, 72)), now)
        audit.add(
            seen,
            (principal.id, principal.username),
            A.VIEW,
            Incident,
            pk,
            text,
            ip=address(principal.id),
        )
    if reviewer:
        audit.add(
            reviewed_at,
            (admin.id, admin.username),
            A.VIEW,
            Incident,
            pk,
            text,
            ip=address(admin.id),
        )
        audit.add(
            reviewed_at,
            (admin.id, admin.username),
            A.UPDATE,
            Incident,
            pk,
            text,
            audit.values(
                reviewed_by=[None, admin.id],
                reviewed_at=[None, reviewed_at.isoformat()],
                review_note=["", note],
            ),
            changed_fields='["review_note", "reviewed_at", "reviewed_by"]',
            ip=address(admin.id),
        )
    if not enforcement:
        return
    if district.id not in race_weights:
        race_weights[district.id] = demography.enforcement_weights(district)
    races, weights = race_weights[district.id]
    offense_type, code = OFFENSES[category]
    students = _weighted(rng, [(1, 80), (2, 15), (3, 5)])
    on_property = location not in OFF_PROPERTY
    for _ in range(students):
        low = max(int(school.low), 3)
        grade = rng.randint(low, max(low, int(school.high)))
        age = min(22, grade + 5 + (1 if rng.random() < 0.6 else 0))
        charged = {
            "arrest": rng.random() < 0.85,
            "referral": True,
            "citation": rng.random() < 0.05,
            "custody": rng.random() < 0.6,
        }[enforcement]
        race = rng.choices(races, weights)[0]
        gender = _weighted(rng, [("male", 64), ("female", 34), ("nonbinary", 1), ("unknown", 1)])
        disability = _weighted(
            rng, [("none", 70), ("idea", 22), ("section_504", 5), ("unknown", 3)]
        )
        learner = _weighted(rng, [("no", 88), ("yes", 9), ("unknown", 3)])
        taken_by = "sro" if rng.random() < 0.92 else "other_officer"
        recorded = created + datetime.timedelta(minutes=rng.randint(5, 120))
        recorded = min(recorded, now)
        shown_grade = grade if rng.random() > 0.03 else None
        a = actions.add(
            pk,
            school.id,
            district.id,
            agency.id,
            o.id,
            day,
            enforcement,
            offense_type,
            code,
            categories[category],
            charged,
            on_property,
            taken_by,
            case,
            age,
            shown_grade,
            gender,
            race,
            disability,
            learner,
            recorded,
        )
        label = dict(EnforcementAction.Kind.choices)[enforcement]
        audit.add(
            recorded,
            user,
            A.CREATE,
            EnforcementAction,
            a,
            f"{label} {case}",
            audit.values(
                id=a,
                incident=pk,
                school=school.id,
                district=district.id,
                agency=agency.id,
                recorded_by=o.id,
                occurred_on=day.isoformat(),
                kind=enforcement,
                offense_type=offense_type,
                offense_code=code,
                offense_category=categories[category],
                referred_for_charging=charged,
                on_school_property=on_property,
                taken_by=taken_by,
                case_number=case,
                student_age=age,
                student_grade=shown_grade,
                student_gender=gender,
                student_race=race,
                student_disability=disability,
                student_english_learner=learner,
                created_at=recorded.isoformat(),
            ),
            ip=o.ip,
        )


GRADES = {g.value for g in Grade}
