"""The shared sandbox harness: serving, auth, the request log, faults and control endpoints."""

from datetime import date

import pytest
import requests
from fixtures.toy_hr_sandbox import TOKEN
from hris_sandbox import Company, Fault, SandboxServer
from hris_sandbox.limits import SlidingWindowLimiter
from hris_sandbox.providers import available
from sandboxes import create_app

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def sandbox():
    with SandboxServer(create_app("toy-hr", Company.generate(60, seed=2, as_of=date(2026, 3, 1)))) as server:
        yield server


def test_serves_pages_and_refuses_bad_credentials(sandbox):
    first = requests.get(f"{sandbox.url}/v1/employees", headers=AUTH, params={"per_page": 50}).json()
    assert len(first["items"]) == 50 and first["next_page"] == 2
    assert (
        requests.get(f"{sandbox.url}/v1/employees", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )
    assert requests.get(f"{sandbox.url}/v1/nothing-here", headers=AUTH).status_code == 404
    assert requests.post(f"{sandbox.url}/v1/employees", headers=AUTH).status_code == 405


def test_request_log_counts_per_route(sandbox):
    with requests.Session() as session:
        for page in (1, 2, 3):
            session.get(f"{sandbox.url}/v1/employees", headers=AUTH, params={"page": page})
        session.get(f"{sandbox.url}/v1/employees/3/compensations", headers=AUTH)
        session.get(f"{sandbox.url}/v1/employees/4/compensations", headers=AUTH)
    assert sandbox.log.by_route() == {"GET /v1/employees": 3, "GET /v1/employees/{id}/compensations": 2}
    assert sandbox.log.count("/v1/employees") == 3
    assert sandbox.log.max_in_window(60) == 5
    assert requests.get(f"{sandbox.url}/__sandbox__/log").json()["total"] == 5  # control calls are not logged
    entries = requests.get(f"{sandbox.url}/__sandbox__/log", params={"entries": 1}).json()["entries"]
    assert [e["query"] for e in entries[:3]] == ["page=1", "page=2", "page=3"]
    requests.delete(f"{sandbox.url}/__sandbox__/log")
    assert sandbox.log.count() == 0


def test_status_and_rate_limit_faults_hit_exactly_the_requests_they_target(sandbox):
    sandbox.faults.add(Fault("status", path="/v1/employees$", status=502, after=1, times=2))
    sandbox.faults.add(
        Fault("rate_limit", path="/v1/departments", retry_after="Wed, 21 Oct 2026 07:28:00 GMT")
    )
    codes = [requests.get(f"{sandbox.url}/v1/employees", headers=AUTH).status_code for _ in range(4)]
    assert codes == [200, 502, 502, 200]
    limited = requests.get(f"{sandbox.url}/v1/departments", headers=AUTH)
    assert limited.status_code == 429 and limited.headers["Retry-After"].endswith("GMT")
    assert requests.get(f"{sandbox.url}/v1/departments", headers=AUTH).status_code == 200
    statuses = [e.status for e in sandbox.log.snapshot()]
    assert statuses == [200, 502, 502, 200, 429, 200]


def test_broken_transport_faults(sandbox):
    sandbox.faults.add(Fault("reset", path="/v1/departments"))
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sandbox.url}/v1/departments", headers=AUTH)
    sandbox.faults.add(Fault("truncate", path="/v1/employees"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{sandbox.url}/v1/employees", headers=AUTH).json()
    sandbox.faults.add(Fault("slow", path="/v1/departments", delay=0.5))
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{sandbox.url}/v1/departments", headers=AUTH, timeout=0.2)


def test_body_faults(sandbox):
    sandbox.faults.add(Fault("malformed", path="/v1/departments"))
    sandbox.faults.add(Fault("html", path="/v1/departments"))
    sandbox.faults.add(Fault("body", path="/v1/departments", body={"isError": True, "Status": 6}))
    malformed = requests.get(f"{sandbox.url}/v1/departments", headers=AUTH)
    with pytest.raises(ValueError):
        malformed.json()
    html = requests.get(f"{sandbox.url}/v1/departments", headers=AUTH)
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert requests.get(f"{sandbox.url}/v1/departments", headers=AUTH).json() == {
        "isError": True,
        "Status": 6,
    }


def test_control_endpoints_fault_and_mutate_a_sandbox_in_another_process(sandbox):
    added = requests.post(
        f"{sandbox.url}/__sandbox__/faults", json=[{"kind": "status", "status": 500, "path": "departments"}]
    )
    assert added.json() == {"faults": 1}
    assert requests.get(f"{sandbox.url}/v1/departments", headers=AUTH).status_code == 500
    before = requests.get(f"{sandbox.url}/__sandbox__/info").json()["counts"]["time_off_requests"]
    done = requests.post(
        f"{sandbox.url}/__sandbox__/mutate",
        json={"op": "add_time_off_request", "employee_key": 5, "start": "2026-03-20"},
    )
    assert done.json()["ok"] is True
    assert requests.get(f"{sandbox.url}/__sandbox__/info").json()["counts"]["time_off_requests"] == before + 1
    assert requests.post(f"{sandbox.url}/__sandbox__/mutate", json={"op": "drop_database"}).status_code == 400
    assert requests.post(f"{sandbox.url}/__sandbox__/faults", json={"kind": "meteor"}).status_code == 400


def test_sliding_window_limiter():
    limiter = SlidingWindowLimiter(limit=3, window=60)
    assert [limiter.hit("a")[0] for _ in range(4)] == [True, True, True, False]
    allowed, wait = limiter.hit("a")
    assert not allowed and 0 < wait <= 60
    assert limiter.hit("b")[0]


def test_providers_are_discoverable():
    assert {"sage-hr", "peoplehr", "sesame-hr"} <= set(available())
    assert "toy-hr" not in available()  # test-only: tests/fixtures/toy_hr_sandbox.py
    with pytest.raises(ValueError, match="unknown provider"):
        create_app("workday", Company.generate(5))
