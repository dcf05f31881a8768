"""Test-wide set-up: the conformance kit and fixtures are importable from every test module."""

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))


@pytest.fixture(autouse=True, scope="module")
def restore_airbyte_logger() -> Iterator[None]:
    """PyAirbyte's package is also named ``airbyte``: using it reconfigures the ``airbyte`` logger the
    CDK logs to (no propagation, its own file handler). Put it back after every module, so in-process
    connector runs of later test modules still see their log messages."""
    logger = logging.getLogger("airbyte")
    saved = (logger.propagate, logger.level, list(logger.handlers))
    yield
    logger.propagate, level, handlers = saved
    logger.setLevel(level)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    for handler in handlers:
        logger.addHandler(handler)
