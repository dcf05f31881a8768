"""One company, one answer: the same synthetic company, served by the three sandboxes and read by the
three connectors (their executables, through PyAirbyte into one DuckDB file, as `make demo` does),
answers every analyst question of `questions.QUESTIONS` the same way through every provider that
offers the fact. What a provider's real API lacks is listed, with its evidence, in
``known_differences.yaml``; nothing else may differ, and no listed difference may be unneeded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from distribution import CONNECTORS, SANDBOX_OPTIONS
from equivalence.questions import (
    QUESTIONS,
    Outcome,
    Question,
    ask,
    compare,
    create_views,
    describe,
    load_differences,
    populations,
)
from equivalence.warehouse import load
from hris_sandbox import Company
from unified_hris.schemas import STREAMS, load_schema

pytestmark = pytest.mark.slow

EMPLOYEES, SEED = 90, 4
AS_OF = date.today()  # the connectors read 'today' from the clock (status, is_current)
#: The sensitive identifiers (ssn, national_id, tax_id, bank_accounts) are compared too: opted in.
OPT_IN = {"include_sensitive": True}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db_path = Path(tmp_path_factory.mktemp("equivalence")) / "hris.duckdb"
    plan = [(c.provider, c.name, c.executable) for c in CONNECTORS]
    loaded = list(load(plan, db_path, EMPLOYEES, SEED, SANDBOX_OPTIONS, as_of=AS_OF, config=OPT_IN))
    cache = loaded[-1][0]
    with cache.get_sql_engine().connect() as connection:
        query = lambda sql: connection.exec_driver_sql(sql).fetchall()  # noqa: E731
        create_views(query)
        yield query


@pytest.fixture(scope="module")
def outcomes(warehouse: Any) -> dict[str, Outcome]:
    company = Company.generate(employees=EMPLOYEES, seed=SEED, as_of=AS_OF)
    differences = load_differences()
    groups = populations(company)
    return {q.id: compare(q, ask(warehouse, q), differences, groups) for q in QUESTIONS}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_provider_gives_the_same_answer(outcomes: dict[str, Outcome], question: Question) -> None:
    outcome = outcomes[question.id]
    assert outcome.agrees, describe(outcome)


def test_money_hours_fte_and_balances_are_decimal_columns_that_sum_without_a_cast(warehouse: Any) -> None:
    numbers = {
        (stream, name)
        for stream in STREAMS
        for name, node in load_schema(stream)["properties"].items()
        if node.get("airbyte_type") == "number"
    }
    columns = warehouse(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema like 'source_%'"
    )
    typed = {
        (schema, table, column): kind for schema, table, column, kind in columns if (table, column) in numbers
    }
    assert len({schema for schema, _, _ in typed}) == len(CONNECTORS) and len(typed) > 3 * len(CONNECTORS)
    assert all(kind.startswith("DECIMAL") for kind in typed.values()), typed
    sums = warehouse(
        "select source, sum(amount), sum(annualized_amount) from unified.compensations group by source"
    )
    assert len(sums) == len(CONNECTORS) and all(amount > 0 and annual > 0 for _, amount, annual in sums)
