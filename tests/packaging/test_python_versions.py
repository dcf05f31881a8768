"""The Python the packages declare is the Python tested: `make test` runs on it, the images' base has it
(`test_images.py` checks inside the image), Meltano builds the taps' venvs with it, the README says it."""

from __future__ import annotations

import re
import sys
import tomllib

import yaml
from distribution import CONNECTORS, ROOT
from packaging.specifiers import SpecifierSet
from packaging.version import Version

TESTED = f"{sys.version_info.major}.{sys.version_info.minor}"
PYPROJECTS = [ROOT / "shared/pyproject.toml", ROOT / "sandbox/pyproject.toml"] + [
    c.path / "pyproject.toml" for c in CONNECTORS
]


def declared() -> dict[str, dict]:
    return {str(p.relative_to(ROOT)): tomllib.loads(p.read_text())["project"] for p in PYPROJECTS}


def test_every_package_declares_the_tested_python_as_its_lowest() -> None:
    projects = declared()
    specs = {name: project["requires-python"] for name, project in projects.items()}
    assert len(set(specs.values())) == 1, f"one Python range for the suite: {specs}"
    spec = SpecifierSet(next(iter(specs.values())))
    assert Version(TESTED) in spec, f"the tests run on {TESTED}, outside {spec}"
    lower = Version(TESTED)
    earlier = Version(f"{lower.major}.{lower.minor - 1}")
    assert earlier not in spec, f"{spec} admits Python {earlier}, which nothing tests"
    for name, project in projects.items():
        versions = {c.rsplit(" :: ", 1)[-1] for c in project["classifiers"] if re.match(r".*:: 3\.\d+$", c)}
        assert versions == {TESTED}, f"{name}: classifiers name {versions}, the tested Python is {TESTED}"


def test_meltano_builds_the_taps_with_the_tested_python() -> None:
    for path in (ROOT / "metadata/meltano/extractors").glob("*.yml"):
        assert yaml.safe_load(path.read_text())["python"] == f"python{TESTED}", path.name


def test_the_readme_states_the_tested_python() -> None:
    readme = (ROOT / "README.md").read_text()
    two_commands = readme[readme.index("## Two commands") : readme.index("## Layout")]
    assert f"Python {TESTED}" in two_commands
    assert not re.search(r"Python 3\.(?!" + str(sys.version_info.minor) + r")\d+", two_commands)
    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["target-version"]
    assert ruff == f"py{TESTED.replace('.', '')}"
