"""`install_redirect_guard`: ``requests`` drops ``Authorization`` on a cross-host redirect but keeps
custom headers such as ``X-Auth-Token`` and re-sends a POST body (PeopleHR's ``APIKey``) on 307/308.
The guard refuses to follow any redirect that leaves the original host or downgrades to http, before
anything is sent there (a process-wide patch of ``requests.Session.rebuild_auth``: `cdk_private`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

#: ``requests``' own method (pinned in `cdk_private`), which the guard calls once the redirect is allowed.
ORIGINAL_REBUILD_AUTH = requests.Session.rebuild_auth


def install_redirect_guard() -> None:
    """Make every ``requests`` session of this process refuse cross-host or downgrading redirects."""
    if getattr(requests.Session.rebuild_auth, "_hris_guard", False):
        return

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
        ORIGINAL_REBUILD_AUTH(self, prepared_request, response)

    rebuild_auth._hris_guard = True  # type: ignore[attr-defined]
    requests.Session.rebuild_auth = rebuild_auth  # type: ignore[method-assign]
