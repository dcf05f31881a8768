from unified_hris.components import run as run_source

from source_peoplehr.source import SourcePeopleHR


def run() -> None:
    run_source(SourcePeopleHR)
