"""The component factory every connector's streams are built with (`UnifiedComponentFactory`).

It teaches the CDK's factory one extra cursor: an incremental ``DatetimeBasedCursor`` on
``modified_at`` whose ``$parameters`` carry ``change_detection`` becomes a `ChangeDetectionCursor`, or
the subclass the manifest names there as ``class_name`` (the concurrent CDK 7 source builds no
``CustomIncrementalSync`` concurrently; the private CDK names this module touches are in
`cdk_private`). It also gives every requester the suite's transport (`transport`: total deadline,
fail-fast hosts) and every error handler its bounds (`retries`: the sync's retry budget, client errors
not retried).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

import pendulum
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
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor
from airbyte_cdk.sources.types import Config

from unified_hris_cdk import deletion_guard, retries, transport
from unified_hris_cdk.auth import RenderedOnceToken
from unified_hris_cdk.budget import CallCountingPolicy
from unified_hris_cdk.cursor import ChangeDetectionCursor
from unified_hris_cdk.decoders import ParsedBodyDecoder, ParsedBodyResponseFilter
from unified_hris_cdk.refresh import RefreshPlan
from unified_hris_cdk.scope import SyncScope
from unified_hris_cdk.selector import PassThroughRecordSelector, normalises_nothing
from unified_hris_cdk.sessions import remember_environment_settings
from unified_hris_cdk.skips import SkippingRetriever
from unified_hris_cdk.state_codec import STATE_KEY
from unified_hris_cdk.transformation import UnifiedRecord
from unified_hris_cdk.windows import DateWindows


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
    #: The build's `SyncScope`; a class attribute in the factory class `create_parent_stream_config_with_
    #: substream_wrapper` hands down (the CDK constructs that factory itself).
    _scope: SyncScope | None = None

    @property
    def scope(self) -> SyncScope:
        """What this build's streams fetch once and share (`scope`), handed to every custom component
        that declares a ``scope`` field."""
        if self._scope is None:
            self._scope = SyncScope()
        return self._scope

    def new_build(self) -> None:
        """Called before the source builds its streams (a source object may build them more than once):
        a new scope, the last build's closed."""
        if self._scope is not None:
            self._scope.close()
        self._scope = SyncScope()

    def create_custom_component(self, model: Any, config: Config, **kwargs: Any) -> Any:
        """The CDK's, with the build's `scope` among the arguments (the CDK passes a component only the
        arguments its class declares)."""
        kwargs.setdefault("scope", self.scope)
        refresh_stream = getattr(model, "refresh_stream", None)
        if refresh_stream:
            kwargs.setdefault("refresh_plan", self.refresh_plan(str(refresh_stream)))
        return super().create_custom_component(model, config, **kwargs)

    def refresh_plan(self, stream_name: str) -> RefreshPlan:
        """The refresh budget's plan of a stream (`refresh`), from its state: the stream's cursor starts
        and saves it; a custom component spends it when the manifest names the stream as its
        ``refresh_stream``."""

        def load() -> RefreshPlan:
            state = self._connector_state_manager.get_stream_state(stream_name, None) or {}
            return RefreshPlan((state.get(STATE_KEY) or {}).get("checked"))

        return self.scope.once(f"unified_hris_cdk.refresh_plan:{stream_name}", load)

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
        this class's hooks (read timeout, one parse per page, budget) and this build's scope: make that
        factory this class, with this scope. Streams are built on the main thread before any read, so
        swapping the module's name is safe."""
        handing_down = type(type(self).__name__, (type(self),), {"_scope": self.scope})
        factory_module.ModelToComponentFactory = handing_down  # type: ignore[misc]
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
            refresh_plan=self.refresh_plan(model.name or ""),
            refresh_budget=refresh_budget(config, options),
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


def refresh_budget(config: Mapping[str, Any], options: Mapping[str, Any]) -> int:
    """The config's ``refresh_budget``, else the manifest's default for the stream (0: no budget)."""
    value = config.get("refresh_budget")
    return int(options.get("refresh_budget", 0) if value is None else value)


def _cursor_class(name: Any) -> type[ChangeDetectionCursor]:
    """The cursor class a manifest names (``module.Class``, a `ChangeDetectionCursor`), else the shared one."""
    if not name:
        return ChangeDetectionCursor
    module, _, attr = str(name).rpartition(".")
    found = getattr(importlib.import_module(module), attr)
    if not (isinstance(found, type) and issubclass(found, ChangeDetectionCursor)):
        raise TypeError(f"change_detection.class_name {name!r} is not a ChangeDetectionCursor")
    return found
