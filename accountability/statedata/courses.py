"""Training as the state holds it: providers, courses and requirements, the schools' staff
rosters, and completions (some people compliant, some due, some overdue)."""

from decimal import Decimal

from sro_portal.schoolyear import school_year_bounds
from training.demo import COURSES, PROVIDERS
from training.models import Audience, Completion, Course, Provider, Requirement, StaffMember, Topic

from . import names
from .auditing import A, address
from .vocabulary import POSITIONS, REQUIREMENTS
from .world import DAY, Rec, at_local, json_text


def _by_title(model, field, values):
    return dict(model.objects.filter(**{f"{field}__in": values}).values_list(field, "pk"))


def build_training(world, audit) -> None:
    rng = world.rng("training")
    sink = world.sink
    providers = _by_title(Provider, "name", [p[0] for p in PROVIDERS])
    with sink.writing(Provider, ["name", "level", "url", "description"]) as table:
        for name, level, url, description in PROVIDERS:
            if name not in providers:
                providers[name] = table.add(name, level, url, description)
    provider_ids = [providers[p[0]] for p in PROVIDERS]
    courses = _by_title(Course, "title", [c[0] for c in COURSES])
    topics = dict(Topic.objects.values_list("code", "pk"))
    hours = {}
    table = sink.table(
        Course,
        [
            "title",
            "provider_id",
            "hours",
            "delivery",
            "audiences",
            "collaborative",
            "learning_outcomes",
        ],
    )
    links = sink.table(Course.topics.through, ["course_id", "topic_id"])
    for title, provider, codes, course_hours, delivery, audiences, collab, outcomes in COURSES:
        hours[title] = Decimal(course_hours)
        if title in courses:
            continue
        courses[title] = table.add(
            title,
            provider_ids[provider],
            Decimal(course_hours),
            delivery,
            json_text(audiences),
            collab,
            outcomes,
        )
        for code in codes:
            if code in topics:
                links.add(courses[title], topics[code])
    table.close()
    links.close()
    if not Requirement.objects.exists():
        with sink.writing(
            Requirement,
            [
                "program_id",
                "district_id",
                "agency_id",
                "audience",
                "topic_id",
                "course_id",
                "min_hours",
                "frequency",
                "every_n_years",
                "deadline_days",
            ],
        ) as table:
            for audience, subject, min_hours, frequency, years, deadline in REQUIREMENTS:
                course = courses[COURSES[subject][0]] if isinstance(subject, int) else None
                topic = topics.get(subject) if isinstance(subject, str) else None
                table.add(
                    None,
                    None,
                    None,
                    audience,
                    topic,
                    course,
                    Decimal(min_hours),
                    frequency,
                    years,
                    deadline,
                )

    # The schools' staff rosters: people without accounts, enough that, with the account
    # holders, about 3,150 people are measured for compliance at full scale.
    account_holders = len(world.sros) + len(world.district_admins) + len(world.building_admins)
    roster_size = max(2 * len(world.programs), world.targets.people_in_compliance - account_holders)
    schools = [s for p in world.programs for s in p.schools] or world.schools
    with sink.writing(
        StaffMember,
        [
            "school_id",
            "district_id",
            "name",
            "position",
            "audience",
            "started_on",
            "left_on",
            "user_id",
            "created_at",
        ],
        total=roster_size,
    ) as table:
        taken = set()
        for i in range(roster_size):
            school = schools[i % len(schools)]
            audience = rng.choices(
                [
                    Audience.TEACHER,
                    Audience.PUPIL_SERVICES,
                    Audience.ADMINISTRATOR,
                    Audience.OTHER_STAFF,
                ],
                [55, 25, 5, 15],
            )[0]
            while True:
                name = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
                if (school.id, name) not in taken:
                    break
            taken.add((school.id, name))
            position = rng.choice(POSITIONS[audience]).format(rng.randint(1, 12))
            started = world.today - DAY * rng.randint(30, 4000)
            left = None
            if rng.random() < 0.06:
                left = started + DAY * rng.randint(1, max(1, (world.yesterday - started).days))
            pk = table.add(
                school.id,
                school.district.id,
                name,
                position,
                audience,
                started,
                left,
                None,
                at_local(max(started, world.window_start), 600),
            )
            world.staff_members.append(
                Rec(pk, {"audience": audience, "started_on": started, "school": school})
            )

    t = sink.table(
        Completion,
        [
            "person_id",
            "staff_member_id",
            "course_id",
            "completed_on",
            "hours",
            "outcome",
            "score",
            "verified_by_id",
            "verified_on",
            "certificate",
            "recorded_at",
        ],
    )
    first = world.latest_year - 2

    def complete(person, staff, title, earliest, chance, verifier=None, recorder=None):
        if rng.random() >= chance:
            return
        earliest = max(earliest, world.window_start)
        span = (world.yesterday - earliest).days
        if span < 1:
            return
        day = earliest + DAY * rng.randint(0, span)
        passed = rng.random() < 0.1
        verified = verifier if verifier and rng.random() < 0.6 else None
        recorded = at_local(min(day + DAY * rng.randint(0, 10), world.yesterday), 700)
        pk = t.add(
            person,
            staff,
            courses[title],
            day,
            hours[title],
            "passed" if passed else "completed",
            rng.randint(70, 100) if passed else None,
            verified[0] if verified else None,
            min(day + DAY * 3, world.yesterday) if verified else None,
            "",
            recorded,
        )
        if recorder:
            audit.add(
                recorded,
                recorder,
                A.CREATE,
                Completion,
                pk,
                f"{recorder[2]}: {title} ({day})",
                audit.values(
                    id=pk,
                    course=courses[title],
                    completed_on=day.isoformat(),
                    hours=str(hours[title]),
                ),
                ip=address(recorder[0]),
            )

    basic, calm, restore, reporting, trauma, seclusion = (c[0] for c in COURSES)
    for sro in world.sros:
        who = (sro.id, sro.username, sro.name)
        boss = world.supervisors[sro.agency.id]
        verifier = (boss.id, boss.username)
        complete(sro.id, None, basic, sro.started_on, 0.92, verifier, who)
        for year in range(first, world.latest_year + 1):
            start, end = school_year_bounds(year)
            if end < sro.started_on:
                continue
            complete(sro.id, None, calm, max(start, sro.started_on), 0.85, verifier, who)
            if year % 2 == 0:
                complete(sro.id, None, restore, max(start, sro.started_on), 0.75, verifier, who)
        complete(sro.id, None, trauma, sro.started_on, 0.3, verifier, who)
    admins = list(world.district_admins.values()) + list(world.building_admins.values())
    for admin in admins:
        who = (admin.id, admin.username, admin.name)
        for year in range(first, world.latest_year + 1):
            start, _ = school_year_bounds(year)
            complete(admin.id, None, reporting, max(start, admin.started_on), 0.85, None, who)
        complete(admin.id, None, calm, admin.started_on, 0.2, None, who)
    for member in world.staff_members:
        for year in range(first, world.latest_year + 1):
            start, _ = school_year_bounds(year)
            complete(None, member.id, reporting, max(start, member.started_on), 0.8)
        if member.audience == Audience.PUPIL_SERVICES:
            complete(None, member.id, seclusion, member.started_on, 0.8)
        elif member.audience == Audience.TEACHER:
            complete(None, member.id, restore, member.started_on, 0.15)
    t.close()


def refresh_compliance(world) -> None:
    """The compliance summary the training services keep as they write: worked out once for
    everyone, the rows having been written without them."""
    from tqdm import tqdm

    from training import summary
    from training.models import ComplianceStatus

    sink = world.sink
    with tqdm(
        desc="training_compliancestatus",
        unit=" people",
        file=sink.progress_file,
        disable=sink.quiet,
        dynamic_ncols=True,
        mininterval=0.5,
    ) as bar:

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        summary.refresh_all(today=world.today, progress=progress)
    sink.written[ComplianceStatus] = ComplianceStatus.objects.count()
