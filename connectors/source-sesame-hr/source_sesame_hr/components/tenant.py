"""The tenant of every record: the Sesame company of the token, read once per sync from ``/core/v3/info``.

`SesameRecord` is the shared `UnifiedRecord` with one change: its tenant id is not interpolated from
the config but is ``data.company.id`` of ``GET /core/v3/info``, fetched through the manifest's
``company_info`` requester (same base URL, token, error handler and API budget as every stream) by
the first record that needs it and kept in the sync's `SyncScope` (one call per sync; a failed call
is made again by the next record that needs the id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.http_requester import HttpRequester
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from unified_hris_cdk import UnifiedRecord
from unified_hris_cdk.decoders import response_json
from unified_hris_cdk.scope import SyncScope

#: The `SyncScope` key of the token's company id.
COMPANY_ID = "source_sesame_hr.company_id"


@dataclass
class SesameRecord(UnifiedRecord):
    """``UnifiedRecord`` whose tenant is the token's company id (see the module docstring)."""

    company_info: HttpRequester | None = None
    scope: SyncScope = field(default_factory=SyncScope)

    def tenant_of(self, config: Config) -> str:
        return self.scope.once(COMPANY_ID, self._fetch_company_id)

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
