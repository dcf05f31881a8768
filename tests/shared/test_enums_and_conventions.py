import jsonschema
import pytest
from unified_hris.conventions import build_id, canonical_hash, envelope, tombstone
from unified_hris.enums import EnumTable, load_tables
from unified_hris.schemas import STREAMS, enum_fields, load_schema, object_name


def test_enum_table_is_insensitive_and_falls_back_to_other():
    table = EnumTable({"Full-time": "FULL_TIME", "part time": "PART_TIME"})
    assert table("FULL TIME") == "FULL_TIME"
    assert table("part_time") == "PART_TIME"
    assert table("Zero hours") == "OTHER"
    assert table("") is None and table(None) is None
    assert table.pair("Full-time") == ("FULL_TIME", "Full-time")


def test_load_tables_accepts_plain_and_defaulted_specs():
    tables = load_tables({"a": {"x": "X"}, "b": {"values": {"y": "Y"}, "default": None}})
    assert tables["a"]("z") == "OTHER"
    assert tables["b"]("z") is None


def test_ids_are_deterministic_and_tenant_scoped():
    assert build_id("sage_hr", "acme", "employee", "7") == "sage_hr:acme:employee:7"
    assert build_id("sage_hr", "acme", "employee", "7") != build_id("sage_hr", "other", "employee", "7")


def test_hash_ignores_volatile_fields_and_key_order():
    a = {"x": 1, "y": [1, 2], "modified_at": "t1", "remote_data": [{"path": "/", "data": {}}]}
    b = {"y": [1, 2], "x": 1, "modified_at": "t2"}
    assert canonical_hash(a) == canonical_hash(b)
    assert canonical_hash({"x": 2, "y": [1, 2]}) != canonical_hash(b)


def test_envelope_and_tombstone_validate_against_every_schema():
    for stream in STREAMS:
        validator = jsonschema.Draft7Validator(load_schema(stream, strict=True))
        record = envelope(
            source="sage_hr", tenant_id="acme", obj=object_name(stream), remote_id=12, fields={}
        )
        assert record["remote_id"] == "12" and record["id"] == f"sage_hr:acme:{object_name(stream)}:12"
        validator.validate(record)
        dead = tombstone(record["id"], "2026-01-01T00:00:00.000000Z")
        validator.validate(dead)
        assert dead["is_deleted"] and dead["record_hash"] != record["record_hash"]


def test_remote_data_is_attached_but_not_hashed():
    plain = envelope(
        source="peoplehr", tenant_id="1", obj="employee", remote_id="A1", fields={"first_name": "Zoë"}
    )
    raw = envelope(
        source="peoplehr",
        tenant_id="1",
        obj="employee",
        remote_id="A1",
        fields={"first_name": "Zoë"},
        remote_data=[{"path": "/Employee", "data": {"FirstName": {"DisplayValue": "Zoë"}}}],
    )
    assert plain["record_hash"] == raw["record_hash"]
    assert "remote_data" not in plain and raw["remote_data"][0]["path"] == "/Employee"


def test_every_enum_includes_other_or_is_closed_by_design():
    for stream in STREAMS:
        for field, values in enum_fields(stream).items():
            if field in ("unit", "day_part", "source"):
                continue  # units and day parts are physical, not open vocabularies
            assert "OTHER" in values, f"{stream}.{field} has no OTHER"
            assert f"{field}_raw" in load_schema(stream)["properties"] or field == "employment_type", (
                f"{stream}.{field} lacks a _raw twin"
            )


def test_discover_schemas_are_open_and_strict_schemas_closed():
    def closed(node):
        if isinstance(node, dict):
            return node.get("additionalProperties") is False or any(closed(v) for v in node.values())
        return isinstance(node, list) and any(closed(v) for v in node)

    for stream in STREAMS:
        assert not closed(load_schema(stream)), stream
        assert load_schema(stream, strict=True)["additionalProperties"] is False
        assert (
            load_schema(stream)["properties"].keys() == load_schema(stream, strict=True)["properties"].keys()
        )


def test_schemas_reject_unknown_fields_and_bad_values():
    schema = load_schema("compensations", strict=True)
    good = envelope(
        source="sesame_hr",
        tenant_id="c",
        obj="compensation",
        remote_id="s1",
        fields={"amount": "38500.00", "currency": "EUR", "pay_period": "YEAR", "payments_per_year": 14},
    )
    jsonschema.validate(good, schema)
    for bad in ({"amount": 38500.0}, {"currency": "€"}, {"pay_period": "yearly"}, {"surprise": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, **bad}, schema)


def test_enum_table_answers_stay_the_same_once_remembered():
    table = EnumTable({"Full-time": "FULL_TIME"})
    for _ in range(2):
        assert [table("Full-time"), table("FULL TIME"), table("zero"), table("  "), table(7)] == [
            "FULL_TIME",
            "FULL_TIME",
            "OTHER",
            None,
            "OTHER",
        ]


def test_hash_of_a_record_with_non_string_keys():
    """Such keys hash as orjson writes them in its non-string-key mode (the same bytes as before)."""
    import hashlib

    import orjson

    record = {"custom_fields": {1: "a", "b": 2}, "x": None}
    expected = hashlib.sha256(
        orjson.dumps(record, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    ).hexdigest()
    assert canonical_hash(record) == expected
    assert canonical_hash({**record, "modified_at": "t"}) == expected
