"""Console scripts: ``unified-hris-source-peoplehr`` (Airbyte protocol) and ``tap-unified-hris-peoplehr`` (Singer)."""

from unified_hris_cdk import run as run_source
from unified_hris_cdk.singer import run_tap

from source_peoplehr.source import SourcePeopleHR


def run() -> None:
    run_source(SourcePeopleHR)


def tap() -> None:
    run_tap(SourcePeopleHR)
