"""What a provider mapper receives: the config, the slice and helpers to build unified foreign keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from unified_hris.conventions import build_id

#: A mapper turns one raw provider record into the unified fields of one record.
#: It returns the stream's own fields plus ``remote_id``; the envelope is added for it.
Mapper = Callable[[Mapping[str, Any], "MappingContext"], Mapping[str, Any]]


@dataclass(frozen=True)
class MappingContext:
    source: str
    tenant_id: str
    config: Mapping[str, Any] = field(default_factory=dict)
    stream_slice: Mapping[str, Any] = field(default_factory=dict)

    def ref(self, obj: str, remote_id: Any) -> str | None:
        """The unified id of another object of this tenant (None when `remote_id` is empty)."""
        if remote_id is None or remote_id == "":
            return None
        return build_id(self.source, self.tenant_id, obj, str(remote_id))

    def refs(self, obj: str, remote_ids: Any) -> list[str]:
        return [r for r in (self.ref(obj, rid) for rid in (remote_ids or [])) if r is not None]
