"""The packaging tests' helpers live in distribution.py, importable from this folder."""

import subprocess
import sys
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
