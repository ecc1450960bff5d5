"""Writes of training records: each validates, saves in a transaction and is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog, User

from .models import Completion, Requirement

A = AuditLog.Action


def _oversees(actor: Actor, person) -> bool:
    return (
        person.pk != actor.user.pk
        and User.objects.visible_to(actor.user).filter(pk=person.pk).exists()
    )


@transaction.atomic
def completion_record(*, actor: Actor, completion: Completion) -> Completion:
    """A person records their own training, or an administrator or supervisor records it for
    someone they oversee; then it counts as verified by them."""
    if completion.person_id != actor.user.pk:
        if not _oversees(actor, completion.person):
            raise ValidationError({"person": "You may record training only for your own staff."})
        completion.verified_by = actor.user
        completion.verified_on = timezone.localdate()
    completion.full_clean()
    completion.save()
    audit_record(actor=actor, action=A.CREATE, instance=completion)
    return completion


@transaction.atomic
def completion_verify(*, actor: Actor, completion: Completion) -> Completion:
    if not _oversees(actor, completion.person):
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
    requirement.full_clean()
    requirement.save()
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
    requirement.delete()
