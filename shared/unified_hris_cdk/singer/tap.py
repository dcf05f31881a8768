"""A connector as a Singer tap, built on the Meltano Singer SDK, with the Airbyte source in-process.

- Settings: the connector's spec, field for field (secrets marked ``secret``); unset or null fields
  never reach the source. The connector validates them itself, so an error names the field and says
  what to fix, never repeating a value.
- Catalog: the source's ``discover``: one Singer stream per Airbyte stream with its JSON schema, its
  primary key and, for an incremental stream, its cursor (``modified_at``) as replication key.
- Sync: the selected streams in one Airbyte ``read`` (`SharedRead`), incremental unless the catalog
  forces ``FULL_TABLE`` on a stream. Each stream's Airbyte state is kept in its Singer bookmark under
  `AIRBYTE_STATE`, written after that stream's records, so the orchestrator's state store (Meltano's)
  carries it to the next run; a run without state reads everything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, ClassVar

from airbyte_cdk.models import (
    AirbyteStream,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, get_secrets, update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from singer_sdk import Stream, Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.capabilities import PluginCapabilities, TapCapabilities
from unified_hris import names

from unified_hris_cdk.singer.read import SharedRead
from unified_hris_cdk.source import UnifiedDeclarativeSource

#: Key of a stream's Singer bookmark that holds the stream's Airbyte state.
AIRBYTE_STATE = "airbyte_state"
INCREMENTAL = "INCREMENTAL"


def connection_spec(source_class: type[UnifiedDeclarativeSource]) -> dict[str, Any]:
    return dict(source_class().spec(logging.getLogger("airbyte")).connectionSpecification)


def singer_config_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The tap's settings: the spec's fields, with Airbyte's ``airbyte_secret`` as Singer's ``secret``."""
    properties = {}
    for name, schema in spec.get("properties", {}).items():
        field = {k: v for k, v in schema.items() if k not in ("airbyte_secret", "order")}
        if schema.get("airbyte_secret"):
            field.update(secret=True, writeOnly=True)
        properties[name] = field
    return {"type": "object", "properties": properties, "required": list(spec.get("required", []))}


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _as_number(value: Any) -> Any:
    """A number setting arrives as text (its Meltano kind is ``string``); text that is not a number is
    passed on as it is, so the connector's own validation names the field."""
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


class MaskSecrets(logging.Filter):
    """Replaces the config's secret values in every log line and traceback with ``****``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = filter_secrets(record.getMessage()), ()
        if record.exc_info:
            record.exc_text = filter_secrets(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class AirbyteSourceStream(Stream):
    """One Airbyte stream of the source; its records come from the tap's `SharedRead`."""

    def __init__(self, tap: AirbyteSourceTap, airbyte_stream: AirbyteStream) -> None:
        super().__init__(tap, schema=dict(airbyte_stream.json_schema), name=airbyte_stream.name)
        self.airbyte_stream = airbyte_stream
        self.source_tap = tap
        self.primary_keys = [path[0] for path in airbyte_stream.source_defined_primary_key or []]
        if (
            SyncMode.incremental in airbyte_stream.supported_sync_modes
            and airbyte_stream.default_cursor_field
        ):
            self.replication_key = airbyte_stream.default_cursor_field[0]

    @property
    def incremental(self) -> bool:
        return self.replication_method == INCREMENTAL

    def configured(self) -> ConfiguredAirbyteStream:
        return ConfiguredAirbyteStream(
            stream=self.airbyte_stream,
            sync_mode=SyncMode.incremental if self.incremental else SyncMode.full_refresh,
            destination_sync_mode=DestinationSyncMode.append_dedup
            if self.incremental
            else DestinationSyncMode.overwrite,
            cursor_field=self.airbyte_stream.default_cursor_field if self.incremental else None,
            primary_key=self.airbyte_stream.source_defined_primary_key,
        )

    def get_records(self, context: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
        read = self.source_tap.shared_read
        yield from read.records(self.name)
        state = read.state(self.name)
        if state is not None:
            self.stream_state[AIRBYTE_STATE] = state
            self.state_manager.is_flushed = False  # the SDK writes the state message after the records


class AirbyteSourceTap(Tap):
    """Subclass per connector with `tap_class`; the console script calls `unified_hris_cdk.singer.run_tap`."""

    source_class: ClassVar[type[UnifiedDeclarativeSource]]
    spec: ClassVar[dict[str, Any]]
    capabilities: ClassVar[list[Any]] = [
        TapCapabilities.CATALOG,
        TapCapabilities.STATE,
        TapCapabilities.DISCOVER,
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
    ]

    def __init__(self, **kwargs: Any) -> None:
        self._shared_read: SharedRead | None = None
        super().__init__(**kwargs)

    @cached_property
    def airbyte_config(self) -> dict[str, Any]:
        """The source's config: the spec's fields that have a value (the SDK's own settings left out)."""
        fields = self.spec.get("properties", {})
        config = {
            k: _as_number(v) if "number" in _types(fields[k]) else v
            for k, v in self.config.items()
            if k in fields and v is not None
        }
        update_secrets([str(s) for s in get_secrets(self.spec, config)])
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, MaskSecrets) for f in handler.filters):
                handler.addFilter(MaskSecrets())
        return config

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """The connector's own validation instead of the SDK's (whose messages repeat the bad value)."""
        try:
            self.source_class(config=self.airbyte_config).validate(self.airbyte_config)
        except AirbyteTracedException as error:
            problem = error.message or str(error)
            if raise_errors:
                raise ConfigValidationError(problem, errors=[problem]) from None
            return [problem]  # discovery goes on and fails with the same message
        return []

    def discover_streams(self) -> Sequence[Stream]:
        source = self.source_class(config=self.airbyte_config)
        catalog = source.discover(logging.getLogger("airbyte"), self.airbyte_config)
        return [AirbyteSourceStream(self, stream) for stream in catalog.streams]

    @property
    def shared_read(self) -> SharedRead:
        """The run's read of the selected streams, built when the first of them is synced."""
        if self._shared_read is None:
            streams = [s for s in self.streams.values() if isinstance(s, AirbyteSourceStream)]
            selected = [s for s in streams if s.selected]
            bookmarks = self.state.get("bookmarks", {})
            states = {
                name: bookmark[AIRBYTE_STATE]
                for name, bookmark in bookmarks.items()
                if AIRBYTE_STATE in bookmark
            }
            self._shared_read = SharedRead(
                self.source_class,
                self.airbyte_config,
                [s.configured() for s in selected],
                states,
                logging.getLogger("airbyte"),
            )
        return self._shared_read


def tap_class(source_class: type[UnifiedDeclarativeSource]) -> type[AirbyteSourceTap]:
    """The connector's tap, named by `unified_hris.names` (its version is its distribution's)."""
    provider = names.provider_of_package(source_class.__module__)
    spec = connection_spec(source_class)
    return type(
        source_class.__name__.replace("Source", "Tap"),
        (AirbyteSourceTap,),
        {
            "name": names.tap_script(provider),
            "package_name": names.distribution(provider),
            "source_class": source_class,
            "spec": spec,
            "config_jsonschema": singer_config_schema(spec),
            "__module__": source_class.__module__,
        },
    )
