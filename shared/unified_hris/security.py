"""Where credentials may go (base-URL overrides, redirects) and how they are kept out of every output.

- `SecretMask` / `mask_secrets`: a secret is masked in every form it can take in a message: as typed
  (surrounding whitespace included) and stripped, JSON-escaped (ASCII or not), as a Python ``repr`` of
  the text or of its UTF-8 bytes, URL-encoded, and those forms of each other (a request body dumped
  as bytes inside a JSON log line). The CDK's filter gets every form (its logs and traces), and the
  console script masks each line it writes (records, state, connection status) and stderr.
- `validate_base_url`: an override must be ``https://``, except for loopback addresses (local sandboxes
  and proxies on the same machine); no credentials, query or fragment in it.
- `install_redirect_guard`: ``requests`` drops ``Authorization`` on a cross-host redirect but keeps custom
  headers such as ``X-Auth-Token`` and re-sends a POST body (PeopleHR's ``APIKey``) on 307/308. The guard
  refuses to follow any redirect that leaves the original host or downgrades to http, before anything
  is sent there.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote, quote_plus, urlsplit

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.airbyte_secrets_utils import update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

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


def install_redirect_guard() -> None:
    """Make every ``requests`` session of this process refuse cross-host or downgrading redirects."""
    if getattr(requests.Session.rebuild_auth, "_hris_guard", False):
        return
    original = requests.Session.rebuild_auth

    def rebuild_auth(self: requests.Session, prepared_request: Any, response: Any) -> None:
        source, target = urlsplit(response.request.url), urlsplit(prepared_request.url)
        if (
            self.should_strip_auth(response.request.url, prepared_request.url)
            or source.hostname != target.hostname
        ):
            message = (
                f"The API at {source.hostname} redirected to another host ({target.hostname}); the connector does not "
                "follow it because the request carries your credentials. Check the base URL, region or subdomain."
            )
            raise AirbyteTracedException(
                message=message, internal_message=message, failure_type=FailureType.config_error
            )
        original(self, prepared_request, response)

    rebuild_auth._hris_guard = True  # type: ignore[attr-defined]
    requests.Session.rebuild_auth = rebuild_auth  # type: ignore[method-assign]
