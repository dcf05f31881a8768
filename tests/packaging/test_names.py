"""The suite's own names (`unified_hris.names`), the same in every file that publishes one.

Compared per connector: `pyproject.toml` (distribution, console scripts, documentation URL),
`metadata.yaml` (name, image, PyPI package, issue label, documentation URL), the manifest's spec
(documentation URL), the Dockerfile (the package it installs, its image label), the Meltano plugin
definitions (extractor, executable, package) and `acceptance-test-config.yml` (image). None of them may
carry one of Airbyte's own names for the same connector.
"""

from __future__ import annotations

import re

import pytest
import yaml
from distribution import CONNECTORS, IDS, ROOT, Connector
from unified_hris import names

#: Airbyte's own Sage HR connector (the reference notes' peers.md, outside this repository): ours must never be taken for it.
AIRBYTE_SAGE_HR_DEFINITION_ID = "d8384215-9de6-4268-bbea-40c636ee14c7"
PUBLISHED_FILES = [
    "pyproject.toml",
    "metadata.yaml",
    "Dockerfile",
    "acceptance-test-config.yml",
    "README.md",
]


def meltano_definition(connector: Connector) -> dict:
    return yaml.safe_load((ROOT / "metadata/meltano/extractors" / f"{connector.tap}.yml").read_text())


def acceptance_config(connector: Connector) -> dict:
    return yaml.safe_load((connector.path / "acceptance-test-config.yml").read_text())


def manifest_spec(connector: Connector) -> dict:
    manifest = connector.path / connector.name.replace("-", "_") / "manifest.yaml"
    return yaml.safe_load(manifest.read_text())["spec"]


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_every_published_name_follows_the_scheme(connector: Connector) -> None:
    provider = connector.provider
    distribution, image, docs = names.distribution(provider), names.image(provider), names.docs_url(provider)
    data = connector.metadata["data"]

    assert connector.distribution == distribution
    scripts = connector.project["scripts"]
    assert scripts[names.source_script(provider)].endswith(".run:run")
    assert scripts[names.tap_script(provider)].endswith(".run:tap")
    assert set(scripts) == {names.source_script(provider), names.tap_script(provider)}
    assert connector.project["urls"]["Documentation"] == docs

    assert data["name"].endswith("(unified HRIS)")
    assert data["dockerRepository"] == image
    assert data["remoteRegistries"]["pypi"]["packageName"] == distribution
    assert data["githubIssueLabel"] == distribution
    assert data["documentationUrl"] == docs
    assert data["definitionId"] != AIRBYTE_SAGE_HR_DEFINITION_ID
    assert manifest_spec(connector)["documentation_url"] == docs

    dockerfile = (connector.path / "Dockerfile").read_text()
    assert re.search(rf"^LABEL io\.airbyte\.name={re.escape(image)} ", dockerfile, re.M)
    assert f" {distribution}=={connector.version}" in dockerfile

    plugin = meltano_definition(connector)
    assert plugin["name"] == plugin["executable"] == names.tap_script(provider)
    assert plugin["pip_url"].startswith(f"{distribution}[singer]")
    assert plugin["docs"] == docs

    assert acceptance_config(connector)["connector_image"] == f"{image}:dev"


def test_the_documentation_urls_point_at_files_of_this_repository() -> None:
    for connector in CONNECTORS:
        url = names.docs_url(connector.provider)
        assert url.startswith(names.PROJECT_URL + "/blob/main/")
        assert (ROOT / url.removeprefix(names.PROJECT_URL + "/blob/main/")).is_file(), url


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_no_file_publishes_one_of_airbytes_names(connector: Connector) -> None:
    """Only a connector README's changelog may name Airbyte's package or image (the migration note)."""
    theirs = re.compile(rf"(?<![\w/.])airbyte[-/]{connector.name}\b")
    files = [connector.path / name for name in PUBLISHED_FILES]
    files += [
        ROOT / "metadata/airbyte" / f"{connector.name}.json",
        *(ROOT / "metadata/meltano").rglob("*.yml"),
    ]
    for path in files:
        lines = path.read_text().splitlines()
        if path.name == "README.md":
            lines = lines[: lines.index("## Changelog")]
        offending = [line for line in lines if theirs.search(line)]
        assert not offending, f"{path.relative_to(ROOT)}: {offending}"
