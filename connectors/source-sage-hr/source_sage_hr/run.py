"""Console script ``source-sage-hr``."""

from unified_hris.components import run as run_source

from source_sage_hr.source import SourceSageHR


def run() -> None:
    run_source(SourceSageHR)
