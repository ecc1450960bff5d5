"""What a person's memberships let them see, read once per request."""

from dataclasses import dataclass

from .roles import Role


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    roles: frozenset = frozenset()
    district_ids: frozenset = frozenset()  # districts the user administers
    school_ids: frozenset = frozenset()  # schools the user administers
    school_district_ids: frozenset = frozenset()  # the districts of those schools
    agency_ids: frozenset = frozenset()  # agencies the user supervises or serves in
    supervised_agency_ids: frozenset = frozenset()  # agencies the user supervises

    @classmethod
    def of(cls, user) -> "Scope":
        if not (user.is_authenticated and user.is_active):
            return cls()
        rows = list(user.memberships.values_list("role", "district_id", "school_id", "agency_id"))
        roles = {role for role, *_ in rows}
        if user.is_superuser:
            roles.add(Role.STATE_STAFF)
        return cls(
            user_id=user.pk,
            roles=frozenset(roles),
            district_ids=frozenset(d for r, d, _, _ in rows if r == Role.DISTRICT_ADMIN),
            school_ids=frozenset(s for r, _, s, _ in rows if r == Role.BUILDING_ADMIN),
            school_district_ids=frozenset(d for r, d, _, _ in rows if r == Role.BUILDING_ADMIN),
            agency_ids=frozenset(a for _, _, _, a in rows if a is not None),
            supervised_agency_ids=frozenset(
                a for r, _, _, a in rows if r == Role.AGENCY_SUPERVISOR
            ),
        )

    @property
    def is_state_staff(self) -> bool:
        return Role.STATE_STAFF in self.roles

    @property
    def local_district_ids(self) -> frozenset:
        """Districts where the user holds a district or building role."""
        return self.district_ids | self.school_district_ids

    def has_any(self, roles) -> bool:
        return bool(self.roles & set(roles))


def scope_of(user) -> Scope:
    """The scope of any request user, anonymous included."""
    return user.scope if hasattr(user, "scope") else Scope()


class Partnerships:
    """Who works with whom: which agencies serve which districts, and where an SRO is assigned.

    The programs app, above this one, knows it and installs its answers at start-up
    (`install_partnerships`), so the directory's scoping names no model above the tenancy core.
    Each answer is a subquery of ids, evaluated inside the caller's query. Until installed, nobody
    works with anybody.
    """

    def districts_served_by(self, agency_ids):
        return []

    def agencies_serving(self, district_ids):
        return []

    def schools_assigned_to(self, user_id):
        return []

    def officers_assigned_in(self, *, district_ids, school_ids):
        return []


partnerships = Partnerships()


def install_partnerships(answers: Partnerships) -> None:
    global partnerships
    partnerships = answers
