from unified_hris.components import run as run_source

from source_sesame_hr.source import SourceSesameHR


def run() -> None:
    run_source(SourceSesameHR)
