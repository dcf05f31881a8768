"""Console scripts: ``unified-hris-source-sesame-hr`` (Airbyte protocol) and ``tap-unified-hris-sesame-hr`` (Singer)."""

from unified_hris_cdk import run as run_source
from unified_hris_cdk.singer import run_tap

from source_sesame_hr.source import SourceSesameHR


def run() -> None:
    run_source(SourceSesameHR)


def tap() -> None:
    run_tap(SourceSesameHR)
