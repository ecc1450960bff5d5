"""Demo training: providers, courses, statewide and program requirements, and completions that
leave some people compliant, some due soon and some overdue, account holders and the people on
the schools' staff rosters alike."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from programs.models import Program
from sro_portal.models import Membership, School, User

from .models import (
    Audience,
    Completion,
    Course,
    Provider,
    Requirement,
    Resource,
    StaffMember,
    Topic,
)
from .summary import refresh_all

PROVIDERS = [
    (
        "Wisconsin Department of Public Instruction",
        Provider.Level.STATE,
        "https://dpi.wi.gov",
        "Guidance on school safety, pupil services and student discipline.",
    ),
    (
        "Wisconsin Department of Justice, Office of School Safety",
        Provider.Level.STATE,
        "https://www.doj.state.wi.us/office-school-safety",
        "Training for school staff and law enforcement on threat assessment and school safety.",
    ),
    (
        "National Association of School Resource Officers",
        Provider.Level.NATIONAL,
        "https://www.nasro.org",
        "The basic and advanced SRO courses.",
    ),
    (
        "Wisconsin Safe and Healthy Schools Center",
        Provider.Level.STATE,
        "https://www.wishschools.org",
        "Trauma-sensitive schools, AODA prevention and mental health training.",
    ),
]
COURSES = [
    # title, provider, topic codes, hours, delivery, audiences, collaborative, outcomes
    (
        "NASRO Basic School Resource Officer Course",
        2,
        [
            "sro-responsibilities",
            "child-adolescent-development",
            "de-escalation",
            "mental-health",
            "disability-antidiscrimination-special-ed-law",
        ],
        "40",
        "in_person",
        ["sro"],
        False,
        "Explain the three parts of the SRO's role\nTell disciplinary misconduct from crime\n"
        "Use developmentally appropriate ways of talking with students",
    ),
    (
        "De-escalation for School Teams",
        1,
        ["de-escalation", "trauma-informed-practices"],
        "8",
        "in_person",
        ["sro", "administrator", "teacher"],
        True,
        "Recognise escalating behaviour early\nCalm a crisis without force",
    ),
    (
        "Restorative Practices in Schools",
        3,
        ["restorative-justice", "positive-behavioral-supports"],
        "6",
        "hybrid",
        ["sro", "administrator", "teacher"],
        True,
        "Lead a restorative conversation\nChoose a restorative response over exclusion",
    ),
    (
        "Mandatory Reporting of Child Abuse and Neglect",
        0,
        ["mandatory-reporting"],
        "2",
        "online",
        ["sro", "administrator", "teacher", "pupil_services"],
        False,
        "Know who must report, what and to whom\nMake a report within the time the law sets",
    ),
    (
        "Trauma-Sensitive Schools",
        3,
        ["trauma-informed-practices", "mental-health"],
        "4",
        "online",
        ["sro", "administrator", "teacher", "pupil_services"],
        False,
        "Recognise the effects of trauma on learning and behaviour",
    ),
    (
        "Seclusion and Restraint: Wisconsin Law",
        0,
        ["seclusion-restraint"],
        "3",
        "online",
        ["sro", "administrator", "pupil_services"],
        False,
        "Apply Wis. Stat. 118.305 to seclusion and physical restraint",
    ),
]


def _course(title):
    return Course.objects.get(title=title)


@transaction.atomic
def seed_training(today=None) -> None:
    today = today or timezone.localdate()
    day = datetime.timedelta(days=1)
    providers = []
    for name, level, url, description in PROVIDERS:
        provider, _ = Provider.objects.update_or_create(
            name=name, defaults={"level": level, "url": url, "description": description}
        )
        providers.append(provider)
    Resource.objects.update_or_create(
        provider=providers[0],
        title="Best Practices for School Resource Officer Programs",
        defaults={
            "url": "https://dpi.wi.gov/sspw/safe-schools",
            "description": "The joint DPI and DOJ model this portal follows.",
        },
    )
    for title, provider, codes, hours, delivery, audiences, collaborative, outcomes in COURSES:
        course, _ = Course.objects.update_or_create(
            title=title,
            defaults={
                "provider": providers[provider],
                "hours": Decimal(hours),
                "delivery": delivery,
                "audiences": audiences,
                "collaborative": collaborative,
                "learning_outcomes": outcomes,
            },
        )
        course.topics.set(Topic.objects.filter(code__in=codes))

    def topic(code):
        return Topic.objects.get(code=code)

    for fields in [
        {
            "audience": Audience.SRO,
            "course": _course(COURSES[0][0]),
            "min_hours": 40,
            "frequency": "once",
            "deadline_days": 365,
        },
        {
            "audience": Audience.SRO,
            "topic": topic("de-escalation"),
            "min_hours": 8,
            "frequency": "yearly",
            "deadline_days": 365,
        },
        {
            "audience": Audience.SRO,
            "topic": topic("restorative-justice"),
            "min_hours": 4,
            "frequency": "every_n_years",
            "every_n_years": 2,
            "deadline_days": 730,
        },
        {
            "audience": Audience.ADMINISTRATOR,
            "topic": topic("mandatory-reporting"),
            "min_hours": 2,
            "frequency": "yearly",
            "deadline_days": 365,
        },
    ]:
        key = {k: fields.pop(k) for k in ("audience", "course", "topic") if k in fields}
        Requirement.objects.get_or_create(program=None, **key, defaults=fields)
    lakeshore = Program.objects.filter(name="Lakeshore SRO Program").first()
    if lakeshore:
        Requirement.objects.get_or_create(
            program=lakeshore,
            audience=Audience.SRO,
            topic=topic("trauma-informed-practices"),
            defaults={"min_hours": 4, "frequency": "yearly", "deadline_days": 365},
        )

    # When each demo person took up their role, and what they have completed since.
    started = {
        "sro.ortega": 800,
        "sro.lindqvist": 500,
        "principal.lakeshore": 320,
        "district.lakeshore": 1000,
        "principal.driftless": 700,
    }
    for username, days_ago in started.items():
        Membership.objects.filter(user__username=username).update(started_on=today - days_ago * day)
    supervisor = User.objects.get(username="supervisor.lakeshore")
    completions = [
        ("sro.ortega", COURSES[0][0], 700, "40"),
        ("sro.ortega", COURSES[1][0], 60, "8"),
        ("sro.ortega", COURSES[2][0], 50, "6"),
        ("sro.ortega", COURSES[4][0], 40, "4"),
        ("sro.lindqvist", COURSES[0][0], 520, "40"),
        ("sro.lindqvist", COURSES[1][0], 90, "4"),
        ("district.lakeshore", COURSES[3][0], 20, "2"),
        ("principal.driftless", COURSES[3][0], 400, "2"),
    ]
    for username, title, days_ago, hours in completions:
        Completion.objects.get_or_create(
            person=User.objects.get(username=username),
            course=_course(title),
            completed_on=today - days_ago * day,
            defaults={
                "hours": Decimal(hours),
                "verified_by": supervisor if username == "sro.ortega" else None,
                "verified_on": today - (days_ago - 1) * day if username == "sro.ortega" else None,
            },
        )

    seed_roster(today)
    # The demo writes its records directly, not through the services: the summary is worked out
    # once for everyone at the end.
    refresh_all(today)


# Teachers, pupil services and other staff on the demo schools' rosters:
# school name, name, position, audience, started (days ago), [(course index, days ago, hours)]
ROSTER = [
    (
        "Lakeshore High School",
        "Karen Olson",
        "Grade 9 English teacher",
        Audience.TEACHER,
        900,
        [(3, 100, "2"), (5, 300, "3")],
    ),
    ("Lakeshore High School", "James Pham", "Social studies teacher", Audience.TEACHER, 420, []),
    (
        "Lakeshore High School",
        "Rita Gomez",
        "School counselor",
        Audience.PUPIL_SERVICES,
        1200,
        [(3, 50, "2"), (4, 200, "4")],
    ),
    ("Harbor Middle School", "Eli Brandt", "School psychologist", Audience.PUPIL_SERVICES, 30, []),
    (
        "Harbor Middle School",
        "Nora Kim",
        "Grade 7 science teacher",
        Audience.TEACHER,
        700,
        [(3, 500, "2")],
    ),
    (
        "Driftless Valley High School",
        "Paul Weber",
        "Dean of students",
        Audience.OTHER_STAFF,
        300,
        [(2, 80, "6")],
    ),
    (
        "Driftless Valley High School",
        "Ada Lund",
        "School social worker",
        Audience.PUPIL_SERVICES,
        150,
        [],
    ),
    (
        "Lighthouse Elementary School",
        "Grace Holm",
        "Grade 3 teacher",
        Audience.TEACHER,
        500,
        [(3, 90, "2")],
    ),
    ("Lighthouse Elementary School", "Omar Said", "School nurse", Audience.PUPIL_SERVICES, 60, []),
    ("Kickapoo Middle School", "Lena Berg", "Grade 6 math teacher", Audience.TEACHER, 380, []),
    (
        "Coulee Elementary School",
        "Tess Moe",
        "School counselor",
        Audience.PUPIL_SERVICES,
        800,
        [(3, 30, "2"), (5, 600, "3")],
    ),
    ("Northwoods High School", "Ben Cole", "Grade 11 history teacher", Audience.TEACHER, 200, []),
    (
        "Pinecrest Middle School",
        "Ivy Shaw",
        "Assistant principal",
        Audience.ADMINISTRATOR,
        250,
        [(3, 100, "2")],
    ),
]


def seed_roster(today) -> None:
    """A few roster people per demo school, some behind on their training, and requirements for
    their audiences, so the compliance pages show them beside account holders."""
    day = datetime.timedelta(days=1)
    reporting = Topic.objects.get(code="mandatory-reporting")
    for audience in (Audience.TEACHER, Audience.PUPIL_SERVICES, Audience.OTHER_STAFF):
        Requirement.objects.get_or_create(
            program=None,
            audience=audience,
            topic=reporting,
            defaults={"min_hours": 2, "frequency": "yearly", "deadline_days": 365},
        )
    Requirement.objects.get_or_create(
        program=None,
        audience=Audience.PUPIL_SERVICES,
        course=_course(COURSES[5][0]),
        defaults={"min_hours": 3, "frequency": "once", "deadline_days": 365},
    )
    schools = {s.name: s for s in School.objects.filter(name__in={r[0] for r in ROSTER})}
    for school_name, name, position, audience, started, completions in ROSTER:
        if school_name not in schools:
            continue
        member, _ = StaffMember.objects.get_or_create(
            school=schools[school_name],
            name=name,
            defaults={
                "position": position,
                "audience": audience,
                "started_on": today - started * day,
            },
        )
        for index, days_ago, hours in completions:
            Completion.objects.get_or_create(
                staff_member=member,
                course=_course(COURSES[index][0]),
                completed_on=today - days_ago * day,
                defaults={"hours": Decimal(hours)},
            )
