"""The declarative source base class of every connector (`UnifiedDeclarativeSource`).

It loads the connector's packaged ``manifest.yaml`` by absolute path (a ``manifest.yaml`` in the
working directory can never shadow it), builds its streams with `factory.UnifiedComponentFactory`
(or the connector's subclass), and checks the config before `check`, `discover` and `read`: a bad
value fails with a ``config_error`` naming the field (the spec's wording is `_spec_problem`'s).
The console script is `entrypoint.run`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import yaml
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.utils.airbyte_secrets_utils import get_secret_paths
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from jsonschema import Draft7Validator, ValidationError
from unified_hris.conventions import raise_clock_floor

from unified_hris_cdk import deletion_guard, files, interpolation, masking, retries, transport
from unified_hris_cdk.factory import TIMEOUT_FIELD, UnifiedComponentFactory
from unified_hris_cdk.redirects import install_redirect_guard
from unified_hris_cdk.state_codec import latest_emission


def _spec_problem(error: ValidationError) -> tuple[str, str]:
    """(field, message) for a spec violation; the message never repeats the value (it may be a secret)."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return ".".join([*path, missing]), "it is required."
    field = ".".join(path) or "config"
    expected = {
        "type": "use a value of type {}.",
        "enum": "use one of {}.",
        "pattern": "use the format {}.",
        "minimum": "use at least {}.",
        "maximum": "use at most {}.",
        "exclusiveMinimum": "use more than {}.",
    }
    template = expected.get(str(error.validator))
    if template is None:
        return field, "the value does not match the connector's spec."
    value = error.validator_value
    return field, template.format(", ".join(map(str, value)) if error.validator == "enum" else value)


def _manifest_path(source_class: type) -> Path:
    return Path(sys.modules[source_class.__module__].__file__ or "").with_name("manifest.yaml")


@cache
def _secret_fields(manifest: Path) -> tuple[str, ...]:
    """Top-level config fields the manifest's spec marks ``airbyte_secret``."""
    spec = yaml.load(manifest.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["spec"]
    paths = get_secret_paths(spec["connection_specification"].get("properties", {}))
    return tuple(path[0] for path in paths if len(path) == 1)


def _stripped_secrets(config: Any, fields: tuple[str, ...]) -> Any:
    """`config` with the surrounding whitespace of its secrets removed (a pasted key often has some);
    the raw values stay known to the mask."""
    if not isinstance(config, Mapping):
        return config
    out = dict(config)
    for name in fields:
        value = out.get(name)
        if isinstance(value, str) and value != value.strip():
            masking.remember_secret(value)
            out[name] = value.strip()
    return out


def _latest_emission(stream_state: Mapping[str, Any]) -> Any:
    try:
        return latest_emission(stream_state)
    except (AttributeError, TypeError, ValueError):  # not a change-detection state: `files` reports it
        return None


def config_error(field: str, message: str) -> AirbyteTracedException:
    """The exception a connector raises for a bad config value: a ``config_error`` naming the field."""
    text = f"Invalid '{field}': {message}"
    return AirbyteTracedException(message=text, internal_message=text, failure_type=FailureType.config_error)


class UnifiedDeclarativeSource(YamlDeclarativeSource):
    """Subclass per connector, next to its ``manifest.yaml``; see `run` for the console script.

    Override `validate_config` to reject bad values with `config_error`; it runs before `check`,
    `discover` and `read`, so a bad value fails with a clear ``config_error`` naming the field. Set
    `component_factory` to a subclass of `UnifiedComponentFactory` for hooks of the connector's own.
    """

    component_factory: ClassVar[type[UnifiedComponentFactory]] = UnifiedComponentFactory

    def __init__(self, catalog: Any = None, config: Any = None, state: Any = None, **kwargs: Any) -> None:
        manifest = _manifest_path(type(self))
        config = _stripped_secrets(config, _secret_fields(manifest))
        floor = max((t for t in map(_latest_emission, files.stream_states(state)) if t), default=None)
        if floor is not None:
            raise_clock_floor(floor)  # before any record is stamped: modified_at never goes back
        super().__init__(path_to_yaml=str(manifest), catalog=catalog, config=config, state=state, **kwargs)
        self._constructor.__class__ = self.component_factory
        self._constructor._init_mappings()  # rebind the constructor table to the subclass's methods
        self._constructor.host_hint = self.host_hint(config if isinstance(config, Mapping) else {})
        install_redirect_guard()
        interpolation.install()

    @staticmethod
    def write_config(config: Mapping[str, Any], config_path: str) -> None:
        """Not written: the CDK's `configure` copies the config, secrets and all, into the sync's
        temporary folder, which nothing reads and a killed sync would leave on disk."""

    def host_hint(self, config: Mapping[str, Any]) -> transport.HostHint:
        """The config field that decides the API host, and what to enter there (named when the host
        cannot be reached). Override for a host derived from another field."""
        return ("base_url", "the API's address; leave it empty for the provider's own")

    def streams(self, config: Mapping[str, Any]) -> Any:
        self._constructor.new_build()
        return super().streams(config)

    def validate_config(self, config: Mapping[str, Any]) -> None:
        """Raise `config_error(field, message)` for a value the connector cannot use."""

    def validate(self, config: Mapping[str, Any]) -> None:
        """The shared checks (`TIMEOUT_FIELD`, the deletion guard's field), the connector's
        `validate_config`, then the spec."""
        timeout = config.get(TIMEOUT_FIELD)
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            raise config_error(TIMEOUT_FIELD, f"use a number of seconds greater than 0; got {timeout!r}.")
        problem = deletion_guard.percent_problem(config.get(deletion_guard.FIELD))
        if problem:
            raise config_error(deletion_guard.FIELD, problem)
        self.validate_config(config)
        spec = self.spec(logging.getLogger("airbyte")).connectionSpecification
        problem = next(iter(Draft7Validator(spec).iter_errors(dict(config))), None)
        if problem is not None:
            raise config_error(*_spec_problem(problem))

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """`validate`, then `probe`; an API host that cannot be reached fails as the config error it is."""
        self.validate(config)
        retries.BUDGET.reset()
        transport.new_sync()
        status = self.probe(logger, config)
        unreachable = transport.unreachable_error()
        if status.status == Status.FAILED and unreachable is not None:
            raise unreachable
        return status

    def probe(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """The connection check proper (the manifest's ``check``); override for a check of your own."""
        return super().check(logger, config)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        self.validate(config)
        return super().discover(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Any = None,
    ) -> Iterator[AirbyteMessage]:
        self.validate(config)
        retries.BUDGET.reset()
        transport.new_sync()
        yield from super().read(logger, config, catalog, state)
