"""The equivalence test runs the connectors as distributed: their helpers are in tests/packaging."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packaging"))
