"""The declarative source base class of every connector, and its entrypoint.

It loads the connector's packaged ``manifest.yaml`` by absolute path (a ``manifest.yaml`` in the
working directory can never shadow it) and teaches the CDK's component factory one extra cursor:
an incremental ``DatetimeBasedCursor`` on ``modified_at`` whose ``$parameters`` carry
``change_detection`` becomes a `ChangeDetectionCursor` (the CDK 7 manifest schema has no custom
cursor type, so this is the single hook, guarded by a test against the pinned CDK).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
)
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DatetimeBasedCursor as DatetimeBasedCursorModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DeclarativeStream as DeclarativeStreamModel,
)
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.partition_routers import SinglePartitionRouter
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unified_hris.components.change_detection import ChangeDetectionCursor, DateWindows
from unified_hris.security import install_redirect_guard


def _eval_datetime(value: Any, config: Mapping[str, Any]) -> pendulum.DateTime:
    text = value.datetime if hasattr(value, "datetime") else value
    rendered = InterpolatedString.create(str(text), parameters={}).eval(config)
    parsed = pendulum.parse(str(rendered))
    return (
        parsed
        if isinstance(parsed, pendulum.DateTime)
        else pendulum.datetime(parsed.year, parsed.month, parsed.day)
    )


def _windows(model: DatetimeBasedCursorModel, config: Mapping[str, Any]) -> DateWindows | None:
    """Date windows when the cursor walks a grid (`step`) or sends an updated-since filter (`start_time_option`)."""
    if not model.step and not model.start_time_option:
        return None
    return DateWindows(
        start=_eval_datetime(model.start_datetime, config),
        end=_eval_datetime(model.end_datetime, config) if model.end_datetime else pendulum.now("UTC"),
        step=_duration(model.step),
        granularity=_duration(model.cursor_granularity) or timedelta(days=1),
        lookback=_duration(model.lookback_window) or timedelta(0),
        fmt=model.datetime_format,
    )


def _duration(text: str | None) -> timedelta | None:
    return pendulum.parse(text).as_timedelta() if text else None  # type: ignore[union-attr]


class UnifiedComponentFactory(ModelToComponentFactory):
    def _build_concurrent_cursor(
        self, model: DeclarativeStreamModel, stream_slicer: Any, config: Mapping[str, Any]
    ) -> Cursor:
        incremental = model.incremental_sync
        options = (incremental.parameters or {}).get("change_detection") if incremental else None
        if not isinstance(incremental, DatetimeBasedCursorModel) or options is None:
            return super()._build_concurrent_cursor(model, stream_slicer, config)
        options = options if isinstance(options, Mapping) else {}
        return ChangeDetectionCursor(
            stream_name=model.name or "",
            message_repository=self._message_repository,
            stream_state=self._connector_state_manager.get_stream_state(model.name or "", None),
            partition_router=None if isinstance(stream_slicer, SinglePartitionRouter) else stream_slicer,
            windows=_windows(incremental, config),
            unread_scopes=options.get("unread_scopes", "delete"),
        )


def config_error(field: str, message: str) -> AirbyteTracedException:
    """The exception a connector raises for a bad config value: a ``config_error`` naming the field."""
    text = f"Invalid '{field}': {message}"
    return AirbyteTracedException(message=text, internal_message=text, failure_type=FailureType.config_error)


class UnifiedDeclarativeSource(YamlDeclarativeSource):
    """Subclass per connector, next to its ``manifest.yaml``; see `run` for the console script.

    Override `validate_config` to reject bad values with `config_error`; it runs before `check`,
    `discover` and `read`, so a bad value fails with a clear ``config_error`` naming the field.
    """

    def __init__(self, catalog: Any = None, config: Any = None, state: Any = None, **kwargs: Any) -> None:
        manifest = Path(sys.modules[type(self).__module__].__file__ or "").with_name("manifest.yaml")
        super().__init__(path_to_yaml=str(manifest), catalog=catalog, config=config, state=state, **kwargs)
        self._constructor.__class__ = UnifiedComponentFactory
        install_redirect_guard()

    def validate_config(self, config: Mapping[str, Any]) -> None:
        """Raise `config_error(field, message)` for a value the connector cannot use."""

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        self.validate_config(config)
        return super().check(logger, config)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        self.validate_config(config)
        return super().discover(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Any = None,
    ) -> Iterator[AirbyteMessage]:
        self.validate_config(config)
        yield from super().read(logger, config, catalog, state)


def run(source_class: type[UnifiedDeclarativeSource], args: list[str] | None = None) -> None:
    """Console-script body: parse the Airbyte CLI, build the source with config, catalog and state."""
    args = sys.argv[1:] if args is None else args
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    config_path = AirbyteEntrypoint.extract_config(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    source = source_class(
        catalog=source_class.read_catalog(catalog_path) if catalog_path else None,
        config=source_class.read_config(config_path) if config_path else None,
        state=source_class.read_state(state_path) if state_path else None,
        config_path=config_path,
    )
    launch(source, args)
