"""Every private name of the CDK (and of ``requests``) that the suite's product code touches, in one table.

A private name can move or change meaning in any CDK release. Each entry says which one, how we use
it and where; ``tests/shared/test_cdk_private.py`` resolves every entry against the installed CDK and
compares the source of the code it depends on with the digest it was written against, so an upgrade
that moves, renames or rewrites one fails there until the use is re-read and re-pinned. Code that
reaches into the CDK outside this table is a bug: add the entry (and its pin) with the code.

Kinds: ``read`` (an attribute we read), ``replace`` (an attribute we set to an object of ours),
``call`` (a private method we call), ``override`` (a private method our subclass overrides),
``patch`` (a method replaced process-wide), ``swap`` (a module-level name the method reads,
rebound while it runs). For an instance attribute the entry names the method that sets it (`set_in`).
"""

from __future__ import annotations

from dataclasses import dataclass

_FACTORY = "airbyte_cdk.sources.declarative.parsers.model_to_component_factory:ModelToComponentFactory"
_HTTP_CLIENT = "airbyte_cdk.sources.streams.http.http_client:HttpClient"


@dataclass(frozen=True)
class PrivateName:
    #: ``module:Class`` (or ``module`` for a module-level name) that owns the name.
    owner: str
    name: str
    kind: str
    #: Where we touch it (our module) and why.
    use: str
    #: For an instance attribute: the owner's method that sets it (its source must still set it).
    set_in: str | None = None


PRIVATE_NAMES: tuple[PrivateName, ...] = (
    PrivateName(
        "airbyte_cdk.sources.declarative.requesters.http_requester:HttpRequester",
        "_http_client",
        "read",
        "factory.UnifiedComponentFactory.create_http_requester and list_cache: the requester's HTTP client",
        set_in="__post_init__",
    ),
    PrivateName(
        _HTTP_CLIENT,
        "_session",
        "replace",
        "factory: the deadline adapter and remembered proxy settings are installed on it; list_cache: "
        "replaced by the sync's shared ListSession (kept in the build's SyncScope)",
        set_in="__init__",
    ),
    PrivateName(
        _HTTP_CLIENT, "_api_budget", "read", "list_cache: the ListSession keeps the budget", "__init__"
    ),
    PrivateName(
        _HTTP_CLIENT,
        "_handle_error_resolution",
        "read",
        "retries.BudgetedBackoff relies on it asking the backoff strategies after every failed attempt",
    ),
    PrivateName(
        _HTTP_CLIENT,
        "_send_with_retry",
        "read",
        "retries.BudgetedBackoff relies on its max_retries + 1 attempts (no wait after the last)",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.concurrent_declarative_source:ConcurrentDeclarativeSource",
        "_constructor",
        "replace",
        "source.UnifiedDeclarativeSource.__init__: its __class__ becomes the connector's component factory",
        set_in="__init__",
    ),
    PrivateName(
        _FACTORY, "_init_mappings", "call", "source: rebinds the constructor table after the class swap"
    ),
    PrivateName(
        _FACTORY,
        "_build_concurrent_cursor",
        "override",
        "factory.UnifiedComponentFactory: a change-detection stream's cursor is a ChangeDetectionCursor "
        "(or the subclass the manifest names as change_detection.class_name)",
    ),
    PrivateName(
        _FACTORY, "_message_repository", "read", "factory: handed to ChangeDetectionCursor", set_in="__init__"
    ),
    PrivateName(
        _FACTORY,
        "_connector_state_manager",
        "read",
        "factory: a stream's state for ChangeDetectionCursor; source_sage_hr.source: the termination memo",
        set_in="__init__",
    ),
    PrivateName(
        _FACTORY,
        "_create_component_from_model",
        "call",
        "factory: the budget's rates and a stream's transformations (for the state's origin)",
    ),
    PrivateName(
        _FACTORY,
        "_disable_cache",
        "read",
        "list_cache: no shared cache when the CDK disables caching",
        "__init__",
    ),
    PrivateName(
        _FACTORY,
        "create_parent_stream_config_with_substream_wrapper",
        "swap",
        "factory: it builds a parent stream with a new ModelToComponentFactory named by the module's "
        "global, which we rebind while it runs to a subclass of our factory class holding the build's "
        "SyncScope (scope)",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.extractors.record_selector:RecordSelector",
        "_normalize_by_schema",
        "override",
        "selector.PassThroughRecordSelector: no per-record copy when nothing is normalised",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter:HttpResponseFilter",
        "_safe_response_json",
        "override",
        "decoders.ParsedBodyResponseFilter: predicates and error messages read the decoded body",
    ),
    PrivateName(
        "airbyte_cdk.sources.utils.transform:TypeTransformer",
        "_config",
        "read",
        "selector.normalises_nothing: whether the transformer is configured not to transform",
        set_in="__init__",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.extractors.dpath_extractor:DpathExtractor",
        "_field_path",
        "read",
        "extractors.KeyPathExtractor.extract_records: the interpolated field path it walks itself",
        set_in="__post_init__",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.requesters.error_handlers.backoff_strategies."
        "wait_time_from_header_backoff_strategy:WaitTimeFromHeaderBackoffStrategy",
        "_max_waiting_time_in_seconds",
        "read",
        "backoff.RetryAfter.backoff_time: the interpolated cap on a Retry-After given as an HTTP date",
        set_in="__post_init__",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.retrievers.simple_retriever:SimpleRetriever",
        "_parse_response",
        "override",
        "skips.SkippingRetriever: an error response becomes a skip marker",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.interpolation.jinja:JinjaInterpolation",
        "_eval",
        "patch",
        "interpolation.install: a text without template syntax is returned as it is",
    ),
    PrivateName(
        "airbyte_cdk.sources.declarative.interpolation.jinja:JinjaInterpolation",
        "_literal_eval",
        "patch",
        "interpolation.install: what each rendered text reads as is remembered",
    ),
    PrivateName(
        "airbyte_cdk.sources.streams.call_rate:MovingWindowCallRatePolicy",
        "_bucket",
        "read",
        "budget.CallCountingPolicy.__str__: the rates, without counting the window's calls",
        set_in="__init__",
    ),
    PrivateName(
        "requests.sessions:Session",
        "rebuild_auth",
        "patch",
        "redirects.install_redirect_guard: a redirect to another host or to http fails (public in "
        "requests, but replaced for every session of the process)",
    ),
)
