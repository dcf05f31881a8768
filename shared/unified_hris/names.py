"""The names the suite publishes, one scheme for every connector.

Every name holds the suite's ``unified-hris``, the role the artefact plays in its ecosystem (an
Airbyte ``source``, a Singer ``tap``) and the provider as the connector's folder names it
(``connectors/source-<provider>``). The role sits where each ecosystem expects it:

- ``unified-hris-source-sage-hr``: the PyPI distribution, its Airbyte console script, the issue label;
- ``unified-hris/source-sage-hr``: the container image (``unified-hris`` is the image namespace);
- ``tap-unified-hris-sage-hr``: the Singer tap's console script and Meltano extractor (Singer names
  start with ``tap-``, and Meltano infers an extractor from that prefix).

Airbyte's own connectors are ``airbyte-source-<name>`` on PyPI with a ``source-<name>`` script and
``airbyte/source-<name>`` images, so none of ours can collide with theirs. The import packages keep
the folder's name (``source_sage_hr``). Tests, the bench and the demo take every name from here.
"""

from __future__ import annotations

SUITE = "unified-hris"
#: The repository the connectors' documentation lives in (each connector's README).
PROJECT_URL = "https://github.com/hris-connectors/connectors"


def distribution(provider: str) -> str:
    """PyPI distribution of a connector; also its Airbyte console script."""
    return f"{SUITE}-source-{provider}"


def source_script(provider: str) -> str:
    """Console script that speaks the Airbyte protocol (``spec``, ``check``, ``discover``, ``read``)."""
    return distribution(provider)


def tap_script(provider: str) -> str:
    """Console script of the connector as a Singer tap; also its Meltano plugin name."""
    return f"tap-{SUITE}-{provider}"


def image(provider: str) -> str:
    """Container image repository (without a tag)."""
    return f"{SUITE}/source-{provider}"


def docs_url(provider: str) -> str:
    """The connector's documentation: its README in the repository."""
    return f"{PROJECT_URL}/blob/main/connectors/source-{provider}/README.md"


def provider_of_package(package: str) -> str:
    """``source_sage_hr`` -> ``sage-hr``: the provider of a connector's import package."""
    return package.split(".")[0].removeprefix("source_").replace("_", "-")
