"""Joins done with list calls, not one call per employee.

Sesame keeps an employee's departments, offices and managers in separate assignation resources. The
`JoinedRecords` extractor reads each assignation listing completely (once per sync, in the sync's
`SyncScope`, before it hands over its first record) and gives every record its links as the record's
context: ``ctx.record["links"][partition_field]`` is the list of the record's links in that listing
(per link, its extra fields). A failed listing fails the stream, so no record is ever emitted with a
partial join.

The links are kept in a `LinkStore`: a temporary SQLite database on disk (SQLite holds at most its page
cache in memory, ~2 MB), so a sync's memory does not grow with the tenant; held in Python they cost
~0.8 KB per employee (50,000 employees: ~40 MB). Looking up an employee's three link lists costs
~20 µs.

The listings are declared as an ordinary `SubstreamPartitionRouter` in the manifest (the extractor's
``links``); the join reads its parent streams with `unified_hris_cdk.partition_routers.records` and
follows ``parent_key`` and ``extra_fields`` itself. The record's key is its ``id``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import requests
from airbyte_cdk.sources.declarative.partition_routers.substream_partition_router import (
    SubstreamPartitionRouter,
)
from unified_hris.mapping import RECORD_CONTEXT
from unified_hris_cdk.extractors import KeyPathExtractor
from unified_hris_cdk.partition_routers import MISSING, follow, records
from unified_hris_cdk.scope import SyncScope

_BATCH = 1000


class LinkStore:
    """Links on disk: one row per link (listing number, parent key, the extra fields' values as a JSON
    array). SQLite's private temporary database (``connect("")``): its file is removed when the
    connection closes (when the store is dropped, at the latest at exit). One connection shared by the
    threads that map records, behind a lock."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE links (listing INTEGER, key TEXT, row TEXT)")
        self._lock = threading.Lock()

    def load(self, listing: int, links: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
        """Store ``(parent key, values)`` pairs of one listing."""
        batch: list[tuple[int, str, str]] = []
        with self._lock:
            self._db.execute("BEGIN")
            for key, values in links:
                batch.append((listing, key, orjson.dumps(values).decode()))
                if len(batch) >= _BATCH:
                    self._db.executemany("INSERT INTO links VALUES (?, ?, ?)", batch)
                    batch.clear()
            self._db.executemany("INSERT INTO links VALUES (?, ?, ?)", batch)
            self._db.execute("COMMIT")

    def index(self) -> None:
        """Called once every listing is loaded: lookups by key from then on."""
        with self._lock:
            self._db.execute("CREATE INDEX by_key ON links (key, listing)")

    def values(self, listing: int, key: str) -> list[list[Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT row FROM links WHERE key = ? AND listing = ? ORDER BY rowid", (key, listing)
            ).fetchall()
        return [orjson.loads(row) for (row,) in rows]


@dataclass
class Links:
    """One assignation listing's links, in a `LinkStore`."""

    fields: tuple[str, ...]
    store: LinkStore
    listing: int

    def of(self, key: str) -> list[dict[str, Any]]:
        """The links of one parent key (in listing order), each as ``{extra field: value}``."""
        return [
            dict(zip(self.fields, values, strict=True)) for values in self.store.values(self.listing, key)
        ]


#: The `SyncScope` key prefix of a join (followed by the listings' partition fields).
JOIN = "source_sesame_hr.join"


@dataclass
class JoinedRecords(KeyPathExtractor):
    """``extractor: {type: CustomRecordExtractor, class_name: ...JoinedRecords, field_path: [data],
    links: <SubstreamPartitionRouter>}``: the records, each with its links as context."""

    links: SubstreamPartitionRouter | None = None
    scope: SyncScope = field(default_factory=SyncScope)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        joined = self._joined()
        for record in super().extract_records(response):
            if joined and record.get("id") is not None:
                key = str(record["id"])
                context = record.setdefault(RECORD_CONTEXT, {})
                context["links"] = {name: links.of(key) for name, links in joined.items()}
            yield record

    def _joined(self) -> dict[str, Links]:
        """The join of this extractor's listings, read the first time the sync asks for it."""
        router = self.links
        if router is None:
            return {}
        names = [str(parent.partition_field.eval(router.config)) for parent in router.parent_stream_configs]  # type: ignore[union-attr]
        return self.scope.once(f"{JOIN}:{','.join(names)}", lambda: _join(router))


def _join(router: SubstreamPartitionRouter) -> dict[str, Links]:
    config = router.config
    store = LinkStore()
    joined: dict[str, Links] = {}
    for listing, parent in enumerate(router.parent_stream_configs):
        name = str(parent.partition_field.eval(config))  # type: ignore[union-attr]
        key_path = str(parent.parent_key.eval(config)).split("/")  # type: ignore[union-attr]
        fields = [[str(part.eval(config)) for part in path] for path in parent.extra_fields or []]  # type: ignore[union-attr]
        joined[name] = Links(fields=tuple(".".join(path) for path in fields), store=store, listing=listing)
        store.load(listing, _links(parent, key_path, fields))
    store.index()
    return joined


def _links(
    parent: Any, key_path: list[str], fields: list[list[str]]
) -> Iterable[tuple[str, tuple[Any, ...]]]:
    for record in records(parent):
        key = follow(record.data, key_path)
        if key is MISSING or key is None:
            continue
        yield (
            str(key),
            tuple(None if (value := follow(record.data, path)) is MISSING else value for path in fields),
        )
