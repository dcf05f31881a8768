"""The "not mapped, and why" check (`field_coverage`) finds the fields a mapper does not read."""

from pathlib import Path
from typing import Any

from field_coverage import coverage_problems, leaf_paths, readme_table, unread_fields

RAWS = [
    {
        "Id": 1,
        "FirstName": {"DisplayValue": "Ada"},
        "Nick": "",
        "Deductions": [{"Amount": "10.00", "Code": "PEN"}],
        "Active": True,
    },
    {"Id": 2, "FirstName": {"DisplayValue": "Bo"}, "Nick": "B", "Deductions": [], "Active": False},
]


def mapper(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "remote_id": str(raw["Id"]),
        "first_name": raw["FirstName"]["DisplayValue"],
        "deductions": [d["Amount"] for d in raw.get("Deductions") or []],
    }


def test_leaf_paths_name_nested_keys_and_list_items() -> None:
    assert leaf_paths(RAWS[0]) == {"Id", "FirstName.DisplayValue", "Nick", "Deductions[].Amount", "Deductions[].Code", "Active"}
    assert leaf_paths(RAWS[1]) == {"Id", "FirstName.DisplayValue", "Nick", "Deductions", "Active"}


def test_fields_the_mapper_ignores_are_found() -> None:
    assert unread_fields(mapper, RAWS) == {"Nick", "Deductions[].Code", "Active"}


def test_a_field_that_makes_the_mapper_fail_when_changed_counts_as_read() -> None:
    def strict(raw: dict[str, Any]) -> dict[str, Any]:
        assert isinstance(raw["Active"], bool) and raw["Active"] in (True, False)
        return {"n": int(raw["Id"]) and 0}

    assert "Id" in unread_fields(strict, RAWS)  # its value never changes the output
    assert "Active" in unread_fields(strict, RAWS)  # a changed bool is still a bool
    assert "Id" not in unread_fields(lambda raw: {"n": int(str(raw["Id"]) + "x")}, RAWS)


def test_the_readme_table_must_list_every_unread_field_with_a_reason(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# C\n\n## Not mapped, and why\n\n| Endpoint | Field | Why |\n|---|---|---|\n"
        "| /Employee | `Nick` | a display nickname with no unified home |\n"
        "| /Employee | Deductions[].Code | |\n"
        "| /Employee | FirstName.DisplayValue | wrong: it is mapped |\n"
        "| /Employee | Gone | no longer sent |\n\n## Next\n| /Employee | Active | not in the section |\n",
        "utf-8",
    )
    table = readme_table(readme)
    assert ("/Employee", "Active") not in table
    assert coverage_problems("/Employee", mapper, RAWS, table) == [
        "/Employee: Active is not mapped; map it or add it to the README's '## Not mapped, and why' table",
        "/Employee: Deductions[].Code is listed without a reason",
        "/Employee: FirstName.DisplayValue is listed as not mapped, but the mapper reads it",
        "/Employee: Gone is listed, but the sandbox does not send it",
    ]
