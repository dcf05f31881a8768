"""Nothing dropped silently: every field a provider sends is mapped, or listed in the connector
README's "Not mapped, and why" table.

A field counts as mapped when changing its value (in every record that has it) changes what the
mapper returns, or makes it fail: the mapper reads it. A field whose change leaves every mapped record
as it was must be in the README table, as a row ``| <endpoint> | <field> | <why> |`` under the
heading ``## Not mapped, and why``. Fields are dotted paths from the record's top: ``Deductions[].Amount``
names ``Amount`` in every item of the ``Deductions`` list, ``FirstName.DisplayValue`` a nested key.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

HEADING = "## Not mapped, and why"

#: Map one raw record to what the connector emits for it (the mapper's output, or a whole record).
MapOne = Callable[[dict[str, Any]], Any]


def leaf_paths(value: Any, prefix: str = "") -> set[str]:
    """The dotted paths of the scalar leaves (and empty containers) of a raw record."""
    if isinstance(value, Mapping):
        if not value and prefix:
            return {prefix}
        paths: set[str] = set()
        for key, item in value.items():
            paths |= leaf_paths(item, f"{prefix}.{key}" if prefix else str(key))
        return paths
    if isinstance(value, list):
        if not value:
            return {prefix}
        paths = set()
        for item in value:
            paths |= leaf_paths(item, f"{prefix}[]")
        return paths
    return {prefix}


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _changes(value: Any) -> list[Any]:
    """Different values of the same kind: a date (or a null, which may be an open end) is also moved
    to another date, since a lenient date parser may read past a changed character."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        return [value + 7]
    if isinstance(value, str):
        changed = ["Q" + value if value else "Q"]  # in front: a date or number with it no longer parses
        return changed + ([f"{int(value[:4]) + 1}{value[4:]}"] if _DATE.match(value) else [])
    if value is None:
        return ["Q", "2099-12-31"]
    if isinstance(value, list):
        return [[*value, "Q"] if not value else []]
    return [{"Q": "Q"} if not value else {}]


def _steps(path: str) -> list[str]:
    return re.findall(r"[^.\[\]]+|\[\]", path)


def _mutate(record: Any, steps: list[str], which: int = 0) -> bool:
    """Change the value at `steps` in place (its `which`-th change), in every list item on the way;
    whether one was found."""
    if not steps:
        return False
    head, rest = steps[0], steps[1:]
    if head == "[]":
        if not isinstance(record, list):
            return False
        if not rest:
            return _replace(record, slice(None), which)
        return any([_mutate(item, rest, which) for item in record])
    if not isinstance(record, dict) or head not in record:
        return False
    if not rest or (rest == ["[]"] and record[head] == []):
        return _replace(record, head, which)
    return _mutate(record[head], rest, which)


def _replace(container: Any, key: Any, which: int) -> bool:
    changes = _changes(container[key])
    if which >= len(changes):
        return False
    container[key] = changes[which]
    return True


def _outcome(map_one: MapOne, raw: dict[str, Any]) -> Any:
    try:
        return ("ok", map_one(raw))
    except Exception as problem:  # a mapper that fails on the changed value reads it
        return ("failed", type(problem).__name__, str(problem))


def unread_fields(map_one: MapOne, raws: Iterable[dict[str, Any]]) -> set[str]:
    """The fields of `raws` whose change leaves the mapped output of every record unchanged."""
    records = list(raws)
    seen: set[str] = set()
    read: set[str] = set()
    for raw in records:
        baseline = _outcome(map_one, copy.deepcopy(raw))
        for path in sorted(leaf_paths(raw)):
            seen.add(path)
            if path in read:
                continue
            for which in range(2):
                trial = copy.deepcopy(raw)
                if _mutate(trial, _steps(path), which) and _outcome(map_one, trial) != baseline:
                    read.add(path)
                    break
    return seen - read


def readme_table(readme: Path) -> dict[tuple[str, str], str]:
    """The README's "Not mapped, and why" rows: (endpoint, field) -> why."""
    text = readme.read_text("utf-8")
    if HEADING not in text:
        raise AssertionError(f"{readme} has no '{HEADING}' section")
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows: dict[tuple[str, str], str] = {}
    for line in section.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("Endpoint", "") or set(cells[0]) <= {"-", ":"}:
            continue
        rows[(cells[0], cells[1])] = cells[2]
    return rows


def coverage_problems(
    endpoint: str, map_one: MapOne, raws: Iterable[dict[str, Any]], table: Mapping[tuple[str, str], str]
) -> list[str]:
    """What is wrong for one endpoint: a field neither mapped nor in the table, a row without a reason,
    and a row for a field that the mapper reads (or that the sandbox no longer sends)."""
    records = list(raws)
    if not records:
        return [f"{endpoint}: the sandbox rendered no record to check"]
    unread = unread_fields(map_one, records)
    sent = set().union(*(leaf_paths(raw) for raw in records))
    listed = {field: why for (where, field), why in table.items() if where == endpoint}
    problems = [
        f"{endpoint}: {field} is not mapped; map it or add it to the README's '{HEADING}' table"
        for field in sorted(unread - listed.keys())
    ]
    problems += [f"{endpoint}: {field} is listed without a reason" for field, why in listed.items() if not why]
    problems += [
        f"{endpoint}: {field} is listed as not mapped, but the mapper reads it"
        for field in sorted(listed.keys() & (sent - unread))
    ]
    problems += [
        f"{endpoint}: {field} is listed, but the sandbox does not send it"
        for field in sorted(listed.keys() - sent)
    ]
    return problems
