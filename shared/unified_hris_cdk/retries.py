"""Bounded failures: a retry budget per sync, and client errors that are not retried.

`UnifiedComponentFactory` applies both to every error handler of a manifest:

- `BudgetedBackoff` wraps the handler's backoff strategies. Every retry that the connector times
  itself (exponential backoff after a 5xx, a reset, a timeout, a malformed page), with the time the
  failed attempt took, is charged to one budget for the whole sync, all streams together
  (`RETRY_BUDGET_SECONDS`, or the `BUDGET_ENV` environment variable). When it is spent the request
  fails at once with a ``transient_error`` saying so, instead of every stream waiting out its own
  backoff. Waits the server asks for (``Retry-After``) are not charged: they are bounded per request
  by the strategy's cap and the handler's retries. Each request also stops retrying after
  `MAX_SECONDS_PER_REQUEST` (the CDK's ``max_time``).
- `ClientErrorFilter` fails a 4xx response at once (``system_error``) unless it is transient by
  definition (408, 425, 429) or a manifest filter names its status code: a client error is not
  fixed by asking again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.error_handlers.backoff_strategies.wait_time_from_header_backoff_strategy import (
    WaitTimeFromHeaderBackoffStrategy,
)
from airbyte_cdk.sources.declarative.requesters.error_handlers.http_response_filter import (
    HttpResponseFilter,
)
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from unified_hris_cdk import environment

RETRY_BUDGET_SECONDS = 300.0
BUDGET_ENV = "UNIFIED_HRIS_RETRY_BUDGET_SECONDS"
MAX_SECONDS_PER_REQUEST = 300
#: 4xx statuses that mean "try again": Request Timeout, Too Early, Too Many Requests.
TRANSIENT_CLIENT_ERRORS = frozenset({408, 425, 429})


def retry_budget_seconds() -> float:
    return environment.seconds(BUDGET_ENV, RETRY_BUDGET_SECONDS)


class RetryBudget:
    """Seconds of retry waiting this sync has spent (one sync at a time per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spent = 0.0

    def reset(self) -> None:
        """A new sync (the source's `read` or `check` starts one): nothing spent."""
        with self._lock:
            self._spent = 0.0

    def charge(self, seconds: float, what: str) -> None:
        limit = retry_budget_seconds()
        with self._lock:
            if self._spent + seconds > limit:
                message = (
                    f"The API kept failing ({what}): this sync has spent its retry budget of {limit:g} s of "
                    "waiting, all streams together, so it stops here instead of retrying for longer. The next "
                    "sync resumes from the last state."
                )
                raise AirbyteTracedException(
                    message=message, internal_message=message, failure_type=FailureType.transient_error
                )
            self._spent += seconds


BUDGET = RetryBudget()


def _describe(response_or_exception: Any) -> str:
    if isinstance(response_or_exception, requests.Response):
        parts = urlsplit(str(response_or_exception.url))
        return f"HTTP {response_or_exception.status_code} from {parts.hostname}{parts.path}"
    return type(response_or_exception).__name__


#: Seconds a failed attempt took, set by `transport.DeadlineAdapter` on the exception it raises.
ELAPSED = "unified_hris_elapsed"


def _attempt_seconds(response_or_exception: Any) -> float:
    if isinstance(response_or_exception, requests.Response):
        return response_or_exception.elapsed.total_seconds()
    return float(getattr(response_or_exception, ELAPSED, 0.0))


class BudgetedBackoff(BackoffStrategy):
    """The first wait one of `strategies` gives; unless the server asked for it (``Retry-After``), the
    wait and the failed attempt's duration are charged to `BUDGET`."""

    def __init__(self, strategies: list[BackoffStrategy], max_retries: int) -> None:
        self.strategies = strategies
        self._max_retries = max_retries

    def backoff_time(
        self,
        response_or_exception: requests.Response | requests.RequestException | None,
        attempt_count: int,
    ) -> float | None:
        wait: float | None = None
        asked = False
        for strategy in self.strategies:
            wait = strategy.backoff_time(
                response_or_exception=response_or_exception, attempt_count=attempt_count
            )
            if wait:
                asked = isinstance(strategy, WaitTimeFromHeaderBackoffStrategy)
                break
        if not asked and attempt_count <= self._max_retries:  # after the last attempt nobody waits
            cost = (wait or 0.0) + _attempt_seconds(response_or_exception)
            BUDGET.charge(cost, _describe(response_or_exception))
        return wait


class ClientErrorFilter(HttpResponseFilter):
    """FAIL for a 4xx that is not transient and that no filter of the manifest (`named`) handles."""

    def __init__(self, config: Any, named: Iterable[int]) -> None:
        super().__init__(config=config, parameters={})
        self._named = frozenset(named)

    def matches(self, response_or_exception: Any) -> ErrorResolution | None:
        if not isinstance(response_or_exception, requests.Response):
            return None
        status = response_or_exception.status_code
        if not 400 <= status < 500 or status in TRANSIENT_CLIENT_ERRORS or status in self._named:
            return None
        return ErrorResolution(
            response_action=ResponseAction.FAIL,
            failure_type=FailureType.system_error,
            error_message=(
                f"{_describe(response_or_exception)}: a client error, which asking again does not fix, so it "
                "is not retried. If a proxy sits between the connector and the API, check it; otherwise "
                "please report this as a bug of the connector."
            ),
        )
