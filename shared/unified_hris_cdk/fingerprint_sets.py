"""In-memory sets of fingerprints for `ChangeDetectionCursor`: the old state's, and a slice's new ones."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable

from unified_hris_cdk.state_codec import iter_entries, pack


class SortedHashes:
    """A read-only set of 64-bit hashes in 8 bytes each (a Python set of ints takes about 70)."""

    def __init__(self, hashes: Iterable[int]) -> None:
        self._values = array("q", sorted(hashes))

    def __contains__(self, value: int) -> bool:
        i = bisect_left(self._values, value)
        return i < len(self._values) and self._values[i] == value


class PendingScope:
    """The entries of a slice being read, as UTF-8 bytes; `repeats` when an id may occur twice."""

    __slots__ = ("buffer", "repeats")

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.repeats = False

    def add(self, entry: str) -> None:
        if self.buffer:
            self.buffer += b","
        self.buffer += entry.encode()

    def packed(self) -> str:
        packed = self.buffer.decode()
        return pack(iter_entries(packed)) if self.repeats else packed

