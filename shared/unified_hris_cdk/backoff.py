"""`Retry-After` in both forms HTTP allows: seconds (``"30"``) or an HTTP date
(``"Wed, 21 Oct 2026 07:28:00 GMT"``). The CDK's `WaitTimeFromHeader` reads only numbers and falls
through to the next strategy on a date, retrying before the server allows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters.error_handlers.backoff_strategies.max_waiting_time_helper import (
    evaluate_max_waiting_time,
)
from airbyte_cdk.sources.declarative.requesters.error_handlers.backoff_strategies.wait_time_from_header_backoff_strategy import (
    WaitTimeFromHeaderBackoffStrategy,
)
from airbyte_cdk.utils import AirbyteTracedException


def seconds_until(http_date: str) -> float | None:
    """Seconds from now until an HTTP date (0 when it is past), or None when it is not one."""
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


@dataclass
class RetryAfter(WaitTimeFromHeaderBackoffStrategy):
    """`WaitTimeFromHeader` that also reads HTTP dates. Manifest usage (same fields)::

    - {type: CustomBackoffStrategy, class_name: unified_hris_cdk.RetryAfter,
       header: Retry-After, max_waiting_time_in_seconds: 300}
    """

    def backoff_time(
        self, response_or_exception: requests.Response | requests.RequestException | None, attempt_count: int
    ) -> float | None:
        seconds = super().backoff_time(response_or_exception, attempt_count)
        if seconds is not None or not isinstance(response_or_exception, requests.Response):
            return seconds
        value = response_or_exception.headers.get(str(self.header.eval(config=self.config)))  # type: ignore[union-attr]
        wait = seconds_until(value) if value else None
        cap = evaluate_max_waiting_time(self._max_waiting_time_in_seconds, self.config)
        if wait is not None and cap is not None and wait >= cap:
            raise AirbyteTracedException(
                internal_message=f"Retry-After asks for {wait:.0f} s, more than the {cap} s the connector may wait.",
                message="The API asked the connector to wait longer than it is allowed to; the next sync will retry.",
                failure_type=FailureType.transient_error,
            )
        return wait
