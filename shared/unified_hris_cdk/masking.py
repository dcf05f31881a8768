"""The process's secret mask: every form of each secret (`unified_hris.security.SecretMask`) goes to
the CDK's filter (its logs and traces), and the console script masks each line it writes (records,
state, connection status) and stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO

from airbyte_cdk.utils.airbyte_secrets_utils import update_secrets
from unified_hris.security import SecretMask

_mask = SecretMask(())
_raw_secrets: set[str] = set()


def remember_secret(value: str) -> None:
    """A secret as the user typed it, before the connector normalised it (masked too)."""
    _raw_secrets.add(value)


def mask_secrets(secrets: Iterable[Any]) -> SecretMask:
    """Mask `secrets` (and the remembered raw ones) everywhere from now on; the CDK's filter included."""
    global _mask
    _mask = SecretMask([*(s for s in secrets if isinstance(s, str)), *_raw_secrets])
    update_secrets(list(_mask.forms))
    return _mask


def current_mask() -> SecretMask:
    return _mask


class MaskedStream:
    """A text stream (stderr) whose writes go through the current mask."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        return self._inner.write(_mask.text(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def mask_stderr() -> None:
    if not isinstance(sys.stderr, MaskedStream):
        sys.stderr = MaskedStream(sys.stderr)  # type: ignore[assignment]
