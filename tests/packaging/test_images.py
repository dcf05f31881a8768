"""The container images (`make images`) run spec, check, discover and read like the native connector.

Needs podman, buildah, debootstrap and runc, and root (`make test` installs the tools with apt when run as
root). Where they cannot run, this test FAILS naming what is missing: it never skips.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from conformance.runner import ConnectorRunner, RunResult, configured_catalog
from distribution import CONNECTORS, IDS, ROOT, Connector, sandbox_for
from packaging.specifiers import SpecifierSet
from packaging.version import Version

pytestmark = pytest.mark.slow
ENV = {
    **os.environ,
    "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(ROOT / "scripts/containers.conf")),
}


@pytest.fixture(scope="module")
def images() -> None:
    check = subprocess.run([ROOT / "scripts/images.sh", "check"], capture_output=True, text=True, env=ENV)
    if check.returncode != 0:
        pytest.fail(f"the image test cannot run here: {check.stderr.strip()}", pytrace=False)
    build = subprocess.run(["make", "-s", "images"], cwd=ROOT, capture_output=True, text=True, env=ENV)
    assert build.returncode == 0, f"make images failed:\n{build.stdout[-2000:]}\n{build.stderr[-4000:]}"


class ImageRunner(ConnectorRunner):
    """Runs the image with podman; config, catalog and state are mounted read-only at /data."""

    def __init__(self, image: str) -> None:
        super().__init__(["podman", "run", "--rm", "--network=host"], env=ENV, timeout=600)
        self.image = image

    def invocation(self, verb: str, workdir: Path, files: Mapping[str, Path]) -> list[str]:
        mounted = (part for flag, path in files.items() for part in (flag, f"/data/{path.name}"))
        return [*self.command, "-v", f"{workdir}:/data:ro", self.image, verb, *mounted]


def by_stream(result: RunResult) -> dict[str, list[str]]:
    """Records per stream, without `modified_at` (the sync time where the provider gives no timestamp)."""
    out: dict[str, list[str]] = {}
    for message in result.of_type("RECORD"):
        record = message["record"]
        data = {k: v for k, v in record["data"].items() if k != "modified_at"}
        out.setdefault(record["stream"], []).append(json.dumps(data, sort_keys=True))
    return {stream: sorted(rows) for stream, rows in out.items()}


@pytest.mark.parametrize("connector", CONNECTORS, ids=IDS)
def test_image_runs_every_verb_like_the_native_connector(images: None, connector: Connector) -> None:
    image = ImageRunner(connector.image)
    native = ConnectorRunner([str(connector.executable)])
    labels = subprocess.run(
        ["podman", "image", "inspect", connector.image, "--format", "{{json .Config}}"],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    config_of_image = json.loads(labels.stdout)
    assert config_of_image["Labels"]["io.airbyte.version"] == connector.version
    assert config_of_image["User"] == "airbyte"
    python = subprocess.run(
        [
            "podman",
            "run",
            "--rm",
            "--network=none",
            "--entrypoint",
            "/opt/venv/bin/python",
            connector.image,
            "-c",
            "import sys; print('%d.%d' % sys.version_info[:2])",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    ).stdout.strip()
    tested = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert python == tested, f"the image runs Python {python}, the tests {tested}"
    assert Version(python) in SpecifierSet(connector.project["requires-python"])
    assert f"AIRBYTE_ENTRYPOINT={' '.join(config_of_image['Entrypoint'])}" in config_of_image["Env"]

    assert image.run("spec").raise_on_failure().spec() == native.run("spec").raise_on_failure().spec()
    # tap-airbyte's Docker mode calls `docker run IMAGE -- spec ...`
    assert image.run("--", extra_args=["spec"]).raise_on_failure().spec()
    with sandbox_for(connector) as sandbox:
        config = sandbox.app.connector_config(sandbox.url)
        assert image.run("check", config).connection_status()["status"] == "SUCCEEDED"
        catalog = image.discover(config)
        assert catalog == native.discover(config)
        configured = configured_catalog(catalog, incremental=False)
        from_image = image.run("read", config, configured).raise_on_failure()
        from_native = native.run("read", config, configured).raise_on_failure()
    records = by_stream(from_image)
    assert records == by_stream(from_native)
    assert len(records.get("employees", [])) >= 25
