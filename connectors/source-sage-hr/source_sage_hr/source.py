"""The Sage HR source: the declarative manifest plus the hooks it cannot express."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    DeclarativeStream as DeclarativeStreamModel,
)
from airbyte_cdk.sources.streams.concurrent.cursor import Cursor
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.sources.types import Config
from unified_hris.components import ChangeDetectionCursor, UnifiedDeclarativeSource
from unified_hris.components.source import UnifiedComponentFactory

from source_sage_hr import config as sage_config
from source_sage_hr.list_cache import ListCache
from source_sage_hr.terminations import STATE_KEY, EmployeesCursor, TerminationMemo

EMPLOYEES = "employees"


class SageComponentFactory(UnifiedComponentFactory):
    """Gives the ``employees`` stream's cursor and its extractor one shared `TerminationMemo`, loaded
    from that stream's state (custom components receive it as the ``termination_memo`` argument), and
    every cached requester the one session of `list_cache` (see `source_sage_hr.list_cache`)."""

    _termination_memo: TerminationMemo | None = None
    list_cache: ListCache | None = None

    def create_http_requester(
        self, model: Any, config: Config, *args: Any, name: str, use_cache: bool | None = None, **kwargs: Any
    ) -> Any:
        shared = bool(model.use_cache or use_cache) and not self._disable_cache
        if shared:
            model = model.copy(update={"use_cache": False})  # not the CDK's per-stream cache
        requester = super().create_http_requester(model, config, *args, name=name, **kwargs)
        if shared:
            if self.list_cache is None:
                self.list_cache = ListCache()
            client = requester._http_client  # the CDK builds the client's session itself: swap it
            handler = requester.error_handler

            def accepts(response: Any) -> bool:
                """What the list cache may keep: a page the error handler takes as it is."""
                return handler.interpret_response(response).response_action == ResponseAction.SUCCESS

            client._session = self.list_cache.session(client._api_budget, client._session.auth, accepts)
        return requester

    def renew_list_cache(self) -> None:
        """A new cache for a new set of streams (a source object may read more than once)."""
        if self.list_cache is not None:
            self.list_cache.close()
        self.list_cache = None

    @property
    def termination_memo(self) -> TerminationMemo:
        if self._termination_memo is None:
            state = self._connector_state_manager.get_stream_state(EMPLOYEES, None) or {}
            self._termination_memo = TerminationMemo(state.get(STATE_KEY))
        return self._termination_memo

    def _build_concurrent_cursor(
        self, model: DeclarativeStreamModel, stream_slicer: Any, config: Mapping[str, Any]
    ) -> Cursor:
        cursor = super()._build_concurrent_cursor(model, stream_slicer, config)
        if model.name == EMPLOYEES and type(cursor) is ChangeDetectionCursor:
            cursor.__class__ = EmployeesCursor  # same object, plus the memo in its state
            cursor.memo = self.termination_memo  # type: ignore[attr-defined]
        return cursor

    def create_custom_component(self, model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:
        kwargs.setdefault("termination_memo", self.termination_memo)
        return super().create_custom_component(model, config, **kwargs)


class SourceSageHR(UnifiedDeclarativeSource):
    def __init__(self, catalog: Any = None, config: Any = None, state: Any = None, **kwargs: Any) -> None:
        normalised = sage_config.normalise_config(config) if isinstance(config, Mapping) else config
        super().__init__(catalog=catalog, config=normalised, state=state, **kwargs)
        self._constructor.__class__ = SageComponentFactory
        self._constructor._init_mappings()  # rebind the constructor table to the subclass's methods

    def streams(self, config: Mapping[str, Any]) -> Any:
        self._constructor.renew_list_cache()
        return super().streams(config)

    def validate_config(self, config: Mapping[str, Any]) -> None:
        sage_config.validate(config)
