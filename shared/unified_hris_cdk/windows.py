"""Date windows of a change-detection stream whose requests take a date range (`ChangeDetectionCursor`)."""

from __future__ import annotations

from datetime import datetime, timedelta


class DateWindows:
    """Date windows for a stream whose requests take a date range.

    With a `step`: a fixed grid from `start`, so window scopes match across syncs; an incremental sync
    re-reads the windows that end after ``last_sync - lookback``. Without a `step` (*since* mode, for
    APIs with an updated-since filter): one window from ``last_sync - lookback`` (or `start`) to `end`;
    such a listing is never complete, so it yields no deletions (the API must report them itself).
    """

    def __init__(
        self,
        start: datetime,
        end: datetime,
        step: timedelta | None,
        granularity: timedelta,
        lookback: timedelta,
        fmt: str,
    ) -> None:
        self.start, self.end, self.step, self.granularity, self.lookback, self.fmt = (
            start,
            end,
            step,
            granularity,
            lookback,
            fmt,
        )

    @property
    def complete_listing(self) -> bool:
        return self.step is not None

    def to_read(self, last_sync: datetime | None) -> list[tuple[datetime, datetime]]:
        floor = None if last_sync is None else last_sync.astimezone(self.start.tzinfo) - self.lookback
        if self.step is None:
            return [(self.start if floor is None else max(self.start, floor), self.end)]
        windows = []
        lo = self.start
        while lo <= self.end:
            hi = min(lo + self.step - self.granularity, self.end)
            if floor is None or hi >= floor:
                windows.append((lo, hi))
            lo = hi + self.granularity
        return windows

    def is_stale(self, window_start: str, now: datetime) -> bool:
        """True when a grid window will never be re-read: it ends before ``now - lookback``."""
        if self.step is None:
            return False
        start = datetime.strptime(window_start, self.fmt).replace(tzinfo=self.start.tzinfo)
        return start + self.step - self.granularity < now - self.lookback

    def slice_of(self, window: tuple[datetime, datetime]) -> dict[str, str]:
        return {"start_time": window[0].strftime(self.fmt), "end_time": window[1].strftime(self.fmt)}
