"""Provider responses that in-process tests replay: one JSON file each, under ``tests/<connector>/responses/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent


def replayed(connector: str, name: str) -> Any:
    """The body in ``tests/<connector>/responses/<name>.json``, a fresh copy on every call (tests may change it)."""
    return json.loads((TESTS / connector / "responses" / f"{name}.json").read_text(encoding="utf-8"))
