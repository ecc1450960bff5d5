"""A believable, fictional Wisconsin-like directory with one person for every role."""

from django.db import transaction

from sro_portal.models import Membership, User
from sro_portal.roles import Role

from .models import Agency, District, Grade, School

DISTRICTS = [
    # dpi_code, name, nces_id, county, cesa
    ("9101", "Lakeshore Area School District", "5599101", "Manitowoc", 7),
    ("9102", "Driftless Valley School District", "5599102", "Vernon", 4),
    ("9103", "Northwoods Unified School District", "5599103", "Oneida", 9),
]
SCHOOLS = [
    # district, dpi_code, name, lowest, highest, enrollment
    ("9101", "0010", "Lakeshore High School", Grade.G9, Grade.G12, 1180),
    ("9101", "0020", "Harbor Middle School", Grade.G6, Grade.G8, 640),
    ("9101", "0030", "Lighthouse Elementary School", Grade.PRE_K, Grade.G5, 455),
    ("9102", "0010", "Driftless Valley High School", Grade.G9, Grade.G12, 520),
    ("9102", "0020", "Kickapoo Middle School", Grade.G6, Grade.G8, 310),
    ("9102", "0030", "Coulee Elementary School", Grade.KINDERGARTEN, Grade.G5, 390),
    ("9103", "0010", "Northwoods High School", Grade.G9, Grade.G12, 610),
    ("9103", "0020", "Pinecrest Middle School", Grade.G6, Grade.G8, 280),
]
AGENCIES = [
    ("WI0369900", "Lakeshore Police Department", Agency.Kind.POLICE_DEPARTMENT),
    ("WI0629900", "Vernon County Sheriff's Office", Agency.Kind.SHERIFFS_OFFICE),
]
# username, first, last, [(role, district code, school code, agency ORI)]
PEOPLE = [
    ("state.staff", "Dana", "Whitfield", [(Role.STATE_STAFF, None, None, None)]),
    ("district.lakeshore", "Maria", "Jensen", [(Role.DISTRICT_ADMIN, "9101", None, None)]),
    ("district.driftless", "Tom", "Halvorsen", [(Role.DISTRICT_ADMIN, "9102", None, None)]),
    (
        "district.northwoods",
        "Ruth",
        "Ahlgren",
        [
            (Role.DISTRICT_ADMIN, "9103", None, None),
            (Role.BUILDING_ADMIN, "9103", "0010", None),
        ],
    ),
    ("principal.lakeshore", "Angela", "Brooks", [(Role.BUILDING_ADMIN, "9101", "0010", None)]),
    ("principal.driftless", "Luis", "Ramirez", [(Role.BUILDING_ADMIN, "9102", "0010", None)]),
    (
        "supervisor.lakeshore",
        "Mark",
        "Kowalski",
        [(Role.AGENCY_SUPERVISOR, None, None, "WI0369900")],
    ),
    ("supervisor.vernon", "Karen", "Olson", [(Role.AGENCY_SUPERVISOR, None, None, "WI0629900")]),
    ("sro.ortega", "Jamie", "Ortega", [(Role.SRO, None, None, "WI0369900")]),
    ("sro.lindqvist", "Sam", "Lindqvist", [(Role.SRO, None, None, "WI0629900")]),
]


@transaction.atomic
def seed_directory(*, password: str) -> list[tuple[str, str]]:
    """Create or refresh the demo directory and people; returns (username, roles) for each login."""
    districts = {
        code: District.objects.update_or_create(
            dpi_code=code, defaults={"name": name, "nces_id": nces, "county": county, "cesa": cesa}
        )[0]
        for code, name, nces, county, cesa in DISTRICTS
    }
    schools = {
        (district, code): School.objects.update_or_create(
            district=districts[district],
            dpi_code=code,
            defaults={
                "name": name,
                "lowest_grade": low,
                "highest_grade": high,
                "enrollment": enrollment,
            },
        )[0]
        for district, code, name, low, high, enrollment in SCHOOLS
    }
    agencies = {
        ori: Agency.objects.update_or_create(ori=ori, defaults={"name": name, "kind": kind})[0]
        for ori, name, kind in AGENCIES
    }
    logins = []
    for username, first, last, memberships in PEOPLE:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        for role, district, school, agency in memberships:
            Membership.objects.get_or_create(
                user=user,
                role=role,
                district=districts.get(district),
                school=schools.get((district, school)),
                agency=agencies.get(agency),
            )
        logins.append((username, ", ".join(str(Role(m[0]).label) for m in memberships)))
    return logins
