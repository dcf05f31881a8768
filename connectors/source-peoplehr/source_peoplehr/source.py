"""The PeopleHR source: the manifest, the config checks (`config`) and a check that probes every area."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import AirbyteConnectionStatus, Status
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from unified_hris_cdk import UnifiedDeclarativeSource

from source_peoplehr import config as peoplehr_config


class SourcePeopleHR(UnifiedDeclarativeSource):
    def validate_config(self, config: Mapping[str, Any]) -> None:
        peoplehr_config.validate(config)

    def probe(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """`CheckStream` over the manifest's check streams, extended: the first partition of *each*
        PeopleHR area of a stream is read, so a key lacking any area fails with that area's name.
        The streams are built once, so the probes share one API budget and one employee list."""
        names = list(self.resolved_manifest["check"]["stream_names"])
        streams = [s for s in self.streams(config) if s.name in names]
        for stream in sorted(streams, key=lambda s: names.index(s.name)):
            probed: set[str] = set()
            try:
                for partition in stream.generate_partitions():
                    area = str((partition.to_slice() or {}).get("area", ""))
                    if area in probed:
                        continue
                    probed.add(area)
                    next(iter(partition.read()), None)
            except AirbyteTracedException as error:
                message = error.message or error.internal_message or "unknown error"
                return AirbyteConnectionStatus(status=Status.FAILED, message=message)
            except Exception as error:  # a failure nobody mapped: say where, without a traceback
                logger.error("check of %s failed", stream.name, exc_info=True)
                message = f"Reading {stream.name} failed: {type(error).__name__}: {error}"
                return AirbyteConnectionStatus(status=Status.FAILED, message=message)
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)
