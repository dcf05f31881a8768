"""Console scripts: ``unified-hris-source-sage-hr`` (Airbyte protocol) and ``tap-unified-hris-sage-hr`` (Singer)."""

from unified_hris_cdk import run as run_source
from unified_hris_cdk.singer import run_tap

from source_sage_hr.source import SourceSageHR


def run() -> None:
    run_source(SourceSageHR)


def tap() -> None:
    run_tap(SourceSageHR)
