"""Who may do what to a field record: one predicate per action. Views, templates, the services
and the admin ask these same rules (see sro_portal/permissions.py)."""

import rules

from programs.models import Classification
from sro_portal.roles import Role
from sro_portal.scope import scope_of


@rules.predicate
def is_sro(user, obj=None):
    return Role.SRO in scope_of(user).roles


@rules.predicate
def may_record_enforcement_action(user, incident):
    """The reporting SRO or a supervisor of the incident's agency, on an incident that is not
    discipline only (rule 4)."""
    if incident is None or incident.classification == Classification.DISCIPLINARY:
        return False
    scope = scope_of(user)
    return incident.reported_by_id == scope.user_id or (
        Role.AGENCY_SUPERVISOR in scope.roles and incident.agency_id in scope.supervised_agency_ids
    )


@rules.predicate
def may_import_enforcement_actions(user, agency):
    """State staff for any agency; an agency supervisor for the agencies they supervise."""
    scope = scope_of(user)
    if scope.is_state_staff:
        return True
    return (
        agency is not None
        and Role.AGENCY_SUPERVISOR in scope.roles
        and agency.pk in scope.supervised_agency_ids
    )


@rules.predicate
def may_review_incident(user, incident):
    """A district administrator of the incident's district, on an incident that awaits review."""
    if incident is None or not incident.needs_review or incident.reviewed_at is not None:
        return False
    scope = scope_of(user)
    return Role.DISTRICT_ADMIN in scope.roles and incident.district_id in scope.district_ids


@rules.predicate
def is_author(user, entry):
    return entry is not None and user.is_authenticated and entry.officer_id == user.pk


@rules.predicate
def within_correction_days(user, entry):
    return entry is not None and entry.can_be_corrected()


@rules.predicate
def not_amended_yet(user, entry):
    return entry is not None and not hasattr(entry, "amended_by")


rules.add_rule("incidents.report_incident", is_sro)
rules.add_rule("incidents.record_enforcement_action", may_record_enforcement_action)
rules.add_rule("incidents.import_enforcement_actions", may_import_enforcement_actions)
rules.add_rule("incidents.review_incident", may_review_incident)
rules.add_rule("incidents.correct_activity", is_author & within_correction_days)
rules.add_rule("incidents.amend_activity", is_author & not_amended_yet)
