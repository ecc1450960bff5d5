"""Writes of the accountability records: complaints and their workflow, meetings, expectations,
evaluations. Each validates, saves in one transaction and leaves an audit entry."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from programs.models import Assignment
from programs.services import part_delete, part_save
from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog, Membership, User
from sro_portal.permissions import require
from sro_portal.roles import Role
from sro_portal.versioning import stale_error

from .models import AccountabilitySettings, Complaint, ComplaintStatusChange, Evaluation
from .snapshot import build_snapshot

A = AuditLog.Action
logger = logging.getLogger(__name__)


def _send(subject: str, body: str, recipient: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except Exception:
        # The record is saved whatever the mail server does: a message that cannot leave is
        # logged (without its address) rather than turned into an error page for the person
        # who filed or moved the complaint.
        logger.exception("The message %r could not be sent.", subject)


def _notify(template: str, context: dict, recipients, language: str = "en") -> None:
    """One message to each recipient, each seeing only their own address."""
    with translation.override(language):
        subject, _, body = render_to_string(template, context).partition("\n")
    recipients = list(recipients)

    def send():
        for recipient in recipients:
            _send(subject.strip(), body.strip(), recipient)

    # After the transaction: a message never announces a change that was rolled back.
    transaction.on_commit(send)


def complaint_handler_addresses(complaint: Complaint) -> list[str]:
    """The addresses of those who handle a complaint (the same people as the
    handle_complaint rule): its district's administrators and its agency's supervisors, with
    an active account. Each address once, whatever roles its holder has."""
    handlers = Q(
        memberships__role=Role.DISTRICT_ADMIN, memberships__district_id=complaint.district_id
    ) | Q(memberships__role=Role.AGENCY_SUPERVISOR, memberships__agency_id=complaint.agency_id)
    addresses = (
        User.objects.filter(handlers, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(set(addresses))


@transaction.atomic
def complaint_file(*, actor: Actor, complaint: Complaint) -> Complaint:
    """Intake, on the public form, in the admin or from a command: a tracking code, an
    acknowledgement deadline set by the program, and its handlers told at once."""
    days = AccountabilitySettings.of(complaint.program).acknowledge_within_days
    complaint.acknowledge_by = timezone.localdate() + datetime.timedelta(days=days)
    complaint.language = translation.get_language() or "en"
    complaint.full_clean()
    complaint.save()
    ComplaintStatusChange.objects.create(complaint=complaint, to_status=complaint.status)
    audit_record(actor=actor, action=A.CREATE, instance=complaint)
    if complaint.contact_email:
        _notify(
            "accountability/email/complaint_received.txt",
            {"complaint": complaint},
            [complaint.contact_email],
            complaint.language,
        )
    _notify(
        "accountability/email/complaint_new.txt",
        {
            # Email is not a safe channel for who complained or what they wrote: the message
            # carries only what finds the complaint, never the complaint itself, so the
            # template cannot show them. The page behind the link asks for a sign-in.
            "tracking_code": complaint.tracking_code,
            "program": complaint.program.name,
            "received_at": complaint.received_at,
            "acknowledge_by": complaint.acknowledge_by,
            "url": settings.SITE_URL.rstrip("/") + complaint.get_absolute_url(),
        },
        complaint_handler_addresses(complaint),
    )
    return complaint


HANDLERS_ONLY = (
    "Only the district's administrators and the agency's supervisors handle this complaint."
)


def _lock_current(complaint: Complaint, expected_version: int | None) -> Complaint:
    """The complaint, locked, so two people moving it at once take their turns; refused if
    someone changed it after the page the change comes from was opened."""
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if expected_version is not None and current.version != expected_version:
        reviewer = current.reviewer or "nobody"
        raise stale_error(
            current,
            now=f"it is now {current.get_status_display().lower()}, with {reviewer} as reviewer",
        )
    return current


@transaction.atomic
def complaint_change_status(
    *,
    actor: Actor,
    complaint: Complaint,
    to_status: str,
    note: str = "",
    finding: str = "",
    resolution: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Move a complaint one step on. `expected_version` is the version the person saw: a change
    based on an older one is refused, whole."""
    require("accountability.handle_complaint", actor.user, complaint, message=HANDLERS_ONLY)
    complaint = _lock_current(complaint, expected_version)
    if to_status not in Complaint.TRANSITIONS[complaint.status]:
        raise ValidationError(
            {
                "to_status": f"A complaint that is {complaint.get_status_display().lower()} cannot "
                f"become {Complaint.Status(to_status).label.lower()}: each step comes "
                "in turn."
            }
        )
    require(
        "accountability.change_complaint_status",
        actor.user,
        complaint,
        message="This complaint is closed.",
        field="to_status",
    )
    if to_status == Complaint.Status.RESOLVED:
        errors = {}
        if not finding:
            errors["finding"] = "Give the finding."
        if not resolution.strip():
            errors["resolution"] = "Describe the resolution."
        if errors:
            raise ValidationError(errors)
        complaint.finding, complaint.resolution = finding, resolution
    from_status = complaint.status
    complaint.status = to_status
    complaint.version += 1
    complaint.save(update_fields=["status", "finding", "resolution", "version"])
    ComplaintStatusChange.objects.create(
        complaint=complaint,
        from_status=from_status,
        to_status=to_status,
        changed_by=actor.user,
        note=note,
    )
    audit_record(
        actor=actor,
        action=A.UPDATE,
        instance=complaint,
        changed_fields=["status", "finding", "resolution"]
        if to_status == Complaint.Status.RESOLVED
        else ["status"],
    )
    if complaint.contact_email and complaint.reply_by == Complaint.ReplyBy.EMAIL:
        _notify(
            "accountability/email/complaint_status.txt",
            {"complaint": complaint},
            [complaint.contact_email],
            complaint.language,
        )
    return complaint


@transaction.atomic
def complaint_assign_reviewer(
    *, actor: Actor, complaint: Complaint, reviewer, expected_version: int | None = None
) -> Complaint:
    require("accountability.handle_complaint", actor.user, complaint, message=HANDLERS_ONLY)
    complaint = _lock_current(complaint, expected_version)
    require(
        "accountability.assign_reviewer",
        actor.user,
        complaint,
        message="This complaint is closed.",
        field="reviewer",
    )
    require(
        "accountability.review_complaint",
        reviewer,
        complaint,
        message="Choose a district administrator or agency supervisor of the program.",
        field="reviewer",
    )
    complaint.reviewer = reviewer
    complaint.version += 1
    complaint.save(update_fields=["reviewer", "version"])
    audit_record(actor=actor, action=A.UPDATE, instance=complaint, changed_fields=["reviewer"])
    if reviewer.email:
        _notify(
            "accountability/email/complaint_assigned.txt",
            {"complaint": complaint},
            [reviewer.email],
        )
    return complaint


def program_people(program):
    """Who takes part in a program's meetings: its administrators, its supervisors, its SROs."""
    members = Membership.objects.filter(district_id=program.district_id).values("user_id")
    supervisors = Membership.objects.filter(
        role=Role.AGENCY_SUPERVISOR, agency_id=program.agency_id
    ).values("user_id")
    officers = Assignment.objects.filter(program=program).values("officer_id")
    return members, supervisors, officers


@transaction.atomic
def meeting_record(*, actor: Actor, meeting) -> None:
    require(
        "accountability.record_meeting",
        actor.user,
        meeting.program,
        message="Only the program's administrators, supervisors and SROs record its meetings.",
    )
    meeting.recorded_by = actor.user
    meeting.full_clean()
    meeting.save()
    audit_record(actor=actor, action=A.CREATE, instance=meeting)


EDIT_RULES = {
    "contact": "accountability.edit_contacts",
    "expectation": "accountability.edit_expectations",
    "accountabilitysettings": "accountability.edit_settings",
    "evaluationplan": "accountability.edit_evaluation_plan",
}
EDITORS_ONLY = "Only the two sides of a program that has not ended change its accountability."


def _require_edit(actor: Actor, part) -> None:
    require(EDIT_RULES[part._meta.model_name], actor.user, part.program, message=EDITORS_ONLY)


@transaction.atomic
def accountability_part_save(*, actor: Actor, part, changed_fields=()) -> None:
    """Contacts, settings and the evaluation plan: each asks its own rule first."""
    _require_edit(actor, part)
    part_save(actor=actor, part=part, changed_fields=changed_fields)


@transaction.atomic
def accountability_part_delete(*, actor: Actor, part) -> None:
    _require_edit(actor, part)
    part_delete(actor=actor, part=part)


def _clear_agreement(actor: Actor, program) -> None:
    settings_row = AccountabilitySettings.of(program)
    if settings_row.pk and (
        settings_row.expectations_agreed_by_district_id
        or settings_row.expectations_agreed_by_agency_id
    ):
        settings_row.expectations_agreed_by_district = None
        settings_row.expectations_agreed_by_agency = None
        settings_row.save()
        audit_record(
            actor=actor,
            action=A.UPDATE,
            instance=settings_row,
            changed_fields=["expectations_agreed_by_district", "expectations_agreed_by_agency"],
        )


@transaction.atomic
def expectation_save(*, actor: Actor, expectation, changed_fields=()) -> None:
    """A change to the expectations clears both sides' agreement to them."""
    _require_edit(actor, expectation)
    part_save(actor=actor, part=expectation, changed_fields=changed_fields)
    _clear_agreement(actor, expectation.program)


@transaction.atomic
def expectation_delete(*, actor: Actor, expectation) -> None:
    _require_edit(actor, expectation)
    program = expectation.program
    part_delete(actor=actor, part=expectation)
    _clear_agreement(actor, program)


@transaction.atomic
def expectations_agree(*, actor: Actor, program, side: str) -> None:
    require(
        "accountability.agree_expectations",
        actor.user,
        program,
        message="Only the program's two sides agree to its expectations.",
    )
    if side not in program.sides_of(actor.user):
        raise ValidationError("Each side agrees for itself only.")
    if not program.expectations.exists():
        raise ValidationError("There are no expectations to agree to yet.")
    settings_row = AccountabilitySettings.of(program)
    setattr(settings_row, f"expectations_agreed_by_{side}", actor.user)
    settings_row.save()
    audit_record(
        actor=actor,
        action=A.UPDATE,
        instance=settings_row,
        changed_fields=[f"expectations_agreed_by_{side}"],
    )


@transaction.atomic
def evaluation_record(*, actor: Actor, evaluation: Evaluation) -> Evaluation:
    """Record an evaluation and freeze the data it used (rule 7)."""
    program = evaluation.program
    require(
        "accountability.record_evaluation",
        actor.user,
        program,
        message="Only the program's district administrators and agency "
        "supervisors record its evaluations.",
    )
    plan = getattr(program, "evaluation_plan", None)
    if plan is None:
        raise ValidationError(
            "Set the program's evaluation plan first: by whom, how often and with which data."
        )
    evaluation.recorded_by = actor.user
    evaluation.snapshot = {}
    evaluation.full_clean()
    evaluation.snapshot = build_snapshot(
        program, evaluation.period_start, evaluation.period_end, plan.data_sources
    )
    evaluation.save()
    audit_record(actor=actor, action=A.CREATE, instance=evaluation)
    return evaluation


@transaction.atomic
def public_page_save(*, actor: Actor, page, changed_fields=(), contacts=None):
    """A district's public page: only the district's administrators change it. Publishing
    stamps the time; every change leaves an audit entry."""
    require(
        "accountability.edit_public_page",
        actor.user,
        page,
        message="Only the district's administrators change its public page.",
    )
    if page.published and (page.published_at is None or "published" in changed_fields):
        page.published_at = timezone.now()
    page.updated_by = actor.user
    creating = page.pk is None
    page.full_clean()
    page.save()
    if contacts is not None:
        page.contacts.set(contacts)
    audit_record(
        actor=actor,
        action=A.CREATE if creating else A.UPDATE,
        instance=page,
        changed_fields=changed_fields,
    )
    return page
