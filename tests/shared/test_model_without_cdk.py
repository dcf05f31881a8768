"""`unified_hris` is the unified model alone: importing every one of its modules loads no CDK."""

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import unified_hris
modules = [m.name for m in pkgutil.walk_packages(unified_hris.__path__, "unified_hris.")]
for name in modules:
    importlib.import_module(name)
print(len(modules), sorted(m for m in sys.modules if m.split(".")[0] in ("airbyte_cdk", "unified_hris_cdk")))
"""


def test_importing_every_unified_hris_module_loads_no_airbyte_cdk():
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    count, loaded = probe.stdout.split(" ", 1)
    assert int(count) >= 7, probe.stdout  # conventions, enums, mapping, names, parsing, schemas, security
    assert loaded.strip() == "[]"
