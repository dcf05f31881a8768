"""Sensitive identifiers (national insurance / social security, national id, tax and bank numbers)
reach the output only when the user opts in with ``include_sensitive: true``."""

from typing import Any

import pytest
from unified_hris.schemas import load_schema, sensitive_fields
from unified_hris_cdk.transformation import UnifiedRecord


def employee_with_ids(raw: Any, ctx: Any) -> dict[str, Any]:
    return {
        "remote_id": raw["id"],
        "first_name": raw["name"],
        "ssn": raw["ni"],
        "tax_id": raw["tax"],
        "bank_accounts": [{"iban": raw["iban"]}],
    }


def transformed(config: dict[str, Any]) -> dict[str, Any]:
    record = {"id": 7, "name": "Ada", "ni": "QQ123456C", "tax": "1234", "iban": "GB00TEST"}
    UnifiedRecord(
        model="employees",
        source="sage_hr",
        tenant_id="acme",
        mapper=f"{__name__}.employee_with_ids",
        parameters={},
    ).transform(record, config=config)
    return record


def test_the_sensitive_fields_are_declared_in_the_schema() -> None:
    properties = load_schema("employees")["properties"]
    assert sensitive_fields("employees") == {"ssn", "national_id", "tax_id", "bank_accounts"}
    assert all(name in properties for name in sensitive_fields("employees"))
    assert sensitive_fields("time_off_requests") == frozenset()


@pytest.mark.parametrize("config", [{}, {"include_sensitive": False}, {"include_sensitive": "true"}])
def test_sensitive_identifiers_are_blank_unless_opted_in(config: dict[str, Any]) -> None:
    record = transformed(config)
    assert record["first_name"] == "Ada"
    assert record["ssn"] is None and record["tax_id"] is None and record["bank_accounts"] is None
    assert "QQ123456C" not in repr(record) and "GB00TEST" not in repr(record)


def test_sensitive_identifiers_are_emitted_when_opted_in_and_change_the_hash() -> None:
    record = transformed({"include_sensitive": True})
    assert record["ssn"] == "QQ123456C" and record["bank_accounts"] == [{"iban": "GB00TEST"}]
    assert record["record_hash"] != transformed({})["record_hash"]
