"""PyAirbyte loads each connector (`get_source(..., local_executable=...)`) into a DuckDB cache, as `make demo` does."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conformance.runner import ConnectorRunner
from distribution import CONNECTORS, IDS, Connector, sandbox_for

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")  # no registry lookups
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_NO_UI", "1")

import airbyte as ab
from airbyte.caches import DuckDBCache

pytestmark = pytest.mark.slow


def table_counts(cache: DuckDBCache) -> dict[str, int]:
    with cache.get_sql_engine().connect() as connection:
        tables = connection.exec_driver_sql(
            "select table_name from information_schema.tables where table_schema = ?",
            (cache.schema_name,),
        ).fetchall()
        return {
            name: connection.exec_driver_sql(f'select count(*) from {cache.schema_name}."{name}"').scalar()
            for (name,) in tables
            if not name.startswith("_airbyte")
        }


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_pyairbyte_reads_into_duckdb_then_reads_only_changes(connector: Connector, tmp_path: Path) -> None:
    with sandbox_for(connector) as sandbox:
        config = sandbox.app.connector_config(sandbox.url)
        runner = ConnectorRunner([str(connector.executable)])
        stream_names = {s["name"] for s in runner.discover(config)["streams"]}
        native = runner.read(config).raise_on_failure()
        expected = native.record_counts()

        executable = str(connector.executable)
        source = ab.get_source(connector.distribution, config=config, local_executable=executable)
        source.select_all_streams()
        cache = DuckDBCache(db_path=tmp_path / "hris.duckdb", schema_name=connector.name.replace("-", "_"))
        first = source.read(cache=cache)
        assert set(first.streams) == stream_names
        counts = table_counts(cache)
        assert set(counts) == set(first.streams), "one table per stream"
        assert {name: n for name, n in counts.items() if n} == expected, "rows per table = records per stream"

        company = sandbox.app.company
        edited = next(e for e in company.employee_list() if e.status(company.as_of) == "active")
        company.edit_employee(edited.key, last_name="Pyairbyte-Edited")
        changes = runner.read(config, state=native.final_state()).raise_on_failure().record_counts()
        second = source.read(cache=cache)  # PyAirbyte passes the state it kept in the cache
        assert changes.get("employees") == 1
        assert second.processed_records == sum(changes.values()), f"the re-read must carry only {changes}"
        assert table_counts(cache) == counts, "the change is merged by primary key, not appended"
        with cache.get_sql_engine().connect() as connection:
            names = connection.exec_driver_sql(
                f"select count(*) from {cache.schema_name}.employees where last_name = 'Pyairbyte-Edited'"
            ).scalar()
        assert names == 1


def test_a_deleted_employee_is_a_cdc_delete_in_the_deduplicated_table(tmp_path: Path) -> None:
    """A tombstone carries `_ab_cdc_deleted_at`: PyAirbyte merges it by primary key over the live row,
    so the table keeps the row, marked deleted (what Airbyte's destinations call a soft delete), and
    `where _ab_cdc_deleted_at is null` counts the employees the provider still has."""
    connector = next(c for c in CONNECTORS if c.name == "source-sage-hr")
    with sandbox_for(connector) as sandbox:
        config = sandbox.app.connector_config(sandbox.url)
        source = ab.get_source(connector.name, config=config, local_executable=str(connector.executable))
        source.select_streams(["employees"])
        cache = DuckDBCache(db_path=tmp_path / "hris.duckdb", schema_name="source_sage_hr")
        source.read(cache=cache)
        company = sandbox.app.company
        gone = next(e for e in company.employee_list() if e.status(company.as_of) == "active")
        company.delete_employee(gone.key)
        source.read(cache=cache)
        with cache.get_sql_engine().connect() as connection:

            def scalar(sql: str) -> Any:
                return connection.exec_driver_sql(sql.format(table="source_sage_hr.employees")).scalar()

            present = scalar("select count(*) from {table} where _ab_cdc_deleted_at is null")
            deleted = connection.exec_driver_sql(
                "select id, is_deleted, _ab_cdc_deleted_at from source_sage_hr.employees "
                "where _ab_cdc_deleted_at is not null"
            ).fetchall()
            rows = scalar("select count(*) from {table}")
    assert present == len(company.employee_list()) == rows - 1
    assert [(row[0].rsplit(":", 1)[1], row[1]) for row in deleted] == [(str(gone.key), True)]
