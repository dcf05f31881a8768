"""The one place we reach into the CDK: a declared change-detection cursor becomes ours, for the pinned CDK."""

import sys
from pathlib import Path

from unified_hris.components import ChangeDetectionCursor

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "toy_connector"))

from source_toy_hr.source import SourceToyHR

CONFIG = {"base_url": "http://127.0.0.1:9", "api_token": "t" * 32, "start_date": "2024-01-01"}


def test_every_declared_stream_gets_the_change_detection_cursor():
    streams = {s.name: s for s in SourceToyHR(config=CONFIG).streams(CONFIG)}
    assert set(streams) == {"employees", "departments", "time_off_requests", "compensations"}
    for stream in streams.values():
        assert isinstance(stream.cursor, ChangeDetectionCursor), stream.name
        assert stream.cursor_field == "modified_at"


def test_windowed_stream_slices_carry_the_request_window():
    stream = next(s for s in SourceToyHR(config=CONFIG).streams(CONFIG) if s.name == "time_off_requests")
    slices = list(stream.cursor.stream_slices())
    assert slices[0].cursor_slice["start_time"] == "2024-01-01"
    assert all(set(s.cursor_slice) == {"start_time", "end_time"} for s in slices)
