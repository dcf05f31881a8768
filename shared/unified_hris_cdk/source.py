"""The declarative source base class of every connector, and its entrypoint.

It loads the connector's packaged ``manifest.yaml`` by absolute path (a ``manifest.yaml`` in the
working directory can never shadow it) and teaches the CDK's component factory one extra cursor:
an incremental ``DatetimeBasedCursor`` on ``modified_at`` whose ``$parameters`` carry
``change_detection`` becomes a `ChangeDetectionCursor`, or the subclass the manifest names there as
``class_name`` (the concurrent CDK 7 source builds no ``CustomIncrementalSync`` concurrently; the private CDK names this module touches are in `cdk_private`). The factory
also gives every requester the suite's transport (`transport`: total deadline, fail-fast hosts) and
every error handler its bounds (`retries`: the sync's retry budget, client errors not retried).

The console script (`run`) reads the config, catalog and state files itself, so a file that cannot
be used fails with a ``config_error`` naming it (`files`), and masks the secrets in every line it
writes (`unified_hris_cdk.masking`).
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pendulum
import yaml
from airbyte_cdk.entrypoint import PRINT_BUFFER, AirbyteEntrypoint
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources.declarative.auth.token import ApiKeyAuthenticator, BearerAuthenticator
from airbyte_cdk.sources.declarative.auth.token_provider import (
    InterpolatedStringTokenProvider,
    TokenProvider,
)
from airbyte_cdk.sources.declarative.extractors.record_selector import RecordSelector
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    ApiKeyAuthenticator as ApiKeyAuthenticatorModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    BearerAuthenticator as BearerAuthenticatorModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    CustomDecoder as CustomDecoderModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DatetimeBasedCursor as DatetimeBasedCursorModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DeclarativeStream as DeclarativeStreamModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DefaultErrorHandler as DefaultErrorHandlerModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    HttpRequester as HttpRequesterModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    HttpResponseFilter as HttpResponseFilterModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    MovingWindowCallRatePolicy as MovingWindowCallRatePolicyModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    ParentStreamConfig as ParentStreamConfigModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    RecordSelector as RecordSelectorModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    SimpleRetriever as SimpleRetrieverModel,
)
from airbyte_cdk.sources.declarative.parsers import model_to_component_factory as factory_module
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.declarative.partition_routers import SinglePartitionRouter
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.airbyte_secrets_utils import get_secret_paths, get_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from jsonschema import Draft7Validator, ValidationError
from unified_hris.conventions import raise_clock_floor

from unified_hris_cdk import deletion_guard, files, interpolation, masking, retries, transport
from unified_hris_cdk.auth import RenderedOnceToken
from unified_hris_cdk.budget import CallCountingPolicy
from unified_hris_cdk.change_detection import ChangeDetectionCursor, DateWindows, latest_emission
from unified_hris_cdk.decoders import ParsedBodyDecoder, ParsedBodyResponseFilter
from unified_hris_cdk.redirects import install_redirect_guard
from unified_hris_cdk.selector import PassThroughRecordSelector, normalises_nothing
from unified_hris_cdk.sessions import remember_environment_settings
from unified_hris_cdk.skips import SkippingRetriever
from unified_hris_cdk.transformation import UnifiedRecord


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


#: Time limit of every request whose requester sets none (a stalled server must not hang a sync).
DEFAULT_READ_TIMEOUT_SECONDS = 120.0
#: Optional config field (every connector's spec shows it) overriding each requester's time limit:
#: the longest wait for a byte, and the deadline of the whole request (`transport`).
TIMEOUT_FIELD = "request_timeout_seconds"
#: Config fields that scope what an incremental sync reads: a change makes it read in full.
FACT_FIELDS = ("start_date",)


Authenticator = TypeVar("Authenticator", ApiKeyAuthenticator, BearerAuthenticator)


def _token_rendered_once(authenticator: Authenticator) -> Authenticator:
    """The authenticator, with its config-templated token rendered once (`RenderedOnceToken`)."""
    if isinstance(authenticator.token_provider, InterpolatedStringTokenProvider):
        authenticator.token_provider = RenderedOnceToken(authenticator.token_provider)
    return authenticator


class UnifiedComponentFactory(ModelToComponentFactory):
    #: The config field to name when the API host cannot be reached (`UnifiedDeclarativeSource.host_hint`).
    host_hint: transport.HostHint | None = None

    def new_build(self) -> None:
        """Called before the source builds its streams (a source object may build them more than once):
        a subclass drops what one build's streams shared."""

    def create_http_requester(
        self, model: HttpRequesterModel, config: Config, *args: Any, name: str, **kwargs: Any
    ) -> Any:
        """Every requester gets a time limit: the config's `TIMEOUT_FIELD`, else the manifest's read
        timeout, else `DEFAULT_READ_TIMEOUT_SECONDS`; it bounds connecting, each wait for a byte and the
        whole request (`transport.DeadlineAdapter`, which also fails fast on an unreachable host). A
        timed-out request is retried like a connection reset. Its session computes the environment's
        proxy settings once per host (`remember_environment_settings`)."""
        timeout = float(
            config.get(TIMEOUT_FIELD) or model.read_timeout_in_seconds or DEFAULT_READ_TIMEOUT_SECONDS
        )
        model = model.copy(update={"read_timeout_in_seconds": timeout, "connect_timeout_in_seconds": timeout})
        requester = super().create_http_requester(model, config, *args, name=name, **kwargs)
        session = requester._http_client._session
        transport.install(session, timeout, self.host_hint)
        remember_environment_settings(session)
        return requester

    def create_default_error_handler(
        self, model: DefaultErrorHandlerModel, config: Config, **kwargs: Any
    ) -> Any:
        """The CDK's handler, bounded (`retries`): 4xx client errors fail unless transient or named by a
        filter, retry waits are charged to the sync's budget, a request retries for at most
        `retries.MAX_SECONDS_PER_REQUEST`."""
        handler = super().create_default_error_handler(model, config, **kwargs)
        named = {code for f in handler.response_filters or [] for code in (f.http_codes or ())}
        handler.response_filters = [
            retries.ClientErrorFilter(config, named),
            *(handler.response_filters or []),
        ]
        strategies = list(handler.backoff_strategies or [])
        max_retries = handler.max_retries if handler.max_retries is not None else 5  # the CDK's default
        handler.backoff_strategies = [retries.BudgetedBackoff(strategies, int(max_retries))]
        handler.max_time = retries.MAX_SECONDS_PER_REQUEST
        return handler

    def create_api_key_authenticator(
        self,
        model: ApiKeyAuthenticatorModel,
        config: Config,
        token_provider: TokenProvider | None = None,
        **kwargs: Any,
    ) -> ApiKeyAuthenticator:
        """The CDK's, with its config-templated token rendered once (`RenderedOnceToken`)."""
        return _token_rendered_once(
            super().create_api_key_authenticator(model, config, token_provider=token_provider, **kwargs)
        )

    def create_bearer_authenticator(  # type: ignore[override]  # the CDK's is a staticmethod
        self,
        model: BearerAuthenticatorModel,
        config: Config,
        token_provider: TokenProvider | None = None,
        **kwargs: Any,
    ) -> BearerAuthenticator:
        """The CDK's, with its config-templated token rendered once (`RenderedOnceToken`)."""
        return _token_rendered_once(
            super().create_bearer_authenticator(model, config, token_provider=token_provider, **kwargs)
        )

    def create_record_selector(self, model: RecordSelectorModel, config: Config, **kwargs: Any) -> Any:
        """The CDK's selector, without the per-record copy when it normalises nothing (`selector`)."""
        built = super().create_record_selector(model, config, **kwargs)
        if type(built) is RecordSelector and normalises_nothing(built):
            built.__class__ = PassThroughRecordSelector
        return built

    def create_simple_retriever(self, model: SimpleRetrieverModel, config: Config, **kwargs: Any) -> Any:
        """A retriever without a decoder of its own reads JSON with `ParsedBodyDecoder` (one parse per
        page); one whose extractor sets ``skip_partition_on_error`` is a `SkippingRetriever`."""
        if model.decoder is None:
            decoder = CustomDecoderModel(
                type="CustomDecoder",
                class_name=f"{ParsedBodyDecoder.__module__}.{ParsedBodyDecoder.__name__}",
            )
            model = model.copy(update={"decoder": decoder})
        built = super().create_simple_retriever(model, config, **kwargs)
        extractor = getattr(getattr(built, "record_selector", None), "extractor", None)
        if type(built) is SimpleRetriever and getattr(extractor, "skip_partition_on_error", False):
            built.__class__ = SkippingRetriever
        return built

    def create_http_response_filter(
        self, model: HttpResponseFilterModel, config: Config, **kwargs: Any
    ) -> ParsedBodyResponseFilter:
        """The CDK's filter, reading the body from the same parse as the decoder."""
        built = super().create_http_response_filter(model, config, **kwargs)
        return ParsedBodyResponseFilter(
            config=built.config,
            parameters=model.parameters or {},
            action=built.action,
            failure_type=built.failure_type,
            http_codes=built.http_codes,
            error_message_contains=built.error_message_contains,
            predicate=built.predicate,
            error_message=built.error_message,
        )

    def create_moving_window_call_rate_policy(
        self, model: MovingWindowCallRatePolicyModel, config: Config, **kwargs: Any
    ) -> Any:
        """A budget policy that applies to every request remembers its calls as timestamps only."""
        if model.matchers:
            return super().create_moving_window_call_rate_policy(model, config, **kwargs)
        rates = [self._create_component_from_model(model=rate, config=config) for rate in model.rates]
        return CallCountingPolicy(rates=rates, matchers=[])

    def create_parent_stream_config_with_substream_wrapper(
        self, model: ParentStreamConfigModel, config: Config, *, stream_name: str, **kwargs: Any
    ) -> Any:
        """The CDK builds a parent stream with a new factory of the CDK's own class, which would miss
        this class's hooks (read timeout, one parse per page, budget): make that factory this class.
        Streams are built on the main thread before any read, so swapping the module's name is safe."""
        factory_module.ModelToComponentFactory = type(self)  # type: ignore[misc]
        try:
            return super().create_parent_stream_config_with_substream_wrapper(
                model, config, stream_name=stream_name, **kwargs
            )
        finally:
            factory_module.ModelToComponentFactory = ModelToComponentFactory  # type: ignore[misc]

    def _build_concurrent_cursor(
        self, model: DeclarativeStreamModel, stream_slicer: Any, config: Mapping[str, Any]
    ) -> Cursor:
        incremental = model.incremental_sync
        options = (incremental.parameters or {}).get("change_detection") if incremental else None
        if not isinstance(incremental, DatetimeBasedCursorModel) or options is None:
            return super()._build_concurrent_cursor(model, stream_slicer, config)
        options = options if isinstance(options, Mapping) else {}
        cursor_class = _cursor_class(options.get("class_name"))
        return cursor_class(
            stream_name=model.name or "",
            message_repository=self._message_repository,
            stream_state=self._connector_state_manager.get_stream_state(model.name or "", None),
            partition_router=None if isinstance(stream_slicer, SinglePartitionRouter) else stream_slicer,
            windows=_windows(incremental, config),
            unread_scopes=options.get("unread_scopes", "delete"),
            origin=self._origin(model, config),
            facts={name: config.get(name) for name in FACT_FIELDS},
            guard=deletion_guard.DeletionGuard.of(config),
            keep_empty_scopes=bool(options.get("keep_empty_scopes", False)),
            **self.cursor_arguments(cursor_class),
        )

    def cursor_arguments(self, cursor_class: type[ChangeDetectionCursor]) -> dict[str, Any]:
        """Extra constructor arguments of a connector's own change-detection cursor (the manifest names
        it as ``$parameters.change_detection.class_name``); override in the connector's factory."""
        return {}

    def _origin(self, model: DeclarativeStreamModel, config: Mapping[str, Any]) -> Callable[[], str] | None:
        """``source:tenant`` of the stream's records, from its unified transformation (asked lazily: a
        tenant read from the API costs a call)."""
        for transformation_model in model.transformations or []:
            transformation = self._create_component_from_model(transformation_model, config)
            if isinstance(transformation, UnifiedRecord):
                return lambda: f"{transformation.source}:{transformation.tenant_of(config)}"
        return None


def _cursor_class(name: Any) -> type[ChangeDetectionCursor]:
    """The cursor class a manifest names (``module.Class``, a `ChangeDetectionCursor`), else the shared one."""
    if not name:
        return ChangeDetectionCursor
    module, _, attr = str(name).rpartition(".")
    found = getattr(importlib.import_module(module), attr)
    if not (isinstance(found, type) and issubclass(found, ChangeDetectionCursor)):
        raise TypeError(f"change_detection.class_name {name!r} is not a ChangeDetectionCursor")
    return found


def _spec_problem(error: ValidationError) -> tuple[str, str]:
    """(field, message) for a spec violation; the message never repeats the value (it may be a secret)."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return ".".join([*path, missing]), "it is required."
    field = ".".join(path) or "config"
    expected = {
        "type": f"use a value of type {error.validator_value}.",
        "enum": f"use one of {', '.join(map(str, error.validator_value))}.",
        "pattern": f"use the format {error.validator_value}.",
        "minimum": f"use at least {error.validator_value}.",
        "maximum": f"use at most {error.validator_value}.",
        "exclusiveMinimum": f"use more than {error.validator_value}.",
    }
    return field, expected.get(str(error.validator), "the value does not match the connector's spec.")


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


class _Entrypoint(AirbyteEntrypoint):
    @staticmethod
    def validate_connection(source_spec: Any, config: Any) -> None:
        """Left to `UnifiedDeclarativeSource.validate`: the CDK's own spec check reports "Config validation
        error: 'yes' is not of type 'boolean'" without naming the field, and in `check` without a trace."""

    @staticmethod
    def set_up_secret_filter(config: Any, connection_specification: Mapping[str, Any]) -> None:
        """The CDK's filter knows each secret as typed; `masking.mask_secrets` adds every other form."""
        masking.mask_secrets(get_secrets(connection_specification, config))


def run(source_class: type[UnifiedDeclarativeSource], args: list[str] | None = None) -> None:
    """Console-script body: parse the Airbyte CLI, read and check the files (`files`: a bad one is a
    ``config_error`` naming it), build the source with config, catalog and state, and write every
    message with the secrets masked."""
    args = sys.argv[1:] if args is None else args
    masking.mask_stderr()
    try:
        inputs = files.read_inputs(args)
    except files.FileProblem as problem:
        with PRINT_BUFFER:
            _write_message(problem.as_message())
        sys.exit(1)
    state = inputs.state
    source = source_class(
        catalog=inputs.catalog, config=inputs.config, state=state, config_path=inputs.config_path
    )
    # The entrypoint parses --state again for `read` and holds it for the whole sync (the source's
    # `read` ignores it): hand it the messages already parsed, not a second copy of every fingerprint.
    source.read_state = lambda _path: state or []  # type: ignore[method-assign]
    entrypoint = _Entrypoint(source)
    with PRINT_BUFFER:
        for message in entrypoint.run(entrypoint.parse_args(args)):
            _write_message(message)


#: A message this long (a state with every fingerprint) bypasses the print buffer, which would copy
#: it three more times (the line, the buffer, the buffer's joined contents) at the end of a sync.
DIRECT_WRITE_CHARS = 1 << 16


def _write_message(message: str) -> None:
    message = masking.current_mask().message(message)
    if len(message) < DIRECT_WRITE_CHARS:
        sys.stdout.write(f"{message}\n")  # one write per message (concurrent streams); print makes two
        return
    with PRINT_BUFFER.lock:
        PRINT_BUFFER.flush()  # what was buffered before it goes first
        out = sys.__stdout__ if sys.stdout is PRINT_BUFFER else sys.stdout
        assert out is not None
        out.write(message)
        out.write("\n")
        out.flush()
