"""Who may do what to the staff roster: one django-rules predicate per action. Views, templates,
services (`require`) and the admin all ask these rules.

District administrators keep the rosters of their district's schools, building administrators
those of their own schools; state staff may correct any (they import reference data). SROs and
agency supervisors keep none."""

import rules

from sro_portal.scope import scope_of

from .models import StaffMember


def _school_of(obj):
    return obj.school if isinstance(obj, StaffMember) else obj


@rules.predicate
def keeps_roster_of(user, obj) -> bool:
    """obj: a staff member, or a school (for adding someone to its roster)."""
    school = _school_of(obj)
    if school is None:
        return False
    scope = scope_of(user)
    return (
        scope.is_state_staff
        or school.district_id in scope.district_ids
        or school.pk in scope.school_ids
    )


rules.add_rule("training.manage_staff_member", keeps_roster_of)
# Recording and verifying a roster person's training is part of keeping their record.
rules.add_rule("training.record_staff_training", keeps_roster_of)
