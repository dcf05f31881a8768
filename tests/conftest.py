"""Test-wide set-up: the conformance kit and fixtures are importable from every test module."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
