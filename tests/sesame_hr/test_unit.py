"""Config checks and the join's on-disk link store, which gives back each key's links as they were
listed (no request is made)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from source_sesame_hr import SourceSesameHR
from source_sesame_hr.components.joins import Links, LinkStore

TOKEN = "unit-test-token-0f9e8d7c6b5a4f3e2d1c"
CONFIG = {"api_token": TOKEN, "region": "eu1", "start_date": "2024-01-01", "requests_per_minute": 6000}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"base_url": "http://api-eu1.sesametime.com"}, "base_url"),
        ({"base_url": "ftp://example.org"}, "base_url"),
        ({"start_date": "01/02/2024"}, "start_date"),
        ({"start_date": "2999-01-01"}, "start_date"),
        ({"region": "mars1"}, "region"),
        ({"api_token": "  "}, "api_token"),
        ({"page_size": 1000}, "page_size"),
        ({"time_off_categories": {"Baja IT": "ILLNESS"}}, "time_off_categories"),
    ],
)
def test_bad_config_values_are_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(AirbyteTracedException) as raised:
        SourceSesameHR(config={**CONFIG, **change}).validate_config({**CONFIG, **change})
    assert f"'{field}'" in raised.value.message
    assert raised.value.failure_type.value == "config_error"


def test_loopback_http_and_an_https_override_are_accepted() -> None:
    for base_url in ("http://127.0.0.1:8080", "http://localhost:9", "https://api-eu2.sesametime.com/"):
        SourceSesameHR(config=CONFIG).validate_config({**CONFIG, "base_url": base_url})


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
