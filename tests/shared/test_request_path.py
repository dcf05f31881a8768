"""Per-request work done once: the API token rendered once, the environment's proxy settings read once
per host. Each gives what the CDK / ``requests`` give when asked every time."""

import pytest
import requests
from airbyte_cdk.sources.declarative.auth.token import ApiKeyAuthenticator, BearerAuthenticator
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    ApiKeyAuthenticator as ApiKeyModel,
)
from airbyte_cdk.sources.declarative.models.declarative_component_schema import (
    BearerAuthenticator as BearerModel,
)
from unified_hris_cdk.auth import RenderedOnceToken
from unified_hris_cdk.factory import UnifiedComponentFactory
from unified_hris_cdk.sessions import remember_environment_settings

CONFIG = {"api_key": "k-123"}


def test_api_key_and_bearer_tokens_are_rendered_once_with_the_cdks_value():
    factory = UnifiedComponentFactory()
    api_key = factory.create_component(
        ApiKeyModel,
        {
            "type": "ApiKeyAuthenticator",
            "api_token": "{{ config['api_key'] }}",
            "inject_into": {"type": "RequestOption", "inject_into": "header", "field_name": "X-Auth-Token"},
        },
        CONFIG,
    )
    bearer = factory.create_component(
        BearerModel, {"type": "BearerAuthenticator", "api_token": "{{ config['api_key'] }}"}, CONFIG
    )
    assert isinstance(api_key, ApiKeyAuthenticator) and isinstance(bearer, BearerAuthenticator)
    assert isinstance(api_key.token_provider, RenderedOnceToken)
    assert api_key.get_auth_header() == {"X-Auth-Token": "k-123"}
    assert bearer.get_auth_header() == {"Authorization": "Bearer k-123"}


def test_a_rendered_token_is_kept_and_a_failed_render_is_not():
    class Counting:
        calls = 0

        def get_token(self):
            self.calls += 1
            if self.calls == 1:
                raise KeyError("api_key")
            return "k-123"

    inner = Counting()
    token = RenderedOnceToken(inner)
    with pytest.raises(KeyError):
        token.get_token()
    assert [token.get_token() for _ in range(3)] == ["k-123"] * 3
    assert inner.calls == 2


def _settings(session, url):
    return session.merge_environment_settings(url, {}, None, None, None)


def test_environment_settings_per_host_equal_requests_own(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "bypass.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    plain, remembering = requests.Session(), requests.Session()
    remember_environment_settings(remembering)
    remember_environment_settings(remembering)  # idempotent
    urls = [
        "https://api.example/v1/employees?page=1",
        "https://api.example/v1/employees?page=2",
        "https://bypass.example/x",
        "http://api.example/v1",
    ]
    for url in urls * 2:
        assert _settings(remembering, url) == _settings(plain, url), url
    assert _settings(remembering, urls[0])["proxies"]["https"] == "http://proxy.internal:3128"
    assert "https" not in _settings(remembering, urls[2])["proxies"]
    # each caller gets its own proxies mapping
    _settings(remembering, urls[0])["proxies"]["https"] = "changed"
    assert _settings(remembering, urls[0])["proxies"]["https"] == "http://proxy.internal:3128"
    # a request naming its own proxies is answered afresh, as requests does
    own = {"https": "http://own:1"}
    assert remembering.merge_environment_settings(urls[0], dict(own), None, None, None) == (
        plain.merge_environment_settings(urls[0], dict(own), None, None, None)
    )
