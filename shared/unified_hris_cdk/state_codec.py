"""The change-detection stream state: its format, its fingerprints, and what makes a state unusable.

State (JSON, version 3)::

    {"modified_at": "<start of the last completed sync, by this machine's clock>",
     "change_detection": {"v": 3, "prefix": "sage_hr:acme:employee:", "origin": "sage_hr:acme",
                          "facts": {"start_date": "2024-01-01"}, "clock": "<latest modified_at emitted>",
                          "scopes": {"<scope>": "<remote_id>:<16 hex of record_hash>,..."},
                          "checked": {"<scope or key>": "<epoch seconds>:<16 hex of the parent record>"}}}

Each scope is one packed string (``,`` and ``%`` in a remote id are written ``%2C`` and ``%25``), so
a parsed state costs a few bytes per record, not a dict entry and two strings. Versions 1 (one JSON
object per scope, ``{"<remote_id>": "<16 hex>"}``) and 2 (no origin, facts or clock) are read and
rewritten as version 3. ``checked`` (optional) is the refresh budget's memory of when each
per-employee partition or call was last made (`unified_hris_cdk.refresh`). `fingerprints` decodes
any version; `state_problem` says what is wrong with a state that is not one.

Size: the remote id plus 18 bytes per record (``2107:0123456789abcdef,``), i.e. ~220 KB per 10,000
records with short numeric ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from unified_hris.conventions import parse_timestamp

STATE_KEY = "change_detection"
STATE_VERSION = 3
CURSOR_FIELD = "modified_at"
HASH_CHARS = 16
SEP = ","


def escape_id(rid: str) -> str:
    return rid.replace("%", "%25").replace(SEP, "%2C") if "%" in rid or SEP in rid else rid


def unescape_id(erid: str) -> str:
    return erid.replace("%2C", SEP).replace("%25", "%") if "%" in erid else erid


def entry_id(entry: str) -> str:
    """The (escaped) remote id of an ``erid:digest`` entry."""
    return entry[: -HASH_CHARS - 1]


def pack(entries: Iterable[str]) -> str:
    """One scope's ``erid:digest`` entries as a packed string; the last entry of an id wins."""
    return SEP.join({entry_id(entry): entry for entry in entries}.values())


def iter_entries(packed: str) -> Iterator[str]:
    """The entries of a packed scope, one at a time (a scope can hold a whole tenant's records)."""
    start, end = 0, len(packed)
    while start < end:
        stop = packed.find(SEP, start)
        if stop < 0:
            stop = end
        yield packed[start:stop]
        start = stop + 1



def merged(old: str, new: str) -> str:
    """`new` plus the entries of `old` whose id `new` does not have."""
    if old == new or not old:
        return new
    ids = {hash(entry_id(entry)) for entry in iter_entries(new)}
    kept = SEP.join(entry for entry in iter_entries(old) if hash(entry_id(entry)) not in ids)
    return f"{new}{SEP}{kept}" if new and kept else new or kept


def packed_scopes(scopes: Mapping[str, Any]) -> dict[str, str]:
    """A state's scopes as packed strings (version 1 held a ``{remote_id: digest}`` object per scope)."""
    return {
        scope: entries
        if isinstance(entries, str)
        else pack(f"{escape_id(str(rid))}:{digest}" for rid, digest in entries.items())
        for scope, entries in scopes.items()
    }


def fingerprints(stream_state: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """The fingerprints a stream state holds, as ``{scope: {remote_id: digest}}`` (any state version)."""
    scopes = ((stream_state or {}).get(STATE_KEY) or {}).get("scopes") or {}
    return {
        scope: {unescape_id(entry_id(e)): e[-HASH_CHARS:] for e in iter_entries(packed)}
        for scope, packed in packed_scopes(scopes).items()
    }


def _timestamp_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"is {type(value).__name__}, not a timestamp"
    try:
        parse_timestamp(value)
    except ValueError:
        return f"{value[:40]!r} is not an ISO 8601 timestamp with a time zone"
    return None


def state_problem(stream_state: Any) -> str | None:
    """What makes `stream_state` unusable as a change-detection state (naming the key), or None."""
    if stream_state is None:
        return None
    if not isinstance(stream_state, Mapping):
        return f"the stream state is {type(stream_state).__name__}, not an object"
    if stream_state.get(CURSOR_FIELD) is not None:
        problem = _timestamp_problem(stream_state[CURSOR_FIELD])
        if problem:
            return f"'{CURSOR_FIELD}' {problem}"
    body = stream_state.get(STATE_KEY)
    if body is None:
        return None
    if not isinstance(body, Mapping):
        return f"'{STATE_KEY}' is {type(body).__name__}, not an object"
    expected = {"v": int, "prefix": str, "origin": str, "facts": Mapping, "scopes": Mapping}
    for key, kind in expected.items():
        value = body.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            return f"'{STATE_KEY}.{key}' is {type(value).__name__}"
    if body.get("clock") is not None:
        problem = _timestamp_problem(body["clock"])
        if problem:
            return f"'{STATE_KEY}.clock' {problem}"
    for scope, entries in (body.get("scopes") or {}).items():
        valid = isinstance(entries, str) or (
            isinstance(entries, Mapping) and all(isinstance(v, str) for v in entries.values())
        )
        if not valid:
            return f"'{STATE_KEY}.scopes' holds {type(entries).__name__} for scope {str(scope)[:60]!r}"
    return None


def latest_emission(stream_state: Mapping[str, Any]) -> datetime | None:
    """The latest `modified_at` a (valid) stream state says its syncs emitted: the clock floor of the next."""
    body = stream_state.get(STATE_KEY) or {}
    moments = [parse_timestamp(v) for v in (stream_state.get(CURSOR_FIELD), body.get("clock")) if v]
    return max(moments) if moments else None


def origin_of_prefix(prefix: str | None) -> str | None:
    """``source:tenant`` of an id prefix ``source:tenant:object:``."""
    parts = (prefix or "").split(":")
    return ":".join(parts[:2]) if len(parts) >= 4 else None

