"""Sesame's list envelope ``{"data": [...], "meta": {currentPage, lastPage, total, perPage}}``.

The reference allows a list to come without its ``meta`` block (trimmed bodies, proxies). `MetaPages`
reads such a page, or one whose ``meta`` lacks ``currentPage``/``lastPage``, as the last page of its
list and logs a warning naming the URL, instead of failing the stream on an unreadable cursor. A body
without ``data`` is no list at all: the error handler's ``malformed`` filter retries it, then fails.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.cursor_pagination_strategy import (
    CursorPaginationStrategy,
)
from airbyte_cdk.sources.declarative.requesters.requester import Requester
from airbyte_cdk.sources.types import Record, StreamSlice
from unified_hris_cdk.decoders import response_json

logger = logging.getLogger("airbyte")


def page_numbers(body: Any) -> tuple[int, int] | None:
    """``(currentPage, lastPage)`` of a list page; None when its ``meta`` does not give both."""
    meta = body.get("meta") if isinstance(body, Mapping) else None
    if not isinstance(meta, Mapping):
        return None
    current, last = meta.get("currentPage"), meta.get("lastPage")
    if isinstance(current, bool) or isinstance(last, bool):
        return None
    if not isinstance(current, int) or not isinstance(last, int):
        return None
    return current, last


def every_row(requester: Requester, path: str, page_size: int) -> list[dict[str, Any]] | None:
    """Every row of a paged list that one component reads for one id (an employee's contracts, a
    calendar's employees), through the manifest's requester (budget, retries, list cache); None when a
    page was refused (the error handler ignores a 404: the id was deleted meanwhile). A page whose
    ``meta`` does not give its numbers is the last, as `MetaPages` reads it."""
    page, out = 1, []
    while True:
        params = {"limit": page_size} | ({"page": page} if page > 1 else {})
        response = requester.send_request(path=path, request_params=params)
        if response is None or response.status_code != 200:
            return None
        body = response_json(response)
        rows = body.get("data") if isinstance(body, Mapping) else None
        out.extend(row for row in rows or [] if isinstance(row, dict))
        numbers = page_numbers(body)
        if not rows or numbers is None or page >= numbers[1]:
            return out
        page += 1


@dataclass
class MetaPages(CursorPaginationStrategy):
    """``pagination_strategy: {type: CustomPaginationStrategy, class_name: ...MetaPages, <CursorPagination fields>}``"""

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Record | None,
        last_page_token_value: Any | None = None,
        page_size_override: int | None = None,
        stream_slice: StreamSlice | None = None,
    ) -> Any | None:
        body = response_json(response)
        if isinstance(body, Mapping) and isinstance(body.get("data"), list) and page_numbers(body) is None:
            logger.warning(
                "Sesame HR answered %s without a complete `meta` block (currentPage and lastPage): read "
                "as the last page of its list. If the list has more pages, their records are missing "
                "from this sync (the deletion guard, max_deletion_percent, stops mass tombstones).",
                response.request.url,  # Bearer auth: no secret in the URL
            )
            return None
        return super().next_page_token(
            response, last_page_size, last_record, last_page_token_value, page_size_override, stream_slice
        )
