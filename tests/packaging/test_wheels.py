"""`make wheels` builds installable distributions; each connector runs from its wheel in a fresh venv.

The fresh venv is the one MeltanoLabs' tap-airbyte wrapper builds in native mode (`force_native: true`):
it takes the name after the "/" of `airbyte_spec.image` (`unified-hris/source-x` -> `source-x`),
creates `.venv-airbyte-source-x`, runs `pip install "airbyte-source-x~=<tag>"` and then calls
`<venv>/bin/source-x`. So this test installs exactly that requirement, built from the example
`meltano.yml`, and runs that executable: a missing package-data file (manifest, schemas, enum tables),
a wrong distribution or console-script name fails here.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conformance.runner import ConnectorRunner
from distribution import CONNECTORS, ROOT, Connector, sandbox_for

pytestmark = pytest.mark.slow


def git_untracked() -> set[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "shared", "connectors"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line[3:] for line in out.splitlines() if line[:2] in ("??", "!!") and "egg-info" not in line}


def native_spec(connector: Connector) -> dict[str, str]:
    """`airbyte_spec` of the connector's plugin in the native-mode example project."""
    project = yaml.safe_load((ROOT / "metadata/meltano/native/meltano.yml").read_text())
    plugins = yaml.safe_load((ROOT / "metadata/meltano/hris.meltano.yml").read_text())["plugins"]
    example = {p["name"]: p["config"] for p in project["environments"][0]["config"]["plugins"]["extractors"]}
    plugin = next(p for p in plugins["extractors"] if p["name"] == f"tap-{connector.provider}")
    assert example[plugin["name"]]["force_native"] is True
    return plugin["config"]["airbyte_spec"]


def install_like_tap_airbyte(connector: Connector, root: Path, find_links: Path) -> Path:
    """The wrapper's native install, with our wheels offered to pip; returns the executable it calls."""
    spec = native_spec(connector)
    source_name = spec["image"].split("/")[1]
    requirement = f"airbyte-{source_name}" + (f"~={spec['tag']}" if spec["tag"] != "latest" else "")
    venv = root / f".venv-airbyte-{source_name}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "--find-links", str(find_links), requirement],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"pip install {requirement} failed:\n{proc.stderr[-3000:]}"
    return venv / "bin" / source_name


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    before = git_untracked()
    proc = subprocess.run(["make", "-s", "wheels", f"DIST={dist}"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git_untracked() == before, "make wheels left files in the source tree"
    return dist


def test_make_wheels_builds_one_wheel_per_distribution(wheels: Path) -> None:
    names = sorted(p.name for p in wheels.glob("*.whl"))
    expected = sorted(
        ["unified_hris-0.1.0-py3-none-any.whl"]
        + [f"{c.distribution.replace('-', '_')}-{c.version}-py3-none-any.whl" for c in CONNECTORS]
    )
    assert names == expected


def test_each_connector_runs_spec_and_discover_from_its_wheel_in_a_fresh_venv(
    wheels: Path, tmp_path: Path
) -> None:
    with ThreadPoolExecutor(max_workers=len(CONNECTORS)) as pool:
        executables = dict(
            zip(
                CONNECTORS,
                pool.map(lambda c: install_like_tap_airbyte(c, tmp_path, wheels), CONNECTORS),
                strict=True,
            )
        )
    for connector, executable in executables.items():
        assert executable.is_file(), f"{connector.distribution} has no console script {executable.name}"
        installed = ConnectorRunner([str(executable)])
        spec = installed.run("spec").raise_on_failure().spec()
        assert spec["connectionSpecification"]["required"]
        with sandbox_for(connector, employees=5) as sandbox:
            config = sandbox.app.connector_config(sandbox.url)
            catalog = installed.discover(config)
            reference = ConnectorRunner([str(connector.executable)]).discover(config)
        assert catalog == reference, f"{connector.name}: the wheel's catalog differs from the source tree's"
        assert {s["name"] for s in catalog["streams"]} >= {"employees", "departments"}
