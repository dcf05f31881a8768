"""Shared by the Sesame HR tests: where the installed connector is."""

from pathlib import Path

from installed import source_script

CONNECTOR = source_script("sesame-hr")
CONNECTOR_ROOT = Path(__file__).resolve().parents[2] / "connectors" / "source-sesame-hr"
