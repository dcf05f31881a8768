"""One Airbyte ``read`` serving a Singer tap's streams one after the other.

A Singer tap syncs its streams in turn; an Airbyte source reads a sync's streams together
(concurrently, sharing listings such as the employee list, under one call budget). `SharedRead` runs
ONE ``read`` of every stream not yet delivered when the tap asks for a stream's records: that
stream's records are handed over as they arrive, the other streams' are spooled to a temporary file
each and replayed when the tap reaches them. So a sync through the tap makes the same API calls as
the same sync through Airbyte.

A stream's state is the last Airbyte state the read emitted for it, and it is given out only once
its records have been delivered. A read that stops early (the consumer stops iterating, as the
Singer SDK's ``--test`` does after one record, or the read fails) keeps nothing: its spools and
states are dropped, and the streams it had not delivered are read again when their turn comes.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateBlob,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamState,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteStream,
    Level,
    StreamDescriptor,
    TraceType,
    Type,
)

from unified_hris_cdk.source import UnifiedDeclarativeSource

LOG_LEVELS = {
    Level.FATAL: logging.CRITICAL,
    Level.ERROR: logging.ERROR,
    Level.WARN: logging.WARNING,
    Level.INFO: logging.INFO,
    Level.DEBUG: logging.DEBUG,
    Level.TRACE: logging.DEBUG,
}


def state_messages(states: Mapping[str, Mapping[str, Any]]) -> list[AirbyteStateMessage]:
    """Per-stream Airbyte state messages, as a source takes them in."""
    return [
        AirbyteStateMessage(
            type=AirbyteStateType.STREAM,
            stream=AirbyteStreamState(
                stream_descriptor=StreamDescriptor(name=name), stream_state=AirbyteStateBlob(dict(state))
            ),
        )
        for name, state in states.items()
    ]


class SharedRead:
    """The Airbyte reads of one tap run: ``records(name)`` for each configured stream, then ``state(name)``.

    `states` holds the input state of every stream the source may look at (also streams that are not
    configured: a connector can read another stream's state), keyed by stream name.
    """

    def __init__(
        self,
        source_class: type[UnifiedDeclarativeSource],
        config: Mapping[str, Any],
        streams: Sequence[ConfiguredAirbyteStream],
        states: Mapping[str, Mapping[str, Any]],
        logger: logging.Logger,
    ) -> None:
        self._source_class = source_class
        self._config = config
        self._pending = {s.stream.name: s for s in streams}
        self._states: dict[str, Mapping[str, Any]] = dict(states)
        self._delivered: set[str] = set()
        self._spools: dict[str, Path] = {}
        self._folder = Path(tempfile.mkdtemp(prefix="tap-unified-hris-"))
        atexit.register(self.close)
        self._logger = logger

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        """The stream's records: live from a new read, or replayed from the read that spooled them."""
        if name in self._spools:
            yield from self._replay(name)
        elif name in self._pending:
            yield from self._read(name)
        else:
            raise KeyError(f"stream {name!r} is not configured, or its records were already given out")
        self._delivered.add(name)

    def state(self, name: str) -> Mapping[str, Any] | None:
        """The stream's Airbyte state after the read, once its records are delivered (else None)."""
        return self._states.get(name) if name in self._delivered else None

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)

    def _replay(self, name: str) -> Iterator[dict[str, Any]]:
        path = self._spools.pop(name)
        with path.open("rb") as spool:
            for line in spool:
                yield orjson.loads(line)
        path.unlink()

    def _read(self, name: str) -> Iterator[dict[str, Any]]:
        catalog = ConfiguredAirbyteCatalog(streams=list(self._pending.values()))
        incremental = {s.stream.name for s in catalog.streams if s.sync_mode.value == "incremental"}
        full_refresh = set(self._pending) - incremental
        state = state_messages({k: v for k, v in self._states.items() if k not in full_refresh})
        source = self._source_class(catalog=catalog, config=self._config, state=state)
        spools = {other: (self._folder / f"{other}.jsonl") for other in self._pending if other != name}
        files = {other: path.open("wb") for other, path in spools.items()}
        emitted: dict[str, Mapping[str, Any]] = {}
        complete = False
        try:
            for message in source.read(self._logger, self._config, catalog, state):
                if message.type == Type.RECORD:
                    record = message.record
                    if record.stream == name:
                        yield record.data
                    else:
                        files[record.stream].write(orjson.dumps(record.data) + b"\n")
                elif message.type == Type.STATE and message.state.stream is not None:
                    stream_state = message.state.stream
                    emitted[stream_state.stream_descriptor.name] = dict(stream_state.stream_state.__dict__)
                else:
                    self._log(message)
            complete = True
        finally:
            for file in files.values():
                file.close()
            if complete:
                self._states.update(emitted)
                self._spools.update(spools)
                self._pending.clear()
            else:
                for path in spools.values():
                    path.unlink(missing_ok=True)

    def _log(self, message: AirbyteMessage) -> None:
        if message.type == Type.LOG:
            self._logger.log(LOG_LEVELS.get(message.log.level, logging.INFO), message.log.message)
        elif message.type == Type.TRACE and message.trace.type == TraceType.ERROR:
            self._logger.error(message.trace.error.message)
