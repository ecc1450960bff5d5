"""Writes of field records. Each checks the rules of the source document, saves in one
transaction and leaves an audit entry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programs.models import Assignment, Classification
from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog
from sro_portal.permissions import require
from sro_portal.versioning import save_versioned

from .models import ActivityLog, EnforcementAction, Incident

A = AuditLog.Action


def assignment_for(officer, school, on: datetime.date, *, date_field="occurred_on") -> Assignment:
    """The officer's active assignment at the school on that day (rule 2), or a refusal that
    says why there is none, beside `date_field` or the school."""
    found = (
        Assignment.objects.active(on)
        .filter(officer=officer, school=school)
        .select_related("program")
        .first()
    )
    if found:
        return found
    later = Assignment.objects.filter(officer=officer, school=school, starts_on__gt=on).first()
    if later:
        raise ValidationError(
            {
                date_field: f"Your assignment at {school} begins on {later.starts_on:%B} "
                f"{later.starts_on.day}, {later.starts_on.year}; nothing is logged "
                "there before it."
            }
        )
    raise ValidationError(
        {
            "school": f"You hold no active assignment at {school} on that day. An SRO logs only "
            "where assigned under a signed MOU in force."
        }
    )


def _check_activity(entry: ActivityLog) -> None:
    if entry.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "An activity cannot be dated in the future."})
    assignment = assignment_for(entry.officer, entry.school, entry.occurred_on)
    entry.assignment = assignment
    entry.district_id = assignment.district_id
    entry.agency_id = assignment.agency_id
    entry.full_clean()


@transaction.atomic
def activity_log(*, actor: Actor, entry: ActivityLog) -> ActivityLog:
    entry.officer = actor.user
    _check_activity(entry)
    entry.save()
    audit_record(actor=actor, action=A.CREATE, instance=entry)
    return entry


@transaction.atomic
def activity_correct(*, actor: Actor, entry: ActivityLog, changed_fields) -> ActivityLog:
    """The author corrects an entry within its first seven days."""
    require(
        "incidents.correct_activity",
        actor.user,
        entry,
        message="Only the author corrects an entry."
        if entry.officer_id != actor.user.pk
        else "Seven days have passed: amend the entry instead, saying why; the original is kept.",
    )
    _check_activity(entry)
    entry.save()
    audit_record(actor=actor, action=A.UPDATE, instance=entry, changed_fields=changed_fields)
    return entry


@transaction.atomic
def activity_amend(*, actor: Actor, original: ActivityLog, amendment: ActivityLog) -> ActivityLog:
    """After seven days an entry is amended: a new entry stands in its place, with a reason,
    and the original is kept as it was."""
    require(
        "incidents.amend_activity",
        actor.user,
        original,
        message="Only the author amends an entry."
        if original.officer_id != actor.user.pk
        else "This entry was amended already; amend the newer one.",
    )
    if not amendment.amendment_reason.strip():
        raise ValidationError({"amendment_reason": "Say why the entry is amended."})
    amendment.pk = None
    amendment.officer = actor.user
    amendment.amends = original
    amendment.created_at = timezone.now()
    _check_activity(amendment)
    amendment.save()
    audit_record(
        actor=actor,
        action=A.CREATE,
        instance=amendment,
        detail={"amends": original.pk, "reason": amendment.amendment_reason},
    )
    return amendment


@transaction.atomic
def incident_report(*, actor: Actor, incident: Incident) -> Incident:
    """An SRO records an incident at a school of an active assignment. An SRO response to
    discipline-only misconduct goes to the district administrator's review (rule 4)."""
    require(
        "incidents.report_incident",
        actor.user,
        incident,
        message="Only a school resource officer records an incident.",
    )
    occurred_on = timezone.localtime(incident.occurred_at).date() if incident.occurred_at else None
    if occurred_on is None:
        raise ValidationError({"occurred_at": "Give the date and time."})
    assignment = assignment_for(actor.user, incident.school, occurred_on, date_field="occurred_at")
    incident.reported_by = actor.user
    incident.program = assignment.program
    incident.district_id = assignment.district_id
    incident.agency_id = assignment.agency_id
    incident.needs_review = incident.involves_sro_in_discipline
    incident.full_clean()
    incident.save()
    audit_record(actor=actor, action=A.CREATE, instance=incident)
    return incident


@transaction.atomic
def incident_review(
    *, actor: Actor, incident: Incident, note: str, expected_version: int
) -> Incident:
    """A district administrator reviews an incident that awaits it. The review is based on the
    version the reviewer opened: if someone reviewed it meanwhile, this one is refused."""
    if not incident.needs_review:
        refusal = "This incident does not need review."
    elif incident.reviewed_at is not None:
        refusal = "This incident was reviewed already."
    else:
        refusal = "Only the district's administrators review its incidents."
    require("incidents.review_incident", actor.user, incident, message=refusal)
    incident.reviewed_by = actor.user
    incident.reviewed_at = timezone.now()
    incident.review_note = note
    fields = ["reviewed_by", "reviewed_at", "review_note"]
    save_versioned(incident, expected_version=expected_version, fields=fields)
    audit_record(actor=actor, action=A.UPDATE, instance=incident, changed_fields=fields)
    return incident


def _may_record_on(actor: Actor, incident: Incident) -> None:
    """Refuse whoever the rule refuses; on a discipline-only incident, say so beside the kind."""
    if incident.classification == Classification.DISCIPLINARY:
        message, field = (
            "This incident is classified as disciplinary misconduct: the school handles it, "
            "and no arrest, citation or custody is recorded on it.",
            "kind",
        )
    else:
        message, field = "Only the reporting SRO or the agency's supervisor adds to it.", None
    require(
        "incidents.record_enforcement_action", actor.user, incident, message=message, field=field
    )


@transaction.atomic
def enforcement_action_record(
    *, actor: Actor, action: EnforcementAction, incident: Incident
) -> EnforcementAction:
    """One student's arrest, citation, custody or referral on an incident (rules 4 and 5)."""
    _may_record_on(actor, incident)
    action.incident = incident
    action.school_id = incident.school_id
    action.district_id = incident.district_id
    action.agency_id = incident.agency_id
    action.recorded_by = actor.user
    # Several students' actions share the case number of one event; the model's clean() refuses
    # a case number already used on another incident of the agency, or not the incident's own.
    action.full_clean()
    action.save()
    _take_case_number(incident, action)
    audit_record(actor=actor, action=A.CREATE, instance=action)
    return action


def _take_case_number(incident: Incident, action: EnforcementAction) -> None:
    """An incident without a case number takes its first action's: imports find it by it."""
    if not incident.case_number:
        incident.case_number = action.case_number
        incident.save(update_fields=["case_number"])


def incident_of_case(*, agency_id: int, case_number: str) -> Incident | None:
    """The agency's incident of that case number: by its own number or, for an incident
    recorded before incidents carried one, by its actions'."""
    return (
        Incident.objects.filter(agency_id=agency_id)
        .filter(Q(case_number=case_number) | Q(enforcement_actions__case_number=case_number))
        .select_related("school")
        .order_by("pk")
        .first()
    )


def _incident_from_records(*, actor: Actor, incident: Incident, action: EnforcementAction):
    """The incident a records system's row describes, created as an SRO's report would be: at a
    school where the agency serves under a signed MOU in force that day (rule 2), never
    discipline only when an action is taken (rule 4)."""
    if incident.occurred_at is None:
        raise ValidationError({"occurred_at": "Give the date."})
    occurred_on = timezone.localtime(incident.occurred_at).date()
    if incident.occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "An incident cannot be dated in the future."})
    assignment = (
        Assignment.objects.active(occurred_on)
        .filter(agency_id=action.agency_id, school_id=action.school_id)
        .select_related("program")
        .first()
    )
    if assignment is None:
        raise ValidationError(
            {
                "school": f"{action.agency} holds no active assignment at {action.school} on "
                f"{occurred_on:%B} {occurred_on.day}, {occurred_on.year}: an incident is recorded "
                "only where the agency's SRO serves under a signed MOU in force."
            }
        )
    if incident.classification == Classification.DISCIPLINARY:
        raise ValidationError(
            {
                "classification": "Disciplinary misconduct is the school's to handle: no arrest, "
                "citation, custody or referral is recorded on it. If the conduct may be illegal, "
                "classify it so."
            }
        )
    incident.school = action.school
    incident.case_number = action.case_number
    incident.reported_by = actor.user
    incident.program = assignment.program
    incident.district_id = assignment.district_id
    incident.agency_id = assignment.agency_id
    incident.needs_review = incident.involves_sro_in_discipline
    incident.full_clean()
    incident.save()
    audit_record(actor=actor, action=A.CREATE, instance=incident, detail={"imported": True})
    return incident


@transaction.atomic
def enforcement_action_import(
    *, actor: Actor, action: EnforcementAction, incident: Incident
) -> EnforcementAction:
    """One student's action from an agency's records system (the site's import and the admin's),
    matched to its incident by the agency's case number. `incident` is the event as the row
    describes it: used only when the agency has no incident of that number yet."""
    require(
        "incidents.import_enforcement_actions",
        actor.user,
        action.agency if action.agency_id else None,
        message="You may import only the records of an agency you supervise.",
        field="agency",
    )
    if not action.case_number:
        raise ValidationError(
            {"case_number": "The case number is missing: it matches the action to its incident."}
        )
    found = incident_of_case(agency_id=action.agency_id, case_number=action.case_number)
    if found is None:
        found = _incident_from_records(actor=actor, incident=incident, action=action)
    elif found.school_id != action.school_id:
        raise ValidationError(
            {
                "case_number": f"Case number {action.case_number} is already used by this agency "
                f"on an incident at {found.school}: a case number identifies one event."
            }
        )
    elif found.classification == Classification.DISCIPLINARY:
        raise ValidationError(
            {
                "kind": f"The incident of case number {action.case_number} is classified as "
                "disciplinary misconduct: the school handles it, and no arrest, citation or "
                "custody is recorded on it."
            }
        )
    action.incident = found
    action.district_id = found.district_id
    action.recorded_by = actor.user
    action.full_clean()
    action.save()
    _take_case_number(found, action)
    audit_record(actor=actor, action=A.CREATE, instance=action, detail={"imported": True})
    return action
