"""Registration files: each connector's metadata.yaml, Dockerfile, and the files under metadata/ agree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from fnmatch import fnmatch
from urllib.parse import urlparse

import pytest
import yaml
from airbyte_cdk.models.connector_metadata import ConnectorLanguage, MetadataFile
from airbyte_cdk.test.models.scenario import SCENARIO_SECTIONS
from distribution import CONNECTORS, IDS, ROOT, Connector

AIRBYTE_BASE = re.compile(r"^docker\.io/airbyte/python-connector-base:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$")


def manifest_spec(connector: Connector) -> dict:
    manifest = connector.path / connector.name.replace("-", "_") / "manifest.yaml"
    return yaml.safe_load(manifest.read_text())["spec"]["connection_specification"]


def dockerfile(connector: Connector) -> str:
    return (connector.path / "Dockerfile").read_text()


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_metadata_validates_against_the_cdk_model_and_the_registry_fields(connector: Connector) -> None:
    parsed = MetadataFile.from_file(connector.path / "metadata.yaml")
    data = connector.metadata["data"]
    assert connector.metadata["metadataSpecVersion"] == "1.0"
    assert parsed.data.language is ConnectorLanguage.PYTHON
    assert set(parsed.data.tags) >= {"language:python", "cdk:low-code"}
    assert parsed.data.dockerImageTag == connector.version, "dockerImageTag must equal the package version"
    assert parsed.data.dockerRepository.split("/")[-1] == connector.name
    assert AIRBYTE_BASE.match(parsed.data.connectorBuildOptions.baseImage), "pin the base image by digest"
    assert str(uuid.UUID(data["definitionId"])) == data["definitionId"]
    assert data["connectorType"] == "source" and data["connectorSubtype"] == "api"
    assert data["releaseStage"] in {"alpha", "beta", "generally_available"}
    assert urlparse(data["documentationUrl"]).scheme == "https"
    assert data["remoteRegistries"]["pypi"] == {"enabled": True, "packageName": connector.distribution}
    assert data["license"] == connector.project["license"]


def test_definition_ids_are_distinct() -> None:
    ids = [c.metadata["data"]["definitionId"] for c in CONNECTORS]
    assert len(set(ids)) == len(ids) == 3


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_allowed_hosts_are_narrow_and_cover_the_default_api_host(connector: Connector) -> None:
    hosts = connector.metadata["data"]["allowedHosts"]["hosts"]
    assert hosts and all(h != "*" and "." in h.lstrip("*.") for h in hosts)
    base_url = manifest_spec(connector)["properties"]["base_url"]
    for url in [base_url.get("default"), *base_url.get("examples", [])]:
        if url:
            host = urlparse(url).hostname
            assert any(fnmatch(host, pattern) for pattern in hosts), f"{host} is not in {hosts}"
    assert not any(fnmatch("127.0.0.1", p) or fnmatch("evil.example.com", p) for p in hosts)


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_dockerfile_follows_airbyte_conventions_and_matches_the_metadata(connector: Connector) -> None:
    text = dockerfile(connector)
    data = connector.metadata["data"]
    base = re.search(r"^ARG BASE_IMAGE=(\S+)$", text, re.M)
    assert base and base.group(1) == data["connectorBuildOptions"]["baseImage"]
    assert re.search(r"^FROM \$\{BASE_IMAGE\}$", text, re.M), "the final stage must build on BASE_IMAGE"
    assert f"io.airbyte.name={data['dockerRepository']}" in text
    assert f"io.airbyte.version={data['dockerImageTag']}" in text
    assert f"{connector.distribution}=={connector.version}" in text
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))
    env = re.search(r'AIRBYTE_ENTRYPOINT="([^"]+)"', text)
    assert env and env.group(1) == " ".join(entrypoint)
    assert entrypoint[-1] == "/airbyte/integration_code/main.py"
    assert re.findall(r"^USER (\S+)$", text, re.M)[-1:] == ["airbyte"]


def test_registrations_under_metadata_are_generated_from_the_connectors() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/registrations.py"), "--check"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_airbyte_custom_definition_names_the_image(connector: Connector) -> None:
    definition = json.loads((ROOT / "metadata/airbyte" / f"{connector.name}.json").read_text())
    data = connector.metadata["data"]
    assert (definition["dockerRepository"], definition["dockerImageTag"]) == (
        data["dockerRepository"],
        data["dockerImageTag"],
    )
    assert definition["documentationUrl"] == data["documentationUrl"]


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_acceptance_config_has_every_section_the_cdk_standard_tests_run_and_no_other(
    connector: Connector,
) -> None:
    """An `incremental` section would look like a test while the standard tests never collect it."""
    config = yaml.safe_load((connector.path / "acceptance-test-config.yml").read_text())
    assert list(config["acceptance_tests"]) == list(SCENARIO_SECTIONS)
    statuses = [t.get("status") for t in config["acceptance_tests"]["connection"]["tests"]]
    assert sorted(statuses) == ["failed", "succeed"], (
        "check must pass with the sandbox and fail with a bad config"
    )


MELTANO_KINDS = {"string", "integer", "boolean", "object", "array", "options"}


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_meltano_definition_has_a_setting_per_config_field_of_a_kind_meltano_can_pass(
    connector: Connector,
) -> None:
    plugin = yaml.safe_load((ROOT / "metadata/meltano/extractors" / f"{connector.tap}.yml").read_text())
    spec = manifest_spec(connector)
    settings = {s["name"]: s for s in plugin["settings"]}
    assert list(settings) == list(spec["properties"]), "one setting per config field, same names"
    for name, schema in spec["properties"].items():
        setting = settings[name]
        assert setting["kind"] in MELTANO_KINDS, f"{name}: kind {setting['kind']}"  # never `decimal`
        assert setting.get("sensitive", False) == schema.get("airbyte_secret", False), name
        if "enum" in schema:
            assert [o["value"] for o in setting["options"]] == schema["enum"]
    assert plugin["settings_group_validation"] == [spec["required"]]
    assert set(plugin["capabilities"]) >= {"catalog", "discover", "state"}
