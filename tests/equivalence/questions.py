"""The analyst questions asked of every provider, and how their answers are compared.

Each question is one SQL query over the unified tables of every connector in one DuckDB database
(PyAirbyte's cache: a schema per connector, e.g. ``source_sage_hr.employees``), read through the union
views `create_views` makes (``unified.employees`` = every connector's rows, told apart by ``source``).
A query returns ``source``, then the question's key columns, then its answer columns; people are keyed
by work email, so one person is compared across providers whatever their ids.

`compare` checks that every provider offering a fact gives the same answer. What a provider's real
API lacks is listed in ``known_differences.yaml`` (`load_differences`): such a provider is left out
of that question, for everyone or for one population (e.g. leavers); an entry that is not needed any
more (the provider agrees after all) is reported as stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DIFFERENCES_FILE = Path(__file__).with_name("known_differences.yaml")
PROVIDERS = ("sage_hr", "peoplehr", "sesame_hr")
STREAMS = (
    "employees",
    "departments",
    "locations",
    "employments",
    "time_off_requests",
    "compensations",
    "time_off_types",
    "time_off_balances",
    "holidays",
    "work_entries",
)
#: The value of a key a provider's answer does not have at all (unlike None: the key with no value).
MISSING = "(missing)"
EVERYONE = "everyone"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    sql: str
    keys: int = 1  # key columns after `source`
    per_person: bool = False  # the first key is a person (work email): populations apply


_PEOPLE = """
    select e.*, lower(e.work_email) as person
    from unified.employees e where not e.is_deleted and e.work_email is not null"""

_PERSON_FIELDS = {
    "first_name": "p.first_name",
    "last_name": "p.last_name",
    "gender": "p.gender",
    "date_of_birth": "p.date_of_birth",
    "start_date": "p.start_date",
    "hire_date": "p.hire_date",
    "termination_date": "p.termination_date",
    "employment_status": "p.employment_status",
    "manager": "lower(m.work_email)",
    "department": "d.name",
    "location": "l.name",
    "job_title": "p.job_title",
    "worker_type": "p.worker_type",
    "time_type": "p.time_type",
    "employment_type": "p.employment_type",
    "weekly_hours": "p.weekly_hours",
    "fte": "p.fte",
    "home_phone_number": "p.home_phone_number",
    "probation_end_date": "p.probation_end_date",
    # sensitive: the equivalence sync opts in (``include_sensitive``)
    "ssn": "p.ssn",
    "national_id": "p.national_id",
    "tax_id": "p.tax_id",
    "bank_ibans": "json_extract_string(p.bank_accounts, '$[*].iban')",
    "bank_bics": "json_extract_string(p.bank_accounts, '$[*].bic')",
}


def _person_question(name: str, expression: str) -> Question:
    return Question(
        f"person_{name}",
        f"Per person (by work email): {name.replace('_', ' ')}",
        f"""
        with p as ({_PEOPLE})
        select p.source, p.person, {expression}
        from p
        left join unified.employees m on m.source = p.source and m.id = p.manager_id
        left join unified.departments d on d.source = p.source and d.id = p.department_id
        left join unified.locations l on l.source = p.source and l.id = p.work_location_id""",
        per_person=True,
    )


def _headcount(by: str, table: str, key: str) -> Question:
    return Question(
        f"headcount_by_{by}",
        f"Active headcount by {by}",
        f"""
        select e.source, g.name, count(*) from unified.employees e
        left join unified.{table} g on g.source = e.source and g.id = e.{key}
        where e.employment_status = 'ACTIVE' and not e.is_deleted group by all""",
    )


_APPROVED = """
    select r.*, year(r.start_date) as year from unified.time_off_requests r
    where r.status = 'APPROVED' and not r.is_deleted"""

#: Job history: each person's succession of job titles (a row where the title changes), oldest first.
_TITLES = """
    with rows as (
        select e.source, lower(p.work_email) as person, e.effective_date, e.end_date, e.job_title,
               e.is_current,
               lag(e.job_title) over (partition by e.source, e.employee_id order by e.effective_date)
                   as previous
        from unified.employments e join unified.employees p on p.source = e.source and p.id = e.employee_id
        where not e.is_deleted and not p.is_deleted and p.work_email is not null)"""

#: Balances of the current calendar year (a provider that gives no period reports the current one).
_BALANCES = """
    select * from unified.time_off_balances
    where not is_deleted and entitlement > 0
      and (period_start is null or year(period_start) = year(current_date))"""

QUESTIONS: tuple[Question, ...] = (
    Question(
        "employees_by_status",
        "Employees by employment status",
        "select source, employment_status, count(*) from unified.employees where not is_deleted group by all",
    ),
    _headcount("department", "departments", "department_id"),
    _headcount("location", "locations", "work_location_id"),
    Question(
        "leavers",
        "Leavers and their termination dates",
        f"with p as ({_PEOPLE}) select source, person, termination_date from p "
        "where employment_status = 'INACTIVE'",
        per_person=True,
    ),
    Question(
        "future_starters",
        "Future starters and their start dates",
        f"with p as ({_PEOPLE}) select source, person, start_date from p where employment_status = 'PENDING'",
        per_person=True,
    ),
    *(_person_question(name, expression) for name, expression in _PERSON_FIELDS.items()),
    Question(
        "time_off_count",
        "Approved time off per category and calendar year: requests",
        f"select source, category, year, count(*) from ({_APPROVED}) group by all",
        keys=2,
    ),
    Question(
        "time_off_days",
        "Approved time off per category and calendar year: days (requests measured in days)",
        f"select source, category, year, sum(amount) from ({_APPROVED}) where unit = 'DAYS' group by all",
        keys=2,
    ),
    Question(
        "time_off_hours",
        "Approved time off per category and calendar year: hours",
        f"select source, category, year, sum(amount_hours) from ({_APPROVED}) group by all",
        keys=2,
    ),
    Question(
        "vacation_hours_per_person",
        "Approved vacation hours per person and calendar year",
        f"""
        with p as ({_PEOPLE})
        select r.source, p.person, r.year, sum(r.amount_hours)
        from ({_APPROVED}) r join p on p.source = r.source and p.id = r.employee_id
        where r.category = 'VACATION' group by all""",
        keys=2,
        per_person=True,
    ),
    Question(
        "current_pay",
        "Current annualized base pay and its currency per person",
        f"""
        with p as ({_PEOPLE})
        select c.source, p.person, c.currency, sum(c.annualized_amount)
        from unified.compensations c join p on p.source = c.source and p.id = c.employee_id
        where c.type = 'BASE_SALARY' and c.is_current and not c.is_deleted group by all""",
        keys=2,
        per_person=True,
    ),
    Question(
        "job_history",
        "Job history per person: each change of job title (effective date, title)",
        f"""{_TITLES}
        select source, person, list((effective_date, job_title) order by effective_date)
        from rows where previous is null or previous is distinct from job_title group by all""",
        per_person=True,
    ),
    Question(
        "current_title",
        "Current job title per person, from the job history",
        f"{_TITLES} select source, person, job_title from rows where is_current",
        per_person=True,
    ),
    *(
        Question(
            f"balance_{fact}",
            f"This year's tracked allowances per person and category: {fact}",
            f"""
            with p as ({_PEOPLE})
            select b.source, p.person, t.category, b.unit, b.{fact}
            from ({_BALANCES}) b join p on p.source = b.source and p.id = b.employee_id
            join unified.time_off_types t on t.source = b.source and t.id = b.type_id""",
            keys=3,
            per_person=True,
        )
        for fact in ("entitlement", "used")
    ),
    Question(
        "holidays",
        "Public holidays: the names of each day off, per calendar name",
        """
        select h.source, h.calendar_name, h.date, list(h.name order by h.name)
        from unified.holidays h where not h.is_deleted group by all""",
        keys=2,
    ),
    Question(
        "holidays_per_person",
        "Public holidays per person: each day off of the calendars that apply to them, and its names",
        f"""
        with p as ({_PEOPLE})
        select h.source, p.person, h.date, list(h.name order by h.name)
        from (select *, unnest(employee_ids::varchar[]) as employee_id from unified.holidays) h
        join p on p.source = h.source and p.id = h.employee_id
        where not h.is_deleted group by all""",
        keys=2,
        per_person=True,
    ),
    *(
        Question(
            f"{kind.lower()}_seconds_per_day",
            f"Time clocked per person and day (UTC date of the clock-in): {what}",
            f"""
            with p as ({_PEOPLE})
            select w.source, p.person, w.clock_in::date, sum({seconds})::bigint
            from unified.work_entries w join p on p.source = w.source and p.id = w.employee_id
            where not w.is_deleted and w.type = '{kind}' group by all""",
            keys=2,
            per_person=True,
        )
        for kind, what, seconds in (
            ("WORK", "seconds worked", "w.worked_seconds"),
            ("BREAK", "seconds of breaks, clock-in to clock-out", "epoch(w.clock_out) - epoch(w.clock_in)"),
        )
    ),
)
BY_ID = {q.id: q for q in QUESTIONS}


# -- running the questions ------------------------------------------------------------------------
Query = Callable[[str], list[tuple[Any, ...]]]
Answers = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]  # provider -> key -> answer


def create_views(query: Query) -> None:
    """``unified.<stream>``: the union of every connector schema's table of that stream."""
    query("create schema if not exists unified")
    tables = query("select table_schema, table_name from information_schema.tables")
    for stream in STREAMS:
        schemas = sorted(s for s, t in tables if t == stream and s != "unified")
        if schemas:
            union = " union all by name ".join(f'select * from "{s}"."{stream}"' for s in schemas)
        else:  # no connector has the stream: an empty table with the columns the questions use
            union = "select null::varchar as source, null::varchar as id, false as is_deleted where false"
        query(f"create or replace view unified.{stream} as {union}")


def ask(query: Query, question: Question) -> Answers:
    answers: Answers = {provider: {} for provider in PROVIDERS}
    for row in query(question.sql):
        source, key, value = row[0], tuple(row[1 : 1 + question.keys]), tuple(row[1 + question.keys :])
        answers.setdefault(source, {})
        assert key not in answers[source], f"{question.id}: {source} answers {key} twice"
        answers[source][key] = value
    return answers


def populations(company: Any) -> dict[str, set[str]]:
    """The people (lower-cased work emails) of each population a known difference can name, from the
    synthetic company (`hris_sandbox.Company`) the sandboxes served, on its day (``as_of``)."""
    people = company.employee_list()

    def who(test: Callable[[Any], bool]) -> set[str]:
        return {e.email.lower() for e in people if test(e)}

    return {
        "leavers": who(lambda e: e.status(company.as_of) == "inactive"),
        "future_leavers": who(
            lambda e: e.termination_date is not None and e.termination_date > company.as_of
        ),
        "non_binary": who(lambda e: e.gender == "non_binary"),
        "gender_unspecified": who(lambda e: e.gender == "not_specified"),
        "non_employees": who(lambda e: e.worker_type != "employee"),
    }


# -- known differences ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    """A fact a provider's real API lacks: its answer to `question` is left out for `population`."""

    provider: str
    question: str
    stream: str
    field: str
    population: str
    reason: str
    evidence: str


def load_differences(path: Path = DIFFERENCES_FILE) -> list[Difference]:
    entries = yaml.safe_load(path.read_text("utf-8")) or []
    out = []
    for entry in entries:
        difference = Difference(
            provider=entry["provider"],
            question=entry["question"],
            stream=entry["stream"],
            field=entry["field"],
            population=entry.get("population", EVERYONE),
            reason=" ".join(str(entry["reason"]).split()),
            evidence=" ".join(str(entry["evidence"]).split()),
        )
        if difference.provider not in PROVIDERS or difference.question not in BY_ID:
            raise ValueError(f"unknown provider or question in {path.name}: {entry}")
        if difference.population != EVERYONE and not BY_ID[difference.question].per_person:
            raise ValueError(f"{difference.question} is not a per-person question: {entry}")
        out.append(difference)
    return out


# -- comparing ------------------------------------------------------------------------------------
@dataclass
class Outcome:
    question: Question
    answers: Answers
    offering: list[str]  # providers not left out for everyone
    mismatches: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    stale: list[Difference] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.mismatches and not self.stale


def compare(
    question: Question,
    answers: Answers,
    differences: Iterable[Difference],
    populations: Mapping[str, set[str]],
) -> Outcome:
    """Every key must have one answer among the providers not excused from it.

    `populations` maps a population name to the people (lower-cased work emails) in it."""
    excused: dict[str, list[Difference]] = defaultdict(list)
    for difference in differences:
        if difference.question == question.id:
            excused[difference.provider].append(difference)

    def is_excused(provider: str, key: tuple[Any, ...]) -> bool:
        return any(
            d.population == EVERYONE or (question.per_person and key[0] in populations[d.population])
            for d in excused[provider]
        )

    keys = sorted({k for answer in answers.values() for k in answer}, key=repr)
    offering = [p for p in PROVIDERS if not any(d.population == EVERYONE for d in excused[p])]
    outcome = Outcome(question, answers, offering)
    consensus: dict[tuple[Any, ...], Any] = {}
    for key in keys:
        values = {p: answers.get(p, {}).get(key, MISSING) for p in PROVIDERS if not is_excused(p, key)}
        if len(set(map(repr, values.values()))) > 1:
            outcome.mismatches.append((key, values))
        elif values:
            consensus[key] = next(iter(values.values()))
    for provider, entries in excused.items():
        for entry in entries:
            covered = [
                k
                for k in keys
                if k in consensus and (entry.population == EVERYONE or k[0] in populations[entry.population])
            ]
            if covered and all(answers.get(provider, {}).get(k, MISSING) == consensus[k] for k in covered):
                outcome.stale.append(entry)
    return outcome


def describe(outcome: Outcome, limit: int = 3) -> str:
    """A short account of a disagreement (the first few keys)."""
    lines = [f"{outcome.question.id}: {len(outcome.mismatches)} keys disagree"]
    for key, values in outcome.mismatches[:limit]:
        lines.append(f"  {key}: " + ", ".join(f"{p}={v!r}" for p, v in values.items()))
    lines += [f"  stale entry: {d.provider} {d.question} ({d.population})" for d in outcome.stale]
    return "\n".join(lines)
