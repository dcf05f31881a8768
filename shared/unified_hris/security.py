"""Where credentials may go: base-URL overrides and redirects.

- `validate_base_url`: an override must be ``https://``, except for loopback addresses (local sandboxes
  and proxies on the same machine); no credentials, query or fragment in it.
- `install_redirect_guard`: ``requests`` drops ``Authorization`` on a cross-host redirect but keeps custom
  headers such as ``X-Auth-Token`` and re-sends a POST body (PeopleHR's ``APIKey``) on 307/308. The guard
  refuses to follow any redirect that leaves the original host or downgrades to http, before anything
  is sent there.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException


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
