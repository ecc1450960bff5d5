"""Who may do what to a program: one django-rules predicate per action. Views, templates
(`{% test_rule %}`), services (`require`) and the admin all ask these rules.

The two sides of a program are the district's administrators and the agency's supervisors
(`Program.sides_of`). State staff audit programs: the rules give them no side, so they change
nothing here, in the admin either.

Objects: most rules take the program; `approve_for_side` and `sign_mou` take `(program, side)`
and `(mou, side)`; `edit_mou_draft` takes the MOU; `rate_with_link` takes the rating link (its
rater has no account: the user is None)."""

import rules

from .models import MOU, Program, RatingLink, Side


def _program_of(obj):
    if isinstance(obj, tuple):
        obj = obj[0]
    if isinstance(obj, MOU):
        return obj.program
    if isinstance(obj, Program):
        return obj
    if isinstance(obj, RatingLink):
        return obj.round.program
    if getattr(obj, "program_id", None):
        return obj.program
    mou = getattr(obj, "mou", None)  # an MOU's drafter or review
    return mou.program if mou is not None else None


@rules.predicate
def speaks_for_program(user, obj) -> bool:
    program = _program_of(obj)
    return program is not None and bool(program.sides_of(user))


@rules.predicate
def program_not_ended(user, obj) -> bool:
    program = _program_of(obj)
    return program is not None and program.status != Program.Status.ENDED


@rules.predicate
def speaks_for_the_side(user, obj) -> bool:
    """obj is (program or MOU, side): the person speaks for that side of the program."""
    if not isinstance(obj, tuple):
        return False
    program, side = _program_of(obj), obj[1]
    return program is not None and side in program.sides_of(user)


@rules.predicate
def speaks_for_the_district(user, obj) -> bool:
    program = _program_of(obj)
    return program is not None and Side.DISTRICT in program.sides_of(user)


@rules.predicate
def mou_is_draft(user, obj) -> bool:
    mou = obj[0] if isinstance(obj, tuple) else obj
    return isinstance(mou, MOU) and mou.state == MOU.State.DRAFT


@rules.predicate
def link_is_open(user, obj) -> bool:
    return isinstance(obj, RatingLink) and obj.state() == RatingLink.State.OPEN


edit_program = speaks_for_program & program_not_ended

# A new program is proposed by the district's administrators.
rules.add_rule("programs.create_program", speaks_for_the_district)
# Name, purpose, needs assessment and every part of the program's definition.
rules.add_rule("programs.edit_program", edit_program)
rules.add_rule("programs.change_status", edit_program)
rules.add_rule("programs.approve_for_side", speaks_for_the_side & program_not_ended)
rules.add_rule("programs.sign_mou", speaks_for_the_side & program_not_ended & mou_is_draft)
rules.add_rule("programs.manage_assignments", edit_program)
rules.add_rule("programs.edit_mou_draft", edit_program & mou_is_draft)
# Drafting a new MOU version and recording its annual review.
rules.add_rule("programs.manage_mous", edit_program)
# Stakeholders' rating rounds: the district chooses its SRO with its stakeholders, so the
# district's administrators run them; the agency's supervisors see them and their counts.
rules.add_rule("programs.manage_rating_rounds", speaks_for_the_district & program_not_ended)
rules.add_rule("programs.rate_with_link", link_is_open & program_not_ended)
# A program is ended, never deleted: nobody deletes one.
rules.add_rule("programs.delete_program", rules.always_deny)
