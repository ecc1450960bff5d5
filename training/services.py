"""Writes of training records: each validates, saves in a transaction and is audited, and
refreshes the compliance summary of the people it concerns."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog, User
from sro_portal.permissions import require

from . import summary
from .models import Completion, Requirement, StaffMember

A = AuditLog.Action


def _oversees(actor: Actor, person) -> bool:
    return (
        person.pk != actor.user.pk
        and User.objects.visible_to(actor.user).filter(pk=person.pk).exists()
    )


@transaction.atomic
def completion_record(*, actor: Actor, completion: Completion) -> Completion:
    """A person records their own training, or an administrator or supervisor records it for
    someone they oversee, a roster person included; then it counts as verified by them."""
    if completion.staff_member_id:
        require(
            "training.record_staff_training",
            actor.user,
            completion.staff_member,
            message="You may record training only for your own schools' staff.",
            field="staff_member",
        )
        completion.verified_by = actor.user
        completion.verified_on = timezone.localdate()
    elif completion.person_id != actor.user.pk:
        if not _oversees(actor, completion.person):
            raise ValidationError({"person": "You may record training only for your own staff."})
        completion.verified_by = actor.user
        completion.verified_on = timezone.localdate()
    completion.full_clean()
    completion.save()
    audit_record(actor=actor, action=A.CREATE, instance=completion)
    summary.refresh_completions([completion])
    return completion


@transaction.atomic
def completion_verify(*, actor: Actor, completion: Completion) -> Completion:
    if completion.staff_member_id:
        require(
            "training.record_staff_training",
            actor.user,
            completion.staff_member,
            message="Only an administrator of this person's school verifies it.",
        )
    elif not _oversees(actor, completion.person):
        raise ValidationError("Only an administrator or supervisor of this person verifies it.")
    if completion.verified_by_id:
        raise ValidationError("This completion is already verified.")
    completion.verified_by = actor.user
    completion.verified_on = timezone.localdate()
    completion.save(update_fields=["verified_by", "verified_on"])
    audit_record(
        actor=actor,
        action=A.UPDATE,
        instance=completion,
        changed_fields=["verified_by", "verified_on"],
    )
    return completion


def _require_program_side(requirement: Requirement, actor: Actor) -> None:
    if requirement.program is None or not requirement.program.can_be_edited_by(actor.user):
        raise ValidationError(
            "Only the program's district administrators and agency supervisors set its training "
            "requirements; statewide ones are set by state staff."
        )


@transaction.atomic
def requirement_save(*, actor: Actor, requirement: Requirement, changed_fields=()) -> None:
    _require_program_side(requirement, actor)
    creating = requirement.pk is None
    before = (
        () if creating else Requirement.objects.filter(pk=requirement.pk).values_list("audience")
    )
    requirement.full_clean()
    requirement.save()
    summary.refresh_requirement(requirement, audiences={a for (a,) in before})
    audit_record(
        actor=actor,
        action=A.CREATE if creating else A.UPDATE,
        instance=requirement,
        changed_fields=changed_fields,
    )


@transaction.atomic
def requirement_delete(*, actor: Actor, requirement: Requirement) -> None:
    _require_program_side(requirement, actor)
    audit_record(actor=actor, action=A.DELETE, instance=requirement)
    user_ids, staff_ids = summary.requirement_people(requirement)
    requirement.delete()
    summary.refresh(user_ids=user_ids, staff_ids=staff_ids)


@transaction.atomic
def staff_member_save(*, actor: Actor, staff_member: StaffMember, changed_fields=()) -> None:
    """Adds a person to a school's roster, or changes their entry (their leaving included)."""
    if staff_member.pk:
        # The school they were on must be one of the actor's too: nobody moves someone off
        # another school's roster.
        before = StaffMember.objects.select_related("school").get(pk=staff_member.pk)
        require(
            "training.manage_staff_member",
            actor.user,
            before,
            message="You may change only your own schools' staff roster.",
        )
    require(
        "training.manage_staff_member",
        actor.user,
        staff_member.school if staff_member.school_id else None,
        message="You may add staff only to the roster of a school you administer.",
        field="school",
    )
    creating = staff_member.pk is None
    staff_member.full_clean()
    staff_member.save()
    summary.refresh_holders(staff_ids=[staff_member.pk])
    audit_record(
        actor=actor,
        action=A.CREATE if creating else A.UPDATE,
        instance=staff_member,
        changed_fields=changed_fields,
    )


@transaction.atomic
def staff_member_link(*, actor: Actor, staff_member: StaffMember, user: User) -> StaffMember:
    """Links a roster person to the account they now have. Their completions stay where they
    were recorded, and compliance reads those of both the roster entry and the account, so the
    person's history and compliance are unchanged by the link."""
    require(
        "training.manage_staff_member",
        actor.user,
        staff_member,
        message="You may change only your own schools' staff roster.",
    )
    if not User.objects.visible_to(actor.user).filter(pk=user.pk).exists():
        raise ValidationError({"user": "Choose an account of someone you oversee."})
    if staff_member.user_id:
        raise ValidationError({"user": "This person is already linked to an account."})
    staff_member.user = user
    staff_member.save(update_fields=["user"])
    summary.refresh_holders(staff_ids=[staff_member.pk])
    audit_record(
        actor=actor,
        action=A.UPDATE,
        instance=staff_member,
        changed_fields=["user"],
        detail={"linked_account": user.get_username()},
    )
    return staff_member
