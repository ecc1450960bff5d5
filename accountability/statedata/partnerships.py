"""Programs as the services would leave them: a concluded needs assessment, roles approved by
both sides, a response protocol, an MOU complete in every section, drafted, approved and signed by
both sides (an earlier version superseded for some), reviewed each year (a few overdue), then
activated, with SROs assigned to schools within the MOU's dates. A few more districts are still
assessing whether they need an SRO."""

import datetime

from accountability.models import (
    Contact,
    DataSource,
    PublicPage,
)
from programs.demo import ASSESSMENT, PROTOCOL
from programs.models import (
    MOU,
    Approval,
    MOUDrafter,
    MOUReview,
    NeedsAssessment,
    Position,
    Program,
    Side,
    one_year_after,
)
from sro_portal.roles import Role
from sro_portal.schoolyear import add_years

from .program_tables import Parts
from .vocabulary import (
    CRITERIA,
    EXPECTATIONS,
    GUARD_DUTIES,
    MOU_TEXT,
    OUTREACH,
    RESPONSIBILITIES,
    SRO_DUTIES,
)
from .world import DAY, Rec, at_local, json_text

TURNOVER = 0.15  # share of SRO posts whose officer changed during the five years
SECONDARY = ("High School", "Middle School", "Junior/Senior High School", "School")


def _split(total, weights):
    """`total` split in proportion to `weights`, each at least one, by largest remainder."""
    whole = sum(weights)
    raw = [max(1.0, total * w / whole) for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: max(0, total - sum(parts))]:
        parts[i] += 1
    return parts


def _status_changes(parts, program, owner, moments):
    previous = ""
    for status, when, note in moments:
        parts.status.add(
            program.id,
            program.district.id,
            program.agency.id,
            previous,
            status,
            owner.id,
            when,
            note,
        )
        previous = status


def build_programs(world, people) -> None:
    rng = world.rng("programs")
    parts = Parts(world.sink)
    active = [d for d in world.districts if d.data.get("program") == "active"]
    assessing = [d for d in world.districts if d.data.get("program") == "assessing"]
    agencies = world.agencies
    n_slots = max(len(active), round(world.targets.sros / (1 + TURNOVER)))
    slots = _split(n_slots, [d.size for d in active])

    for i, (district, n_sro) in enumerate(zip(active, slots, strict=True)):
        agency = agencies[i % len(agencies)] if i < len(agencies) else rng.choice(agencies)
        admin = world.district_admins[district.id]
        supervisor = world.supervisors[agency.id]
        if rng.random() < 0.7:
            start = world.window_start - DAY * rng.randint(0, 1000)
        else:
            year = rng.randint(world.first_year + 1, world.latest_year - 1)
            start = datetime.date(year, 8, 1) + DAY * rng.randint(0, 30)
        concluded = start - DAY * rng.randint(60, 150)
        created = at_local(concluded - DAY * rng.randint(90, 250), 600)
        town = district.name.split(" School")[0].split(" Public")[0].split(" Area")[0]
        town = town.removeprefix("School District of ").split(" Unified")[0]
        name = f"{town.split(' Metropolitan')[0]} SRO Program"
        activated = at_local(start - DAY, 14 * 60)
        pk = parts.programs.add(
            district.id,
            agency.id,
            name,
            f"A safe and supportive school day for every student, with an officer of the "
            f"{agency.name} who is a mentor and teacher first.",
            Program.Status.ACTIVE,
            created,
            activated,
        )
        program = Rec(
            pk,
            {
                "district": district,
                "agency": agency,
                "name": name,
                "start": start,
                "admin": admin,
                "supervisor": supervisor,
                "schools": [],
                "created": created,
            },
        )
        world.programs.append(program)
        key = (pk, district.id, agency.id)
        _status_changes(
            parts,
            program,
            admin,
            [
                (Program.Status.PROPOSED, created, "Proposed"),
                (Program.Status.ASSESSING_NEED, created + DAY * 10, ""),
                (Program.Status.DRAFTING, at_local(concluded + DAY * 3, 600), ""),
                (Program.Status.ACTIVE, activated, ""),
            ],
        )
        parts.assessments.add(
            *key,
            ASSESSMENT["problems"],
            ASSESSMENT["root_causes"],
            ASSESSMENT["data_reviewed"],
            json_text(ASSESSMENT["stakeholders_consulted"]),
            ASSESSMENT["alternatives_considered"],
            NeedsAssessment.Conclusion.SRO_NEEDED,
            ASSESSMENT["sro_purpose"],
            concluded,
        )
        for part_of_job, text, does in RESPONSIBILITIES:
            parts.responsibilities.add(
                *key, part_of_job, text, does, Side.DISTRICT if does else Side.AGENCY
            )
        drafted = at_local(concluded + DAY * 20, 600)
        for side, who in ((Side.DISTRICT, admin), (Side.AGENCY, supervisor)):
            parts.approvals.add(
                *key, None, Approval.Subject.RESPONSIBILITIES, side, who.id, drafted
            )
        for situation, classification, responder, responses in PROTOCOL:
            parts.protocol.add(*key, situation, classification, responder, json_text(responses))
        criteria = [parts.criteria.add(*key, kind, text) for kind, text in CRITERIA]
        for c in range(2):
            candidate = parts.candidates.add(*key, f"Candidate {c + 1}")
            for criterion in criteria:
                for rater, stake in (
                    ("Student council representative", "student"),
                    ("Parent organisation president", "family"),
                ):
                    parts.ratings.add(
                        *key,
                        candidate,
                        criterion,
                        rater,
                        stake,
                        rng.randint(3, 5) if c == 0 else rng.randint(2, 4),
                    )
        head = parts.positions.add(
            *key,
            Side.DISTRICT,
            Position.Kind.DISTRICT_ADMIN,
            "District administrator",
            admin.name,
            admin.id,
            None,
            "",
        )
        principal = parts.positions.add(
            *key,
            Side.DISTRICT,
            Position.Kind.BUILDING_ADMIN,
            "High school principal",
            "",
            None,
            head,
            "",
        )
        parts.positions.add(
            *key,
            Side.DISTRICT,
            Position.Kind.PUPIL_SERVICES,
            "School counselor",
            "",
            None,
            principal,
            "",
        )
        if rng.random() < 0.4:
            parts.positions.add(
                *key,
                Side.DISTRICT,
                Position.Kind.SECURITY_OFFICER,
                "School security officer",
                "",
                None,
                principal,
                GUARD_DUTIES,
            )
        chief_title = "Sheriff" if agency.kind == "sheriffs_office" else "Chief of police"
        chief = parts.positions.add(
            *key, Side.AGENCY, Position.Kind.AGENCY_HEAD, chief_title, "", None, None, ""
        )
        lead = parts.positions.add(
            *key,
            Side.AGENCY,
            Position.Kind.AGENCY_SUPERVISOR,
            "School services supervisor",
            supervisor.name,
            supervisor.id,
            chief,
            "",
        )
        parts.positions.add(
            *key,
            Side.AGENCY,
            Position.Kind.SRO,
            "School resource officer",
            "",
            None,
            lead,
            SRO_DUTIES,
        )
        for component, kind, audience, frequency in OUTREACH:
            parts.outreach.add(*key, component, kind, audience, frequency)

        # The MOU, complete in every section: settled with the agreements kept above
        # (contacts, meeting cadence, expectations).
        meet_every = rng.choice([14, 14, 30, 30, 30, 60])
        parts.settings.add(*key, rng.choice([3, 5, 5, 10]), meet_every, admin.id, supervisor.id)
        program.data["meet_every"] = meet_every
        for held_by, text in EXPECTATIONS:
            parts.expectations.add(*key, held_by, text)
        parts.contacts.add(
            *key,
            Contact.Level.DISTRICT,
            None,
            admin.name,
            "Director of student services",
            f"{admin.username}@example.org",
            "608-555-0100",
        )
        parts.contacts.add(
            *key,
            Contact.Level.AGENCY,
            None,
            supervisor.name,
            "School services supervisor",
            f"{supervisor.username}@example.org",
            "608-555-0101",
        )
        sources = [
            DataSource.ACTIVITY,
            DataSource.INCIDENTS,
            DataSource.ENFORCEMENT,
            DataSource.COMPLAINTS,
            DataSource.SURVEYS,
        ]
        if district.size <= 6 and rng.random() < 0.5:
            sources.append(DataSource.TRAINING)
        parts.plans.add(
            *key,
            "The district's research office with the agency",
            12,
            "The mix of the SRO's activities, arrests and citations by student group, "
            "complaints, and how safe students feel.",
            json_text(sources),
        )
        program.data["sources"] = sources

        heads = [
            (admin.name, "District administrator"),
            ("The " + chief_title.lower(), chief_title),
        ]
        if rng.random() < 0.3:
            old_start = start - DAY * rng.randint(700, 1100)
            _mou(
                parts,
                program,
                key,
                1,
                MOU.State.SUPERSEDED,
                old_start,
                start - DAY,
                heads,
                one_year_after(old_start),
                rng,
            )
            number = 2
        else:
            number = 1
        ends = max(add_years(start, 5), world.today + DAY * rng.randint(120, 900))
        reviews = []
        review = add_years(start, 1) - DAY * rng.randint(0, 30)
        while review <= world.yesterday:
            reviews.append(review)
            review = add_years(review, 1) - DAY * rng.randint(0, 20)
        if reviews and rng.random() < 0.12:
            reviews.pop()  # the last review was missed: overdue on the dashboard
        due = one_year_after(reviews[-1] if reviews else start)
        mou = _mou(parts, program, key, number, MOU.State.SIGNED, start, ends, heads, due, rng)
        for reviewed in reviews:
            parts.reviews.add(
                mou,
                reviewed,
                f"{admin.name}, {supervisor.name}",
                MOUReview.Outcome.CONTINUE,
                admin.id,
            )
        program.data["mou"] = mou

        # SRO posts: the secondary schools first, each officer covering one to three schools.
        ordered = sorted(district.schools, key=lambda s: s.kind not in SECONDARY)
        covered = ordered[: min(len(ordered), max(n_sro, round(n_sro * 2.2)))]
        posts = [covered[j::n_sro] for j in range(n_sro)]
        for post in posts:
            if not post:
                continue
            begins = start + DAY * rng.randint(0, 20)
            officers = [(begins, None)]
            change = None
            last_day = world.yesterday - DAY * 100
            if rng.random() < TURNOVER and (last_day - begins).days > 200:
                change = begins + DAY * rng.randint(200, (last_day - begins).days)
                officers = [(begins, change - DAY), (change, None)]
            for starts_on, ends_on in officers:
                officer = people.add(
                    Role.SRO,
                    started_on=starts_on - DAY * rng.randint(0, 60),
                    agency=agency,
                    prefix="sro",
                )
                officer.data["agency"] = agency
                officer.data["program"] = program
                world.sros.append(officer)
                for school in post:
                    a = parts.assignments.add(*key, school.id, officer.id, starts_on, ends_on)
                    world.assignments.append(
                        Rec(
                            a,
                            {
                                "program": program,
                                "school": school,
                                "officer": officer,
                                "starts_on": starts_on,
                                "ends_on": ends_on,
                            },
                        )
                    )
        for school in covered:
            program.schools.append(school)
            for kind, controlled in (
                ("building", True),
                ("parking", True),
                ("athletic_fields", school.kind in SECONDARY),
                ("buses", False),
            ):
                parts.property.add(*key, school.id, kind, controlled)
        principal_user = world.building_admins.get(covered[0].id)
        parts.contacts.add(
            *key,
            Contact.Level.BUILDING,
            covered[0].id,
            principal_user.name if principal_user else "The principal",
            "Principal",
            "",
            "",
        )
        if rng.random() < 0.3:
            published = at_local(start + DAY * rng.randint(30, 200), 600)
            sections = [rng.random() < 0.7 for _ in PublicPage.SECTIONS]
            parts.pages.add(
                district.id,
                True,
                *sections,
                min(published, at_local(world.yesterday, 600)),
                admin.id,
                published,
            )

    for district in assessing:
        agency = rng.choice(agencies)
        admin = world.district_admins[district.id]
        created = at_local(world.today - DAY * rng.randint(60, 400), 600)
        pk = parts.programs.add(
            district.id,
            agency.id,
            f"{district.name} Safety Partnership",
            "Decide whether an SRO would help with safety concerns raised by families.",
            Program.Status.ASSESSING_NEED,
            created,
            created + DAY * 10,
        )
        program = Rec(pk, {"district": district, "agency": agency})
        _status_changes(
            parts,
            program,
            admin,
            [
                (Program.Status.PROPOSED, created, "Proposed"),
                (Program.Status.ASSESSING_NEED, created + DAY * 10, ""),
            ],
        )
        parts.assessments.add(
            pk,
            district.id,
            agency.id,
            "Families raised concerns about safety at dismissal.",
            "",
            "",
            json_text(["families", "school_staff"]),
            "",
            NeedsAssessment.Conclusion.PENDING,
            "",
            None,
        )
    parts.close()


def _mou(parts, program, key, number, state, effective, ends, heads, due, rng):
    admin, supervisor = program.admin, program.supervisor
    signed = effective - DAY * 14
    pk = parts.mous.add(
        *key,
        number,
        state,
        effective,
        ends,
        *MOU_TEXT.values(),
        heads[0][0],
        heads[0][1],
        signed,
        heads[1][0],
        heads[1][1],
        signed,
        due,
    )
    for name, party, role in (
        (heads[0][0], MOUDrafter.Party.DISTRICT, heads[0][1]),
        (heads[1][0], MOUDrafter.Party.AGENCY, heads[1][1]),
        ("Parent representative", MOUDrafter.Party.STAKEHOLDER, "District parent council"),
    ):
        parts.drafters.add(pk, name, party, role)
    approved = at_local(signed - DAY * 7, 600)
    for side, who in ((Side.DISTRICT, admin), (Side.AGENCY, supervisor)):
        parts.approvals.add(*key, pk, Approval.Subject.MOU, side, who.id, approved)
    return pk
