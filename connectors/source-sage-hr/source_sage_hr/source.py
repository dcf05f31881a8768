"""The Sage HR source: the declarative manifest plus the hooks it cannot express."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unified_hris_cdk import ChangeDetectionCursor, UnifiedDeclarativeSource
from unified_hris_cdk.list_cache import ListCacheFactory

from source_sage_hr import config as sage_config
from source_sage_hr.components.terminations import STATE_KEY, EmployeesCursor, TerminationMemo

EMPLOYEES = "employees"


class SageComponentFactory(ListCacheFactory):
    """Gives the ``employees`` stream's `EmployeesCursor` and its extractor one shared `TerminationMemo`, loaded
    from that stream's state (custom components receive it as the ``termination_memo`` argument);
    requesters marked ``use_cache: true`` share the sync's list cache (`unified_hris_cdk.list_cache`)."""

    _termination_memo: TerminationMemo | None = None

    @property
    def termination_memo(self) -> TerminationMemo:
        if self._termination_memo is None:
            state = self._connector_state_manager.get_stream_state(EMPLOYEES, None) or {}
            self._termination_memo = TerminationMemo(state.get(STATE_KEY))
        return self._termination_memo

    def cursor_arguments(self, cursor_class: type[ChangeDetectionCursor]) -> dict[str, Any]:
        """The employees stream's `EmployeesCursor` (named in the manifest) gets the memo."""
        return {"memo": self.termination_memo} if issubclass(cursor_class, EmployeesCursor) else {}

    def create_custom_component(self, model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:
        kwargs.setdefault("termination_memo", self.termination_memo)
        return super().create_custom_component(model, config, **kwargs)


class SourceSageHR(UnifiedDeclarativeSource):
    component_factory = SageComponentFactory

    def __init__(self, catalog: Any = None, config: Any = None, state: Any = None, **kwargs: Any) -> None:
        normalised = sage_config.normalise_config(config) if isinstance(config, Mapping) else config
        super().__init__(catalog=catalog, config=normalised, state=state, **kwargs)

    def validate_config(self, config: Mapping[str, Any]) -> None:
        sage_config.validate(config)

    def host_hint(self, config: Mapping[str, Any]) -> tuple[str, str]:
        if config.get("base_url"):
            return super().host_hint(config)
        return ("subdomain", sage_config.SUBDOMAIN_HELP)
