"""Training compliance, computed from requirements and completions.

Each requirement runs in periods counted from the day the person took up the role: one period
for a requirement done once, one year or N years for a repeated one. The hours of courses that
cover the requirement's topic (or are its course), completed within the current period, count.
A course covering several topics counts in full toward each of them.

Whatever the number of people, it reads the data in a fixed number of queries and works out the
periods in Python: the periods depend on each person's own start date.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from programs.models import Assignment, Program
from sro_portal.models import Membership

from .models import ROLE_AUDIENCE, Completion, Requirement, StaffMember, Status, add_years

DUE_SOON_DAYS = 60


URGENCY = list(Status)


@dataclass
class RequirementStatus:
    requirement: Requirement
    status: str
    hours_done: Decimal
    period_start: datetime.date | None  # None: any completion ever counts
    deadline: datetime.date

    @property
    def hours_missing(self) -> Decimal:
        return max(Decimal(0), self.requirement.min_hours - self.hours_done)

    def get_status_display(self):
        return Status(self.status).label


@dataclass
class PersonCompliance:
    person: object  # a User, or a StaffMember of a school's roster
    requirements: list = field(default_factory=list)

    @property
    def is_roster(self) -> bool:
        return isinstance(self.person, StaffMember)

    @property
    def status(self) -> str:
        if not self.requirements:
            return Status.COMPLIANT
        return min((r.status for r in self.requirements), key=URGENCY.index)

    def get_status_display(self):
        return Status(self.status).label

    @property
    def hours_missing(self) -> Decimal:
        return sum((r.hours_missing for r in self.requirements), Decimal(0))

    @property
    def is_out_of_compliance(self) -> bool:
        return self.status in (Status.OVERDUE, Status.DUE_SOON)


def _hours(requirement, completions, start, end) -> Decimal:
    return sum(
        (
            c.hours
            for c in completions
            if (start is None or c.completed_on >= start)
            and (end is None or c.completed_on <= end)
            and requirement.covers(c.course_id, c.topic_ids)
        ),
        Decimal(0),
    )


def evaluate(requirement, started_on, completions, today) -> RequirementStatus:
    """One requirement for one person who took up the role on `started_on`.

    A repeated requirement missed in the period just ended stays overdue until the current
    period's hours are done: a new period does not wipe out a missed one.
    """
    years = requirement.period_years
    first_deadline = started_on + datetime.timedelta(days=requirement.deadline_days)
    if years is None:
        hours = _hours(requirement, completions, None, None)
        return _status(requirement, hours, None, first_deadline, today)
    periods = 0
    while add_years(started_on, (periods + 1) * years) <= today:
        periods += 1

    def bounds(k):
        start = add_years(started_on, k * years)
        end = add_years(started_on, (k + 1) * years) - datetime.timedelta(days=1)
        return start, end, (min(first_deadline, end) if k == 0 else end)

    start, end, deadline = bounds(periods)
    hours = _hours(requirement, completions, start, end)
    if hours < requirement.min_hours and periods > 0:
        last_start, last_end, last_deadline = bounds(periods - 1)
        if _hours(requirement, completions, last_start, last_end) < requirement.min_hours:
            return _status(requirement, hours, start, last_deadline, today)
    return _status(requirement, hours, start, deadline, today)


def _status(requirement, hours, period_start, deadline, today) -> RequirementStatus:
    if hours >= requirement.min_hours:
        status = Status.COMPLIANT
    elif today > deadline:
        status = Status.OVERDUE
    elif (deadline - today).days <= DUE_SOON_DAYS:
        status = Status.DUE_SOON
    else:
        status = Status.UPCOMING
    return RequirementStatus(requirement, status, hours, period_start, deadline)


def compliance_for(people, today=None) -> list[PersonCompliance]:
    """The compliance of each person, account holders (User) and roster people (StaffMember)
    alike, in six queries at most.

    A roster person's one audience runs from their `started_on`, as an account holder's runs
    from their membership; the programs of their school's district apply to them, as those of an
    administrator's district do. A roster person linked to an account counts the completions of
    both, and so does the account.
    """
    today = today or timezone.localdate()
    people = list(people)
    users = [p for p in people if not isinstance(p, StaffMember)]
    roster = [p for p in people if isinstance(p, StaffMember)]
    ids = [p.pk for p in users]
    memberships = Membership.objects.filter(user_id__in=ids, role__in=list(ROLE_AUDIENCE))
    # (kind, pk) -> audience -> the day the person first took up a role with that audience
    started = defaultdict(dict)
    districts = defaultdict(set)
    for m in memberships:
        audience = ROLE_AUDIENCE[m.role]
        first = started[("user", m.user_id)].get(audience)
        started[("user", m.user_id)][audience] = min(first, m.started_on) if first else m.started_on
        if m.district_id:
            districts[("user", m.user_id)].add(m.district_id)
    for member in roster:
        started[("staff", member.pk)][member.audience] = member.started_on
        districts[("staff", member.pk)].add(member.district_id)
    programs = defaultdict(set)
    for officer_id, program_id in (
        Assignment.objects.filter(officer_id__in=ids)
        .in_dates(today)
        .values_list("officer_id", "program_id")
    ):
        programs[("user", officer_id)].add(program_id)
    all_districts = set().union(*districts.values()) if districts else set()
    district_programs = defaultdict(set)
    for program_id, district_id in Program.objects.filter(
        district_id__in=all_districts
    ).values_list("pk", "district_id"):
        district_programs[district_id].add(program_id)
    for key, district_ids in districts.items():
        for district_id in district_ids:
            programs[key] |= district_programs[district_id]
    requirements = list(
        Requirement.objects.filter(
            Q(program__isnull=True) | Q(program_id__in=set().union(*programs.values()))
        ).select_related("topic", "course", "program")
    )
    # A roster person linked to an account, and the account, count each other's completions.
    linked = defaultdict(list)
    for member in roster:
        if member.user_id:
            linked[member.user_id].append(member.pk)
    completions = defaultdict(list)
    for completion in (
        Completion.objects.filter(
            Q(person_id__in=set(ids) | set(linked))
            | Q(staff_member_id__in=[m.pk for m in roster])
            | Q(staff_member__user_id__in=ids),
            completed_on__lte=today,
        )
        .select_related("course", "staff_member")
        .prefetch_related("course__topics")
    ):
        completion.topic_ids = {t.pk for t in completion.course.topics.all()}
        if completion.person_id:
            completions[("user", completion.person_id)].append(completion)
            for staff_id in linked.get(completion.person_id, ()):
                completions[("staff", staff_id)].append(completion)
        else:
            completions[("staff", completion.staff_member_id)].append(completion)
            if completion.staff_member.user_id:
                completions[("user", completion.staff_member.user_id)].append(completion)

    results = []
    for person in people:
        key = ("staff" if isinstance(person, StaffMember) else "user", person.pk)
        result = PersonCompliance(person)
        for requirement in requirements:
            start = started[key].get(requirement.audience)
            applies = start is not None and (
                requirement.program_id is None or requirement.program_id in programs[key]
            )
            if applies:
                result.requirements.append(evaluate(requirement, start, completions[key], today))
        results.append(result)
    return results


def summarise(results) -> dict:
    """How many people are in each status."""
    counts = dict.fromkeys(Status.values, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def hours_by_topic(completions) -> list[dict]:
    """A person's hours per topic, and how many courses covered each: repeats stand out."""
    topics = {}
    for completion in completions:
        for topic in completion.course.topics.all():
            entry = topics.setdefault(
                topic.pk, {"topic": topic, "hours": Decimal(0), "courses": set()}
            )
            entry["hours"] += completion.hours
            entry["courses"].add(completion.course_id)
    rows = sorted(topics.values(), key=lambda e: e["topic"].position)
    for row in rows:
        row["course_count"] = len(row.pop("courses"))
    return rows


def training_record(holder) -> dict:
    """What a person's training page shows, for an account holder or a roster person alike:
    what is due, every completion, the courses taken more than once and the hours by topic."""
    completions = list(
        Completion.objects.of(holder)
        .select_related("course", "verified_by")
        .prefetch_related("course__topics")
    )
    [compliance] = compliance_for([holder])
    taken = Counter(completion.course_id for completion in completions)
    return {
        "compliance": compliance,
        "completions": completions,
        "repeated_courses": {course for course, times in taken.items() if times > 1},
        "topics": hours_by_topic(completions),
    }
