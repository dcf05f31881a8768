"""Write metadata/ from the connectors' own files: Airbyte custom-connector definitions, Meltano plugins.

    .venv/bin/python scripts/registrations.py          # rewrite metadata/airbyte/*.json and metadata/meltano/
    .venv/bin/python scripts/registrations.py --check  # exit 1 when they are out of date (a test runs this)

Sources of truth: each connector's `metadata.yaml` (image, tag, name, docs URL), its `pyproject.toml`
(distribution, version, Python) and its manifest's spec (the Meltano settings, one per config field,
secrets marked sensitive); the names follow `unified_hris.names`.

Meltano: `metadata/meltano/extractors/<tap>.yml` is one plugin definition per connector, for
`meltano add --from-ref <file> <tap>`; `metadata/meltano/example/meltano.yml` is a ready
project with the three extractors (the same definitions, inline) and `target-jsonl`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml
from unified_hris import names

ROOT = Path(__file__).resolve().parents[1]
METADATA = ROOT / "metadata"
MELTANO = METADATA / "meltano"
#: Meltano's numeric kind `decimal` turns a value set from the environment or `meltano config set`
#: into a Decimal, which Meltano then cannot write as JSON, and `integer` refuses `7.5`: a `number`
#: field (a timeout in seconds, hours per day) is a string setting, which the tap reads back as a
#: number (`unified_hris_cdk.singer.tap.AirbyteSourceTap.airbyte_config`).
MELTANO_KINDS = {
    "string": "string",
    "integer": "integer",
    "number": "string",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}
#: What the example project fills in for each connector (secrets come from the environment).
EXAMPLE_CONFIG = {
    "sage-hr": {"subdomain": "acme", "start_date": "2024-01-01"},
    "peoplehr": {"account": "acme", "start_date": "2024-01-01"},
    "sesame-hr": {"region": "eu1", "start_date": "2024-01-01"},
}
TARGET_JSONL = {
    "name": "target-jsonl",
    "namespace": "target_jsonl",
    "pip_url": "target-jsonl==0.1.4",
    "executable": "target-jsonl",
    "settings": [{"name": "destination_path", "kind": "string"}],
    "config": {"destination_path": "output"},
}


def connectors() -> list[Path]:
    return sorted(p for p in (ROOT / "connectors").glob("source-*") if (p / "metadata.yaml").is_file())


def provider(connector: Path) -> str:
    return connector.name.removeprefix("source-")


def registry_data(connector: Path) -> dict[str, Any]:
    return yaml.safe_load((connector / "metadata.yaml").read_text())["data"]


def project(connector: Path) -> dict[str, Any]:
    return tomllib.loads((connector / "pyproject.toml").read_text())["project"]


def connection_spec(connector: Path) -> dict[str, Any]:
    package = connector.name.replace("-", "_")
    manifest = yaml.safe_load((connector / package / "manifest.yaml").read_text())
    return manifest["spec"]["connection_specification"]


def tested_python(connector: Path) -> str:
    """The interpreter Meltano builds the tap's venv with: the lowest (and only tested) Python."""
    lowest = project(connector)["requires-python"].split(",")[0].removeprefix(">=")
    return f"python{lowest}"


def airbyte_definition(connector: Path) -> dict[str, Any]:
    """Body of Airbyte's `POST /v1/workspaces/{workspaceId}/definitions/sources` (custom connector)."""
    data = registry_data(connector)
    return {
        "name": data["name"],
        "dockerRepository": data["dockerRepository"],
        "dockerImageTag": data["dockerImageTag"],
        "documentationUrl": data["documentationUrl"],
    }


def meltano_setting(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    setting: dict[str, Any] = {"name": name, "kind": MELTANO_KINDS[schema.get("type", "string")]}
    if schema.get("title"):
        setting["label"] = schema["title"]
    if schema.get("description"):
        setting["description"] = schema["description"]
    if "enum" in schema:
        setting["kind"] = "options"
        setting["options"] = [{"label": str(v), "value": v} for v in schema["enum"]]
    if schema.get("airbyte_secret"):
        setting["sensitive"] = True
    return setting


def meltano_extractor(connector: Path) -> dict[str, Any]:
    """The connector's Singer tap as a Meltano extractor (Hub's plugin-definition format)."""
    data, spec, dist = registry_data(connector), connection_spec(connector), project(connector)
    tap = names.tap_script(provider(connector))
    return {
        "name": tap,
        "namespace": tap.replace("-", "_"),
        "label": data["name"],
        "description": f"Singer tap running the Airbyte connector {dist['name']} in-process. {dist['description']}",
        "docs": data["documentationUrl"],
        "pip_url": f"{dist['name']}[singer]~={dist['version']}",
        "python": tested_python(connector),
        "executable": tap,
        "capabilities": ["catalog", "discover", "state", "about", "stream-maps", "schema-flattening"],
        "settings_group_validation": [list(spec.get("required", []))],
        "settings": [meltano_setting(name, schema) for name, schema in spec["properties"].items()],
    }


def meltano_example_project() -> dict[str, Any]:
    """The example values sit in each extractor's own `config`, where `meltano config set` writes (it
    ignores the default environment, whose values would override what it sets)."""
    return {
        "project_id": "unified-hris-example",
        "send_anonymous_usage_stats": False,
        "default_environment": "dev",
        "environments": [{"name": "dev"}],
        "plugins": {
            "extractors": [
                {**meltano_extractor(c), "config": EXAMPLE_CONFIG[provider(c)]} for c in connectors()
            ],
            "loaders": [TARGET_JSONL],
        },
    }


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


GENERATED = "# Generated by scripts/registrations.py from the connectors' own files: do not edit.\n"
EXAMPLE_HEADER = (
    "# A Meltano project with the suite's three extractors (the Singer taps) and target-jsonl.\n"
    + GENERATED
    + "# Use: README.md, section Meltano. Secrets come from the environment (or .env), never from here.\n"
)


def rendered() -> dict[Path, str]:
    files = {
        METADATA / "airbyte" / f"{c.name}.json": json.dumps(airbyte_definition(c), indent=2) + "\n"
        for c in connectors()
    }
    for c in connectors():
        plugin = meltano_extractor(c)
        header = f"# Meltano extractor: meltano add --from-ref <this file> {plugin['name']}\n"
        files[MELTANO / "extractors" / f"{plugin['name']}.yml"] = header + GENERATED + dump_yaml(plugin)
    files[MELTANO / "example" / "meltano.yml"] = EXAMPLE_HEADER + dump_yaml(meltano_example_project())
    return files


def generated_elsewhere(files: dict[Path, str]) -> list[Path]:
    """Definitions in metadata/ that the connectors no longer produce (a removed or renamed connector)."""
    found = [*(METADATA / "airbyte").glob("*.json"), *(MELTANO / "extractors").glob("*.yml")]
    return sorted(p for p in found if p not in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a file is missing or out of date")
    args = parser.parse_args()
    files = rendered()
    if not args.check:
        for path in generated_elsewhere(files):
            path.unlink()
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return 0
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text() != text]
    stale += generated_elsewhere(files)
    if stale:
        listed = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"out of date: {listed}; run: .venv/bin/python scripts/registrations.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
