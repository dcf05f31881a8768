"""Shared by the Sesame HR tests: where the installed connector is."""

import sys
from pathlib import Path

#: The console script installed next to the running interpreter (PATH may not include the venv).
CONNECTOR = str(Path(sys.executable).with_name("source-sesame-hr"))
CONNECTOR_ROOT = Path(__file__).resolve().parents[2] / "connectors" / "source-sesame-hr"
