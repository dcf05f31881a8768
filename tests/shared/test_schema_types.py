"""Every node of every unified schema carries a ``type`` that PyAirbyte's type mapping reads (no "Could
not determine airbyte type" warning, no VARCHAR fallback), and decimals are exact strings that PyAirbyte
caches type as DECIMAL (shared/README.md, "Numbers")."""

from collections.abc import Iterator
from typing import Any

import pytest
from airbyte.types import SQLTypeConverter
from sqlalchemy.types import DECIMAL, JSON, VARCHAR
from unified_hris.schemas import STREAMS, load_schema


def nodes(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path or "/", schema
    for name, child in (schema.get("properties") or {}).items():
        yield from nodes(child, f"{path}/{name}")
    if isinstance(schema.get("items"), dict):
        yield from nodes(schema["items"], f"{path}/[]")


@pytest.mark.parametrize("stream", STREAMS)
def test_every_schema_node_has_a_type(stream: str) -> None:
    untyped = [path for path, node in nodes(load_schema(stream)) if "type" not in node]
    assert not untyped, f"{stream}: nodes without a type: {untyped}"


@pytest.mark.parametrize("stream", STREAMS)
def test_pyairbyte_gives_every_column_a_sql_type_of_its_own(
    stream: str, capsys: pytest.CaptureFixture[str]
) -> None:
    converter = SQLTypeConverter()
    schema = load_schema(stream)
    for name, node in schema["properties"].items():
        sql_type = converter.to_sql_type(node)
        if node.get("airbyte_type") == "number":
            assert isinstance(sql_type, DECIMAL), name
        elif node.get("enum"):
            assert isinstance(sql_type, VARCHAR), name
        elif "object" in node["type"] or "array" in node["type"]:
            assert isinstance(sql_type, JSON), name
    assert "Could not" not in capsys.readouterr().out, "PyAirbyte could not type a column"


def test_decimals_are_exact_strings_typed_as_numbers() -> None:
    amount = load_schema("compensations")["properties"]["amount"]
    assert amount["type"] == ["string", "null"] and amount["airbyte_type"] == "number"
    assert amount["pattern"] == "^-?[0-9]+(\\.[0-9]+)?$"
