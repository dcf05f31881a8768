"""The join's on-disk link store gives back each key's links as they were listed."""

from __future__ import annotations

import threading

from source_sesame_hr.components.joins import Links, LinkStore


def test_links_come_back_per_key_in_listing_order_with_their_values() -> None:
    store = LinkStore()
    store.load(0, [("a", ("d1", "2023-01-01T00:00:00+01:00")), ("b", ("d2", None)), ("a", ("d3", "x"))])
    store.load(1, [("a", ("m1", "check", 2, True)), ("a", ("m2", "vacation", 1.5, None))])
    store.index()
    departments = Links(fields=("department.id", "createdAt"), store=store, listing=0)
    managers = Links(fields=("manager.id", "permission", "order", "flag"), store=store, listing=1)

    assert departments.of("a") == [
        {"department.id": "d1", "createdAt": "2023-01-01T00:00:00+01:00"},
        {"department.id": "d3", "createdAt": "x"},
    ]
    assert departments.of("b") == [{"department.id": "d2", "createdAt": None}]
    assert managers.of("a") == [
        {"manager.id": "m1", "permission": "check", "order": 2, "flag": True},
        {"manager.id": "m2", "permission": "vacation", "order": 1.5, "flag": None},
    ]
    assert managers.of("b") == [] and departments.of("nobody") == []


def test_records_mapped_on_several_threads_read_the_store_safely() -> None:
    store = LinkStore()
    store.load(0, ((f"e{i}", (f"d{i % 7}",)) for i in range(2000)))
    store.index()
    links = Links(fields=("department.id",), store=store, listing=0)
    wrong: list[int] = []

    def read(offset: int) -> None:
        for i in range(offset, 2000, 4):
            if links.of(f"e{i}") != [{"department.id": f"d{i % 7}"}]:
                wrong.append(i)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
