from django.db import models


class Role(models.TextChoices):
    STATE_STAFF = "state_staff", "State staff (DPI/DOJ)"
    DISTRICT_ADMIN = "district_admin", "District administrator"
    BUILDING_ADMIN = "building_admin", "Building administrator"
    AGENCY_SUPERVISOR = "agency_supervisor", "Agency supervisor"
    SRO = "sro", "School resource officer"


DISTRICT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.BUILDING_ADMIN})
AGENCY_ROLES = frozenset({Role.AGENCY_SUPERVISOR, Role.SRO})
