"""Money is exact in the warehouse: amounts up to 10^12 with four decimals, read by a connector and loaded
by PyAirbyte into DuckDB, come out as the same DECIMAL values, and ``sum()`` needs no cast."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from distribution import CONNECTORS, SANDBOX_OPTIONS
from equivalence.warehouse import load
from hris_sandbox import Company

pytestmark = pytest.mark.slow

#: Each needs more digits than a double holds exactly at DuckDB's DECIMAL(38, 9).
AMOUNTS = [
    Decimal("987654321098.7654"),
    Decimal("999999999999.99"),
    Decimal("123456789012.3457"),
    Decimal("0.0001"),
]


def test_large_amounts_with_four_decimals_arrive_exact_and_sum_without_a_cast(tmp_path: Path) -> None:
    def pay(company: Company) -> None:
        salaried = [
            e for e in company.employee_list() if e.compensations and e.compensations[0].kind == "salary"
        ]
        for employee, amount in zip(salaried, AMOUNTS, strict=False):
            employee.compensations[0].amount = amount
        assert len(salaried) >= len(AMOUNTS)

    plan = [(c.provider, c.name, c.executable) for c in CONNECTORS if c.provider == "peoplehr"]
    [(cache, loaded)] = list(load(plan, tmp_path / "hris.duckdb", 12, 2, SANDBOX_OPTIONS, edit=pay))
    assert loaded.records["compensations"]
    with cache.get_sql_engine().connect() as connection:
        query = lambda sql: connection.exec_driver_sql(sql).fetchall()  # noqa: E731
        wanted = ", ".join(f"{a}" for a in AMOUNTS)
        found = query(f"select amount from source_peoplehr.compensations where amount in ({wanted})")
        total = query(f"select sum(amount) from source_peoplehr.compensations where amount in ({wanted})")
        [(column_type,)] = query(
            "select data_type from information_schema.columns where table_schema = 'source_peoplehr' "
            "and table_name = 'compensations' and column_name = 'amount'"
        )
    assert column_type.startswith("DECIMAL")
    assert sorted(a for (a,) in found) == sorted(AMOUNTS)  # every digit kept, none invented
    assert total == [(sum(AMOUNTS),)]
