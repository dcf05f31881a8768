"""A record extractor for a plain key path, the shape of every list envelope of the suite.

The CDK's ``DpathExtractor`` calls ``dpath.get``, which walks every leaf of the response body to
find the path, so for pages of hundreds of records it cost more CPU than the records' whole
normalisation. ``KeyPathExtractor`` takes the same ``field_path`` and follows the keys directly.

With ``skip_partition_on_error: true`` (per-employee calls whose 404 the error handler ignores), an
error response becomes a `skips.skipped_partition` marker instead of nothing (`skips.SkippingRetriever`
reads the flag): the partition was not read, so the change detection keeps what it knew of it rather
than reporting it deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.extractors.dpath_extractor import DpathExtractor


@dataclass
class KeyPathExtractor(DpathExtractor):
    """``{type: CustomRecordExtractor, class_name: unified_hris_cdk.extractors.KeyPathExtractor,
    field_path: [data]}``: records at that path (a list, or one object); nothing when it is absent.
    Paths with ``*`` are left to ``DpathExtractor``."""

    skip_partition_on_error: bool = False  # read by `skips.SkippingRetriever`

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        path = [str(part.eval(self.config)) for part in self._field_path]
        if "*" in path or self.record_expander:
            yield from super().extract_records(response)
            return
        for body in self.decoder.decode(response):
            node: Any = body
            for key in path:
                node = node.get(key) if isinstance(node, Mapping) else None
            if isinstance(node, list):
                yield from node
            elif node:
                yield node
