"""The shared transport and error-handler bounds, against real local sockets: the total deadline, fail-fast
unreachable hosts (and the field each connector names), the retry budget and the client-error rule."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from airbyte_cdk.sources.streams.http.error_handlers import BackoffStrategy
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from source_sage_hr.source import SourceSageHR
from source_sesame_hr.source import SourceSesameHR
from unified_hris.security import SecretMask
from unified_hris_cdk import list_cache, retries, transport


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def session(deadline: float = 5) -> requests.Session:
    transport.new_sync()
    s = requests.Session()
    transport.install(s, deadline, ("base_url", "the API's address"))
    return s


def trickler() -> int:
    """A server that sends its headers, then one byte every 0.2 s."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            client, _ = listener.accept()
            client.recv(65536)
            client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            try:
                for _ in range(1000):
                    client.sendall(b" ")
                    time.sleep(0.2)
            except OSError:
                client.close()

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1])


def test_a_trickling_answer_fails_at_the_deadline_though_every_byte_is_on_time() -> None:
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout, match="within 1 s"):
        session(deadline=1).get(f"http://127.0.0.1:{trickler()}/", timeout=(5, 5))
    assert 0.9 < time.monotonic() - started < 3


def test_a_quick_answer_is_not_cut_and_keeps_its_connection(server: ThreadingHTTPServer) -> None:
    s = session(deadline=0.5)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    assert s.get(url).json() == {}
    time.sleep(1)  # past the deadline of the first request: its pooled connection must be intact
    assert s.get(url).json() == {}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://hris-sandbox.invalid/x", "does not resolve"),
        ("http://127.0.0.1:{closed}/x", "refuses connections"),
        ("https://127.0.0.1:{port}/x", "TLS handshake failed"),
    ],
)
def test_a_host_that_never_answered_is_a_config_error(
    server: ThreadingHTTPServer, url: str, reason: str
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    url = url.format(closed=closed, port=server.server_address[1])
    with pytest.raises(AirbyteTracedException) as failed:
        session().get(url, timeout=5)
    assert failed.value.failure_type.value == "config_error"
    assert reason in failed.value.message and "'base_url'" in failed.value.message
    assert transport.unreachable_error() is failed.value


def test_a_host_that_answered_once_is_retried_like_any_network_error(server: ThreadingHTTPServer) -> None:
    s = session()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    assert s.get(url).status_code == 200
    server.shutdown()
    server.server_close()
    with pytest.raises(requests.ConnectionError) as failed:
        s.get(url, timeout=5)
    assert not isinstance(failed.value, AirbyteTracedException) and transport.unreachable_error() is None


@pytest.mark.parametrize(
    ("source_class", "config", "field"),
    [
        (SourceSageHR, {"subdomain": "acme", "api_key": "k" * 20, "start_date": "2024-01-01"}, "'subdomain'"),
        (SourceSesameHR, {"api_token": "t" * 20, "start_date": "2024-01-01"}, "'region'"),
    ],
)
def test_check_names_the_field_the_host_comes_from(
    monkeypatch: pytest.MonkeyPatch, source_class: Any, config: dict[str, Any], field: str
) -> None:
    """Without a base URL the host comes from the subdomain (Sage HR) or the region (Sesame); the name
    is made not to resolve here, so nothing leaves the machine."""

    def no_such_host(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    started = time.monotonic()
    with pytest.raises(AirbyteTracedException) as failed:
        source_class(config=config).check(logging.getLogger("test"), config)
    assert failed.value.failure_type.value == "config_error" and field in failed.value.message
    assert time.monotonic() - started < 10


def test_the_retry_budget_is_spent_by_waits_the_connector_chose_only() -> None:
    class Every(BackoffStrategy):
        def __init__(self, seconds: float) -> None:
            self.seconds = seconds

        def backoff_time(self, response_or_exception: Any, attempt_count: int) -> float:
            return self.seconds

    retries.BUDGET.reset()
    timeout = requests.ReadTimeout("slow")
    setattr(timeout, retries.ELAPSED, 100.0)
    exponential = retries.BudgetedBackoff([Every(100.0)], max_retries=5)
    assert exponential.backoff_time(timeout, attempt_count=1) == 100.0  # 200 s of 300 spent
    assert exponential.backoff_time(timeout, attempt_count=6) == 100.0  # the last attempt: no wait follows
    with pytest.raises(AirbyteTracedException, match="retry budget of 300 s"):
        exponential.backoff_time(timeout, attempt_count=2)
    retries.BUDGET.reset()


@pytest.mark.parametrize(
    ("status", "fails"), [(400, True), (431, True), (408, False), (429, False), (404, False)]
)
def test_a_client_error_fails_unless_transient_or_named(status: int, fails: bool) -> None:
    response = requests.Response()
    response.status_code, response.url = status, "https://api.example.com/x"
    resolution = retries.ClientErrorFilter({}, named={404}).matches(response)
    assert (resolution is not None and resolution.response_action.value == "FAIL") is fails


def test_every_form_of_a_secret_is_masked_and_json_stays_json() -> None:
    key = ' s3cr\\et"K/e+y=%é '
    mask = SecretMask([key])
    line = '{"log": {"message": ' + json.dumps(f"body b'{key.strip()!r}' header {key!r}") + "}}"
    masked = mask.message(line)
    assert "s3cr" not in masked and json.loads(masked)["log"]["message"].count("****") == 2
    assert mask.message('{"type": "RECORD", "record": {"data": {"name": "ok"}}}') == (
        '{"type": "RECORD", "record": {"data": {"name": "ok"}}}'
    )


def test_list_cache_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    folders = {
        "dead": tmp_path / f"{list_cache.FOLDER_PREFIX}{gone.pid}-abc",
        "mine": tmp_path / f"{list_cache.FOLDER_PREFIX}{os.getpid()}-abc",
        "unowned": tmp_path / f"{list_cache.FOLDER_PREFIX}xyz",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "lists.sqlite").write_text("names")
    assert list_cache.remove_stale_folders(tmp_path) == [folders["dead"]]
    old = time.time() - list_cache.UNOWNED_FOLDER_SECONDS - 60
    os.utime(folders["unowned"], (old, old))
    assert list_cache.remove_stale_folders(tmp_path) == [folders["unowned"]]
    assert folders["mine"].exists()
