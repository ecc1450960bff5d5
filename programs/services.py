"""Writes that carry a rule of the source document or touch several records. Each takes the
acting person as an `Actor`, validates, writes in one transaction and leaves an audit entry."""

import datetime
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from sro_portal.audit import Actor, audit_record
from sro_portal.models import AuditLog, Membership
from sro_portal.people import people_changed
from sro_portal.permissions import require
from sro_portal.roles import Role
from sro_portal.versioning import editable_fields, save_versioned

from .models import (
    MOU,
    Approval,
    Assignment,
    CandidateRating,
    NeedsAssessment,
    Program,
    ProgramStatusChange,
    RatingLink,
    RatingRound,
    Side,
    one_year_after,
    token_hash,
)
from .rules import _program_of

A = AuditLog.Action


def _require(rule: str, actor: Actor, obj, side: str | None = None) -> None:
    """Refuse what the program's rule (programs/rules.py) refuses, with a message that says why."""
    program = _program_of(obj)
    if program.status == Program.Status.ENDED and program.sides_of(actor.user):
        message = "This program has ended: its records are kept as they were, not changed."
    elif isinstance(mou := obj[0] if isinstance(obj, tuple) else obj, MOU) and (
        mou.state != MOU.State.DRAFT
    ):
        message = "A signed MOU is not changed; draft a new version instead."
    else:
        who = {
            Side.DISTRICT: "the district's administrators",
            Side.AGENCY: "the agency's supervisors",
        }
        message = f"Only {who.get(side, 'the two sides')} of this program may do this."
    require(rule, actor.user, obj, message=message, field="side")


@transaction.atomic
def program_create(*, actor: Actor, district, agency, name: str, purpose: str = "") -> Program:
    program = Program(district=district, agency=agency, name=name, purpose=purpose)
    _require("programs.create_program", actor, program, Side.DISTRICT)
    program.full_clean()
    program.save()
    ProgramStatusChange.objects.create(
        program=program, to_status=program.status, changed_by=actor.user, note="Proposed"
    )
    audit_record(actor=actor, action=A.CREATE, instance=program)
    return program


@transaction.atomic
def program_update(*, actor: Actor, program: Program, expected_version: int, fields) -> Program:
    _require("programs.edit_program", actor, program)
    program.full_clean()
    save_versioned(program, expected_version=expected_version, fields=fields)
    audit_record(actor=actor, action=A.UPDATE, instance=program, changed_fields=fields)
    return program


@transaction.atomic
def program_change_status(*, actor: Actor, program: Program, to_status: str, note: str = ""):
    _require("programs.change_status", actor, program)
    if to_status not in Program.TRANSITIONS[program.status]:
        raise ValidationError(
            {
                "to_status": f"A {program.get_status_display().lower()} program cannot move to "
                f"{Program.Status(to_status).label.lower()}."
            }
        )
    if to_status in Program.NEEDS_ESTABLISHED_NEED and not program.has_established_need:
        raise ValidationError(
            {
                "to_status": "First conclude the needs assessment: it must find that an SRO is "
                "needed and state for what purpose."
            }
        )
    if to_status == Program.Status.ACTIVE:
        missing = activation_missing(program)
        if missing:
            raise ValidationError(
                {"to_status": "Before the program is activated: " + "; ".join(missing) + "."}
            )
    from_status = program.status
    program.status = to_status
    save_versioned(program, expected_version=program.version, fields=["status"])
    ProgramStatusChange.objects.create(
        program=program,
        from_status=from_status,
        to_status=to_status,
        changed_by=actor.user,
        note=note,
    )
    audit_record(actor=actor, action=A.UPDATE, instance=program, changed_fields=["status"])
    return program


def activation_missing(program: Program) -> list[str]:
    """What the program still lacks to be activated: the complete MOU the source asks for."""
    missing = []
    if not program.has_established_need:
        missing.append("a concluded needs assessment finding that an SRO is needed")
    approved = program.responsibilities_approved_by()
    if not program.responsibilities.exists():
        missing.append("the SRO's roles and responsibilities")
    elif approved != {Side.DISTRICT, Side.AGENCY}:
        missing.append("both sides' approval of the roles and responsibilities")
    if not program.protocol_entries.exists():
        missing.append("at least one response protocol entry")
    current = program.mous.exclude(state=MOU.State.SUPERSEDED)
    if not any(mou.drafters.exists() for mou in current):
        missing.append("an MOU with the people who drafted it")
    return missing


@transaction.atomic
def needs_assessment_save(
    *,
    actor: Actor,
    assessment: NeedsAssessment,
    changed_fields,
    expected_version: int | None = None,
) -> None:
    program = assessment.program
    _require("programs.edit_program", actor, program)
    if program.status in Program.NEEDS_ESTABLISHED_NEED and not assessment.establishes_need:
        raise ValidationError(
            {
                "conclusion": f"The program is {program.get_status_display().lower()} on the "
                "finding that an SRO is needed. Suspend or end it before changing "
                "that finding."
            }
        )
    creating = assessment.pk is None
    assessment.full_clean()
    if creating:
        assessment.save()
    else:
        save_versioned(
            assessment,
            expected_version=assessment.version if expected_version is None else expected_version,
            fields=editable_fields(assessment),
        )
    audit_record(
        actor=actor,
        action=A.CREATE if creating else A.UPDATE,
        instance=assessment,
        changed_fields=changed_fields,
    )


def _clear_approvals(actor: Actor, approvals) -> None:
    for approval in approvals:
        audit_record(
            actor=actor,
            action=A.DELETE,
            instance=approval,
            detail={"reason": "what was approved changed"},
        )
    approvals.delete()


@transaction.atomic
def part_save(
    *, actor: Actor, part, changed_fields=(), expected_version: int | None = None
) -> None:
    """Create or change one part of a program's definition (a responsibility, a protocol entry,
    a position...). A change to the responsibilities clears their approvals. A part with a
    version is refused when `expected_version` is no longer the stored one."""
    program = part.program
    _require("programs.edit_program", actor, program)
    creating = part.pk is None
    part.full_clean()
    if creating or not hasattr(part, "version"):
        part.save()
    else:
        save_versioned(
            part,
            expected_version=part.version if expected_version is None else expected_version,
            fields=editable_fields(part),
        )
    audit_record(
        actor=actor,
        action=A.CREATE if creating else A.UPDATE,
        instance=part,
        changed_fields=changed_fields,
    )
    if part._meta.model_name == "responsibility":
        _clear_approvals(actor, program.approvals.filter(subject=Approval.Subject.RESPONSIBILITIES))


@transaction.atomic
def part_delete(*, actor: Actor, part) -> None:
    program = part.program
    _require("programs.edit_program", actor, program)
    audit_record(actor=actor, action=A.DELETE, instance=part)
    part.delete()
    if part._meta.model_name == "responsibility":
        _clear_approvals(actor, program.approvals.filter(subject=Approval.Subject.RESPONSIBILITIES))


@transaction.atomic
def approve(*, actor: Actor, program: Program, side: str, mou: MOU | None = None) -> Approval:
    """One side approves the program's responsibilities, or an MOU draft."""
    _require("programs.approve_for_side", actor, (program, side), side)
    if mou is None:
        if not program.responsibilities.exists():
            raise ValidationError({"side": "There are no responsibilities to approve yet."})
        subject = Approval.Subject.RESPONSIBILITIES
        already = program.approvals.filter(subject=subject, side=side)
    else:
        if mou.state != MOU.State.DRAFT:
            raise ValidationError({"side": "Only a draft is approved; this MOU is signed."})
        subject = Approval.Subject.MOU
        already = mou.approvals.filter(side=side)
    if already.exists():
        raise ValidationError({"side": "This side has already approved it."})
    approval = Approval(
        program=program, mou=mou, subject=subject, side=side, approved_by=actor.user
    )
    approval.full_clean()
    approval.save()
    audit_record(actor=actor, action=A.CREATE, instance=approval)
    return approval


@transaction.atomic
def mou_create(*, actor: Actor, mou: MOU) -> MOU:
    _require("programs.manage_mous", actor, mou.program)
    latest = mou.program.mous.aggregate(n=Max("number"))["n"] or 0
    mou.number = latest + 1
    mou.full_clean()
    mou.save()
    audit_record(actor=actor, action=A.CREATE, instance=mou)
    return mou


@transaction.atomic
def mou_update(*, actor: Actor, mou: MOU, expected_version: int, fields) -> MOU:
    _require("programs.edit_mou_draft", actor, mou)
    mou.full_clean()
    save_versioned(mou, expected_version=expected_version, fields=fields)
    audit_record(actor=actor, action=A.UPDATE, instance=mou, changed_fields=fields)
    _clear_approvals(actor, mou.approvals.all())
    return mou


@transaction.atomic
def mou_sign(
    *,
    actor: Actor,
    mou: MOU,
    side: str,
    signatory: str,
    title: str,
    signed_on: datetime.date,
    replaces_current: bool = False,
) -> MOU:
    """Record one side's signature. With both, the MOU is signed; its first review falls due a
    year after its effective date, and any MOU it replaces is superseded."""
    if mou.state != MOU.State.DRAFT:
        raise ValidationError({"side": "This MOU is already signed."})
    _require("programs.sign_mou", actor, (mou, side), side)
    if not mou.is_approved_by_both_sides:
        raise ValidationError(
            {"side": "Both the district and the agency must approve the draft before it is signed."}
        )
    if getattr(mou, f"{side}_signed_on"):
        raise ValidationError({"side": "This side has already signed."})
    missing = mou.missing_sections()
    if missing:
        raise ValidationError(
            {
                "side": "The MOU is not complete. Fill in, or mark not applicable with a reason: "
                + ", ".join(missing)
                + "."
            }
        )
    if signed_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"signed_on": "A signature cannot be dated in the future."})
    other_side = Side.AGENCY if side == Side.DISTRICT else Side.DISTRICT
    completes = getattr(mou, f"{other_side}_signed_on") is not None
    current = mou.program.mous.filter(state=MOU.State.SIGNED).exclude(pk=mou.pk)
    # Everything is checked before the MOU is touched, so a refusal leaves it as it was.
    if completes and not replaces_current and current.exists():
        previous = current.get()
        raise ValidationError(
            {
                "replaces_current": f"Version {previous.number} is still signed for this "
                "program. Confirm that this version replaces it."
            }
        )
    setattr(mou, f"{side}_signatory", signatory)
    setattr(mou, f"{side}_signatory_title", title)
    setattr(mou, f"{side}_signed_on", signed_on)
    fields = [f"{side}_signatory", f"{side}_signatory_title", f"{side}_signed_on"]
    if completes:
        for previous in current:
            previous.state = MOU.State.SUPERSEDED
            save_versioned(previous, expected_version=previous.version, fields=["state"])
            audit_record(actor=actor, action=A.UPDATE, instance=previous, changed_fields=["state"])
        mou.state = MOU.State.SIGNED
        mou.review_due_on = one_year_after(mou.effective_on)
        fields += ["state", "review_due_on"]
    save_versioned(mou, expected_version=mou.version, fields=fields)
    audit_record(actor=actor, action=A.UPDATE, instance=mou, changed_fields=fields)
    return mou


@transaction.atomic
def mou_review_record(*, actor: Actor, review) -> None:
    """An annual review; the next one falls due a year after it (rule 3)."""
    mou = review.mou
    _require("programs.manage_mous", actor, mou.program)
    if mou.state != MOU.State.SIGNED:
        raise ValidationError({"reviewed_on": "Only a signed MOU is reviewed."})
    if review.reviewed_on < mou.effective_on:
        raise ValidationError({"reviewed_on": "The review cannot come before the MOU took effect."})
    if review.reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "A review cannot be dated in the future."})
    review.recorded_by = actor.user
    review.full_clean()
    review.save()
    mou.review_due_on = one_year_after(review.reviewed_on)
    save_versioned(mou, expected_version=mou.version, fields=["review_due_on"])
    audit_record(actor=actor, action=A.CREATE, instance=review)


def _covering_mou(program: Program, starts_on, ends_on):
    last_day = ends_on or starts_on
    return program.mous.filter(
        state=MOU.State.SIGNED, effective_on__lte=starts_on, ends_on__gte=last_day
    ).first()


@transaction.atomic
def assignment_save(*, actor: Actor, assignment: Assignment, changed_fields=()) -> Assignment:
    """Assign an SRO to a school. The dates must lie within a signed MOU of the program (rule 2)."""
    program = assignment.program
    _require("programs.manage_assignments", actor, program)
    errors = {}
    if assignment.school_id and assignment.school.district_id != program.district_id:
        errors["school"] = "Choose a school of the program's district."
    if (
        assignment.officer_id
        and not Membership.objects.filter(
            user_id=assignment.officer_id, role=Role.SRO, agency_id=program.agency_id
        ).exists()
    ):
        errors["officer"] = "Choose an SRO of the program's agency."
    dates_in_order = not (assignment.ends_on and assignment.ends_on < assignment.starts_on)
    if (
        assignment.starts_on
        and dates_in_order
        and _covering_mou(program, assignment.starts_on, assignment.ends_on) is None
    ):
        errors["starts_on"] = (
            "No signed MOU of this program covers these dates. An SRO works in a school only "
            "under a signed MOU: sign one first, or choose dates within it."
        )
    if errors:
        raise ValidationError(errors)
    creating = assignment.pk is None
    assignment.full_clean()
    assignment.save()
    # The programs an SRO is assigned to decide which training requirements apply.
    people_changed([assignment.officer_id])
    audit_record(
        actor=actor,
        action=A.CREATE if creating else A.UPDATE,
        instance=assignment,
        changed_fields=changed_fields,
    )
    return assignment


def _require_draft(mou: MOU) -> None:
    if mou.state != MOU.State.DRAFT:
        raise ValidationError("A signed MOU is not changed; draft a new version instead.")


@transaction.atomic
def mou_drafter_save(*, actor: Actor, drafter) -> None:
    _require_draft(drafter.mou)
    _require("programs.edit_mou_draft", actor, drafter.mou)
    drafter.full_clean()
    drafter.save()
    audit_record(actor=actor, action=A.CREATE, instance=drafter)


@transaction.atomic
def mou_drafter_delete(*, actor: Actor, drafter) -> None:
    _require_draft(drafter.mou)
    _require("programs.edit_mou_draft", actor, drafter.mou)
    audit_record(actor=actor, action=A.DELETE, instance=drafter)
    drafter.delete()


ROUNDS_ARE_THE_DISTRICTS = (
    "Only the district's administrators of this program run its rating rounds, and not once "
    "the program has ended."
)
CLOSED_LINK = {
    RatingLink.State.USED: "This link has already been used: each link counts once.",
    RatingLink.State.REVOKED: "This link was withdrawn by the school district.",
    RatingLink.State.EXPIRED: "This link has expired.",
    RatingLink.State.OPEN: "This rating round is closed: the program has ended.",
}


@transaction.atomic
def rating_round_create(
    *,
    actor: Actor,
    program: Program,
    title: str,
    valid_days: int,
    links: dict[str, int],
    emails: dict[str, list[str]] | None = None,
    link_url: Callable[[str], str] | None = None,
) -> tuple[RatingRound, list[tuple[RatingLink, str]]]:
    """A round of stakeholders' ratings with `links[stake]` one-time links per group. Returns the
    round and each link with its token: the only time a token exists, since only its hash is
    kept. Addresses in `emails[stake]` each receive one of that group's links (with `link_url`
    making the token an address) and are not stored."""
    require("programs.manage_rating_rounds", actor.user, program, message=ROUNDS_ARE_THE_DISTRICTS)
    emails = emails or {}
    if not program.candidates.exists() or not program.selection_criteria.exists():
        raise ValidationError(
            "Add the candidates and the selection criteria first: raters score each candidate "
            "against each criterion."
        )
    if sum(links.values()) < 1:
        raise ValidationError("Issue at least one link.")
    for stake, addresses in emails.items():
        if len(addresses) > links.get(stake, 0):
            raise ValidationError(
                {
                    f"emails_{stake}": "Each address needs a link of its own: issue at least as "
                    "many links as there are addresses."
                }
            )
    rating_round = RatingRound(
        program=program, title=title, valid_days=valid_days, created_by=actor.user
    )
    rating_round.full_clean()
    rating_round.save()
    expires_at = rating_round.created_at + datetime.timedelta(days=valid_days)
    tokens = {
        stake: [secrets.token_urlsafe(32) for _ in range(count)] for stake, count in links.items()
    }
    made = RatingLink.objects.bulk_create(
        RatingLink(
            round=rating_round,
            district_id=program.district_id,
            agency_id=program.agency_id,
            stake=stake,
            token_hash=token_hash(token),
            expires_at=expires_at,
        )
        for stake, group in tokens.items()
        for token in group
    )
    issued = list(zip(made, (t for group in tokens.values() for t in group), strict=True))
    emailed = 0
    for stake, addresses in emails.items():
        group = [token for link, token in issued if link.stake == stake]
        for address, token in zip(addresses, group, strict=False):
            _send_rating_link(rating_round, address, link_url(token), expires_at)
            emailed += 1
    audit_record(
        actor=actor,
        action=A.CREATE,
        instance=rating_round,
        detail={"links": {s: n for s, n in links.items() if n}, "emailed": emailed},
    )
    return rating_round, issued


def _send_rating_link(rating_round: RatingRound, address: str, url: str, expires_at) -> None:
    subject, _, body = render_to_string(
        "programs/email/rating_link.txt",
        {"round": rating_round, "url": url, "expires_at": expires_at},
    ).partition("\n")
    # After the transaction: no invitation goes out for a round that was rolled back.
    transaction.on_commit(
        lambda: send_mail(subject.strip(), body.strip(), settings.DEFAULT_FROM_EMAIL, [address])
    )


@transaction.atomic
def rating_link_revoke(*, actor: Actor, link: RatingLink) -> RatingLink:
    require(
        "programs.manage_rating_rounds", actor.user, link.program, message=ROUNDS_ARE_THE_DISTRICTS
    )
    link = RatingLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at:
        raise ValidationError("This link has been used; its ratings count and stay.")
    if link.revoked_at:
        raise ValidationError("This link is already revoked.")
    link.revoked_at = timezone.now()
    link.revoked_by = actor.user
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor, action=A.UPDATE, instance=link, changed_fields=["revoked_at", "revoked_by"]
    )
    return link


@transaction.atomic
def rating_round_revoke_unused(*, actor: Actor, rating_round: RatingRound) -> int:
    """Revoke every link of the round that could still be used. Returns how many."""
    require(
        "programs.manage_rating_rounds",
        actor.user,
        rating_round.program,
        message=ROUNDS_ARE_THE_DISTRICTS,
    )
    now = timezone.now()
    open_links = rating_round.links.unused().filter(expires_at__gt=now)
    pks = list(open_links.select_for_update().values_list("pk", flat=True))
    RatingLink.objects.filter(pk__in=pks).update(revoked_at=now, revoked_by=actor.user)
    audit_record(
        actor=actor,
        action=A.UPDATE,
        instance=rating_round,
        changed_fields=["links"],
        detail={"revoked_links": len(pks)},
    )
    return len(pks)


@transaction.atomic
def rating_link_submit(
    *,
    actor: Actor,
    link: RatingLink,
    scores: dict[tuple[int, int], int],
    comments: dict[int, str] | None = None,
    rater_name: str = "",
) -> list[CandidateRating]:
    """A stakeholder's scores through their link: a score from 1 to 5 for every candidate of the
    program against every criterion. The link is locked and marked used in the same
    transaction, so of two sendings at once only one counts."""
    link = (
        RatingLink.objects.select_for_update(of=("self",))
        .select_related("round__program")
        .get(pk=link.pk)
    )
    require("programs.rate_with_link", actor.user, link, message=CLOSED_LINK[link.state()])
    program = link.round.program
    criteria = list(program.selection_criteria.all())
    pairs = [(c, k) for c in program.candidates.all() for k in criteria]
    if {(c.pk, k.pk) for c, k in pairs} != set(scores) or not all(
        1 <= score <= 5 for score in scores.values()
    ):
        raise ValidationError("Give every candidate a score from 1 to 5 for every criterion.")
    comments = comments or {}
    ratings = []
    for candidate, criterion in pairs:
        rating = CandidateRating(
            program=program,
            candidate=candidate,
            criterion=criterion,
            link=link,
            rater_name=rater_name.strip(),
            rater_stake=link.stake,
            score=scores[(candidate.pk, criterion.pk)],
            comment=comments.get(candidate.pk, "").strip(),
        )
        rating.full_clean()
        rating.save()
        audit_record(actor=actor, action=A.CREATE, instance=rating)
        ratings.append(rating)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    audit_record(actor=actor, action=A.UPDATE, instance=link, changed_fields=["used_at"])
    return ratings
