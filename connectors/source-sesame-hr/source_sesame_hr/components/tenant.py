"""The tenant of every record: the Sesame company of the token, read once per run from ``/core/v3/info``.

`SesameRecord` is the shared `UnifiedRecord` with one change: its tenant id is not interpolated from
the config but is ``data.company.id`` of ``GET /core/v3/info``, fetched through the manifest's
``company_info`` requester (same base URL, token, error handler and API budget as every stream) by
the first record that needs it and kept for the rest of the process. A token always belongs to one
company, so the id is stable across runs; it is cached per base URL and token.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from unified_hris_cdk import UnifiedRecord
from unified_hris_cdk.decoders import response_json

_lock = threading.Lock()
_companies: dict[str, str] = {}


def _key(config: Config) -> str:
    raw = f"{config.get('base_url') or config.get('region')}|{config.get('api_token')}"
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class SesameRecord(UnifiedRecord):
    """``UnifiedRecord`` whose tenant is the token's company id (see the module docstring)."""

    company_info: HttpRequester | None = None

    def tenant_of(self, config: Config) -> str:
        key = _key(config)
        with _lock:
            if key not in _companies:
                _companies[key] = self._fetch_company_id()
            return _companies[key]

    def _fetch_company_id(self) -> str:
        if self.company_info is None:
            raise ValueError("SesameRecord needs a company_info requester")
        response = self.company_info.send_request()
        body: Any = response_json(response) if response is not None else None
        company = ((body or {}).get("data") or {}).get("company") or {}
        if not company.get("id"):
            raise AirbyteTracedException(
                message="Sesame HR's GET /core/v3/info did not name the token's company; "
                "check that base_url points at the Sesame public API (https://api-<region>.sesametime.com).",
                failure_type=FailureType.system_error,
            )
        return str(company["id"])
