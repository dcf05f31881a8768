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
    assert connector.distribution == f"airbyte-{connector.name}"
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


def meltano_extractors() -> dict[str, dict]:
    plugins = yaml.safe_load((ROOT / "metadata/meltano/hris.meltano.yml").read_text())["plugins"]
    return {p["name"]: p for p in plugins["extractors"]}


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_meltano_plugin_declares_every_config_field_and_hides_secrets(connector: Connector) -> None:
    plugin = meltano_extractors()[f"tap-{connector.provider}"]
    assert plugin["inherit_from"] == "tap-airbyte"
    spec = manifest_spec(connector)
    settings = {s["name"].removeprefix("airbyte_config."): s for s in plugin["settings"]}
    assert set(settings) == set(spec["properties"])
    for name, schema in spec["properties"].items():
        assert settings[name].get("sensitive", False) == schema.get("airbyte_secret", False), name


@pytest.mark.parametrize("mode", ["native", "docker"])
def test_meltano_examples_configure_every_connector_with_its_required_fields(mode: str) -> None:
    project = yaml.safe_load((ROOT / f"metadata/meltano/{mode}/meltano.yml").read_text())
    assert project["send_anonymous_usage_stats"] is False
    included = [(ROOT / f"metadata/meltano/{mode}" / p).resolve() for p in project["include_paths"]]
    assert included == [ROOT / "metadata/meltano/hris.meltano.yml"]
    configs = {p["name"]: p["config"] for p in project["environments"][0]["config"]["plugins"]["extractors"]}
    assert set(configs) == {f"tap-{c.provider}" for c in CONNECTORS}
    for connector in CONNECTORS:
        config = configs[f"tap-{connector.provider}"]
        assert config.get("force_native", False) is (mode == "native")
        spec = manifest_spec(connector)
        secrets = {k for k, v in spec["properties"].items() if v.get("airbyte_secret")}
        given = set(config["airbyte_config"])
        assert given <= set(spec["properties"]) and not given & secrets, "secrets belong in the environment"
        assert set(spec["required"]) - secrets <= given
