"""`make wheels` builds installable distributions; each connector runs from its wheel in a fresh venv.

The fresh venv installs the connector by its distribution name from the wheels alone (no source tree),
as `pip install unified-hris-source-<provider>` will from PyPI; a missing package-data file (manifest,
schemas, enum tables) or a wrong distribution or console-script name fails here. The Singer tap from
the wheels, installed by Meltano, is `test_meltano.py`'s.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conformance.runner import ConnectorRunner
from distribution import CONNECTORS, Connector, sandbox_for
from unified_hris import names

pytestmark = pytest.mark.slow


def install_from_wheels(connector: Connector, root: Path, find_links: Path) -> Path:
    """A fresh venv with the connector's distribution from the wheels; returns its Airbyte script."""
    venv = root / f".venv-{connector.distribution}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    requirement = f"{connector.distribution}=={connector.version}"
    proc = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "--find-links", str(find_links), requirement],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"pip install {requirement} failed:\n{proc.stderr[-3000:]}"
    return venv / "bin" / names.source_script(connector.provider)


def test_make_wheels_builds_one_wheel_per_distribution(wheels: Path) -> None:
    names_found = sorted(p.name for p in wheels.glob("*.whl"))
    expected = sorted(
        ["unified_hris-0.1.0-py3-none-any.whl"]
        + [f"{c.distribution.replace('-', '_')}-{c.version}-py3-none-any.whl" for c in CONNECTORS]
    )
    assert names_found == expected


def test_each_connector_runs_spec_and_discover_from_its_wheel_in_a_fresh_venv(
    wheels: Path, tmp_path: Path
) -> None:
    with ThreadPoolExecutor(max_workers=len(CONNECTORS)) as pool:
        executables = dict(
            zip(
                CONNECTORS,
                pool.map(lambda c: install_from_wheels(c, tmp_path, wheels), CONNECTORS),
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
