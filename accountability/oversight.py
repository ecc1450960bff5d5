"""What the district and the agency must attend to in holding a program to account: meetings
missed, complaints not acknowledged in time, evaluations overdue."""

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from programs.models import Program

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


def overdue_evaluations(programs, today=None) -> list:
    """Active programs whose evaluation, by their plan, is overdue. Two queries."""
    today = today or timezone.localdate()
    ids = [p.pk for p in programs]
    plans = {p.program_id: p for p in EvaluationPlan.objects.filter(program_id__in=ids)}
    last = dict(
        Evaluation.objects.filter(program_id__in=ids)
        .values("program_id")
        .annotate(last=Max("conducted_on"))
        .values_list("program_id", "last")
    )
    overdue = []
    for program in programs:
        plan = plans.get(program.pk)
        if plan and program.status == Program.Status.ACTIVE:
            due = plan.next_due(last.get(program.pk), program.created_at.date())
            if due < today:
                overdue.append((program, due))
    return overdue
