"""Districts (a few large, most of two to six schools), their schools, the police departments and
sheriff's offices, and the people: state staff, district and building administrators, agency
supervisors. SROs are added with the programs they serve."""

import datetime

from sro_portal.models import Agency, District, Grade, Membership, School, User
from sro_portal.roles import Role

from . import names
from .world import DAY, PROGRAM_SHARE, Rec, at_local


class People:
    """Adds user accounts with their memberships, usernames unique."""

    def __init__(self, world):
        self.world = world
        self.rng = world.rng("people")
        self.taken = set(User.objects.values_list("username", flat=True))
        self.users = world.sink.table(
            User,
            [
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
        )
        self.memberships = world.sink.table(
            Membership,
            [
                "user_id",
                "role",
                "district_id",
                "school_id",
                "agency_id",
                "started_on",
                "created_at",
            ],
        )

    def name(self):
        return self.rng.choice(names.FIRST_NAMES), self.rng.choice(names.LAST_NAMES)

    def add(self, role, *, started_on, district=None, school=None, agency=None, prefix=None):
        first, last = self.name()
        base = f"{prefix or role.split('_')[0]}.{first[0]}{last}".lower().replace("'", "")
        username, n = base, 1
        while username in self.taken:
            n += 1
            username = f"{base}{n}"
        self.taken.add(username)
        joined = at_local(started_on - DAY * self.rng.randint(1, 20), 9 * 60)
        recent = self.world.today - DAY * self.rng.randint(1, 30)
        pk = self.users.add(
            self.world.password,
            at_local(recent, self.rng.randint(420, 1000)),
            False,
            username,
            first,
            last,
            f"{username}@example.org",
            False,
            True,
            joined,
        )
        self.memberships.add(
            pk,
            role,
            district.id if district else None,
            school.id if school else None,
            agency.id if agency else None,
            started_on,
            joined,
        )
        return Rec(
            pk,
            {
                "username": username,
                "first": first,
                "last": last,
                "role": role,
                "started_on": started_on,
                "name": f"{first} {last}",
            },
        )

    def close(self):
        self.users.close()
        self.memberships.close()


def _district_sizes(rng, n_districts, n_schools):
    """Schools per district: the large districts at their share, the rest skewed small (most run
    two to six schools), adding up to `n_schools`."""
    sizes = []
    for _, _, full in names.BIG_DISTRICTS:
        share = round(full * n_schools / 2208)
        if share >= 8 and len(sizes) < n_districts:
            sizes.append(share)
    rest = n_districts - len(sizes)
    left = n_schools - sum(sizes)
    small = [max(1, round(rng.lognormvariate(1.25, 0.55))) for _ in range(rest)]
    # Bring the small districts to the schools left, one school at a time.
    while small and sum(small) != left:
        i = rng.randrange(len(small))
        if sum(small) < left:
            small[i] += 1
        elif small[i] > 1:
            small[i] -= 1
        elif all(s == 1 for s in small):
            break
    return sizes + small


def _grade_plan(rng, size):
    """The grade spans of a district's schools: high schools, middle schools, elementaries."""
    if size == 1:
        return [(Grade.KINDERGARTEN, Grade.G12, "School")]
    if size == 2:
        return [
            (Grade.G7, Grade.G12, "Junior/Senior High School"),
            (Grade.PRE_K, Grade.G6, "Elementary School"),
        ]
    high = max(1, round(size * 0.17))
    middle = max(1, round(size * 0.2))
    plan = [(Grade.G9, Grade.G12, "High School")] * high
    plan += [(Grade.G6, Grade.G8, "Middle School")] * middle
    plan += [
        (Grade.PRE_K if rng.random() < 0.6 else Grade.KINDERGARTEN, Grade.G5, "Elementary School")
    ] * (size - high - middle)
    return plan


def build_directory(world) -> None:
    rng = world.rng("directory")
    t = world.targets
    n_districts = max(3, t.districts)
    n_schools = max(2 * n_districts, t.schools)
    sizes = _district_sizes(rng, n_districts, n_schools)
    places = list(names.PLACES)
    rng.shuffle(places)
    big = {full_name: county for full_name, county, _ in names.BIG_DISTRICTS}
    big_names = list(big)
    used = set(District.objects.values_list("name", flat=True))
    codes = set(District.objects.values_list("dpi_code", flat=True))

    with world.sink.writing(
        District, ["name", "dpi_code", "nces_id", "county", "cesa"], total=n_districts
    ) as districts:
        for i, size in enumerate(sizes):
            if i < len(big_names) and size >= 8:
                name, county = big_names[i], big[big_names[i]]
            else:
                word = places[i % len(places)]
                form = names.DISTRICT_FORMS[rng.randrange(len(names.DISTRICT_FORMS))]
                name = form.format(names.place(word))
                if i >= len(places):
                    suffix = ["Joint", "Consolidated", "North", "South"][i // len(places) - 1]
                    name = f"{name} {suffix}"
                county = names.place(rng.choice(names.COUNTIES))
            while name in used:
                name += " Joint"
            used.add(name)
            code = f"{(i + 1) * 23 % 9000 + 1000:04d}"
            while code in codes:
                code = f"{(int(code) + 1 - 1000) % 9000 + 1000:04d}"
            codes.add(code)
            nces = f"55{(i * 37 + 10001) % 100000:05d}"
            cesa = (i * 7) % 12 + 1
            pk = districts.add(name, code, nces, county, cesa)
            # Large districts are the most diverse; a few northern ones are largely American
            # Indian (tribal lands).
            diversity = 1.0 - i / 12 if i < 10 and size >= 8 else rng.random() * 0.35
            world.districts.append(
                Rec(
                    pk,
                    {
                        "name": name,
                        "size": size,
                        "county": county,
                        "code": code,
                        "diversity": diversity,
                        "tribal": rng.random() < 0.03,
                        "schools": [],
                    },
                )
            )

    with world.sink.writing(
        School,
        ["district_id", "name", "dpi_code", "nces_id", "lowest_grade", "highest_grade"],
        total=n_schools,
    ) as schools:
        for district in world.districts:
            patrons = list(names.SCHOOL_PATRONS)
            rng.shuffle(patrons)
            town = district.name.split(" School")[0].split(" Public")[0].split(" Area")[0]
            town = town.removeprefix("School District of ").split(" Unified")[0]
            town = town.split(" Metropolitan")[0]
            for n, (low, high, kind) in enumerate(_grade_plan(rng, district.size)):
                if kind in ("High School", "School", "Junior/Senior High School") and n < 1:
                    name = f"{town} {kind}"
                else:
                    name = f"{names.place(patrons[n % len(patrons)])} {kind}"
                    if n >= len(patrons):
                        name = f"{name} {n // len(patrons) + 1}"
                code = f"{(n + 1) * 10:04d}"
                nces = f"55{district.id % 100000:05d}{n + 1:05d}"
                pk = schools.add(district.id, name, code, nces, low, high)
                school = Rec(
                    pk, {"district": district, "name": name, "low": low, "high": high, "kind": kind}
                )
                district.schools.append(school)
                world.schools.append(school)

    n_agencies = max(2, world.targets.agencies)
    with world.sink.writing(Agency, ["name", "kind", "ori"], total=n_agencies) as agencies:
        counties = list(names.COUNTIES)
        rng.shuffle(counties)
        for i in range(n_agencies):
            if i % 5 in (1, 3):  # two of five: a county sheriff
                county = names.place(counties[i % len(counties)])
                kind, name = Agency.Kind.SHERIFFS_OFFICE, f"{county} County Sheriff's Office"
            else:
                town = names.place(places[i % len(places)])
                kind, name = Agency.Kind.POLICE_DEPARTMENT, f"{town} Police Department"
            if i >= len(counties):
                name = f"{name} ({i})"
            ori = f"WI{i % 72 + 1:03d}{(i * 131) % 10000:04d}"
            pk = agencies.add(name, kind, ori)
            world.agencies.append(
                Rec(pk, {"name": name, "ori": ori, "kind": kind, "net": f"10.{i % 250}.{i // 250}"})
            )

    # Districts with a program: the large ones, then others until about 40% have one; a few
    # more are still assessing whether they need an SRO.
    n_programs = max(2, round(n_districts * PROGRAM_SHARE))
    order = list(range(n_districts))
    rest = order[len([d for d in world.districts if d.size >= 8][:8]) :]
    rng.shuffle(rest)
    chosen = order[: n_districts - len(rest)][:n_programs] + rest
    for i in chosen[:n_programs]:
        world.districts[i].data["program"] = "active"
    for i in chosen[n_programs : n_programs + max(1, n_districts // 25)]:
        world.districts[i].data["program"] = "assessing"


def build_people(world) -> People:
    """State staff, one administrator per district, a building administrator per school of the
    districts with a program, one supervisor per agency."""
    people = People(world)
    rng = world.rng("people-dates")
    start = world.window_start

    def started():
        return (
            start - DAY * rng.randint(30, 2500)
            if rng.random() < 0.7
            else (world.today - DAY * rng.randint(60, (world.today - start).days))
        )

    for _ in range(max(2, world.targets.state_staff)):
        world.state_staff.append(people.add(Role.STATE_STAFF, started_on=started(), prefix="state"))
    for district in world.districts:
        world.district_admins[district.id] = people.add(
            Role.DISTRICT_ADMIN, started_on=started(), district=district, prefix="district"
        )
    for district in world.districts:
        if district.data.get("program") != "active":
            continue
        for school in district.schools:
            world.building_admins[school.id] = people.add(
                Role.BUILDING_ADMIN,
                started_on=started(),
                district=district,
                school=school,
                prefix="principal",
            )
    for agency in world.agencies:
        world.supervisors[agency.id] = people.add(
            Role.AGENCY_SUPERVISOR, started_on=started(), agency=agency, prefix="supervisor"
        )
    return people


def past_date(rng, world, earliest: datetime.date) -> datetime.date:
    span = max(1, (world.yesterday - earliest).days)
    return earliest + DAY * rng.randint(0, span)
