"""Authenticator parts: the API token rendered once instead of once per header merge of every request."""

from __future__ import annotations

from airbyte_cdk.sources.declarative.auth.token_provider import TokenProvider


class RenderedOnceToken(TokenProvider):
    """A token provider's first token, kept: for the CDK's `InterpolatedStringTokenProvider`, whose
    template reads only the config and the manifest's parameters, neither of which changes during a
    sync. The CDK renders it three times per request (the header merge twice, the session's auth
    hook once); a render failing (e.g. a missing config key) is not kept and fails again next time."""

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider
        self._token: str | None = None

    def get_token(self) -> str:
        if self._token is None:
            self._token = self._provider.get_token()
        return self._token
