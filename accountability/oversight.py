"""What the district and the agency must attend to in holding a program to account: meetings
missed, complaints not acknowledged in time, evaluations overdue."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from programs.models import Program, ProgramStatusChange

from .models import AccountabilitySettings, Evaluation, EvaluationPlan, Meeting


@dataclass(frozen=True)
class MeetingStatus:
    last: datetime.date | None
    due: datetime.date
    every_days: int

    @property
    def missed(self) -> bool:
        return self.due < timezone.localdate()


def meeting_status(programs, today=None) -> dict:
    """For each program: its last meeting and when the next was due. Two queries."""
    today = today or timezone.localdate()
    ids = [p.pk for p in programs]
    last = dict(
        Meeting.objects.filter(program_id__in=ids)
        .values("program_id")
        .annotate(last=Max("held_on"))
        .values_list("program_id", "last")
    )
    cadence = dict(
        AccountabilitySettings.objects.filter(program_id__in=ids).values_list(
            "program_id", "meeting_every_days"
        )
    )
    default = AccountabilitySettings._meta.get_field("meeting_every_days").default
    result = {}
    for program in programs:
        every = cadence.get(program.pk, default)
        since = last.get(program.pk) or program.created_at.date()
        result[program.pk] = MeetingStatus(
            last.get(program.pk), since + datetime.timedelta(days=every), every
        )
    return result


def activated_on(programs) -> dict:
    """For each program: the day it first became active, from its status history (the first
    evaluation falls due from then, not from the day the program was proposed). One query.
    A program never activated has no entry."""
    ids = [p.pk for p in programs]
    return {
        program_id: _local_date(when)
        for program_id, when in ProgramStatusChange.objects.filter(
            program_id__in=ids, to_status=Program.Status.ACTIVE
        )
        .values("program_id")
        .annotate(first=Min("changed_at"))
        .values_list("program_id", "first")
    }


def _local_date(when: datetime.datetime) -> datetime.date:
    return timezone.localtime(when).date() if timezone.is_aware(when) else when.date()


def evaluation_due(plan, program, last: datetime.date | None, activated=None):
    """When the program's next evaluation falls due: by its plan, from the last evaluation, or
    from its first activation; None while it has never been active and has no evaluation."""
    if plan is None:
        return None
    if last is None and activated is None:
        activated = activated_on([program]).get(program.pk)
    if last is None and activated is None:
        return None
    return plan.next_due(last, activated)


def overdue_evaluations(programs, today=None) -> list:
    """Active programs whose evaluation, by their plan, is overdue. Three queries."""
    today = today or timezone.localdate()
    ids = [p.pk for p in programs]
    plans = {p.program_id: p for p in EvaluationPlan.objects.filter(program_id__in=ids)}
    last = dict(
        Evaluation.objects.filter(program_id__in=ids)
        .values("program_id")
        .annotate(last=Max("conducted_on"))
        .values_list("program_id", "last")
    )
    activated = activated_on(programs)
    overdue = []
    for program in programs:
        plan = plans.get(program.pk)
        if plan and program.status == Program.Status.ACTIVE:
            # An active program with no activation in its history (made active outside the
            # services) counts from its creation.
            started = activated.get(program.pk) or _local_date(program.created_at)
            due = plan.next_due(last.get(program.pk), started)
            if due < today:
                overdue.append((program, due))
    return overdue
