"""What the generated state is made of, shared by the parts that write it: the scale and its
targets, the day it is generated for, one random stream per part (the same seed gives the same
rows), and the directory, people and programs as plain records once written."""

import datetime
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sro_portal import schoolyear

LOCAL = ZoneInfo("America/Chicago")
UTC = datetime.UTC
DAY = datetime.timedelta(days=1)

# Full scale (1.0): a Wisconsin-size state.
FULL = {
    "districts": 423,
    "schools": 2208,
    "agencies": 80,
    "sros": 400,
    "state_staff": 12,
    "activity": 2_050_000,
    "incidents": 150_000,
    "actions": 52_000,
    "people_in_compliance": 3150,
    "audit": 2_800_000,
}
PROGRAM_SHARE = 0.4  # districts with an SRO program
PAST_YEARS = 5  # complete school years of field records, before the current one


@dataclass
class Targets:
    scale: float

    def __getattr__(self, name):
        if name not in FULL:
            raise AttributeError(name)
        return max(1, round(FULL[name] * self.scale))


@dataclass(eq=False)
class Rec:
    """A written row, as the later parts need it."""

    id: int
    data: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    scale: float
    seed: int
    today: datetime.date
    sink: object
    password: str = "!"
    districts: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    state_staff: list = field(default_factory=list)
    programs: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    sros: list = field(default_factory=list)
    supervisors: dict = field(default_factory=dict)  # agency id -> user Rec
    district_admins: dict = field(default_factory=dict)  # district id -> user Rec
    building_admins: dict = field(default_factory=dict)  # school id -> user Rec
    staff_members: list = field(default_factory=list)
    content_types: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)

    @property
    def targets(self) -> Targets:
        return Targets(self.scale)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    @property
    def latest_year(self) -> int:
        return schoolyear.school_year_of(self.today)

    @property
    def first_year(self) -> int:
        return self.latest_year - PAST_YEARS

    @property
    def window_start(self) -> datetime.date:
        return datetime.date(self.first_year, 7, 1)

    @property
    def yesterday(self) -> datetime.date:
        return self.today - DAY


def at_local(day: datetime.date, minutes: float) -> datetime.datetime:
    """The UTC moment `minutes` after local midnight of `day`."""
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=LOCAL)
    return (midnight + datetime.timedelta(minutes=minutes)).astimezone(UTC)


def school_days(year: int) -> list[datetime.date]:
    """180 school days of a school year: from the day after Labor Day, weekdays, without the
    Thanksgiving, winter and spring breaks."""
    september = datetime.date(year, 9, 1)
    labor_day = september + DAY * ((7 - september.weekday()) % 7)
    thanksgiving = datetime.date(year, 11, 1)
    thanksgiving += DAY * ((3 - thanksgiving.weekday()) % 7 + 21)
    breaks = {thanksgiving, thanksgiving + DAY}
    breaks |= {datetime.date(year, 12, 23) + DAY * i for i in range(11)}
    spring = datetime.date(year + 1, 3, 23)
    breaks |= {spring + DAY * i for i in range(7)}
    days, day = [], labor_day + DAY
    while len(days) < 180:
        if day.weekday() < 5 and day not in breaks:
            days.append(day)
        day += DAY
    return days


def json_text(value) -> str:
    import json

    return json.dumps(value, separators=(", ", ": "))
