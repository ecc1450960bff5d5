"""Who may do what in holding a program to account: one predicate per action. Views, templates
(`{% test_rule %}`), services and the admin ask these same rules; a service refuses what its rule
refuses, whoever calls it."""

import rules
from django.db.models import Q

from programs.rules import edit_program, speaks_for_program
from sro_portal.models import User
from sro_portal.scope import scope_of

from .services import program_people


def _program_of(obj):
    """A rule's object is a program, or a record of one (complaint, evaluation, meeting...)."""
    return getattr(obj, "program", obj) if obj is not None else None


@rules.predicate
def is_state_staff(user) -> bool:
    return user.is_authenticated and scope_of(user).is_state_staff


@rules.predicate
def handles_complaint(user, complaint) -> bool:
    """The district's administrators and the agency's supervisors; never an SRO as such."""
    if complaint is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return (
        complaint.district_id in scope.district_ids
        or complaint.agency_id in scope.supervised_agency_ids
    )


@rules.predicate
def complaint_is_open(user, complaint) -> bool:
    return complaint is not None and complaint.is_open


@rules.predicate
def oversees_program(user, obj) -> bool:
    """Reads the program's oversight data (evaluations and their snapshots: complaint counts,
    one-student demographic cells): its district's administrators, building administrators in
    its district, its agency's supervisors. Never an SRO as such."""
    program = _program_of(obj)
    if program is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return (
        program.district_id in scope.local_district_ids
        or program.agency_id in scope.supervised_agency_ids
    )


@rules.predicate
def takes_part_in_program(user, obj) -> bool:
    """Its administrators, its supervisors, its SROs: the people who meet."""
    program = _program_of(obj)
    if program is None or not user.is_authenticated:
        return False
    members, supervisors, officers = program_people(program)
    return User.objects.filter(
        Q(pk__in=members) | Q(pk__in=supervisors) | Q(pk__in=officers), pk=user.pk
    ).exists()


@rules.predicate
def administers_district(user, obj) -> bool:
    """A district administrator of the district of obj (a public page, a school)."""
    return obj is not None and obj.district_id in scope_of(user).district_ids


# Complaints.
rules.add_rule("accountability.view_complaint", is_state_staff | handles_complaint)
rules.add_rule("accountability.handle_complaint", handles_complaint)
rules.add_rule("accountability.assign_reviewer", handles_complaint & complaint_is_open)
rules.add_rule("accountability.change_complaint_status", handles_complaint & complaint_is_open)
# Whom a complaint may be given to: someone who could handle it (object: the complaint).
rules.add_rule("accountability.review_complaint", handles_complaint)

# Evaluations: never SROs.
rules.add_rule("accountability.view_evaluation", is_state_staff | oversees_program)
rules.add_rule("accountability.record_evaluation", speaks_for_program)
rules.add_rule("accountability.edit_evaluation_plan", edit_program)

# The rest of the program's accountability page.
rules.add_rule("accountability.edit_settings", edit_program)
rules.add_rule("accountability.edit_contacts", edit_program)
rules.add_rule("accountability.edit_expectations", edit_program)
rules.add_rule("accountability.agree_expectations", speaks_for_program)
rules.add_rule("accountability.record_meeting", takes_part_in_program)

# What a district publishes about itself.
rules.add_rule("accountability.edit_public_page", administers_district)

# Enrollment and climate survey results, imported by school (object: the school).
rules.add_rule("accountability.import_school_records", is_state_staff | administers_district)
