"""Demo accountability records: contacts, meetings (one program behind on them), agreed
expectations, evaluation plans, a completed evaluation, climate surveys over two years, and
complaints, one of them not acknowledged in time."""

import datetime

from django.db import transaction
from django.utils import timezone

from programs.models import Program
from programs.services import part_save
from sro_portal.audit import Actor
from sro_portal.models import School, User

from . import services
from .models import (
    AccountabilitySettings,
    Complaint,
    Contact,
    DataSource,
    Evaluation,
    EvaluationPlan,
    Expectation,
    Meeting,
    SurveyResult,
)

DAY = datetime.timedelta(days=1)
QUESTIONS = [
    ("I feel safe at school.", SurveyResult.Audience.STUDENTS),
    ("I trust the school resource officer.", SurveyResult.Audience.STUDENTS),
    ("The SRO helps keep our school safe.", SurveyResult.Audience.FAMILIES),
    ("The SRO works well with school staff.", SurveyResult.Audience.STAFF),
]


@transaction.atomic
def seed_accountability(today=None) -> None:
    today = today or timezone.localdate()
    lakeshore = Program.objects.filter(name="Lakeshore SRO Program").first()
    driftless = Program.objects.filter(name="Driftless Valley SRO Program").first()
    if lakeshore is None or lakeshore.contacts.exists():
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
    agency = Actor(user=people["supervisor.lakeshore"])
    high = School.objects.get(name="Lakeshore High School")

    part_save(
        actor=district,
        part=AccountabilitySettings(
            program=lakeshore, acknowledge_within_days=5, meeting_every_days=14
        ),
    )
    for level, school, name, title, email in [
        (Contact.Level.BUILDING, high, "Angela Brooks", "Principal", "abrooks@example.org"),
        (
            Contact.Level.DISTRICT,
            None,
            "Maria Jensen",
            "Director of Student Services",
            "mjensen@example.org",
        ),
        (
            Contact.Level.AGENCY,
            None,
            "Lt. Mark Kowalski",
            "Community Services Lieutenant",
            "mkowalski@example.org",
        ),
    ]:
        part_save(
            actor=district,
            part=Contact(
                program=lakeshore,
                level=level,
                school=school,
                name=name,
                title=title,
                email=email,
                phone="920-555-0100",
            ),
        )
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
    for held_by, text in [
        (Expectation.Holder.ADMINISTRATORS, "The SRO stays out of school discipline."),
        (
            Expectation.Holder.ADMINISTRATORS,
            "The SRO tells the principal of any arrest the same day.",
        ),
        (Expectation.Holder.SROS, "Administrators include the SRO in safety planning."),
    ]:
        services.expectation_save(
            actor=district, expectation=Expectation(program=lakeshore, held_by=held_by, text=text)
        )
    services.expectations_agree(actor=district, program=lakeshore, side="district")
    services.expectations_agree(actor=agency, program=lakeshore, side="agency")

    for year, base in ((today.year - 2, 60), (today.year - 1, 66)):
        for question, audience in QUESTIONS:
            SurveyResult.objects.get_or_create(
                school=high,
                school_year=year,
                audience=audience,
                question=question,
                defaults={"respondents": 200, "agree": 2 * base + len(question) % 7},
            )

    part_save(
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
        part_save(
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
