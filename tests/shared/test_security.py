"""Credentials go only to the provider's host: base-URL rules and the redirect guard, end to end."""

import sys
from pathlib import Path

import pytest
import requests
from conformance.runner import ConnectorRunner
from hris_sandbox import Company, Fault, SandboxServer
from sandboxes import create_app
from unified_hris.security import base_url_problem
from unified_hris_cdk.redirects import install_redirect_guard

TOY = [sys.executable, str(Path(__file__).resolve().parents[1] / "fixtures" / "toy_connector" / "main.py")]


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.sage.hr/api",
        "http://127.0.0.1:8080/api",
        "http://localhost:1",
        "http://[::1]:9/x",
        "http://127.3.4.5",
    ],
)
def test_accepted_base_urls(url):
    assert base_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://acme.sage.hr/api", "https"),
        ("ftp://acme.sage.hr", "https://"),
        ("acme.sage.hr", "https://"),
        ("https://user:secret@proxy.example.com", "credentials"),
        ("https://proxy.example.com/api?key=1", "query"),
        ("", "enter a URL"),
        (42, "enter a URL"),
    ],
)
def test_refused_base_urls(url, hint):
    assert hint in base_url_problem(url)


@pytest.fixture
def two_hosts():
    """A provider sandbox on 127.0.0.1 and a second server on another host address, 127.0.0.2."""
    company = Company.generate(10, seed=1)
    with (
        SandboxServer(create_app("toy-hr", company)) as api,
        SandboxServer(create_app("toy-hr", company), host="127.0.0.2") as evil,
    ):
        yield api, evil


def test_guard_refuses_cross_host_redirects_before_sending_anything(two_hosts):
    api, evil = two_hosts
    install_redirect_guard()
    api.faults.add(Fault("redirect", status=307, location=f"{evil.url}/v1/departments"))
    with pytest.raises(Exception, match="redirected to another host"):
        requests.post(
            f"{api.url}/v1/departments",
            headers={"X-Auth-Token": "sentinel-secret-key"},
            json={"APIKey": "sentinel"},
        )
    assert evil.log.count() == 0


def test_connector_fails_clearly_and_sends_nothing_to_the_other_host(two_hosts):
    api, evil = two_hosts
    api.faults.add(Fault("redirect", status=302, location=f"{evil.url}/v1/departments", times=-1))
    config = api.app.connector_config(api.url)
    run = ConnectorRunner(TOY).run("check", config)
    status = run.connection_status()
    assert status["status"] == "FAILED" and "redirected to another host" in status["message"]
    assert evil.log.count() == 0
    assert config["api_token"] not in run.stdout + run.stderr


def test_connector_refuses_plain_http_to_a_remote_host(two_hosts):
    api, _ = two_hosts
    run = ConnectorRunner(TOY).run(
        "check", {**api.app.connector_config(api.url), "base_url": "http://hr.example.com"}
    )
    assert run.connection_status()["status"] == "FAILED"
    errors = run.errors()
    assert errors and errors[0]["failure_type"] == "config_error" and "'base_url'" in errors[0]["message"]
