"""The console scripts of the connectors under test, installed next to the running interpreter (so the
tests need no activated venv); their names come from `unified_hris.names`."""

from __future__ import annotations

import sys
from pathlib import Path

from unified_hris import names

BIN = Path(sys.executable).parent


def source_script(provider: str) -> str:
    """Path of the connector's Airbyte-protocol script, e.g. ``.venv/bin/unified-hris-source-sage-hr``."""
    return str(BIN / names.source_script(provider))


def tap_script(provider: str) -> str:
    """Path of the connector's Singer tap script, e.g. ``.venv/bin/tap-unified-hris-sage-hr``."""
    return str(BIN / names.tap_script(provider))
