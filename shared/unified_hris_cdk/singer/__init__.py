"""Each connector as a Singer tap (for Meltano), on the Meltano Singer SDK: ``tap-unified-hris-<provider>``.

Needs the ``singer`` extra (``pip install 'unified-hris-source-<provider>[singer]'``), which brings
``singer-sdk``; the Airbyte connector itself does not need it. See `unified_hris_cdk.singer.tap`.
"""

from __future__ import annotations

import logging
import sys

from unified_hris import names

from unified_hris_cdk.source import UnifiedDeclarativeSource


def run_tap(source_class: type[UnifiedDeclarativeSource]) -> None:
    """Console-script body of ``tap-unified-hris-<provider>``: the Singer CLI (``--discover``,
    ``--config``, ``--catalog``, ``--state``, ``--about``); a bad config or a failed read ends with
    its message and exit code 1, without a traceback."""
    provider = names.provider_of_package(source_class.__module__)
    try:
        import singer_sdk  # noqa: F401
    except ModuleNotFoundError:
        sys.exit(
            f"{names.tap_script(provider)} needs the 'singer' extra (singer-sdk is not installed): "
            f"pip install '{names.distribution(provider)}[singer]'"
        )
    from airbyte_cdk.utils.traced_exception import AirbyteTracedException

    from unified_hris_cdk.singer.tap import tap_class

    # Importing the CDK's entrypoint sends the root logger to stdout as Airbyte messages: a Singer
    # tap's stdout carries only Singer messages, and the SDK logs to stderr.
    logging.getLogger().handlers.clear()
    tap = tap_class(source_class)
    try:
        tap.cli()
    except AirbyteTracedException as error:
        logging.getLogger(tap.name).error(error.message or str(error))
        sys.exit(1)
