"""One synthetic company served by every provider's sandbox and loaded through PyAirbyte into DuckDB.

`load` is what `make demo` and the equivalence test both run: for each connector, a sandbox of the
same company (same size, seed and day), the connector's own executable run by PyAirbyte, and its
records in PyAirbyte's DuckDB cache (one schema per connector, ``source_sage_hr`` ...).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")  # PyAirbyte: no registry lookups
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_NO_UI", "1")

from hris_sandbox import Company, SandboxServer
from sandboxes import create_app


@dataclass(frozen=True)
class Loaded:
    connector: str
    records: dict[str, int]  # per stream
    seconds: float
    api_calls: int


def common_start(company: Company) -> str:
    """A start date before the company's first time-off request, the same for every connector, so every
    connector reads the same requests whatever its own windowing rule (overlap, first day off, ...)."""
    return (company.as_of - timedelta(days=365 * company.years + 31)).isoformat()


def load(
    plan: Iterable[tuple[str, str, Path]],
    db_path: Path,
    employees: int,
    seed: int,
    sandbox_options: Mapping[str, Mapping[str, Any]],
    as_of: date | None = None,
    edit: Callable[[Company], None] | None = None,
    config: Mapping[str, Any] | None = None,
) -> Iterator[tuple[Any, Loaded]]:
    """For each ``(provider, connector name, executable)``: serve the company (after `edit`, if given),
    read every stream into the DuckDB file at `db_path` (with `config` added to each connector's
    config, e.g. ``include_sensitive``); yields PyAirbyte's cache and what was loaded."""
    import airbyte as ab
    from airbyte.caches import DuckDBCache

    for provider, name, executable in plan:
        company = Company.generate(employees=employees, seed=seed, as_of=as_of)
        if edit is not None:
            edit(company)
        app = create_app(provider, company, **sandbox_options.get(provider, {}))
        with SandboxServer(app) as sandbox:
            settings = {
                **app.connector_config(sandbox.url),
                "start_date": common_start(company),
                **(config or {}),
            }
            started = time.monotonic()
            source = ab.get_source(Path(executable).name, config=settings, local_executable=str(executable))
            source.select_all_streams()
            cache = DuckDBCache(db_path=db_path, schema_name=name.replace("-", "_"))
            result = source.read(cache=cache)
            records = {stream: len(dataset) for stream, dataset in sorted(result.streams.items())}
            yield cache, Loaded(name, records, time.monotonic() - started, sandbox.log.count())
