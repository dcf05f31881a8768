"""The unified stream schemas: one JSON file per stream plus the shared envelope in `_common.json`.

Stream files list their own properties; a value such as ``"#date"`` names a shared definition.
`load_schema` returns the complete, self-contained JSON Schema that `discover` reports.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

STREAMS: tuple[str, ...] = (
    "employees",
    "departments",
    "locations",
    "employments",
    "time_off_types",
    "time_off_requests",
    "time_off_balances",
    "compensations",
    "benefits",
    "work_entries",
    "holidays",
)


def _read(name: str) -> dict[str, Any]:
    return json.loads(resources.files("unified_hris").joinpath(f"schemas/{name}.json").read_text("utf-8"))


@cache
def _common() -> dict[str, Any]:
    return _read("_common")


def _resolve(spec: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, str) and spec.startswith("#"):
        return copy.deepcopy(definitions[spec[1:]])
    if isinstance(spec, dict):
        return copy.deepcopy(spec)
    raise ValueError(f"bad property spec {spec!r}")


@cache
def _load(stream: str) -> dict[str, Any]:
    if stream not in STREAMS:
        raise KeyError(f"unknown unified stream {stream!r}; known: {', '.join(STREAMS)}")
    common = _common()
    body = _read(stream)
    definitions = common["definitions"]
    properties = copy.deepcopy(common["envelope"]["properties"])
    for name, spec in body["properties"].items():
        properties[name] = _resolve(spec, definitions)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": body["title"],
        "type": "object",
        "additionalProperties": False,
        "required": list(common["envelope"]["required"]),
        "properties": properties,
    }


def _open(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _open(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [_open(v) for v in schema]
    return schema


def load_schema(stream: str, strict: bool = False) -> dict[str, Any]:
    """A fresh copy of the complete JSON Schema of a unified stream.

    The default is what `discover` reports: open to additional properties, as Airbyte expects of a
    source (a provider may add fields; destinations evolve). ``strict=True`` closes every object, so
    a mapper that invents or misspells a field fails validation (the conformance kit uses it).
    """
    return copy.deepcopy(_load(stream)) if strict else _open(_load(stream))


@cache
def sensitive_fields(stream: str) -> frozenset[str]:
    """Fields of a stream that hold sensitive personal identifiers (national insurance, social
    security, tax and bank numbers): emitted only when the config sets ``include_sensitive: true``."""
    return frozenset(_read(stream).get("sensitive", ()))


def withhold_sensitive(stream: str, fields: dict[str, Any], config: Mapping[str, Any]) -> None:
    """Blank, in place, the sensitive fields of a mapped record unless the user opted in."""
    if config.get("include_sensitive") is True:
        return
    for name in sensitive_fields(stream) & fields.keys():
        fields[name] = None


@cache
def object_name(stream: str) -> str:
    """The singular object name used in unified ids (``employees`` -> ``employee``)."""
    return str(_read(stream)["object"])


def enum_fields(stream: str) -> dict[str, list[str]]:
    """Enum-typed fields of a stream with their allowed values (without null)."""
    out: dict[str, list[str]] = {}
    for name, prop in _load(stream)["properties"].items():
        if "enum" in prop and name not in ("source",):
            out[name] = [v for v in prop["enum"] if v is not None]
    return out
