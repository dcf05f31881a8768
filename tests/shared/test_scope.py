"""`SyncScope`: one computation per key, however many threads ask at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from unified_hris_cdk.scope import SyncScope


def test_threads_asking_for_one_key_share_one_computation() -> None:
    scope, calls = SyncScope(), []

    def compute() -> str:
        calls.append(1)
        time.sleep(0.05)
        return "value"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: scope.once("k", compute), range(8)))
    assert results == ["value"] * 8
    assert len(calls) == 1


def test_a_slow_key_does_not_hold_up_another() -> None:
    scope, release = SyncScope(), threading.Event()
    slow = threading.Thread(target=lambda: scope.once("slow", lambda: release.wait(5)))
    slow.start()
    try:
        assert scope.once("fast", lambda: 1) == 1  # would wait 5 s behind one lock for all keys
    finally:
        release.set()
        slow.join()


@pytest.mark.parametrize(("remember", "expected_calls"), [(True, 1), (False, 2)])
def test_a_failed_computation_is_repeated_unless_remembered(remember: bool, expected_calls: int) -> None:
    scope, calls = SyncScope(), []

    def fail() -> None:
        calls.append(1)
        raise RuntimeError("refused")

    for _ in range(2):
        with pytest.raises(RuntimeError, match="refused"):
            scope.once("k", fail, remember_error=remember)
    assert len(calls) == expected_calls


def test_close_closes_what_it_holds_and_empties_the_scope() -> None:
    class Held:
        closed = False

        def close(self) -> None:
            self.closed = True

    scope = SyncScope()
    held = scope.once("held", Held)
    scope.once("plain", lambda: 3)
    scope.close()
    assert held.closed
    assert scope.once("held", Held) is not held
