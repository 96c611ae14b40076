"""What the demo club looks like: plain specs built from a seed and a day, no ORM.

Everything here is a pure function of its arguments, so one seed and one `today` always
give the same people, availability and events. Events are generated per store and day
from their own random stream and keyed by date, so a run on a later day finds the days
it shares with an earlier run already there instead of inventing them again.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from employees.models import JobTitle, RotationKind
from events.types import EventType, default_minutes, detect_event_type, event_number


def rng_for(*parts: object) -> random.Random:
    """A random stream named by `parts`: reproducible demo data, not security."""
    return random.Random("|".join(str(p) for p in parts))  # noqa: S311


FIRST_NAMES = (
    "Aaliyah", "Alex", "Amanda", "Andre", "Angela", "Ashley", "Brandon", "Brianna", "Carlos",
    "Carmen", "Chloe", "Cody", "Crystal", "Daniel", "Darnell", "Deborah", "Destiny", "Diego",
    "Elena", "Emily", "Eric", "Faith", "Gabriel", "Gloria", "Grace", "Hannah", "Hector",
    "Imani", "Isaac", "Jacob", "Jasmine", "Jenna", "Jordan", "Jose", "Joyce", "Justin",
    "Kayla", "Keisha", "Kevin", "Kim", "Laura", "Linda", "Logan", "Lucia", "Marcus", "Maria",
    "Megan", "Michael", "Monica", "Nathan", "Nicole", "Omar", "Patricia", "Priya", "Rachel",
    "Raymond", "Rosa", "Ryan", "Samantha", "Sandra", "Shawn", "Sophia", "Tamara", "Terrence",
    "Tiffany", "Tyler", "Valerie", "Vanessa", "Victor", "Wendy", "Xavier", "Yolanda", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Alvarez", "Baker", "Bennett", "Brooks", "Brown", "Campbell", "Carter", "Castillo",
    "Chen", "Clark", "Coleman", "Collins", "Cooper", "Cruz", "Davis", "Diaz", "Edwards",
    "Evans", "Fisher", "Flores", "Foster", "Garcia", "Gomez", "Gonzalez", "Gray", "Green",
    "Griffin", "Hall", "Harris", "Hayes", "Henderson", "Hernandez", "Hughes", "Jackson",
    "James", "Jenkins", "Johnson", "Kelly", "Kim", "King", "Lee", "Lewis", "Long", "Lopez",
    "Martin", "Martinez", "Mitchell", "Moore", "Morales", "Morgan", "Murphy", "Nguyen",
    "Owens", "Parker", "Patel", "Perez", "Perry", "Phillips", "Powell", "Price", "Ramirez",
    "Reed", "Reyes", "Richardson", "Rivera", "Roberts", "Robinson", "Rodriguez", "Ross",
    "Russell", "Sanchez", "Sanders", "Scott", "Simmons", "Stewart", "Sullivan", "Taylor",
    "Thomas", "Thompson", "Torres", "Turner", "Walker", "Ward", "Washington", "Watson",
    "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
CORE_PRODUCTS = (
    "Super Pretzel", "Member's Mark Cold Brew", "Tillamook Cheddar Bites", "Chobani Greek Yogurt",
    "Bibigo Pork Dumplings", "Kind Protein Bars", "Sabra Classic Hummus", "Nongshim Shin Ramyun",
    "Tyson Chicken Bites", "Ghirardelli Brownie Mix", "Jimmy Dean Breakfast Bowls",
    "Celsius Sparkling Orange", "Orville Popcorn", "Kodiak Power Cakes", "Boursin Garlic & Herb",
    "Member's Mark Rotisserie Chicken", "Blue Diamond Almonds", "Quest Protein Chips",
    "Siete Grain Free Tortilla Chips", "Tattooed Chef Burrito Bowls", "Perdue Chicken Nuggets",
    "Hormel Black Label Bacon", "Daily Harvest Smoothies", "Bubly Sparkling Water",
    "Lenny & Larry's Cookies", "Crunchmaster Crackers", "Nature's Bakery Fig Bars",
    "Stouffer's Lasagna", "Kerrygold Butter", "Member's Mark Sourdough",
)  # fmt: skip
DIGITAL_CAMPAIGNS = (
    "Endcap Screens",
    "Holiday Gift Cards",
    "Membership Drive",
    "Fresh Bakery Display",
    "Tire Center Promo",
)
TIME_OFF_REASONS = ("Vacation", "Family visit", "Surgery recovery", "Jury duty", "Moving house")
UNAVAILABLE_REASONS = ("Dentist appointment", "Child's school event", "Car repair", "Class exam")


@dataclass(frozen=True)
class Store:
    number: str
    name: str
    location_id: str


STORES = (
    Store("8135", "Club 8135 Indianapolis", "11584"),
    Store("6508", "Club 6508 Fishers", "11602"),
)


@dataclass(frozen=True)
class EmployeeSpec:
    external_id: str
    rep_id: int
    name: str
    email: str
    phone: str
    job_title: str
    weekdays: frozenset[int]
    is_active: bool = True
    termination_date: dt.date | None = None

    def employed_on(self, day: dt.date) -> bool:
        return self.is_active and (self.termination_date is None or self.termination_date > day)


@dataclass(frozen=True)
class TimeOffSpec:
    external_id: str
    start_date: dt.date
    end_date: dt.date
    reason: str

    def days(self) -> list[dt.date]:
        n = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(n)]


@dataclass(frozen=True)
class UnavailableSpec:
    external_id: str
    date: dt.date
    reason: str


@dataclass(frozen=True)
class HolidaySpec:
    name: str
    date: dt.date | None = None
    month: int | None = None
    day: int | None = None

    def falls_on(self, day: dt.date) -> bool:
        if self.date is not None:
            return self.date == day
        return (self.month, self.day) == (day.month, day.day)


@dataclass(frozen=True)
class RotationSpec:
    weekday: int
    kind: str
    external_id: str


@dataclass(frozen=True)
class RotationExceptionSpec:
    date: dt.date
    kind: str
    external_id: str
    reason: str


@dataclass(frozen=True)
class EventSpec:
    project_ref_num: int
    project_name: str
    event_type: str
    event_number: str
    store: Store
    start_datetime: dt.datetime
    due_datetime: dt.datetime
    estimated_minutes: int
    sales_tool_url: str


@dataclass
class DemoData:
    employees: list[EmployeeSpec] = field(default_factory=list)
    time_off: list[TimeOffSpec] = field(default_factory=list)
    unavailable: list[UnavailableSpec] = field(default_factory=list)
    holidays: list[HolidaySpec] = field(default_factory=list)
    rotations: list[RotationSpec] = field(default_factory=list)
    rotation_exceptions: list[RotationExceptionSpec] = field(default_factory=list)
    events: list[EventSpec] = field(default_factory=list)


def build_demo_data(*, seed: int, today: dt.date, employees: int, weeks: int) -> DemoData:
    """The whole demo club for `seed`, as seen on `today`, with events for `weeks` weeks."""
    data = DemoData()
    data.holidays = holidays_for(today)
    data.employees = employee_specs(seed=seed, today=today, count=employees)
    data.rotations = rotation_specs(data.employees)
    _add_absences(data, seed=seed, today=today, weeks=weeks)
    data.events = event_specs(seed=seed, today=today, weeks=weeks, holidays=data.holidays)
    return data


def title_counts(count: int) -> dict[str, int]:
    """About 2 Club Supervisors, 5 Leads and 3 Juicer Baristas per 24 people, at least one each."""
    counts = {
        JobTitle.CLUB_SUPERVISOR: max(1, round(count * 2 / 24)),
        JobTitle.LEAD_EVENT_SPECIALIST: max(1, round(count * 5 / 24)),
        JobTitle.JUICER_BARISTA: max(1, round(count * 3 / 24)),
    }
    counts[JobTitle.EVENT_SPECIALIST] = count - sum(counts.values())
    return {str(title): n for title, n in counts.items()}


def employee_specs(*, seed: int, today: dt.date, count: int) -> list[EmployeeSpec]:
    rng = rng_for(seed, "employees")
    titles = [title for title, n in title_counts(count).items() for _ in range(n)]
    name_picks = rng.sample(range(len(FIRST_NAMES) * len(LAST_NAMES)), count)
    id_numbers = rng.sample(range(10_000, 100_000), count)
    phone_numbers = rng.sample(range(100, 10_000), count)
    weekday_sets = [_weekly_availability(rng, title) for title in titles]
    # The rotations need a Juicer Barista and a Lead who work each weekday.
    for group in (JobTitle.JUICER_BARISTA, JobTitle.LEAD_EVENT_SPECIALIST):
        _cover_every_weekday([s for s, t in zip(weekday_sets, titles, strict=True) if t == group])

    specs = []
    for i, title in enumerate(titles):
        first = FIRST_NAMES[name_picks[i] // len(LAST_NAMES)]
        last = LAST_NAMES[name_picks[i] % len(LAST_NAMES)]
        number = id_numbers[i]
        specs.append(
            EmployeeSpec(
                external_id=f"US1{number:05d}",
                rep_id=3_100_000 + number,
                name=f"{first} {last}",
                email=f"{first}.{last}.{number}@example.com".lower(),
                phone=f"317-555-{phone_numbers[i]:04d}",
                job_title=title,
                weekdays=frozenset(weekday_sets[i]),
            )
        )
    # A couple of Event Specialists on their way out: one already gone, one leaving soon.
    specialists = [i for i, t in enumerate(titles) if t == JobTitle.EVENT_SPECIALIST]
    if len(specialists) >= 3:
        gone, leaving = specialists[-1], specialists[-2]
        specs[gone] = replace(
            specs[gone], is_active=False, termination_date=today - dt.timedelta(days=21)
        )
        specs[leaving] = replace(specs[leaving], termination_date=today + dt.timedelta(days=10))
    return specs


def _weekly_availability(rng: random.Random, title: str) -> set[int]:
    if title == JobTitle.EVENT_SPECIALIST:
        days = rng.choices((3, 4, 5, 6), weights=(1, 2, 6, 1))[0]
    else:
        days = rng.choices((4, 5, 6), weights=(1, 6, 1))[0]
    return set(rng.sample(range(7), days))


def _cover_every_weekday(weekday_sets: list[set[int]]) -> None:
    """Make sure someone in the group works each weekday, adding it to the least-busy one.

    A group of one keeps its days: nobody works seven days a week for a demo.
    """
    if len(weekday_sets) < 2:
        return
    for weekday in range(7):
        if not any(weekday in s for s in weekday_sets):
            min(weekday_sets, key=len).add(weekday)


def rotation_specs(employees: list[EmployeeSpec]) -> list[RotationSpec]:
    """Each weekday's Juicer (a Juicer Barista) and Primary Lead (a Lead), spread evenly."""
    rotations = []
    for kind, title in (
        (RotationKind.JUICER, JobTitle.JUICER_BARISTA),
        (RotationKind.PRIMARY_LEAD, JobTitle.LEAD_EVENT_SPECIALIST),
    ):
        group = [e for e in employees if e.job_title == title and e.is_active]
        load = dict.fromkeys((e.external_id for e in group), 0)
        for weekday in range(7):
            available = [e for e in group if weekday in e.weekdays] or group
            chosen = min(available, key=lambda e: load[e.external_id])
            load[chosen.external_id] += 1
            rotations.append(RotationSpec(weekday, str(kind), chosen.external_id))
    return rotations


def _add_absences(data: DemoData, *, seed: int, today: dt.date, weeks: int) -> None:
    """Time off, unavailable dates and the rotation exceptions that cover for them."""
    rng = rng_for(seed, "absences", today)
    horizon = 7 * weeks
    people = [e for e in data.employees if e.employed_on(today)]
    for person in rng.sample(people, max(1, len(people) // 8)):
        start = today + dt.timedelta(days=rng.randint(1, horizon - 1))
        end = start + dt.timedelta(days=rng.randint(0, 4))
        data.time_off.append(
            TimeOffSpec(person.external_id, start, end, rng.choice(TIME_OFF_REASONS))
        )
    for person in rng.sample(people, max(1, len(people) // 6)):
        for offset in sorted(rng.sample(range(1, horizon), min(2, horizon - 1))):
            day = today + dt.timedelta(days=offset)
            data.unavailable.append(
                UnavailableSpec(person.external_id, day, rng.choice(UNAVAILABLE_REASONS))
            )

    # The rotation's Juicer misses one day and the Primary Lead another; a colleague covers.
    by_id = {e.external_id: e for e in data.employees}
    rotation = {(r.weekday, r.kind): r.external_id for r in data.rotations}
    taken_days: set[dt.date] = set()
    for kind, first_offset in ((RotationKind.JUICER, 3), (RotationKind.PRIMARY_LEAD, 8)):
        for offset in range(first_offset, first_offset + 7):
            day = today + dt.timedelta(days=offset)
            regular = by_id[rotation[(day.weekday(), kind)]]
            cover = next(
                (
                    e
                    for e in people
                    if e.job_title == regular.job_title
                    and e is not regular
                    and day.weekday() in e.weekdays
                    and not _is_absent(data, e.external_id, day)
                ),
                None,
            )
            if day in taken_days or cover is None or _is_absent(data, regular.external_id, day):
                continue
            if any(h.falls_on(day) for h in data.holidays):
                continue
            first_name = regular.name.split()[0]
            reason = rng.choice(UNAVAILABLE_REASONS)
            data.unavailable.append(UnavailableSpec(regular.external_id, day, reason))
            data.rotation_exceptions.append(
                RotationExceptionSpec(
                    day, str(kind), cover.external_id, f"Covering for {first_name} ({reason})"
                )
            )
            taken_days.add(day)
            break


def _is_absent(data: DemoData, external_id: str, day: dt.date) -> bool:
    return any(
        t.external_id == external_id and t.start_date <= day <= t.end_date for t in data.time_off
    ) or any(u.external_id == external_id and u.date == day for u in data.unavailable)


def thanksgiving(year: int) -> dt.date:
    """The fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3)


def holidays_for(today: dt.date) -> list[HolidaySpec]:
    """Recurring Christmas, New Year and July 4; the coming Thanksgiving as a fixed date."""
    coming = thanksgiving(today.year)
    if coming < today:
        coming = thanksgiving(today.year + 1)
    return [
        HolidaySpec("New Year's Day", month=1, day=1),
        HolidaySpec("Independence Day", month=7, day=4),
        HolidaySpec("Christmas Day", month=12, day=25),
        HolidaySpec(f"Thanksgiving {coming.year}", date=coming),
    ]


# Within one store-day, each event has a fixed slot: Core i is slot i, its Supervisor
# 10 + i, and each other type its own slot, so the same day always gives the same ids.
_SUPERVISOR_SLOT = 10
_OTHER_SLOTS: dict[str, tuple[int, float, str]] = {
    # type: (slot, chance per store-day, name after the event number)
    EventType.JUICER_PRODUCTION: (20, 0.85, "JUICER-Production Fresh Juice Bar"),
    EventType.JUICER_SURVEY: (21, 0.3, "JUICER-SURVEY Member Juice Survey"),
    EventType.FREEOSK: (22, 0.35, "FREEOSK-Sample Kiosk Refill"),
    EventType.DIGITAL_SETUP: (23, 0.15, "DIGITAL SETUP-{campaign}"),
    EventType.DIGITAL_REFRESH: (24, 0.15, "DIGITAL REFRESH-{campaign}"),
    EventType.DIGITAL_TEARDOWN: (25, 0.15, "DIGITAL TEARDOWN-{campaign}"),
    EventType.DIGITALS: (26, 0.1, "DIGITALS-{campaign}"),
    EventType.OTHER: (27, 0.1, "Store Walkthrough"),
}
_SLOTS_PER_STORE = 40
_EPOCH = dt.date(2020, 1, 1)


def event_specs(
    *, seed: int, today: dt.date, weeks: int, holidays: list[HolidaySpec]
) -> list[EventSpec]:
    """Events whose windows open on each non-holiday day of the coming `weeks` weeks.

    The first open day of the first store has one event of every type, so a short demo
    still shows them all.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    days = [today + dt.timedelta(days=i) for i in range(7 * weeks)]
    open_days = [d for d in days if not any(h.falls_on(d) for h in holidays)]
    specs: list[EventSpec] = []
    for day in open_days:
        for store_index, store in enumerate(STORES):
            every_type = day == open_days[0] and store_index == 0
            specs.extend(_store_day(seed, day, store_index, store, tz, every_type=every_type))
    return specs


def _store_day(
    seed: int, day: dt.date, store_index: int, store: Store, tz: ZoneInfo, *, every_type: bool
) -> list[EventSpec]:
    rng = rng_for(seed, "events", day, store.number)
    base = (day - _EPOCH).days * 100 + store_index * _SLOTS_PER_STORE
    midnight = dt.datetime.combine(day, dt.time.min)

    def make(slot: int, tail: str, expected: str, *, number_slot: int | None = None) -> EventSpec:
        number = 600_000 + (base + (slot if number_slot is None else number_slot)) % 400_000
        name = f"{number}-{tail}"
        detected = detect_event_type(name)
        if detected != expected:
            raise ValueError(f"Demo event name {name!r} is detected as {detected}, not {expected}.")
        return EventSpec(
            project_ref_num=40_000_000 + base + slot,
            project_name=name,
            event_type=expected,
            event_number=event_number(name),
            store=store,
            start_datetime=timezone.make_aware(midnight, tz),
            due_datetime=timezone.make_aware(midnight + window[slot], tz),
            estimated_minutes=default_minutes(expected),
            sales_tool_url=f"https://salestools.example.com/events/{number}.pdf",
        )

    # Draw every number whether or not its event is made, so the stream never shifts.
    products = rng.sample(CORE_PRODUCTS, rng.randint(4, 8))
    window = {slot: dt.timedelta(days=rng.randint(3, 7)) for slot in range(_SLOTS_PER_STORE)}
    campaign = rng.choice(DIGITAL_CAMPAIGNS)
    specs = []
    for i, product in enumerate(products):
        window[_SUPERVISOR_SLOT + i] = window[i]
        specs.append(make(i, f"CORE-{product}", EventType.CORE))
        specs.append(
            make(_SUPERVISOR_SLOT + i, f"Supervisor-{product}", EventType.SUPERVISOR, number_slot=i)
        )
    for event_type, (slot, chance, tail) in _OTHER_SLOTS.items():
        if rng.random() < chance or every_type:
            specs.append(make(slot, tail.format(campaign=campaign), event_type))
    return specs
