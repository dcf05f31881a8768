"""Pinning of CDK code we replace: a test compares a method's source digest with the one it was written
against, so a CDK upgrade that changes the method fails until the replacement is re-read."""

import hashlib
import inspect
from typing import Any


def source_digest(method: Any) -> str:
    """sha256 (hex) of `method`'s source text."""
    return hashlib.sha256(inspect.getsource(method).encode()).hexdigest()
