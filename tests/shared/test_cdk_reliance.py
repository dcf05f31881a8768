"""Public CDK (and requests-cache) code whose behaviour the reliability components rely on without
replacing it, pinned to the versions they were written against (`pinning`): an upgrade that changes
one fails here until the reliance is checked again. Private CDK names (`HttpClient._send_with_retry`,
`SimpleRetriever._parse_response`, ...) are in the one table `unified_hris_cdk.cdk_private`, pinned by
`test_cdk_private.py`.

- `DefaultErrorHandler.interpret_response` tries the filters in order and retries what none matches
  (a 431 too): `retries.ClientErrorFilter` goes first.
- `AirbyteEntrypoint.set_up_secret_filter` is what check, discover and read call with the config:
  `entrypoint._Entrypoint` overrides it to mask every form of the secrets.
- `ConcurrentDeclarativeSource.configure` hands the entrypoint the config the source was built with:
  the secrets `UnifiedDeclarativeSource` stripped are the ones the filter knows and the streams use;
  `DefaultConnectorMixin.configure` writes it to the temporary folder through `write_config`, which
  `UnifiedDeclarativeSource` makes write nothing (a killed sync would leave the secrets on disk).
- `RecordSelector.filter_and_transform` transforms before the client-side filter (the cursor) when
  the stream is client-side incremental: a skip marker passes the transformation and stops at the
  cursor (`skips`).
- requests-cache keeps a session's settings (its response filter) on the backend, shared by every
  session of it: `list_cache` gives the backend one filter that asks the sending session's own.
"""

from airbyte_cdk.connector import DefaultConnectorMixin
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.declarative.extractors.record_selector import RecordSelector
from airbyte_cdk.sources.declarative.requesters.error_handlers.default_error_handler import (
    DefaultErrorHandler,
)
from pinning import source_digest
from requests_cache import CachedSession

PINNED = {
    DefaultErrorHandler.interpret_response: "27c4e79fd46382e08fa575d15d704d587cfdc109970b11b5bc293eb2e02b80ac",
    AirbyteEntrypoint.set_up_secret_filter: "29926aa81ba003884d3ac0cba0355c590cffdcc191a7b2618ead18283f683d4c",
    ConcurrentDeclarativeSource.configure: "5b08fc760e29d60c0d8a9dc360d37757fe80e3be6fbe04c3ee2e8444e4140b90",
    RecordSelector.filter_and_transform: "a2330dd2b29c71cc23f6ef6eb0fe1f0c180d0886c838b5ec481abd7879402e7a",
    CachedSession.settings.fget: "9c8294a62ac56b39ed0df58e9c037d1ac5f5d86299b616b6cd63e95d5c02fb90",
    DefaultConnectorMixin.configure: "aa1382afb5f4f74bb88548b4329a76df245c35495da5ced5083c8485f75cbb84",
}


def test_the_relied_on_code_is_the_pinned_code():
    changed = [method.__qualname__ for method, digest in PINNED.items() if source_digest(method) != digest]
    assert not changed, f"re-read the reliance on {changed} (see this module's docstring), then re-pin"
