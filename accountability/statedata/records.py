"""Complaints with their status history, climate surveys, enrollment, meetings, evaluations with the
snapshot of the data they used, and the sign-ins that fill the rest of the audit trail."""

import datetime
import itertools
import json

from accountability.models import (
    TRACKING_ALPHABET,
    Complaint,
    ComplaintStatusChange,
    Enrollment,
    Evaluation,
    Meeting,
    SurveyResult,
)
from accountability.snapshot import build_snapshot
from programs.models import Program
from sro_portal.models import User
from sro_portal.schoolyear import school_year_bounds

from . import demography
from .auditing import A, address, public_address
from .vocabulary import COMPLAINTS, QUESTIONS
from .world import DAY, at_local, school_days


def _tracking_code(rng, taken):
    while True:
        code = "-".join("".join(rng.choice(TRACKING_ALPHABET) for _ in range(4)) for _ in range(3))
        if code not in taken:
            taken.add(code)
            return code


def build_complaints(world, audit) -> None:
    rng = world.rng("complaints")
    sink = world.sink
    taken = set(Complaint.objects.values_list("tracking_code", flat=True))
    complaints = sink.table(
        Complaint,
        [
            "program_id",
            "district_id",
            "agency_id",
            "tracking_code",
            "school_id",
            "officer_name",
            "occurred_on",
            "description",
            "contact_name",
            "contact_email",
            "contact_phone",
            "reply_by",
            "language",
            "status",
            "received_at",
            "acknowledge_by",
            "reviewer_id",
            "finding",
            "resolution",
            "version",
        ],
    )
    history = sink.table(
        ComplaintStatusChange,
        ["complaint_id", "from_status", "to_status", "changed_by_id", "changed_at", "note"],
    )
    now = at_local(world.today, 0)
    for program in world.programs:
        posts = len({a.officer.id for a in world.assignments if a.program is program})
        start = max(program.start, world.window_start)
        years = max(0.1, (world.yesterday - start).days / 365)
        count = sum(1 for _ in range(round(posts * years * 2)) if rng.random() < 0.25)
        admin = world.district_admins[program.district.id]
        key = (program.id, program.district.id, program.agency.id)
        for _ in range(count):
            day = start + DAY * rng.randint(0, max(0, (world.yesterday - start).days))
            received = at_local(day, rng.randint(0, 1439))
            school = rng.choice(program.schools) if program.schools else None
            anonymous = rng.random() < 0.4
            reply = (
                "tracking_page" if anonymous else rng.choice(["email", "phone", "tracking_page"])
            )
            contact = (
                ("", "", "")
                if anonymous
                else (
                    "A parent",
                    "parent@example.org" if reply == "email" else "",
                    "608-555-0199" if reply == "phone" else "",
                )
            )
            age = (world.today - day).days
            path = ["received"]
            if age > 5 or rng.random() < 0.5:
                path.append("acknowledged")
            if age > 15 and rng.random() < 0.9:
                path.append("under_review")
            if age > 40 and rng.random() < 0.92:
                path.append("resolved")
            if len(path) < 4 and rng.random() < 0.05:
                path.append("withdrawn")
            status = path[-1]
            finding = resolution = ""
            if status == "resolved":
                finding = rng.choice(
                    ["sustained", "not_sustained", "exonerated", "unfounded", "policy"]
                )
                resolution = "Reviewed by the district and the agency; the SRO and the principal "
                resolution += "discussed the finding and agreed next steps."
            language = "es" if rng.random() < 0.07 else "en"
            acknowledge_by = day + DAY * 5
            code = _tracking_code(rng, taken)
            pk = complaints.add(
                *key,
                code,
                school.id if school else None,
                rng.choice(["", "The officer at the high school"]),
                day - DAY * rng.randint(0, 10),
                rng.choice(COMPLAINTS),
                *contact,
                reply,
                language,
                status,
                received,
                acknowledge_by,
                admin.id if len(path) > 1 else None,
                finding,
                resolution,
                len(path),
            )
            ip = public_address(pk)
            history.add(pk, "", "received", None, received, "")
            audit.add(
                received,
                None,
                A.CREATE,
                Complaint,
                pk,
                f"Complaint {code}",
                ip=ip,
                changes=audit.values(
                    id=pk, program=program.id, status="received", language=language, reply_by=reply
                ),
            )
            when = received
            for previous, status in itertools.pairwise(path):
                when = min(when + DAY * rng.randint(1, 12), now)
                history.add(pk, previous, status, admin.id, when, "")
                user = (admin.id, admin.username)
                audit.add(
                    when, user, A.VIEW, Complaint, pk, f"Complaint {code}", ip=address(admin.id)
                )
                audit.add(
                    when,
                    user,
                    A.UPDATE,
                    Complaint,
                    pk,
                    f"Complaint {code}",
                    audit.values(status=[previous, status]),
                    changed_fields='["status"]',
                    ip=address(admin.id),
                )
    complaints.close()
    history.close()


def build_school_years(world) -> None:
    """Enrollment of every school each year, and climate surveys where an SRO serves."""
    rng = world.rng("school-years")
    years = range(world.first_year, world.latest_year + 1)
    with world.sink.writing(
        Enrollment,
        ["school_id", "district_id", "school_year", "total", *Enrollment.GROUPS],
        total=len(world.schools) * len(years),
    ) as table:
        for school in world.schools:
            base = {
                "High School": 900,
                "Middle School": 550,
                "Elementary School": 360,
                "School": 300,
                "Junior/Senior High School": 420,
            }[school.kind]
            size = max(40, round(base * rng.uniform(0.4, 1.6)))
            shares = demography.race_shares(school.district)
            for year in years:
                total = max(
                    20,
                    round(size * (1 - 0.01 * (world.latest_year - year)) * rng.uniform(0.97, 1.03)),
                )
                counts = {r: round(total * shares[r]) for r in demography.RACES if r != "white"}
                counts["white"] = max(0, total - sum(counts.values()))
                nonbinary = round(total * 0.004)
                female = round(total * 0.49)
                counts.update(
                    female=female,
                    male=total - female - nonbinary,
                    nonbinary=nonbinary,
                    idea=round(total * rng.uniform(0.12, 0.18)),
                    section_504=round(total * rng.uniform(0.02, 0.05)),
                    english_learner=round(total * (0.02 + 0.12 * school.district.diversity)),
                )
                table.add(
                    school.id,
                    school.district.id,
                    year,
                    total,
                    *(counts[g] for g in Enrollment.GROUPS),
                )
    with world.sink.writing(
        SurveyResult,
        ["school_id", "district_id", "school_year", "audience", "question", "respondents", "agree"],
    ) as table:
        for program in world.programs:
            for school in program.schools:
                for year in years:
                    if year < program.start.year or (
                        year == world.latest_year and rng.random() < 0.7
                    ):
                        continue
                    for question, audience, agree in QUESTIONS:
                        respondents = rng.randint(40, 600)
                        share = min(0.98, max(0.2, rng.gauss(agree, 0.08)))
                        table.add(
                            school.id,
                            school.district.id,
                            year,
                            audience,
                            question,
                            respondents,
                            round(respondents * share),
                        )


def build_meetings(world, audit) -> None:
    rng = world.rng("meetings")
    with world.sink.writing(
        Meeting,
        [
            "program_id",
            "district_id",
            "agency_id",
            "school_id",
            "held_on",
            "attendees",
            "topics",
            "notes",
            "follow_ups",
            "recorded_by_id",
        ],
    ) as table:
        for program in world.programs:
            admin = world.district_admins[program.district.id]
            behind = rng.random() < 0.15
            last = world.yesterday - DAY * (rng.randint(90, 200) if behind else 0)
            day = max(program.start, world.window_start) + DAY * rng.randint(3, 20)
            while day <= last:
                school = rng.choice(program.schools) if program.schools else None
                pk = table.add(
                    program.id,
                    program.district.id,
                    program.agency.id,
                    school.id if school else None,
                    day,
                    "The principal, the SRO, the district's student services director",
                    "The weeks' incidents; arrival and dismissal; upcoming lessons.",
                    "",
                    rng.choice(["", "The SRO joins the family night."]),
                    admin.id,
                )
                at = at_local(day, 17 * 60)
                audit.add(
                    at,
                    (admin.id, admin.username),
                    A.CREATE,
                    Meeting,
                    pk,
                    f"Meeting on {day}",
                    audit.values(id=pk, program=program.id, held_on=day.isoformat()),
                    ip=address(admin.id),
                )
                day += DAY * max(3, program.meet_every + rng.randint(-4, 4))


def build_evaluations(world, audit) -> None:
    """An evaluation of each program's last complete school year, with the snapshot the service
    would freeze, read from the records just written."""
    year = world.latest_year - 1
    start, end = school_year_bounds(year)
    conducted = min(datetime.date(year + 1, 8, 15), world.yesterday)
    objects = Program.objects.in_bulk([p.id for p in world.programs])
    with world.sink.writing(
        Evaluation,
        [
            "program_id",
            "district_id",
            "agency_id",
            "period_start",
            "period_end",
            "conducted_on",
            "evaluators",
            "findings",
            "recommendations",
            "snapshot",
            "recorded_by_id",
        ],
        total=len(world.programs),
    ) as table:
        for program in world.programs:
            if program.start > start:
                continue
            admin = world.district_admins[program.district.id]
            snapshot = build_snapshot(objects[program.id], start, end, program.sources)
            pk = table.add(
                program.id,
                program.district.id,
                program.agency.id,
                start,
                end,
                conducted,
                "The district's research office",
                "Most of the SRO's time goes to mentoring and teaching; arrests are "
                "tied to possibly illegal conduct.",
                "Keep the regular meetings; add restorative practices training.",
                json.dumps(snapshot, default=str),
                admin.id,
            )
            audit.add(
                at_local(conducted, 600),
                (admin.id, admin.username),
                A.CREATE,
                Evaluation,
                pk,
                f"Evaluation of {program.name}, {start} to {end}",
                audit.values(id=pk, program=program.id),
                ip=address(admin.id),
            )


def build_sign_ins(world, audit) -> None:
    """Sign-ins and sign-outs (a few failed) of everyone with an account, on school days, until
    the audit trail holds its share."""
    rng = world.rng("sign-ins")
    left = world.targets.audit - audit.table.count - len(audit.table.rows)
    if left <= 0:
        return
    people = [(s, 6, None) for s in world.sros]
    people += [(a, 1, "authenticator app") for a in world.district_admins.values()]
    people += [(a, 1, None) for a in world.building_admins.values()]
    people += [(s, 1, "authenticator app") for s in world.supervisors.values()]
    people += [(s, 2, "authenticator app") for s in world.state_staff]
    weights = [w for _, w, _ in people]
    days = [
        d
        for y in range(world.first_year, world.latest_year + 1)
        for d in school_days(y)
        if d <= world.yesterday
    ]
    per_day = max(1, left // (2 * len(days)))
    second = json.dumps({"second_step": "authenticator app"})
    written = 0
    for day in days:
        if written >= left:
            break
        for person, _, step in rng.choices(people, weights, k=per_day):
            at = at_local(day, rng.randint(420, 1020))
            user = (person.id, person.username)
            ip = address(person.id)
            if rng.random() < 0.02:
                audit.add(at, None, A.LOGIN_FAILED, ip=ip, user_repr=person.username)
                written += 1
            audit.add(
                at,
                user,
                A.LOGIN,
                User,
                person.id,
                person.name,
                ip=ip,
                detail=second if step else "{}",
            )
            audit.add(
                at + datetime.timedelta(minutes=rng.randint(3, 90)),
                user,
                A.LOGOUT,
                User,
                person.id,
                person.name,
                ip=ip,
            )
            written += 2
