"""A believable, fictional Wisconsin-like directory with one person for every role."""

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from sro_portal.audit import Actor
from sro_portal.models import Agency, District, Grade, Membership, School, User
from sro_portal.roles import Role

from . import services
from .models import (
    MOU,
    Assignment,
    Candidate,
    CandidateRating,
    Classification,
    MOUDrafter,
    MOUReview,
    NeedsAssessment,
    OutreachComponent,
    PartOfJob,
    Position,
    Program,
    PropertyArea,
    ProtocolEntry,
    Responder,
    Responsibility,
    SelectionCriterion,
    Side,
)

DISTRICTS = [
    # dpi_code, name, nces_id, county, cesa
    ("9101", "Lakeshore Area School District", "5599101", "Manitowoc", 7),
    ("9102", "Driftless Valley School District", "5599102", "Vernon", 4),
    ("9103", "Northwoods Unified School District", "5599103", "Oneida", 9),
]
SCHOOLS = [
    # district, dpi_code, name, lowest, highest
    ("9101", "0010", "Lakeshore High School", Grade.G9, Grade.G12),
    ("9101", "0020", "Harbor Middle School", Grade.G6, Grade.G8),
    ("9101", "0030", "Lighthouse Elementary School", Grade.PRE_K, Grade.G5),
    ("9102", "0010", "Driftless Valley High School", Grade.G9, Grade.G12),
    ("9102", "0020", "Kickapoo Middle School", Grade.G6, Grade.G8),
    ("9102", "0030", "Coulee Elementary School", Grade.KINDERGARTEN, Grade.G5),
    ("9103", "0010", "Northwoods High School", Grade.G9, Grade.G12),
    ("9103", "0020", "Pinecrest Middle School", Grade.G6, Grade.G8),
]
AGENCIES = [
    ("WI0369900", "Lakeshore Police Department", Agency.Kind.POLICE_DEPARTMENT),
    ("WI0629900", "Vernon County Sheriff's Office", Agency.Kind.SHERIFFS_OFFICE),
]
# username, first, last, [(role, district code, school code, agency ORI)]
PEOPLE = [
    ("state.staff", "Dana", "Whitfield", [(Role.STATE_STAFF, None, None, None)]),
    ("district.lakeshore", "Maria", "Jensen", [(Role.DISTRICT_ADMIN, "9101", None, None)]),
    ("district.driftless", "Tom", "Halvorsen", [(Role.DISTRICT_ADMIN, "9102", None, None)]),
    (
        "district.northwoods",
        "Ruth",
        "Ahlgren",
        [
            (Role.DISTRICT_ADMIN, "9103", None, None),
            (Role.BUILDING_ADMIN, "9103", "0010", None),
        ],
    ),
    ("principal.lakeshore", "Angela", "Brooks", [(Role.BUILDING_ADMIN, "9101", "0010", None)]),
    ("principal.driftless", "Luis", "Ramirez", [(Role.BUILDING_ADMIN, "9102", "0010", None)]),
    (
        "supervisor.lakeshore",
        "Mark",
        "Kowalski",
        [(Role.AGENCY_SUPERVISOR, None, None, "WI0369900")],
    ),
    ("supervisor.vernon", "Karen", "Olson", [(Role.AGENCY_SUPERVISOR, None, None, "WI0629900")]),
    ("sro.ortega", "Jamie", "Ortega", [(Role.SRO, None, None, "WI0369900")]),
    ("sro.lindqvist", "Sam", "Lindqvist", [(Role.SRO, None, None, "WI0629900")]),
]


@transaction.atomic
def seed_directory(*, password: str) -> list[tuple[str, str]]:
    """Create or refresh the demo directory and people; returns (username, roles) for each login."""
    districts = {
        code: District.objects.update_or_create(
            dpi_code=code, defaults={"name": name, "nces_id": nces, "county": county, "cesa": cesa}
        )[0]
        for code, name, nces, county, cesa in DISTRICTS
    }
    schools = {
        (district, code): School.objects.update_or_create(
            district=districts[district],
            dpi_code=code,
            defaults={
                "name": name,
                "lowest_grade": low,
                "highest_grade": high,
            },
        )[0]
        for district, code, name, low, high in SCHOOLS
    }
    agencies = {
        ori: Agency.objects.update_or_create(ori=ori, defaults={"name": name, "kind": kind})[0]
        for ori, name, kind in AGENCIES
    }
    logins = []
    for username, first, last, memberships in PEOPLE:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        for role, district, school, agency in memberships:
            Membership.objects.get_or_create(
                user=user,
                role=role,
                district=districts.get(district),
                school=schools.get((district, school)),
                agency=agencies.get(agency),
            )
        logins.append((username, ", ".join(str(Role(m[0]).label) for m in memberships)))
    return logins


def _part(actor, part):
    services.part_save(actor=actor, part=part)
    return part


def _define_program(program, district_actor, agency_actor, *, sro_school_names, holders):
    """A full definition: roles, protocol, selection, org chart, property and outreach."""
    add = partial(_part, district_actor)
    for part_of_job, text in [
        (PartOfJob.LAW_ENFORCEMENT, "Respond to possibly illegal conduct on school property"),
        (PartOfJob.LAW_ENFORCEMENT, "Patrol buildings, grounds and parking during the school day"),
        (
            PartOfJob.COUNSELOR_MENTOR,
            "Mentor students and connect them with school and community services",
        ),
        (PartOfJob.EDUCATOR, "Teach lessons on internet safety, drugs and alcohol, and the law"),
        (PartOfJob.OUTREACH, "Attend family nights and community events"),
    ]:
        add(
            Responsibility(
                program=program, part_of_job=part_of_job, description=text, drafted_by=Side.DISTRICT
            )
        )
    add(
        Responsibility(
            program=program,
            part_of_job=PartOfJob.LAW_ENFORCEMENT,
            sro_does=False,
            description="Search students or enforce dress code and other school rules",
            drafted_by=Side.AGENCY,
        )
    )
    for side, actor in ((Side.DISTRICT, district_actor), (Side.AGENCY, agency_actor)):
        services.approve(actor=actor, program=program, side=side)
    for situation, classification, responder, responses in PROTOCOL:
        add(
            ProtocolEntry(
                program=program,
                situation=situation,
                classification=classification,
                responder=responder,
                non_enforcement_responses=responses,
            )
        )
    criteria = [
        add(SelectionCriterion(program=program, kind=kind, description=text))
        for kind, text in [
            (SelectionCriterion.Kind.KNOWLEDGE, "Child and adolescent development"),
            (SelectionCriterion.Kind.SKILL, "De-escalation and conflict resolution"),
            (SelectionCriterion.Kind.DISPOSITION, "Patience and a wish to work with young people"),
        ]
    ]
    for name, scores in [("Officer Jamie Ortega", [5, 4, 5]), ("Officer Pat Novak", [3, 4, 3])]:
        candidate = add(Candidate(program=program, name=name))
        for criterion, score in zip(criteria, scores, strict=True):
            for rater, stake in [
                ("Student council rep.", CandidateRating.Stake.STUDENT),
                ("PTO president", CandidateRating.Stake.FAMILY),
            ]:
                add(
                    CandidateRating(
                        program=program,
                        candidate=candidate,
                        criterion=criterion,
                        rater_name=rater,
                        rater_stake=stake,
                        score=score,
                    )
                )
    superintendent = add(
        Position(
            program=program,
            side=Side.DISTRICT,
            kind=Position.Kind.DISTRICT_ADMIN,
            title="Superintendent",
            holder_name=holders["superintendent"],
        )
    )
    principal = add(
        Position(
            program=program,
            side=Side.DISTRICT,
            kind=Position.Kind.BUILDING_ADMIN,
            title="High school principal",
            holder_name=holders["principal"],
            reports_to=superintendent,
        )
    )
    add(
        Position(
            program=program,
            side=Side.DISTRICT,
            kind=Position.Kind.SECURITY_OFFICER,
            title="School security officer",
            reports_to=principal,
            duties="Monitors entrances and visitors, supervises hallways; enforces school "
            "rules for the principal. Has no arrest powers.",
        )
    )
    add(
        Position(
            program=program,
            side=Side.DISTRICT,
            kind=Position.Kind.PUPIL_SERVICES,
            title="School counselor",
            reports_to=principal,
        )
    )
    chief = add(
        Position(
            program=program,
            side=Side.AGENCY,
            kind=Position.Kind.AGENCY_HEAD,
            title="Chief of police",
            holder_name=holders["chief"],
        )
    )
    lieutenant = add(
        Position(
            program=program,
            side=Side.AGENCY,
            kind=Position.Kind.AGENCY_SUPERVISOR,
            title="Community lieutenant",
            holder_name=holders["lieutenant"],
            reports_to=chief,
        )
    )
    add(
        Position(
            program=program,
            side=Side.AGENCY,
            kind=Position.Kind.SRO,
            title="School resource officer",
            holder_name=holders["sro"],
            reports_to=lieutenant,
            duties="Responds to possibly illegal conduct, mentors students and teaches. "
            "Meets the principal weekly; never enforces school discipline.",
        )
    )
    schools = School.objects.filter(district=program.district, name__in=sro_school_names)
    for school in schools:
        for kind, controlled in [
            (PropertyArea.Kind.BUILDING, True),
            (PropertyArea.Kind.PARKING, True),
            (PropertyArea.Kind.ATHLETIC_FIELDS, True),
            (PropertyArea.Kind.BUSES, False),
        ]:
            add(
                PropertyArea(
                    program=program, school=school, kind=kind, under_sro_control=controlled
                )
            )
    for component, kind, audience, frequency in [
        (
            "Internet safety lessons for grade 9",
            OutreachComponent.Kind.EDUCATION,
            OutreachComponent.Audience.STUDENTS,
            OutreachComponent.Frequency.SEMESTER,
        ),
        (
            "Lunch-table conversations",
            OutreachComponent.Kind.MENTORING,
            OutreachComponent.Audience.STUDENTS,
            OutreachComponent.Frequency.WEEKLY,
        ),
        (
            "Family safety night",
            OutreachComponent.Kind.OUTREACH,
            OutreachComponent.Audience.FAMILIES,
            OutreachComponent.Frequency.YEARLY,
        ),
    ]:
        add(
            OutreachComponent(
                program=program,
                component=component,
                kind=kind,
                audience=audience,
                frequency=frequency,
            )
        )


def _signed_mou(program, district_actor, agency_actor, *, effective_on, ends_on, heads):
    mou = services.mou_create(
        actor=district_actor,
        mou=MOU(
            program=program,
            effective_on=effective_on,
            ends_on=ends_on,
            information_sharing="Daily activity logs, incidents and every arrest or citation on "
            "school property, de-identified, shared each semester with the "
            "school board and on request with DPI.",
            training="The SRO completes the NASRO basic course within a year of starting; SRO and "
            "school staff train together each August on de-escalation and restorative "
            "practices.",
            complaint_process="Anyone may file a complaint about the SRO with the district office "
            "or online, anonymously if they wish; both the district and the agency "
            "review it and answer within 30 days.",
            evaluation="The district and the agency evaluate the program each June using activity, "
            "incident, arrest and climate survey data.",
            oversight="The principal of each school meets the SRO every two weeks, reviews the "
            "SRO's activity log and incidents, and raises concerns with the agency's "
            "lieutenant; the district's director of student services reviews them each "
            "semester.",
        ),
    )
    for name, party, role in [
        (heads[0][0], MOUDrafter.Party.DISTRICT, heads[0][1]),
        (heads[1][0], MOUDrafter.Party.AGENCY, heads[1][1]),
        ("Parent representative", MOUDrafter.Party.STAKEHOLDER, "District parent council"),
    ]:
        services.mou_drafter_save(
            actor=district_actor, drafter=MOUDrafter(mou=mou, name=name, party=party, role=role)
        )
    for side, actor in ((Side.DISTRICT, district_actor), (Side.AGENCY, agency_actor)):
        services.approve(actor=actor, program=program, side=side, mou=mou)
    for side, actor, (name, title) in [
        (Side.DISTRICT, district_actor, heads[0]),
        (Side.AGENCY, agency_actor, heads[1]),
    ]:
        services.mou_sign(
            actor=actor,
            mou=mou,
            side=side,
            signatory=name,
            title=title,
            signed_on=effective_on - datetime.timedelta(days=14),
        )
    return mou


def _activate(program, actor, assessment):
    services.program_change_status(
        actor=actor, program=program, to_status=Program.Status.ASSESSING_NEED
    )
    services.needs_assessment_save(
        actor=actor,
        assessment=NeedsAssessment(program=program, **assessment),
        changed_fields=list(assessment),
    )
    services.program_change_status(actor=actor, program=program, to_status=Program.Status.DRAFTING)


# What the SRO handles and what the school handles: the demo programs' protocol, and the
# state data's.
PROTOCOL = [
    (
        "Disruption in class or defiance of staff",
        Classification.DISCIPLINARY,
        Responder.SCHOOL_ADMIN,
        ["restorative_practice", "no_action"],
    ),
    (
        "Vaping on school grounds",
        Classification.DISCIPLINARY,
        Responder.SCHOOL_ADMIN,
        ["referral_to_services", "restorative_practice"],
    ),
    (
        "Fight without serious injury",
        Classification.DISCIPLINARY,
        Responder.BOTH,
        ["warning", "restorative_practice"],
    ),
    ("Weapon on school property", Classification.POSSIBLY_ILLEGAL, Responder.BOTH, []),
    (
        "Theft over $500 or damage to property",
        Classification.POSSIBLY_ILLEGAL,
        Responder.SRO,
        ["warning", "referral_to_services"],
    ),
]

ASSESSMENT = {
    "problems": "Fights after school near the parking lot; students report feeling unsafe at "
    "dismissal; several vaping incidents a week.",
    "root_causes": "No adult supervision at dismissal; little trust between students and police; "
    "no prevention education on drugs and alcohol.",
    "data_reviewed": "Three years of discipline referrals, the 2025 climate survey, police calls "
    "for service to the school.",
    "stakeholders_consulted": [
        "students",
        "families",
        "law_enforcement",
        "school_staff",
        "community_partners",
    ],
    "alternatives_considered": "More security staff alone (does not build trust); more "
    "counselors (funded separately, and part of the plan).",
    "conclusion": NeedsAssessment.Conclusion.SRO_NEEDED,
    "sro_purpose": "Keep students safe at arrival and dismissal, build trust between students "
    "and police, and teach prevention.",
}


@transaction.atomic
def _rating_round(program, district_actor) -> None:
    """A round of stakeholders' ratings: two links used (one rater named, one anonymous), one
    revoked, the rest still open. The links' tokens are not kept, so nobody can open them."""
    _round, issued = services.rating_round_create(
        actor=district_actor,
        program=program,
        title="Stakeholders rate the finalists",
        valid_days=14,
        links={CandidateRating.Stake.STUDENT: 4, CandidateRating.Stake.FAMILY: 3},
    )
    links = [link for link, _token in issued]
    pairs = [(c, k) for c in program.candidates.all() for k in program.selection_criteria.all()]
    for link, name, best in [(links[0], "", 5), (links[4], "Maria Gonzalez", 4)]:
        services.rating_link_submit(
            actor=Actor(user=None),
            link=link,
            scores={
                (c.pk, k.pk): best if c.name == "Officer Jamie Ortega" else 3 for c, k in pairs
            },
            rater_name=name,
        )
    services.rating_link_revoke(actor=district_actor, link=links[1])


def seed_programs(today=None, *, agree=None) -> None:
    """Three programs: one active and current, one active with an overdue MOU review, one still
    assessing need. Programs that exist already are left as they are.

    An MOU is signed only once every section is settled, and some of them (contacts, meeting
    cadence, mutual expectations) are kept by an app above this one: `agree(program, district,
    agency)` settles them, between drafting and signing, as the two sides would."""
    today = today or timezone.localdate()
    people = {
        u.username: Actor(user=u)
        for u in User.objects.filter(
            username__in=[
                "district.lakeshore",
                "supervisor.lakeshore",
                "district.driftless",
                "supervisor.vernon",
                "district.northwoods",
            ]
        )
    }
    agencies = {a.ori: a for a in Agency.objects.all()}
    districts = {d.dpi_code: d for d in District.objects.all()}
    day = datetime.timedelta(days=1)

    if not Program.objects.filter(name="Lakeshore SRO Program").exists():
        district, agency = people["district.lakeshore"], people["supervisor.lakeshore"]
        program = services.program_create(
            actor=district,
            district=districts["9101"],
            agency=agencies["WI0369900"],
            name="Lakeshore SRO Program",
            purpose="A safe and supportive school day for every Lakeshore student, with an "
            "officer who is a mentor and teacher first.",
        )
        _activate(program, district, {**ASSESSMENT, "concluded_on": today - 520 * day})
        _define_program(
            program,
            district,
            agency,
            sro_school_names=["Lakeshore High School", "Harbor Middle School"],
            holders={
                "superintendent": "Dr. Ellen Marsh",
                "principal": "Angela Brooks",
                "chief": "Chief Robert Dahl",
                "lieutenant": "Lt. Mark Kowalski",
                "sro": "Officer Jamie Ortega",
            },
        )
        if agree is not None:
            agree(program, district, agency)
        mou = _signed_mou(
            program,
            district,
            agency,
            effective_on=today - 400 * day,
            ends_on=today + 700 * day,
            heads=[("Dr. Ellen Marsh", "Superintendent"), ("Chief Robert Dahl", "Chief of Police")],
        )
        review = MOUReview(
            mou=mou,
            reviewed_on=today - 40 * day,
            outcome=MOUReview.Outcome.CONTINUE,
            reviewers="Dr. Ellen Marsh, Chief Robert Dahl, Angela Brooks",
        )
        services.mou_review_record(actor=district, review=review)
        services.program_change_status(
            actor=district, program=program, to_status=Program.Status.ACTIVE
        )
        ortega = User.objects.get(username="sro.ortega")
        for school in School.objects.filter(
            district=program.district, name__in=["Lakeshore High School", "Harbor Middle School"]
        ):
            services.assignment_save(
                actor=district,
                assignment=Assignment(
                    program=program,
                    school=school,
                    officer=ortega,
                    starts_on=today - 380 * day,
                ),
            )
        _rating_round(program, district)

    if not Program.objects.filter(name="Driftless Valley SRO Program").exists():
        district, agency = people["district.driftless"], people["supervisor.vernon"]
        program = services.program_create(
            actor=district,
            district=districts["9102"],
            agency=agencies["WI0629900"],
            name="Driftless Valley SRO Program",
            purpose="A deputy in the high school who knows the students and their families.",
        )
        _activate(program, district, {**ASSESSMENT, "concluded_on": today - 600 * day})
        _define_program(
            program,
            district,
            agency,
            sro_school_names=["Driftless Valley High School"],
            holders={
                "superintendent": "Mark Heller",
                "principal": "Luis Ramirez",
                "chief": "Sheriff Dana Brekke",
                "lieutenant": "Sgt. Karen Olson",
                "sro": "Deputy Sam Lindqvist",
            },
        )
        if agree is not None:
            agree(program, district, agency)
        # Signed long enough ago, and never reviewed since: the annual review is overdue.
        _signed_mou(
            program,
            district,
            agency,
            effective_on=today - 500 * day,
            ends_on=today + 600 * day,
            heads=[("Mark Heller", "District Administrator"), ("Sheriff Dana Brekke", "Sheriff")],
        )
        services.program_change_status(
            actor=district, program=program, to_status=Program.Status.ACTIVE
        )
        services.assignment_save(
            actor=district,
            assignment=Assignment(
                program=program,
                school=School.objects.get(
                    district=program.district, name="Driftless Valley High School"
                ),
                officer=User.objects.get(username="sro.lindqvist"),
                starts_on=today - 480 * day,
            ),
        )

    if not Program.objects.filter(name="Northwoods School Safety Partnership").exists():
        district = people["district.northwoods"]
        program = services.program_create(
            actor=district,
            district=districts["9103"],
            agency=agencies["WI0629900"],
            name="Northwoods School Safety Partnership",
            purpose="Decide whether an SRO would help with safety concerns raised by families.",
        )
        services.program_change_status(
            actor=district, program=program, to_status=Program.Status.ASSESSING_NEED
        )
        services.needs_assessment_save(
            actor=district,
            assessment=NeedsAssessment(
                program=program,
                problems="Families raised concerns about safety at dismissal.",
                stakeholders_consulted=["families", "school_staff"],
            ),
            changed_fields=["problems", "stakeholders_consulted"],
        )
