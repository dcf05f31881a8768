"""One provider-neutral synthetic company that every provider sandbox renders in its own API shape.

The same `Company` served through Sage HR, PeopleHR and Sesame sandboxes should normalise to the
same unified records, so tests can compare connectors. Generation is deterministic for a given
`seed`, size and `as_of` date, and per employee: each employee draws from a generator seeded by
(seed, employee key), so adding or editing one employee never reshuffles the others.

Realistic variety: leavers (with reasons) and future starters, part-timers and contractors, several
currencies and 12/14 payments a year, half-day and hourly time off, pending/declined/cancelled
requests, non-ASCII names and optional fields missing. Mutations (`edit_employee`, `delete_employee`,
`add_time_off_request`, ...) change the tenant between syncs and bump `version`.
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

FIRST_NAMES = [
    "Oskar",
    "Ida",
    "Callum",
    "Nadia",
    "Jordi",
    "Zoë",
    "Łukasz",
    "Søren",
    "José",
    "Amélie",
    "Siobhán",
    "Mateo",
    "Priya",
    "Chloé",
    "Björn",
    "Aoife",
    "Kwame",
    "Lucía",
    "Henrik",
    "Fatima",
    "Dmitri",
    "Niamh",
    "François",
    "Émile",
    "Ana",
    "Tomás",
    "Greta",
    "Yusuf",
    "Maëlle",
    "Ólafur",
    "Marta",
    "Leon",
    "Hannah",
    "Raúl",
    "Ines",
    "Wojciech",
    "Elif",
    "Sven",
    "Grace",
    "Hugo",
]
LAST_NAMES = [
    "Berg",
    "Lund",
    "Price",
    "Okafor",
    "Puig",
    "Müller",
    "Kowalski",
    "Jørgensen",
    "García",
    "Dubois",
    "O'Brien",
    "Fernández",
    "Patel",
    "Lefèvre",
    "Andersson",
    "Murphy",
    "Mensah",
    "Núñez",
    "Nilsson",
    "Haddad",
    "Ivanov",
    "Byrne",
    "Rousseau",
    "Smith",
    "Ólafsdóttir",
    "Vila",
    "Schäfer",
    "Yılmaz",
    "Costa",
    "Novak",
]
SECOND_LAST_NAMES = ["Vila", "Soler", "Martí", "Roca", "Serra", "López", "Pérez", "Gil"]
DEPARTMENT_NAMES = [
    "Engineering",
    "Sales",
    "Customer Success",
    "Finance",
    "People",
    "Operations",
    "Marketing",
    "Legal",
    "Product",
    "Logistics",
    "Support",
    "Compras",
    "Data",
    "Facilities",
    "Procurement",
    "Quality",
]
JOB_TITLES = {
    "Engineering": ["Software Engineer", "Senior Engineer", "Engineering Manager", "QA Analyst"],
    "Sales": ["Account Executive", "Sales Manager", "SDR"],
    "Customer Success": ["Support Lead", "Customer Success Manager", "Onboarding Specialist"],
    "Finance": ["Accountant", "Financial Controller", "Payroll Specialist"],
    "People": ["HR Business Partner", "Recruiter", "People Ops Lead"],
    "Operations": ["Warehouse Supervisor", "Operations Analyst", "Shift Lead"],
}
CITIES = [
    ("Leeds", "GB", "Europe/London", "GBP", 53.8008, -1.5491),
    ("Bristol", "GB", "Europe/London", "GBP", 51.4545, -2.5879),
    ("Barcelona", "ES", "Europe/Madrid", "EUR", 41.3947, 2.1569),
    ("Madrid", "ES", "Europe/Madrid", "EUR", 40.4168, -3.7038),
    ("Dublin", "IE", "Europe/Dublin", "EUR", 53.3498, -6.2603),
    ("Lyon", "FR", "Europe/Paris", "EUR", 45.7640, 4.8357),
    ("Boston", "US", "America/New_York", "USD", 42.3601, -71.0589),
    ("Kraków", "PL", "Europe/Warsaw", "PLN", 50.0647, 19.9450),
]
#: The company keeps nationality as an ISO country code; APIs that send text use these demonyms.
DEMONYMS = {
    "GB": "British",
    "ES": "Spanish",
    "IE": "Irish",
    "FR": "French",
    "DE": "German",
    "PL": "Polish",
    "NO": "Norwegian",
    "PT": "Portuguese",
    "IT": "Italian",
    "US": "American",
    "NL": "Dutch",
    "SE": "Swedish",
}
NATIONALITIES = list(DEMONYMS)
TERMINATION_REASONS = [
    ("New job", "voluntary"),
    ("Relocation", "voluntary"),
    ("Redundancy", "involuntary"),
    ("Dismissal", "involuntary"),
    ("Retirement", "retirement"),
    ("End of contract", "end_of_contract"),
]
NOTES = ["Family trip", "Cornwall", "Wedding", "Dentist", "Moving house", "", "Revisión dental", "Skiing", ""]


@dataclass(frozen=True)
class TimeOffType:
    key: int
    uid: str
    name: str
    category: str  # unified category, e.g. VACATION
    unit: str  # "days" | "hours"
    paid: bool
    half_days: bool
    requires_approval: bool


TIME_OFF_TYPES = [
    ("Holiday", "VACATION", "days", True, True, True),
    ("Sick leave", "SICK", "days", True, True, False),
    ("Medical appointment", "PERSONAL", "hours", True, False, True),
    ("Parental leave", "PARENTAL", "days", True, False, True),
    ("Unpaid leave", "UNPAID", "days", False, True, True),
    ("Time in lieu", "TIME_IN_LIEU", "hours", True, False, True),
]


@dataclass(slots=True)
class Department:
    key: int
    uid: str
    name: str
    code: str
    parent_key: int | None = None
    manager_keys: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Location:
    key: int
    uid: str
    name: str
    street: str
    city: str
    postal_code: str
    country: str
    timezone: str
    currency: str
    latitude: float
    longitude: float


@dataclass(slots=True)
class JobPeriod:
    start: date
    end: date | None
    title: str
    department_key: int
    time_type: str  # "full_time" | "part_time"
    manager_key: int | None


@dataclass(slots=True)
class Compensation:
    key: int
    uid: str
    employee_key: int
    kind: str  # "salary" | "allowance" | "hourly"
    name: str
    amount: Decimal
    currency: str
    period: str  # "year" | "month" | "hour"
    payments_per_year: int
    start: date
    end: date | None
    note: str
    created_at: datetime


@dataclass(slots=True)
class TimeOffRequest:
    key: int
    uid: str
    employee_key: int
    type_key: int
    status: str  # "approved" | "pending" | "declined" | "cancelled"
    start: date
    end: date
    part_of_day: str | None  # None (full days) | "morning" | "afternoon" | "hours"
    hours: Decimal
    days: Decimal
    note: str
    approver_note: str
    requested_at: datetime
    decided_at: datetime | None
    approver_key: int | None
    updated_at: datetime
    kind: str = "create"  # "create" | "delete" (a request to cancel granted days, Sesame)
    cancels_key: int | None = None
    deleted_at: datetime | None = None  # soft deletion (Sesame keeps deleted requests with `deletedAt`)


@dataclass(slots=True)
class WorkEntry:
    key: int
    uid: str
    employee_key: int
    clock_in: datetime
    clock_out: datetime | None
    kind: str  # "work" | "pause"
    location_key: int | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    #: Breaks taken inside the entry (start, end): the entry still runs from clock-in to clock-out.
    breaks: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass(slots=True)
class Benefit:
    key: int
    uid: str
    employee_key: int
    name: str
    value: Decimal
    awarded: date
    expires: date | None
    recover_on_termination: bool
    note: str


#: Fixed-date public holidays per country (month, day, name), the days every calendar year has.
FIXED_HOLIDAYS = {
    "GB": [(1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")],
    "ES": [
        (1, 1, "Año Nuevo"),
        (1, 6, "Epifanía del Señor"),
        (5, 1, "Fiesta del Trabajo"),
        (8, 15, "Asunción de la Virgen"),
        (10, 12, "Fiesta Nacional de España"),
        (12, 25, "Navidad"),
    ],
    "IE": [(1, 1, "New Year's Day"), (3, 17, "Saint Patrick's Day"), (12, 25, "Christmas Day")],
    "FR": [(1, 1, "Jour de l'an"), (5, 1, "Fête du Travail"), (7, 14, "Fête nationale"), (12, 25, "Noël")],
    "US": [(1, 1, "New Year's Day"), (7, 4, "Independence Day"), (12, 25, "Christmas Day")],
    "PL": [(1, 1, "Nowy Rok"), (5, 3, "Święto Konstytucji 3 Maja"), (11, 11, "Narodowe Święto Niepodległości")],
}


def public_holidays(country: str, year: int) -> list[tuple[date, str]]:
    """A country's public holidays of a year: its fixed-date days plus, for GB and IE, the first
    Monday of May (the early May bank holiday / May Day)."""
    days = [(date(year, month, day), name) for month, day, name in FIXED_HOLIDAYS.get(country, [])]
    if country in ("GB", "IE"):
        first_monday = date(year, 5, 1) + timedelta(days=(7 - date(year, 5, 1).weekday()) % 7)
        days.append((first_monday, "Early May bank holiday" if country == "GB" else "May Day"))
    return sorted(days)


@dataclass(slots=True)
class HolidayCalendar:
    key: int
    uid: str
    name: str
    country: str
    days: list[tuple[date, str]]


@dataclass(slots=True)
class Employee:
    key: int
    uid: str
    employee_number: str
    first_name: str
    last_name: str
    second_last_name: str | None
    middle_name: str | None
    preferred_name: str | None
    email: str
    personal_email: str | None
    mobile: str | None
    work_phone: str | None
    gender: str  # "male" | "female" | "non_binary" | "not_specified"
    marital_status: str | None
    nationality: str | None
    date_of_birth: date | None
    start_date: date
    termination_date: date | None
    termination_reason: int | None  # index into Company.termination_reasons
    termination_comment: str | None
    location_key: int
    worker_type: str  # "employee" | "contractor" | "intern"
    weekly_hours: Decimal
    street: str | None
    city: str | None
    postal_code: str | None
    country: str | None
    custom_fields: dict[str, Any]
    history: list[JobPeriod]
    created_at: datetime
    updated_at: datetime
    compensations: list[Compensation] = field(default_factory=list)
    requests: list[TimeOffRequest] = field(default_factory=list)
    work_entries: list[WorkEntry] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)
    #: Departments the employee also belongs to besides `department_key` (Sesame allows several).
    secondary_department_keys: list[int] = field(default_factory=list)
    home_phone: str | None = None
    probation_end: date | None = None
    #: Sensitive identifiers (test values only): national insurance / social security number, identity
    #: document number (DNI/NIE and the like; None where the country has none), tax number, bank account.
    national_insurance: str | None = None
    national_id: str | None = None
    tax_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None

    @property
    def current(self) -> JobPeriod:
        return self.history[-1]

    @property
    def job_title(self) -> str:
        return self.current.title

    @property
    def department_key(self) -> int:
        return self.current.department_key

    @property
    def manager_key(self) -> int | None:
        return self.current.manager_key

    @property
    def time_type(self) -> str:
        return self.current.time_type

    def status(self, as_of: date) -> str:
        """ "active", "inactive" (left on or before `as_of`) or "pending" (future starter)."""
        if self.termination_date is not None and self.termination_date <= as_of:
            return "inactive"
        if self.start_date > as_of:
            return "pending"
        return "active"


def _uid(seed: int, kind: str, key: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hris-sandbox:{seed}:{kind}:{key}"))


def _business_days(start: date, end: date) -> int:
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return max(days, 1)


def _working_day_from(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


class Company:
    """A synthetic tenant. Build with `Company.generate(...)`; mutate with the methods below."""

    def __init__(self, seed: int, as_of: date, years: int, name: str, subdomain: str) -> None:
        self.seed = seed
        self.as_of = as_of
        self.years = years
        self.name = name
        self.subdomain = subdomain
        self.uid = _uid(seed, "company", 0)
        self.created_at = _at(as_of - timedelta(days=365 * (years + 2)), 9)
        self.departments: list[Department] = []
        self.locations: list[Location] = []
        self.time_off_types = [
            TimeOffType(i + 1, _uid(seed, "time_off_type", i + 1), *spec)
            for i, spec in enumerate(TIME_OFF_TYPES)
        ]
        self.termination_reasons = list(TERMINATION_REASONS)
        self.employees: dict[int, Employee] = {}
        self.version = 0
        self.lock = threading.RLock()
        self._next_keys: dict[str, int] = {}

    # -- generation ---------------------------------------------------------------------------
    @classmethod
    def generate(
        cls,
        employees: int = 50,
        seed: int = 1,
        years: int = 3,
        as_of: date | None = None,
        work_entry_days: int = 10,
        name: str = "Nordlys Trading Ltd",
        subdomain: str = "nordlys",
    ) -> Company:
        company = cls(seed, as_of or date.today(), years, name, subdomain)
        rng = random.Random(seed)
        n_departments = max(4, min(len(DEPARTMENT_NAMES), employees // 25 + 3))
        for i in range(n_departments):
            dept_name = DEPARTMENT_NAMES[i]
            company.departments.append(
                Department(
                    i + 1, _uid(seed, "department", i + 1), dept_name, dept_name[:3].upper() + str(i + 1)
                )
            )
        for i in range(max(2, min(len(CITIES), employees // 60 + 2))):
            city, country, tz, currency, lat, lon = CITIES[i]
            company.locations.append(
                Location(
                    i + 1,
                    _uid(seed, "location", i + 1),
                    f"{city} Office",
                    f"{rng.randint(1, 200)} High Street",
                    city,
                    f"{rng.randint(10, 99)}{rng.randint(100, 999)}",
                    country,
                    tz,
                    currency,
                    lat,
                    lon,
                )
            )
        # Sub-departments make a small hierarchy.
        for dept in company.departments[4:]:
            if rng.random() < 0.3:
                dept.parent_key = rng.randint(1, 4)
        for key in range(1, employees + 1):
            company.employees[key] = company._generate_employee(key, work_entry_days)
        # Managers: the first employees of each department lead it.
        for dept in company.departments:
            members = [e.key for e in company.employees.values() if e.department_key == dept.key]
            dept.manager_keys = members[:1]
        return company

    def _generate_employee(self, key: int, work_entry_days: int) -> Employee:
        seed, as_of = self.seed, self.as_of
        rng = random.Random(seed * 1_000_003 + key)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        location = self.locations[(key - 1) % len(self.locations)] if key > 1 else self.locations[0]
        spanish = location.country == "ES"
        history_start = as_of - timedelta(days=365 * self.years)
        roll = rng.random()
        if key == 1:
            start = history_start - timedelta(days=900)
        elif roll < 0.03:  # future starter
            start = as_of + timedelta(days=rng.randint(5, 60))
        else:
            start = history_start - timedelta(days=rng.randint(-300 * self.years, 1500))
        termination = None
        reason = None
        if key > 3 and start < as_of and rng.random() < 0.12:
            termination = min(as_of + timedelta(days=rng.randint(-700, 30)), as_of + timedelta(days=30))
            termination = max(termination, start + timedelta(days=60))
            reason = rng.randrange(len(self.termination_reasons))
        worker_type = "employee" if rng.random() < 0.9 else rng.choice(["contractor", "intern"])
        part_time = rng.random() < 0.18
        dept_key = rng.randint(1, len(self.departments))
        dept_name = self.departments[dept_key - 1].name
        titles = JOB_TITLES.get(dept_name, [f"{dept_name} Specialist", f"{dept_name} Lead"])
        manager = (
            None if key <= len(self.departments) else rng.randint(1, min(key - 1, len(self.departments)))
        )
        history = [
            JobPeriod(
                start, None, rng.choice(titles), dept_key, "part_time" if part_time else "full_time", manager
            )
        ]
        # Promotions and moves.
        cursor = start + timedelta(days=rng.randint(300, 900))
        end_of_story = termination or as_of
        while cursor < end_of_story and rng.random() < 0.6:
            prev = history[-1]
            prev.end = cursor - timedelta(days=1)
            new_dept = prev.department_key if rng.random() < 0.7 else rng.randint(1, len(self.departments))
            new_titles = JOB_TITLES.get(self.departments[new_dept - 1].name, [prev.title])
            title = rng.choice(new_titles)
            # A draw that once switched the time type: the working hours stay the employee's own for
            # the whole history (`weekly_hours`), so every period keeps the time type too. Still drawn,
            # so that no other generated value moved.
            rng.random()
            history.append(JobPeriod(cursor, None, title, new_dept, prev.time_type, prev.manager_key))
            cursor += timedelta(days=rng.randint(300, 900))
        if termination is not None:
            history[-1].end = termination
        dob = (
            date(rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() > 0.05
            else None
        )
        login = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        created = _at(min(start, as_of) - timedelta(days=rng.randint(5, 40)), 9, rng.randint(0, 59))
        employee = Employee(
            key=key,
            uid=_uid(seed, "employee", key),
            employee_number=f"E{key:05d}",
            first_name=first,
            last_name=last,
            second_last_name=rng.choice(SECOND_LAST_NAMES) if spanish else None,
            middle_name=rng.choice(FIRST_NAMES) if rng.random() < 0.1 else None,
            preferred_name=first[:3] if rng.random() < 0.1 else None,
            email=f"{login}.{key}@{self.subdomain}.example",
            personal_email=f"{login}{key}@mail.example" if rng.random() < 0.6 else None,
            mobile=f"+44 7700 9{key % 100000:05d}" if rng.random() < 0.85 else None,
            work_phone=f"+44 161 555 {key % 10000:04d}" if rng.random() < 0.5 else None,
            gender=rng.choices(["male", "female", "non_binary", "not_specified"], [46, 46, 3, 5])[0],
            marital_status=rng.choice(["single", "married", "divorced", "civil_partnership", None]),
            nationality=rng.choice(NATIONALITIES) if rng.random() > 0.1 else None,
            date_of_birth=dob,
            start_date=start,
            termination_date=termination,
            termination_reason=reason,
            termination_comment=rng.choice(["Moved to a competitor", "", "Agreed exit"])
            if termination
            else None,
            location_key=location.key,
            worker_type=worker_type,
            weekly_hours=Decimal("20") if part_time else Decimal("37.5"),
            street=f"{rng.randint(1, 99)} Mill Lane" if rng.random() > 0.1 else None,
            city=location.city,
            postal_code=f"LS{rng.randint(1, 9)} {rng.randint(1, 9)}DY" if rng.random() > 0.1 else None,
            country=location.country,
            custom_fields={"T-shirt size": rng.choice(["S", "M", "L", "XL"])}
            | (
                {"Dietary requirements": rng.choice(["Vegetarian", "None", "Halal"])}
                if rng.random() < 0.5
                else {}
            ),
            history=history,
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, 400)),
        )
        self._generate_compensations(employee, rng, location)
        self._generate_requests(employee, rng)
        self._generate_work_entries(employee, rng, work_entry_days)
        self._generate_benefits(employee, rng)
        self._generate_secondary_departments(employee)
        self._generate_identity(employee)
        self._generate_breaks(employee)
        return employee

    def _generate_identity(self, emp: Employee) -> None:
        """Home phone, probation end and the sensitive identifiers, drawn from their own generator so
        that adding them did not change any other generated value. The numbers are test values only
        (national insurance numbers use the never-issued ``QQ`` prefix, IBANs the check digits 00)."""
        rng = random.Random(f"{self.seed}:{emp.key}:identity")
        n = rng.randrange(10**8)
        country = emp.country or "GB"
        emp.home_phone = f"+44 113 496 {emp.key % 10000:04d}" if rng.random() < 0.4 else None
        emp.probation_end = emp.start_date + timedelta(days=rng.choice([90, 182])) if rng.random() < 0.8 else None
        if rng.random() < 0.9:
            emp.national_insurance = (
                f"QQ{n % 10**6:06d}{'ABCD'[n % 4]}" if country in ("GB", "IE") else f"{n % 100:02d}{n:08d}{n % 97:02d}"
            )
        if country not in ("GB", "IE", "US"):
            emp.national_id = f"{n:08d}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"
        if rng.random() < 0.7:
            emp.tax_id = emp.national_id or f"{n:010d}"
        if rng.random() < 0.8:
            emp.iban = f"{country}00TEST{n:014d}"
            emp.bic = f"TEST{country}2X"
            emp.bank_name = "Test Bank"

    def _generate_breaks(self, emp: Employee) -> None:
        """A lunch break in about two work entries of three, from its own generator; a break that
        would not lie inside its entry (a part-timer who clocks out before lunch) is not taken."""
        rng = random.Random(f"{self.seed}:{emp.key}:breaks")
        for entry in emp.work_entries:
            if entry.clock_out is not None and rng.random() < 0.65:
                start = entry.clock_in.replace(hour=12, minute=rng.choice([0, 15, 30]))
                end = start + timedelta(minutes=rng.choice([30, 45, 60]))
                if entry.clock_in < start and end < entry.clock_out:
                    entry.breaks = [(start, end)]

    def _generate_secondary_departments(self, emp: Employee) -> None:
        """About one employee in twelve also belongs to a second department. Drawn from its own
        generator so that adding this did not change any other generated value."""
        rng = random.Random(f"{self.seed}:{emp.key}:secondary-departments")
        if len(self.departments) > 1 and rng.random() < 0.08:
            others = [d.key for d in self.departments if d.key != emp.department_key]
            emp.secondary_department_keys = [rng.choice(others)]

    def _key(self, kind: str, employee_key: int, index: int) -> int:
        """Stable per-employee object keys: employee key * 1000 + index (up to 999 objects each)."""
        return employee_key * 1000 + index

    def _generate_compensations(self, emp: Employee, rng: random.Random, location: Location) -> None:
        currency = location.currency
        payments = 14 if location.country == "ES" and rng.random() < 0.7 else 12
        hourly = emp.worker_type == "contractor" or (emp.time_type == "part_time" and rng.random() < 0.5)
        amount = (
            Decimal(rng.randrange(24000, 90000, 500))
            if not hourly
            else Decimal(rng.randrange(1500, 6000)) / 100
        )
        start = emp.start_date
        end_of_story = emp.termination_date or self.as_of
        index = 0
        rows: list[Compensation] = []
        while True:
            index += 1
            rows.append(
                Compensation(
                    self._key("comp", emp.key, index),
                    _uid(self.seed, "compensation", emp.key * 1000 + index),
                    emp.key,
                    "hourly" if hourly else "salary",
                    "Base salary",
                    amount,
                    currency,
                    "hour" if hourly else ("month" if rng.random() < 0.2 and not hourly else "year"),
                    1 if hourly else payments,
                    start,
                    None,
                    "Starting salary" if index == 1 else rng.choice(["Annual review", "Promotion", ""]),
                    _at(start - timedelta(days=7), 10),
                )
            )
            if rows[-1].period == "month":
                # a monthly salary is paid twelve times: amount x 12 is the year's pay in every API
                rows[-1].amount = (amount / 12).quantize(Decimal("0.01"))
                rows[-1].payments_per_year = 12
            start = start + timedelta(days=rng.randint(330, 760))
            if start >= end_of_story:
                break
            rows[-1].end = start - timedelta(days=1)
            amount = (amount * Decimal(rng.choice(["1.03", "1.05", "1.08"]))).quantize(Decimal("0.01"))
        if emp.termination_date is not None:
            rows[-1].end = emp.termination_date
        if rng.random() < 0.15:
            index += 1
            rows.append(
                Compensation(
                    self._key("comp", emp.key, index),
                    _uid(self.seed, "compensation", emp.key * 1000 + index),
                    emp.key,
                    "allowance",
                    "Shift allowance",
                    Decimal(rng.randrange(600, 2400, 100)),
                    currency,
                    "year",
                    payments,
                    rows[-1].start,
                    rows[-1].end,
                    "",
                    _at(rows[-1].start, 10),
                )
            )
        emp.compensations = rows

    def _generate_requests(self, emp: Employee, rng: random.Random) -> None:
        first = max(emp.start_date, self.as_of - timedelta(days=365 * self.years))
        last = min(
            emp.termination_date or (self.as_of + timedelta(days=120)), self.as_of + timedelta(days=120)
        )
        if first >= last:
            return
        index = 0
        day = first + timedelta(days=rng.randint(10, 60))
        while day < last and index < 900:
            index += 1
            type_index = rng.choices(range(len(self.time_off_types)), [55, 20, 12, 2, 4, 7])[0]
            typ = self.time_off_types[type_index]
            part = None
            hours = Decimal(0)
            if typ.unit == "hours":
                part = "hours"
                length = 1
                hours = Decimal(rng.choice([1, 2, 2.5, 3, 4]))
            elif typ.category == "PARENTAL":
                length = rng.randint(60, 180)
            else:
                length = rng.choice([1, 1, 2, 3, 5, 5, 10])
                if length == 1 and typ.half_days and rng.random() < 0.3:
                    part = rng.choice(["morning", "afternoon"])
            start = _working_day_from(day)  # leave starts on a working day (Monday to Friday)
            if start > last:
                break
            end = min(start + timedelta(days=length - 1), last)
            days = Decimal(_business_days(start, end))
            if part in ("morning", "afternoon"):
                days = Decimal("0.5")
            if typ.unit == "days":
                hours = days * (emp.weekly_hours / 5)
            else:
                days = Decimal(0)
            requested = _at(start - timedelta(days=rng.randint(1, 45)), 8, rng.randint(0, 59))
            future = start > self.as_of
            status = rng.choices(
                ["approved", "pending", "declined", "cancelled"], [70, 20, 5, 5] if future else [86, 2, 6, 6]
            )[0]
            if typ.category == "SICK" and not future:
                status = "approved"
            decided = None if status == "pending" else requested + timedelta(hours=rng.randint(1, 72))
            approver = emp.manager_key if status != "pending" else None
            emp.requests.append(
                TimeOffRequest(
                    self._key("req", emp.key, index),
                    _uid(self.seed, "time_off_request", emp.key * 1000 + index),
                    emp.key,
                    typ.key,
                    status,
                    start,
                    end,
                    part,
                    hours.quantize(Decimal("0.01")),
                    days,
                    rng.choice(NOTES),
                    "" if status != "declined" else "Team at capacity",
                    requested,
                    decided,
                    approver,
                    decided or requested,
                )
            )
            day = end + timedelta(days=rng.randint(20, 70))

    def _generate_work_entries(self, emp: Employee, rng: random.Random, days: int) -> None:
        if days <= 0 or emp.status(self.as_of) != "active":
            return
        index = 0
        for offset in range(days, 0, -1):
            day = self.as_of - timedelta(days=offset)
            if day.weekday() >= 5 or rng.random() < 0.1:
                continue
            index += 1
            clock_in = _at(day, rng.randint(7, 9), rng.randint(0, 59))
            hours = float(emp.weekly_hours) / 5
            clock_out = clock_in + timedelta(hours=hours, minutes=rng.randint(-20, 40))
            emp.work_entries.append(
                WorkEntry(
                    self._key("we", emp.key, index),
                    _uid(self.seed, "work_entry", emp.key * 1000 + index),
                    emp.key,
                    clock_in,
                    clock_out,
                    "work",
                    emp.location_key,
                    clock_in,
                    clock_out,
                )
            )

    def _generate_benefits(self, emp: Employee, rng: random.Random) -> None:
        choices = [
            ("Private medical", "HEALTH"),
            ("Pension", "PENSION"),
            ("Company car", "CAR"),
            ("Cycle to work", "TRANSPORT"),
        ]
        for index in range(1, rng.choice([0, 0, 1, 2, 3]) + 1):
            name = choices[(index - 1) % len(choices)][0]
            awarded = emp.start_date + timedelta(days=rng.randint(0, 300))
            emp.benefits.append(
                Benefit(
                    self._key("benefit", emp.key, index),
                    _uid(self.seed, "benefit", emp.key * 1000 + index),
                    emp.key,
                    name,
                    Decimal(rng.randrange(200, 5000, 50)),
                    awarded,
                    awarded + timedelta(days=365 * 3) if rng.random() < 0.3 else None,
                    rng.random() < 0.2,
                    "",
                )
            )

    # -- queries ------------------------------------------------------------------------------
    def employee_list(self) -> list[Employee]:
        with self.lock:
            return sorted(self.employees.values(), key=lambda e: e.key)

    def active_employees(self) -> list[Employee]:
        return [e for e in self.employee_list() if e.status(self.as_of) != "inactive"]

    def terminated_employees(self) -> list[Employee]:
        return [e for e in self.employee_list() if e.status(self.as_of) == "inactive"]

    def all_requests(self) -> list[TimeOffRequest]:
        return [r for e in self.employee_list() for r in e.requests]

    def entitlement(self, emp: Employee, typ: TimeOffType, year: int) -> Decimal | None:
        """The employee's allowance of a type for a calendar year, in the type's unit; None for a type
        that is not tracked. Only holiday (VACATION) is tracked: 25 days for a full-time week,
        pro rata to the weekly hours (not to a part year), the same in every provider's sandbox."""
        del year  # the same every year
        if typ.category != "VACATION":
            return None
        return (Decimal(25) * emp.weekly_hours / Decimal("37.5")).quantize(Decimal("0.01"))

    def used(self, emp: Employee, typ: TimeOffType, year: int) -> Decimal:
        """Approved time off of a type starting in a calendar year (days or hours, the type's unit),
        not counting deleted requests nor requests that only cancel granted days."""
        return sum(
            (
                r.days if typ.unit == "days" else r.hours
                for r in emp.requests
                if r.type_key == typ.key
                and r.status == "approved"
                and r.kind == "create"
                and r.deleted_at is None
                and r.start.year == year
            ),
            Decimal(0),
        )

    @cached_property
    def holiday_calendars(self) -> list[HolidayCalendar]:
        """One public-holiday calendar per country of the company's locations, in location order
        (built once: the locations do not change after generation)."""
        countries = list(dict.fromkeys(location.country for location in self.locations))
        years = range(self.as_of.year - self.years, self.as_of.year + 2)
        return [
            HolidayCalendar(
                i + 1,
                _uid(self.seed, "holiday_calendar", i + 1),
                f"{country} public holidays",
                country,
                [day for year in years for day in public_holidays(country, year)],
            )
            for i, country in enumerate(countries)
        ]

    def calendar_of(self, emp: Employee) -> HolidayCalendar:
        """The calendar an employee follows: the one of their work location's country."""
        country = self.location(emp.location_key).country
        return next(c for c in self.holiday_calendars if c.country == country)

    def department(self, key: int) -> Department:
        return self.departments[key - 1]

    def location(self, key: int) -> Location:
        return self.locations[key - 1]

    def time_off_type(self, key: int) -> TimeOffType:
        return self.time_off_types[key - 1]

    def counts(self) -> dict[str, int]:
        """Object counts, for tests that compare a sync with the sandbox."""
        emps = self.employee_list()
        return {
            "employees": len(emps),
            "active_employees": sum(1 for e in emps if e.status(self.as_of) != "inactive"),
            "terminated_employees": sum(1 for e in emps if e.status(self.as_of) == "inactive"),
            "departments": len(self.departments),
            "locations": len(self.locations),
            "time_off_types": len(self.time_off_types),
            "time_off_requests": sum(len(e.requests) for e in emps),
            "compensations": sum(len(e.compensations) for e in emps),
            "employments": sum(len(e.history) for e in emps),
            "work_entries": sum(1 for e in emps for w in e.work_entries if w.deleted_at is None),
            "benefits": sum(len(e.benefits) for e in emps),
        }

    # -- mutations ----------------------------------------------------------------------------
    def _touch(self) -> datetime:
        self.version += 1
        return datetime.now(UTC).replace(microsecond=0)

    def edit_employee(self, key: int, **changes: Any) -> Employee:
        """Change attributes of an employee (e.g. ``last_name="Smith"``); bumps `updated_at`."""
        with self.lock:
            emp = self.employees[key]
            for name, value in changes.items():
                if name in ("job_title", "department_key", "time_type", "manager_key"):
                    period = emp.history[-1]
                    setattr(period, {"job_title": "title"}.get(name, name), value)
                else:
                    setattr(emp, name, value)
            emp.updated_at = self._touch()
            return emp

    def delete_employee(self, key: int) -> Employee:
        """Remove an employee and everything of theirs, as a hard delete in the provider would."""
        with self.lock:
            emp = self.employees.pop(key)
            for dept in self.departments:
                if key in dept.manager_keys:
                    dept.manager_keys.remove(key)
            self._touch()
            return emp

    def add_employee(self, work_entry_days: int = 10) -> Employee:
        with self.lock:
            key = max(self.employees, default=0) + 1
            emp = self._generate_employee(key, work_entry_days)
            self.employees[key] = emp
            self._touch()
            return emp

    def add_time_off_request(
        self,
        employee_key: int,
        start: date,
        end: date | None = None,
        type_key: int = 1,
        status: str = "pending",
        note: str = "Added by test",
    ) -> TimeOffRequest:
        with self.lock:
            emp = self.employees[employee_key]
            index = max((r.key % 1000 for r in emp.requests), default=0) + 1
            end = end or start
            now = self._touch()
            days = Decimal(_business_days(start, end))
            request = TimeOffRequest(
                self._key("req", emp.key, index),
                _uid(self.seed, "time_off_request", emp.key * 1000 + index),
                emp.key,
                type_key,
                status,
                start,
                end,
                None,
                days * (emp.weekly_hours / 5),
                days,
                note,
                "",
                now,
                None,
                None,
                now,
            )
            emp.requests.append(request)
            return request

    def edit_time_off_request(self, employee_key: int, request_key: int, **changes: Any) -> TimeOffRequest:
        with self.lock:
            request = next(r for r in self.employees[employee_key].requests if r.key == request_key)
            for name, value in changes.items():
                setattr(request, name, value)
            request.updated_at = self._touch()
            return request

    def delete_time_off_request(self, employee_key: int, request_key: int) -> None:
        with self.lock:
            emp = self.employees[employee_key]
            emp.requests = [r for r in emp.requests if r.key != request_key]
            self._touch()

    def soft_delete_time_off_request(self, employee_key: int, request_key: int) -> TimeOffRequest:
        """Soft delete: the request keeps existing with `deleted_at` set (Sesame's `deletedAt`)."""
        with self.lock:
            request = next(r for r in self.employees[employee_key].requests if r.key == request_key)
            request.deleted_at = request.updated_at = self._touch()
            return request

    def edit_work_entry(self, employee_key: int, entry_key: int, **changes: Any) -> WorkEntry:
        with self.lock:
            entry = next(w for w in self.employees[employee_key].work_entries if w.key == entry_key)
            for name, value in changes.items():
                setattr(entry, name, value)
            entry.updated_at = self._touch()
            return entry

    def delete_work_entry(self, employee_key: int, entry_key: int) -> WorkEntry:
        """Soft delete: the entry keeps existing with `deleted_at` set (as Sesame reports it)."""
        with self.lock:
            entry = next(w for w in self.employees[employee_key].work_entries if w.key == entry_key)
            entry.deleted_at = entry.updated_at = self._touch()
            return entry

    def mutate(self, op: str, **kwargs: Any) -> Any:
        """Dispatch a mutation by name (used by the sandbox's control endpoint)."""
        allowed = {
            "edit_employee",
            "delete_employee",
            "add_employee",
            "add_time_off_request",
            "edit_time_off_request",
            "delete_time_off_request",
            "soft_delete_time_off_request",
            "edit_work_entry",
            "delete_work_entry",
        }
        if op not in allowed:
            raise ValueError(f"unknown mutation {op!r}")
        for name in ("start", "end"):
            if isinstance(kwargs.get(name), str):
                kwargs[name] = date.fromisoformat(kwargs[name])
        return getattr(self, op)(**kwargs)
