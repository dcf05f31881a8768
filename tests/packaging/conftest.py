"""The packaging tests' helpers live in distribution.py, importable from this folder."""

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distribution import ROOT


def git_untracked() -> set[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "shared", "connectors"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line[3:] for line in out.splitlines() if line[:2] in ("??", "!!") and "egg-info" not in line}


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make wheels` into a temporary folder (once per test session), checked to leave the tree clean."""
    dist = tmp_path_factory.mktemp("dist")
    before = git_untracked()
    proc = subprocess.run(["make", "-s", "wheels", f"DIST={dist}"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git_untracked() == before, "make wheels left files in the source tree"
    return dist


@pytest.fixture(autouse=True, scope="module")
def restore_airbyte_logger() -> Iterator[None]:
    """PyAirbyte's package is also named ``airbyte``: using it reconfigures the ``airbyte`` logger the
    CDK logs to (no propagation, its own file handler). Put it back, so in-process connector runs of
    later test modules still see their log messages."""
    logger = logging.getLogger("airbyte")
    saved = (logger.propagate, logger.level, list(logger.handlers))
    yield
    logger.propagate, level, handlers = saved
    logger.setLevel(level)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    for handler in handlers:
        logger.addHandler(handler)
