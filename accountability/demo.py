"""Demo accountability records: the agreements settled before each MOU is signed (contacts,
meeting cadence, expectations), meetings (one program behind on them), evaluation plans, a
completed evaluation, climate surveys over two years, enrollment of every school over three years,
and complaints, one of them not acknowledged in time."""

import datetime

from django.db import transaction
from django.utils import timezone

from programs.models import Program
from sro_portal import schoolyear
from sro_portal.audit import Actor
from sro_portal.models import District, School, User

from . import services
from .models import (
    AccountabilitySettings,
    Complaint,
    Contact,
    DataSource,
    Enrollment,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    PublicPage,
    SurveyResult,
)

DAY = datetime.timedelta(days=1)
QUESTIONS = [
    ("I feel safe at school.", SurveyResult.Audience.STUDENTS),
    ("I trust the school resource officer.", SurveyResult.Audience.STUDENTS),
    ("The SRO helps keep our school safe.", SurveyResult.Audience.FAMILIES),
    ("The SRO works well with school staff.", SurveyResult.Audience.STAFF),
]


# What each demo program's two sides settle before they sign its MOU: how often administrators
# and the SRO meet, whom each side calls, and what they expect of one another.
AGREEMENTS = {
    "Lakeshore SRO Program": {
        "meeting_every_days": 14,
        "contacts": [
            (Contact.Level.BUILDING, "Lakeshore High School", "Angela Brooks", "Principal"),
            (Contact.Level.DISTRICT, None, "Maria Jensen", "Director of Student Services"),
            (Contact.Level.AGENCY, None, "Lt. Mark Kowalski", "Community Services Lieutenant"),
        ],
        "expectations": [
            (Expectation.Holder.ADMINISTRATORS, "The SRO stays out of school discipline."),
            (
                Expectation.Holder.ADMINISTRATORS,
                "The SRO tells the principal of any arrest the same day.",
            ),
            (Expectation.Holder.SROS, "Administrators include the SRO in safety planning."),
        ],
    },
    "Driftless Valley SRO Program": {
        "meeting_every_days": 30,
        "contacts": [
            (Contact.Level.BUILDING, "Driftless Valley High School", "Luis Ramirez", "Principal"),
            (Contact.Level.AGENCY, None, "Sgt. Karen Olson", "School Services Sergeant"),
        ],
        "expectations": [
            (
                Expectation.Holder.ADMINISTRATORS,
                "The deputy calls the principal before questioning a student at school.",
            ),
            (Expectation.Holder.SROS, "Administrators handle school discipline themselves."),
        ],
    },
}


def seed_agreements(program, district: Actor, agency: Actor) -> None:
    """Settle the demo program's meeting cadence, contacts and expectations, both sides agreeing,
    so that its MOU can be signed (the programs demo calls this between drafting and signing)."""
    agreed = AGREEMENTS.get(program.name)
    if agreed is None:
        return
    services.accountability_part_save(
        actor=district,
        part=AccountabilitySettings(
            program=program,
            acknowledge_within_days=5,
            meeting_every_days=agreed["meeting_every_days"],
        ),
    )
    for level, school_name, name, title in agreed["contacts"]:
        school = (
            School.objects.get(district=program.district, name=school_name) if school_name else None
        )
        local = name.split()[-1].lower()
        services.accountability_part_save(
            actor=district,
            part=Contact(
                program=program,
                level=level,
                school=school,
                name=name,
                title=title,
                email=f"{local}@example.org",
                phone="920-555-0100",
            ),
        )
    for held_by, text in agreed["expectations"]:
        services.expectation_save(
            actor=district, expectation=Expectation(program=program, held_by=held_by, text=text)
        )
    services.expectations_agree(actor=district, program=program, side="district")
    services.expectations_agree(actor=agency, program=program, side="agency")


# Demo enrollment: each school's students in the latest school year, and the district's mix of
# groups (shares of all students), so that rates per 100 students show, small groups included.
ENROLLMENT_TOTALS = {
    ("9101", "0010"): 1180,
    ("9101", "0020"): 640,
    ("9101", "0030"): 455,
    ("9102", "0010"): 520,
    ("9102", "0020"): 310,
    ("9102", "0030"): 390,
    ("9103", "0010"): 610,
    ("9103", "0020"): 280,
}
ENROLLMENT_MIX = {
    # hispanic, american_indian, asian, black, two_or_more (white: the rest), idea, section_504,
    # english_learner
    "9101": (0.12, 0.01, 0.04, 0.06, 0.04, 0.14, 0.035, 0.075),
    "9102": (0.05, 0.005, 0.01, 0.01, 0.03, 0.16, 0.03, 0.02),
    "9103": (0.04, 0.11, 0.01, 0.01, 0.05, 0.15, 0.04, 0.01),
}
# A very small group, as schools have: a handful of Pacific Islander students in some schools.
PACIFIC_ISLANDER = {("9101", "0010"): 3, ("9101", "0020"): 2, ("9103", "0010"): 1}


def demo_enrollment(district_code, school_code, year, latest) -> dict:
    """One school's demo enrollment in a school year: a little smaller each year back."""
    total = round(ENROLLMENT_TOTALS[(district_code, school_code)] * (1 - 0.02 * (latest - year)))
    hispanic, american_indian, asian, black, two_or_more, idea, section_504, el = ENROLLMENT_MIX[
        district_code
    ]
    counts = {
        "hispanic": round(total * hispanic),
        "american_indian": round(total * american_indian),
        "asian": round(total * asian),
        "pacific_islander": PACIFIC_ISLANDER.get((district_code, school_code), 0),
        "black": round(total * black),
        "two_or_more": round(total * two_or_more),
    }
    counts["white"] = total - sum(counts.values())
    nonbinary = max(1, round(total * 0.005))
    female = round(total * 0.49)
    counts.update(
        female=female,
        male=total - female - nonbinary,
        nonbinary=nonbinary,
        idea=round(total * idea),
        section_504=round(total * section_504),
        english_learner=round(total * el),
    )
    return {"total": total, **counts}


def seed_public_page() -> None:
    """Lakeshore publishes every section of its public page, its building and agency contacts
    among them; its three years of numbers include small groups, so suppression shows."""
    district = District.objects.filter(dpi_code="9101").first()
    admin = User.objects.filter(username="district.lakeshore").first()
    if district is None or admin is None or PublicPage.objects.filter(district=district).exists():
        return
    page = PublicPage(district=district, published=True, **dict.fromkeys(PublicPage.SECTIONS, True))
    services.public_page_save(
        actor=Actor(user=admin),
        page=page,
        changed_fields=["published", *PublicPage.SECTIONS],
        contacts=Contact.objects.filter(
            program__district=district, level__in=[Contact.Level.BUILDING, Contact.Level.AGENCY]
        ),
    )


def seed_enrollment(today) -> None:
    """Enrollment of every demo school for the last three school years (safe to run again)."""
    latest = schoolyear.school_year_of(today)
    schools = School.objects.filter(
        district__dpi_code__in=ENROLLMENT_MIX, dpi_code__in={c for _, c in ENROLLMENT_TOTALS}
    ).select_related("district")
    for school in schools:
        key = (school.district.dpi_code, school.dpi_code)
        if key not in ENROLLMENT_TOTALS:
            continue
        for year in range(latest - 2, latest + 1):
            row = Enrollment(school=school, school_year=year, **demo_enrollment(*key, year, latest))
            row.full_clean(exclude=["district"], validate_unique=False, validate_constraints=False)
            Enrollment.objects.update_or_create(
                school=school,
                school_year=year,
                defaults={f: getattr(row, f) for f in ["total", *Enrollment.GROUPS]},
            )


@transaction.atomic
def seed_accountability(today=None) -> None:
    today = today or timezone.localdate()
    seed_enrollment(today)
    seed_public_page()
    lakeshore = Program.objects.filter(name="Lakeshore SRO Program").first()
    driftless = Program.objects.filter(name="Driftless Valley SRO Program").first()
    if lakeshore is None or lakeshore.meetings.exists():
        return
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "district.lakeshore",
                "supervisor.lakeshore",
                "district.driftless",
                "supervisor.vernon",
                "principal.lakeshore",
                "sro.ortega",
            ]
        )
    }
    district = Actor(user=people["district.lakeshore"])
    high = School.objects.get(name="Lakeshore High School")

    for days_ago in (40, 26, 12):
        services.meeting_record(
            actor=district,
            meeting=Meeting(
                program=lakeshore,
                school=high,
                held_on=today - days_ago * DAY,
                attendees="Angela Brooks, Officer Jamie Ortega",
                topics="Dismissal supervision; the week's incidents; upcoming lessons.",
                follow_ups="Officer Ortega to join the family night.",
            ),
        )
    for year, base in ((today.year - 2, 60), (today.year - 1, 66)):
        for question, audience in QUESTIONS:
            SurveyResult.objects.get_or_create(
                school=high,
                school_year=year,
                audience=audience,
                question=question,
                defaults={"respondents": 200, "agree": 2 * base + len(question) % 7},
            )

    services.accountability_part_save(
        actor=district,
        part=EvaluationPlan(
            program=lakeshore,
            evaluators="The district's research office with the police department",
            every_months=12,
            measures="The mix of the SRO's activities, arrests and citations by student group, "
            "complaints, and how safe students feel.",
            data_sources=list(DataSource.values),
        ),
    )
    services.evaluation_record(
        actor=district,
        evaluation=Evaluation(
            program=lakeshore,
            period_start=today - 365 * DAY,
            period_end=today - 5 * DAY,
            conducted_on=today - 2 * DAY,
            evaluators="District research office",
            findings="Most of the SRO's time goes to mentoring and teaching; arrests are rare and "
            "tied to possibly illegal conduct.",
            recommendations="Keep the weekly meetings; add restorative practices training for "
            "staff.",
        ),
    )

    if driftless:
        services.accountability_part_save(
            actor=Actor(user=people["district.driftless"]),
            part=EvaluationPlan(
                program=driftless,
                evaluators="School board committee",
                every_months=12,
                measures="Incidents and enforcement actions.",
                data_sources=[DataSource.INCIDENTS, DataSource.ENFORCEMENT],
            ),
        )

    late = services.complaint_file(
        actor=Actor(user=None),
        complaint=Complaint(
            program=lakeshore,
            school=high,
            officer_name="The officer at the high school",
            occurred_on=today - 12 * DAY,
            description="My child was questioned by the officer about a school rule without a "
            "staff member present.",
            reply_by=Complaint.ReplyBy.TRACKING_PAGE,
        ),
    )
    Complaint.objects.filter(pk=late.pk).update(
        received_at=timezone.now() - 10 * DAY, acknowledge_by=today - 5 * DAY
    )
    resolved = services.complaint_file(
        actor=Actor(user=None),
        complaint=Complaint(
            program=lakeshore,
            school=high,
            description="The officer's car blocked the bus lane "
            "at dismissal several days in a row.",
            contact_name="A neighbour",
            contact_email="neighbour@example.org",
            reply_by=Complaint.ReplyBy.EMAIL,
        ),
    )
    for status in ("acknowledged", "under_review"):
        services.complaint_change_status(actor=district, complaint=resolved, to_status=status)
    services.complaint_change_status(
        actor=district,
        complaint=resolved,
        to_status="resolved",
        finding="policy",
        resolution="The SRO now parks in the staff lot; the bus lane stays clear.",
    )
