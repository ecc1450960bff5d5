"""Writes of field records. Each checks the rules of the source document, saves in one
transaction and leaves an audit entry."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programs.models import MOU, Assignment, Classification, Program
from sro_portal.audit import Actor, _plain, audit_record, is_secret
from sro_portal.bulk import insert_many, insert_values
from sro_portal.models import AuditLog
from sro_portal.permissions import allows, require
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


@transaction.atomic
def enforcement_action_import(
    *, actor: Actor, action: EnforcementAction, incident: Incident
) -> EnforcementAction:
    """One student's action from an agency's records system, matched to its incident by the
    agency's case number. `incident` is the event as the row describes it: used only when the
    agency has no incident of that number yet. A file's rows go through
    enforcement_actions_import together, by the same rules."""
    refused, _ = enforcement_actions_import(
        actor=actor, rows=[ImportedAction(number=1, action=action, incident=incident)]
    )
    if refused:
        raise ValidationError(refused[1])
    return action


# Imports of whole files: the rules of enforcement_action_import, checked for every row of a file
# with a fixed number of queries, then saved in batches.

BATCH = 2000


@dataclass
class ImportedAction:
    """One row of a file: its number (as the caller counts rows), the action with its agency,
    school and offense category in hand, and the event as the row describes it."""

    number: int
    action: EnforcementAction
    incident: Incident | Callable[[], Incident]  # a callable: made only when needed


def _chunks(values, size=BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _incidents_of_cases(agency_ids, case_numbers) -> tuple[dict, dict]:
    """incident_of_case for every (agency, case number) of a file: the incident each finds, and
    every incident that holds the number (by its own or by its actions')."""
    holders = defaultdict(set)
    for chunk in _chunks(case_numbers):
        own = Incident.objects.filter(agency_id__in=agency_ids, case_number__in=chunk)
        for pk, agency_id, case_number in own.values_list("pk", "agency_id", "case_number"):
            holders[(agency_id, case_number)].add(pk)
        by_actions = EnforcementAction.objects.filter(
            agency_id__in=agency_ids, case_number__in=chunk, incident__isnull=False
        ).values_list("incident_id", "agency_id", "case_number")
        for pk, agency_id, case_number in by_actions.distinct():
            holders[(agency_id, case_number)].add(pk)
    first_pks = {key: min(pks) for key, pks in holders.items()}
    incidents = {}
    for chunk in _chunks(set(first_pks.values())):
        incidents.update(Incident.objects.select_related("school").in_bulk(chunk))
    return {key: incidents[pk] for key, pk in first_pks.items()}, holders


class _ActiveAssignments:
    """Assignment.objects.active(on).filter(agency, school).first() for any day, from two
    queries for the whole file: the assignments of its agencies at its schools in active
    programs, and the signed MOUs of those programs."""

    def __init__(self, agency_ids, school_ids):
        self.by_place = defaultdict(list)
        assignments = Assignment.objects.filter(
            agency_id__in=agency_ids,
            school_id__in=school_ids,
            program__status=Program.Status.ACTIVE,
        ).values_list(
            "pk", "agency_id", "school_id", "program_id", "district_id", "starts_on", "ends_on"
        )
        for row in sorted(assignments, key=lambda a: (a[5], a[0]), reverse=True):
            self.by_place[(row[1], row[2])].append(row)
        self.mous = defaultdict(list)
        programs = {row[3] for rows in self.by_place.values() for row in rows}
        signed = MOU.objects.filter(program_id__in=programs, state=MOU.State.SIGNED)
        for program_id, effective_on, ends_on in signed.values_list(
            "program_id", "effective_on", "ends_on"
        ):
            self.mous[program_id].append((effective_on, ends_on))

    def on(self, agency_id, school_id, day):
        for _pk, _a, _s, program_id, district_id, starts_on, ends_on in self.by_place[
            (agency_id, school_id)
        ]:
            if (
                starts_on <= day
                and (ends_on is None or ends_on >= day)
                and any(start <= day <= end for start, end in self.mous[program_id])
            ):
                return program_id, district_id
        return None


def _audit_entries(actor: Actor, instances, detail: dict, repr_of=str) -> list[dict]:
    """The entries audit_record writes on create (changes_of's values of every field), as
    values for one insert of them all."""
    if not instances:
        return []
    meta = instances[0]._meta
    content_type = ContentType.objects.get_for_model(instances[0], for_concrete_model=False)
    names = [(f.name, f.attname) for f in meta.concrete_fields]
    if any(is_secret(name) for name, _ in names):
        raise ValueError(f"{meta.label} holds a secret: audit it with audit_record.")
    common = {
        "actor_id": actor.user.pk if actor.user else None,
        "actor_repr": actor.user.get_username() if actor.user else "",
        "action": A.CREATE,
        "changed_fields": [],
        "ip_address": actor.ip_address,
        "detail": detail,
        "content_type_id": content_type.pk,
    }
    entries = []
    for instance in instances:
        values = instance.__dict__
        entries.append(
            {
                **common,
                "object_id": str(instance.pk),
                "object_repr": repr_of(instance)[:200],
                "changes": {name: _plain(values[a]) for name, a in names if a in values},
            }
        )
    return entries


def _action_repr():
    """str(action), without a model lookup of the kind's label for each of thousands."""
    labels = {kind.value: str(kind.label) for kind in EnforcementAction.Kind}
    return lambda action: f"{labels.get(action.kind, action.kind)} {action.case_number}"


def _problem(errors: dict, number: int, field: str, message: str) -> None:
    errors.setdefault(number, {}).setdefault(field, []).append(message)


# Records in hand, values set here or checked on the action: the other fields are checked.
INCIDENT_NOT_RECHECKED = {
    f.name
    for f in Incident._meta.concrete_fields
    if f.name
    not in {
        "occurred_at",
        "location",
        "description",
        "classification",
        "handled_by",
        "sro_response",
    }
}


def _incident_problems(incident: Incident) -> dict:
    """Incident.full_clean() without its queries: the foreign keys are records in hand, and
    the constraints are the rules clean() states or the file's own grouping by case number."""
    errors = {}
    try:
        incident.clean_fields(exclude=INCIDENT_NOT_RECHECKED)
    except ValidationError as invalid:
        errors = invalid.update_error_dict(errors)
    try:
        incident.clean()
    except ValidationError as invalid:
        errors = invalid.update_error_dict(errors)
    return {
        name: [m for e in found for m in ValidationError(e).messages]
        for name, found in errors.items()
    }


@transaction.atomic
def enforcement_actions_import(
    *, actor: Actor, rows: list[ImportedAction], dry_run: bool = False, progress=None
) -> tuple[dict, list]:
    """enforcement_action_import for a whole file, all or nothing: every row checked by the same
    rules, with the same refusals, in a fixed number of queries; then, when no row is refused
    and this is no dry run, the new incidents, the actions and their audit entries saved in
    batches. The rows come with their fields checked (clean_fields) by the caller.

    Returns the refusals by row number ({field: [messages]}) and the actions saved (or, in a
    dry run, that would be). Rows of one case number share one incident, made from the first
    row of the case that makes a valid one."""
    errors: dict[int, dict] = {}
    agencies = {row.action.agency_id: row.action.agency for row in rows}
    permitted = {
        pk: allows("incidents.import_enforcement_actions", actor.user, agency)
        for pk, agency in agencies.items()
    }
    cases = {row.action.case_number for row in rows if row.action.case_number}
    found, holders = _incidents_of_cases(list(agencies), cases)
    active = _ActiveAssignments(list(agencies), {row.action.school_id for row in rows})
    now = timezone.now()
    today = timezone.localdate()
    new_incidents: dict[tuple, Incident] = {}
    # Incidents recorded before they carried a case number take their first action's.
    numbered: dict[int, tuple[Incident, str]] = {}
    accepted = []
    for done, row in enumerate(rows, start=1):
        if progress is not None and done % BATCH == 0:
            progress(done)
        action, number = row.action, row.number
        if not permitted[action.agency_id]:
            _problem(
                errors,
                number,
                "agency",
                "You may import only the records of an agency you supervise.",
            )
            continue
        if not action.case_number:
            _problem(
                errors,
                number,
                "case_number",
                "The case number is missing: it matches the action to its incident.",
            )
            continue
        key = (action.agency_id, action.case_number)
        incident = found.get(key) or new_incidents.get(key)
        if incident is None:
            incident = _incident_from_row(
                actor=actor, row=row, active=active, now=now, errors=errors
            )
            if incident is None:
                continue
            new_incidents[key] = incident
        elif incident.school_id != action.school_id:
            _problem(
                errors,
                number,
                "case_number",
                f"Case number {action.case_number} is already used by this agency on an "
                f"incident at {incident.school}: a case number identifies one event.",
            )
            continue
        elif incident.classification == Classification.DISCIPLINARY:
            _problem(
                errors,
                number,
                "kind",
                f"The incident of case number {action.case_number} is classified as "
                "disciplinary misconduct: the school handles it, and no arrest, citation or "
                "custody is recorded on it.",
            )
            continue
        # The model's clean(), as full_clean() would run it.
        problems = {}
        if action.occurred_on > today:
            problems["occurred_on"] = ["An enforcement action cannot be dated in the future."]
        own_number = incident.case_number or numbered.get(incident.pk, (None, ""))[1]
        if own_number and action.case_number != own_number:
            problems["case_number"] = [
                f"This incident's case number is {own_number}: every enforcement action on "
                "it carries that number."
            ]
        elif not own_number and holders.get(key, set()) - {incident.pk}:
            problems["case_number"] = [
                f"Case number {action.case_number} is already used on another incident of this "
                "agency: a case number identifies one event."
            ]
        if problems:
            errors[number] = problems
            continue
        if incident.pk and not incident.case_number:
            numbered.setdefault(incident.pk, (incident, action.case_number))
        action.incident = incident
        action.district_id = incident.district_id
        action.recorded_by = actor.user
        accepted.append(action)
    if errors or dry_run:
        return errors, accepted
    created = list(new_incidents.values())
    insert_many(Incident, created)
    insert_many(EnforcementAction, accepted)
    for incident, case_number in numbered.values():
        incident.case_number = case_number
    Incident.objects.bulk_update(
        [incident for incident, _ in numbered.values()], ["case_number"], batch_size=BATCH
    )
    entries = _audit_entries(actor, created, {"imported": True})
    entries += _audit_entries(actor, accepted, {"imported": True}, repr_of=_action_repr())
    insert_values(AuditLog, entries)
    if progress is not None:
        progress(len(rows))
    return errors, accepted


def _incident_from_row(*, actor, row: ImportedAction, active, now, errors) -> Incident | None:
    """_incident_from_records for one row of a file, or None with the row's refusal noted."""
    action, number = row.action, row.number
    incident = row.incident() if callable(row.incident) else row.incident
    if incident.occurred_at is None:
        _problem(errors, number, "occurred_at", "Give the date.")
        return None
    occurred_on = timezone.localtime(incident.occurred_at).date()
    if incident.occurred_at > now:
        _problem(errors, number, "occurred_at", "An incident cannot be dated in the future.")
        return None
    place = active.on(action.agency_id, action.school_id, occurred_on)
    if place is None:
        _problem(
            errors,
            number,
            "school",
            f"{action.agency} holds no active assignment at {action.school} on "
            f"{occurred_on:%B} {occurred_on.day}, {occurred_on.year}: an incident is recorded "
            "only where the agency's SRO serves under a signed MOU in force.",
        )
        return None
    if incident.classification == Classification.DISCIPLINARY:
        _problem(
            errors,
            number,
            "classification",
            "Disciplinary misconduct is the school's to handle: no arrest, citation, custody or "
            "referral is recorded on it. If the conduct may be illegal, classify it so.",
        )
        return None
    incident.school = action.school
    incident.case_number = action.case_number
    incident.reported_by = actor.user
    incident.program_id, incident.district_id = place
    incident.agency_id = action.agency_id
    incident.needs_review = incident.involves_sro_in_discipline
    problems = _incident_problems(incident)
    if problems:
        errors[number] = problems
        return None
    return incident
