"""What the two sides of a program must attend to soon, for their home pages."""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import MOU, Assignment, NeedsAssessment, Program

SOON_DAYS = 60


@dataclass(frozen=True)
class Reminder:
    level: str  # a Bootstrap colour: danger for overdue, warning for due soon
    text: str
    url: str


def reminders_for(user, today=None) -> list[Reminder]:
    """Four queries, whatever the number of programs."""
    today = today or timezone.localdate()
    reminders = []
    mous = MOU.objects.visible_to(user).select_related("program")
    for mou in mous.review_due_within(SOON_DAYS, today).order_by("review_due_on"):
        overdue = mou.review_due_on < today
        reminders.append(
            Reminder(
                "danger" if overdue else "warning",
                f"{mou.program}: the annual review of MOU version {mou.number} "
                f"{'was' if overdue else 'is'} due {mou.review_due_on:%B} {mou.review_due_on.day}, "
                f"{mou.review_due_on.year}.",
                mou.get_absolute_url(),
            )
        )
    for mou in mous.expiring_within(SOON_DAYS, today).order_by("ends_on"):
        reminders.append(
            Reminder(
                "warning",
                f"{mou.program}: MOU version {mou.number} ends {mou.ends_on:%B} {mou.ends_on.day}, "
                f"{mou.ends_on.year}. Draft the next version.",
                mou.get_absolute_url(),
            )
        )
    concluded = Q(
        needs_assessment__conclusion__in=[
            NeedsAssessment.Conclusion.SRO_NEEDED,
            NeedsAssessment.Conclusion.SRO_NOT_NEEDED,
        ]
    )
    missing = (
        Program.objects.visible_to(user).exclude(status=Program.Status.ENDED).exclude(concluded)
    )
    for program in missing.order_by("name"):
        reminders.append(
            Reminder(
                "warning",
                f"{program}: no concluded needs assessment yet.",
                reverse("programs:needs_assessment", kwargs={"program_pk": program.pk}),
            )
        )
    uncovered = (
        Assignment.objects.visible_to(user)
        .without_mou_in_force(today)
        .select_related("school", "program", "officer")
        .order_by("school__name")
    )
    for assignment in uncovered:
        reminders.append(
            Reminder(
                "danger",
                f"{assignment.school}: {assignment.officer} is assigned, but no signed MOU of "
                f"{assignment.program} is in force.",
                assignment.program.get_absolute_url() + "#mou",
            )
        )
    return reminders
