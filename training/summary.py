"""The compliance summary (`ComplianceStatus`): one row per person, worked out by
`compliance_for`, the one place the rules live, and written in bulk.

Whoever writes what compliance depends on (completions, requirements, courses' topics,
assignments, memberships, roster entries) refreshes the people concerned here, in the same
transaction. Time alone changes a status too: each row says until when it holds
(`valid_until`); readers call `refresh_stale` first, so a page is right even on a day no
command ran, and `manage.py refresh_compliance --all`, run nightly, works out every row again
(catching what no service wrote: a bulk load, a renamed account).
"""

import datetime
from collections import defaultdict

from django.db.models import IntegerField, Q, Value
from django.utils import timezone
from django.utils.dateformat import format as date_format

from programs.models import Assignment
from sro_portal.models import Membership, User
from sro_portal.roles import Role

from .compliance import DUE_SOON_DAYS, compliance_for
from .models import (
    ROLE_AUDIENCE,
    Completion,
    ComplianceStatus,
    Requirement,
    StaffMember,
    Status,
    add_years,
)

# People worked out together: compliance_for reads them in six queries whatever their number.
CHUNK = 1000
DAY = datetime.timedelta(days=1)
UPDATED = [
    "district",
    "is_roster",
    "name",
    "audience",
    "is_current",
    "status",
    "hours_missing",
    "next_deadline",
    "most_urgent",
    "valid_until",
    "computed_on",
]


def _today(today):
    return today or timezone.localdate()


def requirement_change_day(item, today) -> datetime.date | None:
    """The first day after `today` on which this requirement's status, deadline or hours may
    differ with nothing recorded: its next period, its due-soon window, its deadline passed."""
    days = []
    years = item.requirement.period_years
    if item.period_start is not None and years:
        # A new period counts hours afresh (and a missed one keeps the person overdue).
        days.append(add_years(item.period_start, years))
    if item.status == Status.UPCOMING:
        days.append(item.deadline - datetime.timedelta(days=DUE_SOON_DAYS))
    elif item.status == Status.DUE_SOON:
        days.append(item.deadline + DAY)
    later = [day for day in days if day > today]
    return min(later) if later else None


def _first(days):
    days = [day for day in days if day is not None]
    return min(days) if days else None


def _row(result, today, extra: dict) -> ComplianceStatus:
    changes_on = extra.pop("changes_on")
    urgent = [
        item
        for item in result.requirements
        if item.status == result.status and item.status != Status.COMPLIANT
    ]
    open_items = [item for item in result.requirements if item.status != Status.COMPLIANT]
    return ComplianceStatus(
        status=result.status,
        hours_missing=result.hours_missing,
        next_deadline=min((i.deadline for i in open_items), default=None),
        most_urgent="\n".join(
            f"{item.requirement} by {date_format(item.deadline, 'N j, Y')}" for item in urgent
        ),
        computed_on=today,
        valid_until=_first(
            [
                *(requirement_change_day(item, today) for item in result.requirements),
                changes_on,
            ]
        ),
        **extra,
    )


def refresh(*, user_ids=(), staff_ids=(), today=None) -> int:
    """Works out again the rows of these people (account holders by id, roster people by id)
    and writes them, created or updated; returns how many."""
    today = _today(today)
    user_ids, staff_ids = sorted(set(user_ids) - {None}), sorted(set(staff_ids) - {None})
    done = 0
    for start in range(0, max(len(user_ids), len(staff_ids)), CHUNK):
        done += _refresh_chunk(
            user_ids[start : start + CHUNK], staff_ids[start : start + CHUNK], today
        )
    return done


def _refresh_chunk(user_ids, staff_ids, today) -> int:
    users = list(User.objects.filter(pk__in=user_ids).order_by()) if user_ids else []
    roster = list(StaffMember.objects.filter(pk__in=staff_ids).order_by()) if staff_ids else []
    if not (users or roster):
        return 0
    results = compliance_for([*users, *roster], today)
    districts = defaultdict(set)
    changes = defaultdict(list)
    if users:
        for user_id, district_id in Membership.objects.filter(
            user_id__in=user_ids, role__in=[Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN]
        ).values_list("user_id", "district_id"):
            districts[user_id].add(district_id)
        for officer_id, district_id, starts_on, ends_on in Assignment.objects.filter(
            officer_id__in=user_ids
        ).values_list("officer_id", "district_id", "starts_on", "ends_on"):
            # An assignment's start and end change the programs whose requirements apply.
            if starts_on > today:
                changes[officer_id].append(starts_on)
            elif ends_on is None or ends_on >= today:
                districts.setdefault(officer_id, set()).add(district_id)
                if ends_on is not None:
                    changes[officer_id].append(ends_on + DAY)
    by_user, by_staff = [], []
    for result in results:
        person = result.person
        if result.is_roster:
            left_on = person.left_on
            extra = {
                "staff_member": person,
                "district_id": person.district_id,
                "is_roster": True,
                "name": person.name[:200],
                "audience": person.audience,
                "is_current": left_on is None or left_on >= today,
                "changes_on": left_on + DAY if left_on and left_on >= today else None,
            }
            by_staff.append(_row(result, today, extra))
        else:
            # Of the districts they administer or are assigned in now, the lowest id.
            own = sorted(districts.get(person.pk, ()))
            extra = {
                "user": person,
                "district_id": own[0] if own else None,
                "is_roster": False,
                "name": _sort_name(person),
                "audience": "",
                "is_current": person.is_active,
                "changes_on": _first(changes.get(person.pk, [])),
            }
            by_user.append(_row(result, today, extra))
    if by_user:
        ComplianceStatus.objects.bulk_create(
            by_user, update_conflicts=True, unique_fields=["user"], update_fields=UPDATED
        )
    if by_staff:
        ComplianceStatus.objects.bulk_create(
            by_staff, update_conflicts=True, unique_fields=["staff_member"], update_fields=UPDATED
        )
    return len(by_user) + len(by_staff)


def _sort_name(user) -> str:
    if user.last_name or user.first_name:
        return f"{user.last_name}, {user.first_name}".strip(", ")[:200]
    return user.username[:200]


def refresh_stale(today=None) -> int:
    """Before a read: the rows whose `valid_until` has come, and the people who have no row yet
    (added by a path that wrote nothing here), worked out again. One query finds them all;
    nothing more runs when there are none."""
    today = _today(today)
    no_id = Value(None, output_field=IntegerField())
    found = (
        ComplianceStatus.objects.stale(today)
        .order_by()
        .values_list("user_id", "staff_member_id")
        .union(
            User.objects.filter(compliance_status__isnull=True)
            .order_by()
            .annotate(none=no_id)
            .values_list("pk", "none"),
            StaffMember.objects.filter(compliance_status__isnull=True)
            .order_by()
            .annotate(none=no_id)
            .values_list("none", "pk"),
            all=True,
        )
    )
    rows = list(found)
    if not rows:
        return 0
    return refresh(
        user_ids=[u for u, _ in rows if u], staff_ids=[s for _, s in rows if s], today=today
    )


def refresh_all(today=None, progress=None) -> int:
    """Every person's row worked out again: the daily command, and after a bulk load."""
    today = _today(today)
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    staff_ids = list(StaffMember.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, max(len(user_ids), len(staff_ids)), CHUNK):
        done += refresh(
            user_ids=user_ids[start : start + CHUNK],
            staff_ids=staff_ids[start : start + CHUNK],
            today=today,
        )
        if progress:
            progress(done, len(user_ids) + len(staff_ids))
    return done


# Who a write concerns.


def refresh_holders(*, user_ids=(), staff_ids=(), today=None) -> int:
    """People whose completions or roster entries changed, with the account or roster entries
    linked to them: compliance reads the completions of both."""
    user_ids, staff_ids = set(user_ids) - {None}, set(staff_ids) - {None}
    if user_ids or staff_ids:
        for staff_id, user_id in StaffMember.objects.filter(
            Q(pk__in=staff_ids) | Q(user_id__in=user_ids)
        ).values_list("pk", "user_id"):
            staff_ids.add(staff_id)
            if user_id:
                user_ids.add(user_id)
    return refresh(user_ids=user_ids, staff_ids=staff_ids, today=today)


def refresh_completions(completions, today=None) -> int:
    return refresh_holders(
        user_ids={c.person_id for c in completions},
        staff_ids={c.staff_member_id for c in completions},
        today=today,
    )


def refresh_courses(course_ids, today=None) -> int:
    """A course's topics say which requirements it counts toward: everyone who completed it."""
    holders = Completion.objects.filter(course_id__in=course_ids).values_list(
        "person_id", "staff_member_id"
    )
    pairs = list(holders.distinct().order_by())
    return refresh_holders(
        user_ids={u for u, _ in pairs}, staff_ids={s for _, s in pairs}, today=today
    )


def requirement_concerns(requirement: Requirement, audiences=()) -> Q:
    """The summary rows a requirement may apply to (with audiences it had before a change): a
    program's reach the people of its district and its assigned officers; a statewide one,
    everyone of its audiences."""
    audiences = {requirement.audience, *audiences}
    roles = [role for role, audience in ROLE_AUDIENCE.items() if audience in audiences]
    accounts = Q(user__in=Membership.objects.filter(role__in=roles).values("user_id"))
    roster = Q(staff_member__isnull=False, audience__in=audiences)
    if requirement.program_id:
        program = requirement.program
        accounts &= Q(
            user__in=Membership.objects.filter(district_id=program.district_id).values("user_id")
        ) | Q(user__in=Assignment.objects.filter(program_id=program.pk).values("officer_id"))
        roster &= Q(district_id=program.district_id)
    return accounts | roster


def requirement_people(requirement: Requirement, audiences=()) -> tuple[set, set]:
    """(account ids, roster ids) of the summary rows the requirement may apply to."""
    rows = ComplianceStatus.objects.filter(requirement_concerns(requirement, audiences))
    pairs = list(rows.order_by().values_list("user_id", "staff_member_id"))
    return {u for u, _ in pairs if u}, {s for _, s in pairs if s}


def refresh_requirement(requirement: Requirement, audiences=(), today=None) -> int:
    user_ids, staff_ids = requirement_people(requirement, audiences)
    return refresh(user_ids=user_ids, staff_ids=staff_ids, today=today)
