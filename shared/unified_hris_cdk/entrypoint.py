"""The console script of every connector (`run`) and its stdout writer.

It reads the config, catalog and state files itself, so a file that cannot be used fails with a
``config_error`` naming it (`files`), and masks the secrets in every line it writes
(`unified_hris_cdk.masking`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from airbyte_cdk.entrypoint import PRINT_BUFFER, AirbyteEntrypoint
from airbyte_cdk.utils.airbyte_secrets_utils import get_secrets

from unified_hris_cdk import files, masking
from unified_hris_cdk.source import UnifiedDeclarativeSource


class _Entrypoint(AirbyteEntrypoint):
    @staticmethod
    def validate_connection(source_spec: Any, config: Any) -> None:
        """Left to `UnifiedDeclarativeSource.validate`: the CDK's own spec check reports "Config validation
        error: 'yes' is not of type 'boolean'" without naming the field, and in `check` without a trace."""

    @staticmethod
    def set_up_secret_filter(config: Any, connection_specification: Mapping[str, Any]) -> None:
        """The CDK's filter knows each secret as typed; `masking.mask_secrets` adds every other form."""
        masking.mask_secrets(get_secrets(connection_specification, config))


def run(source_class: type[UnifiedDeclarativeSource], args: list[str] | None = None) -> None:
    """Console-script body: parse the Airbyte CLI, read and check the files (`files`: a bad one is a
    ``config_error`` naming it), build the source with config, catalog and state, and write every
    message with the secrets masked."""
    args = sys.argv[1:] if args is None else args
    masking.mask_stderr()
    try:
        inputs = files.read_inputs(args)
    except files.FileProblem as problem:
        with PRINT_BUFFER:
            _write_message(problem.as_message())
        sys.exit(1)
    state = inputs.state
    source = source_class(
        catalog=inputs.catalog, config=inputs.config, state=state, config_path=inputs.config_path
    )
    # The entrypoint parses --state again for `read` and holds it for the whole sync (the source's
    # `read` ignores it): hand it the messages already parsed, not a second copy of every fingerprint.
    source.read_state = lambda _path: state or []  # type: ignore[method-assign]
    entrypoint = _Entrypoint(source)
    with PRINT_BUFFER:
        for message in entrypoint.run(entrypoint.parse_args(args)):
            _write_message(message)


#: A message this long (a state with every fingerprint) bypasses the print buffer, which would copy
#: it three more times (the line, the buffer, the buffer's joined contents) at the end of a sync.
DIRECT_WRITE_CHARS = 1 << 16


def _write_message(message: str) -> None:
    message = masking.current_mask().message(message)
    if len(message) < DIRECT_WRITE_CHARS:
        sys.stdout.write(f"{message}\n")  # one write per message (concurrent streams); print makes two
        return
    with PRINT_BUFFER.lock:
        PRINT_BUFFER.flush()  # what was buffered before it goes first
        out = sys.__stdout__ if sys.stdout is PRINT_BUFFER else sys.stdout
        assert out is not None
        out.write(message)
        out.write("\n")
        out.flush()
