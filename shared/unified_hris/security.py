"""Where credentials may go and how a secret is recognised in every form it can take (no CDK here).

- `SecretMask`: a secret is masked in every form it can take in a message: as typed (surrounding
  whitespace included) and stripped, JSON-escaped (ASCII or not), as a Python ``repr`` of the text or
  of its UTF-8 bytes, URL-encoded, and those forms of each other (a request body dumped as bytes
  inside a JSON log line). `unified_hris_cdk.masking` hands every form to the CDK's filter and masks
  each line the console script writes.
- `base_url_problem`: an override must be ``https://``, except for loopback addresses (local sandboxes
  and proxies on the same machine); no credentials, query or fragment in it.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import orjson

MASK = "****"
#: The ways a text is written out in messages: each maps a text to its written form.
_ENCODINGS = (
    lambda t: json.dumps(t)[1:-1],
    lambda t: json.dumps(t, ensure_ascii=False)[1:-1],
    lambda t: repr(t)[1:-1],
    lambda t: repr(t.encode())[2:-1],
    lambda t: quote(t, safe=""),
    lambda t: quote(t),
    lambda t: quote_plus(t, safe=""),
)
_DEPTH = 3  # encodings of encodings of encodings (a bytes dump in a JSON log line, in a JSON message)
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]{2,}")  # runs of characters every encoding leaves as they are
_SHORTEST = 4  # a shorter "secret" would mask ordinary words


def secret_forms(secret: str) -> set[str]:
    """Every form of `secret` (and of it stripped) that `_DEPTH` encodings can give."""
    forms = {secret, secret.strip()} - {""}
    layer = set(forms)
    for _ in range(_DEPTH):
        layer = {encode(text) for text in layer for encode in _ENCODINGS} - forms
        forms |= layer
    return forms


class SecretMask:
    """Replaces every form of the secrets with `MASK`. Every form of a secret contains its runs of
    plain characters, so a text is scanned for those first and for the forms only when all are there."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {s for s in secrets if isinstance(s, str) and len(s.strip()) >= _SHORTEST}
        self.forms = sorted({form for s in values for form in secret_forms(s)}, key=len, reverse=True)
        self._runs = [sorted(_PLAIN.findall(s), key=len, reverse=True) for s in values]

    def may_hold(self, text: str) -> bool:
        for runs in self._runs:  # loops, not any/all over generators: this runs for every message
            for run in runs:
                if run not in text:
                    break
            else:
                return True
        return False

    def text(self, text: str) -> str:
        if not self.forms or not self.may_hold(text):
            return text
        for form in self.forms:
            text = text.replace(form, MASK)
        return text

    def message(self, line: str) -> str:
        """A serialized Airbyte message (one JSON line) with the secrets masked in every string."""
        if not self.forms or not self.may_hold(line):
            return line
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            return self.text(line)
        return orjson.dumps(self._walk(parsed)).decode()

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        if isinstance(value, dict):
            return {self.text(k): self._walk(v) for k, v in value.items()}
        return value


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def base_url_problem(value: Any) -> str | None:
    """Why `value` cannot be a base URL, or None when it can."""
    if not isinstance(value, str) or not value.strip():
        return "enter a URL such as https://proxy.example.com/api"
    parts = urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "enter a full URL starting with https://"
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return "use https:// (plain http is only accepted for loopback addresses such as 127.0.0.1)"
    if parts.username or parts.password:
        return "remove the user name and password from the URL; credentials belong in their own fields"
    if parts.query or parts.fragment:
        return "remove the query string and fragment from the URL"
    return None
