"""Enum mapping kept as data: a provider's value table maps raw values onto a closed unified set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Most distinct raw strings a table remembers (a provider sending free text stays bounded).
_MEMO_SIZE = 1024


def _key(value: Any) -> str:
    return " ".join(str(value).replace("_", " ").replace("-", " ").split()).casefold()


class EnumTable:
    """Case-, space-, dash- and underscore-insensitive lookup from raw provider values to unified values.

    Unknown non-empty values map to `default` (``OTHER``); empty values map to ``None``. Use `pair` to
    get the unified value together with the raw string for the ``*_raw`` twin field.
    """

    def __init__(self, table: Mapping[str, str | None], default: str | None = "OTHER") -> None:
        self._table = {_key(k): v for k, v in table.items()}
        self._default = default
        #: Answers by raw string: a provider repeats a handful of values on every record.
        self._seen: dict[str, str | None] = {}

    def __call__(self, raw: Any) -> str | None:
        if type(raw) is str:
            try:
                return self._seen[raw]
            except KeyError:
                pass
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        unified = self._table.get(_key(raw), self._default)
        if type(raw) is str and len(self._seen) < _MEMO_SIZE:
            self._seen[raw] = unified
        return unified

    def pair(self, raw: Any) -> tuple[str | None, str | None]:
        """(unified value, raw value as a string) for an enum field and its ``*_raw`` twin."""
        raw_str = None if raw is None else str(raw)
        if raw_str is not None and not raw_str.strip():
            raw_str = None
        return self(raw), raw_str


def load_tables(data: Mapping[str, Mapping[str, Any]]) -> dict[str, EnumTable]:
    """Build named tables from data such as a connector's ``mappings.yaml``.

    Each entry is either a plain ``{raw: unified}`` mapping or ``{"values": {...}, "default": X}``.
    """
    tables: dict[str, EnumTable] = {}
    for name, spec in data.items():
        if "values" in spec:
            tables[name] = EnumTable(spec["values"], default=spec.get("default", "OTHER"))
        else:
            tables[name] = EnumTable(spec)
    return tables
