"""The Sesame HR source: the declarative manifest, its host hint and the config checks (`config`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unified_hris_cdk import UnifiedDeclarativeSource
from unified_hris_cdk.list_cache import ListCacheFactory

from source_sesame_hr import config as sesame_config


class SourceSesameHR(UnifiedDeclarativeSource):
    #: requesters marked ``use_cache: true`` share the sync's list cache
    component_factory = ListCacheFactory

    def host_hint(self, config: Mapping[str, Any]) -> tuple[str, str]:
        if config.get("base_url"):
            return ("base_url", "https://api-<region>.sesametime.com, a proxy, or empty to use region")
        return (
            "region",
            "the API host is https://api-<region>.sesametime.com; for another region set base_url",
        )

    def validate_config(self, config: Mapping[str, Any]) -> None:
        sesame_config.validate(config)
