"""The files a console script is given (``--config``, ``--catalog``, ``--state``), read and checked.

The CDK reads them with ``open`` and ``json.loads``: a missing, empty, truncated or non-JSON file, a
config that is not an object or a state of the wrong shape ends in a Python traceback (or "Something
went wrong"), and a state whose values have odd types fails deep inside a stream. `read_inputs`
reads each file once and turns every such problem into a `FileProblem`: one ``config_error`` trace
naming the file and what is wrong with it, and exit code 1. A message never quotes the file's
contents (a config holds secrets).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import (
    AirbyteMessageSerializer,
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    FailureType,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unified_hris_cdk.state_codec import latest_emission, state_problem

#: A state whose last emission is further ahead of this machine's clock is not this connection's (or
#: the clock is badly wrong); closer than this it is clock skew, which the cursor handles.
FUTURE_TOLERANCE = timedelta(days=1)
_STATE_TYPES = ("STREAM", "GLOBAL", "LEGACY")


class FileProblem(Exception):
    """A file the connector cannot use; `as_message` is the ``config_error`` trace to write."""

    def as_message(self) -> str:
        text = str(self)
        error = AirbyteTracedException(
            message=text, internal_message=text, failure_type=FailureType.config_error
        )
        return orjson.dumps(AirbyteMessageSerializer.dump(error.as_airbyte_message())).decode()


@dataclass(frozen=True)
class Inputs:
    config: Mapping[str, Any] | None
    catalog: ConfiguredAirbyteCatalog | None
    state: list[AirbyteStateMessage] | None
    config_path: str | None


def _load_json(path: str, what: str) -> Any:
    try:
        with open(path, "rb") as file:
            content = file.read()
    except FileNotFoundError:
        raise FileProblem(f"The {what} file {path} does not exist.") from None
    except IsADirectoryError:
        raise FileProblem(f"The {what} file {path} is a directory, not a file.") from None
    except OSError as error:
        raise FileProblem(f"The {what} file {path} cannot be read: {error.strerror}.") from None
    if not content.strip():
        raise FileProblem(f"The {what} file {path} is empty: it must hold a JSON {_SHAPES[what]}.")
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as error:
        raise FileProblem(
            f"The {what} file {path} is not valid JSON ({error}); it may be cut short. It must hold a JSON "
            f"{_SHAPES[what]}."
        ) from None


_SHAPES = {
    "config": "object of the connector's settings",
    "catalog": 'object {"streams": [...]} (a configured catalog)',
    "state": 'array of STATE messages ([{"type": "STREAM", "stream": {...}}, ...])',
}


def _config(path: str) -> Mapping[str, Any]:
    config = _load_json(path, "config")
    if not isinstance(config, dict):
        raise FileProblem(
            f"The config file {path} holds a JSON {_kind(config)}; it must hold a JSON {_SHAPES['config']}."
        )
    return config


def _catalog(path: str) -> ConfiguredAirbyteCatalog:
    catalog = _load_json(path, "catalog")
    if not isinstance(catalog, dict) or not isinstance(catalog.get("streams"), list):
        raise FileProblem(
            f'The catalog file {path} holds a JSON {_kind(catalog)} without a "streams" array; '
            f"it must hold a JSON {_SHAPES['catalog']}."
        )
    try:
        return ConfiguredAirbyteCatalogSerializer.load(catalog)
    except Exception as error:
        raise FileProblem(
            f"The catalog file {path} is not a configured catalog ({type(error).__name__}: {str(error)[:300]})."
        ) from None


def _state(path: str) -> list[AirbyteStateMessage]:
    raw = _load_json(path, "state")
    if raw in (None, {}, []):
        return []
    if not isinstance(raw, list):
        raise FileProblem(
            f"The state file {path} holds a JSON {_kind(raw)}; it must hold a JSON {_SHAPES['state']}."
        )
    now = datetime.now(UTC)
    messages = []
    for index, item in enumerate(raw):
        where = f"The state file {path}, message {index + 1}"
        if not isinstance(item, dict) or item.get("type", "LEGACY") not in _STATE_TYPES:
            raise FileProblem(f"{where}: not a STATE message ({_kind(item)}); {_SHAPES['state']} expected.")
        if item.get("type") == "STREAM":
            _check_stream(where, item.get("stream"), now)
        try:
            messages.append(AirbyteStateMessageSerializer.load(item))
        except Exception as error:
            raise FileProblem(
                f"{where}: not a STATE message ({type(error).__name__}: {str(error)[:300]})."
            ) from None
    return messages


def _check_stream(where: str, stream: Any, now: datetime) -> None:
    descriptor = stream.get("stream_descriptor") if isinstance(stream, dict) else None
    name = descriptor.get("name") if isinstance(descriptor, dict) else None
    if not isinstance(name, str):
        raise FileProblem(
            f'{where}: a STREAM state needs "stream": {{"stream_descriptor": {{"name": ...}}}}.'
        )
    stream_state = stream.get("stream_state")
    problem = state_problem(stream_state)
    fix = "correct or remove this stream's state (without it the stream is read in full)"
    if problem:
        raise FileProblem(f"{where} (stream {name!r}): {problem}; {fix}.")
    latest = latest_emission(stream_state) if stream_state else None
    if latest is not None and latest > now + FUTURE_TOLERANCE:
        raise FileProblem(
            f"{where} (stream {name!r}): the state was written at {latest.isoformat()}, more than "
            f"{FUTURE_TOLERANCE.days} day after this machine's clock ({now.isoformat(timespec='seconds')}): it is "
            f"not this connection's state, or a clock is wrong. Fix the clock, or {fix}."
        )


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def read_inputs(args: list[str]) -> Inputs:
    """The parsed files the command line names (a `FileProblem` for the first that cannot be used)."""
    parsed = AirbyteEntrypoint.parse_args(args)
    config_path = getattr(parsed, "config", None)
    catalog_path = getattr(parsed, "catalog", None)
    state_path = getattr(parsed, "state", None)
    config = _config(config_path) if config_path else None
    catalog = _catalog(catalog_path) if catalog_path else None
    state = _state(state_path) if state_path else None
    return Inputs(config=config, catalog=catalog, state=state, config_path=config_path)


def stream_states(state: Any) -> Iterator[Mapping[str, Any]]:
    """The stream states of parsed STATE messages (or of their JSON form)."""
    for message in state or []:
        stream = message.get("stream") if isinstance(message, Mapping) else getattr(message, "stream", None)
        blob = (
            stream.get("stream_state")
            if isinstance(stream, Mapping)
            else getattr(stream, "stream_state", None)
        )
        if isinstance(blob, Mapping):
            yield blob
        elif blob is not None:
            yield dict(vars(blob))
