"""Run the connector: ``python main.py spec|check|discover|read ...`` (the container image's entrypoint)."""

import sys

from source_sesame_hr.run import run

if __name__ == "__main__":
    # tap-airbyte (Meltano) runs `docker run IMAGE -- <verb> ...` and Docker passes the "--" on.
    if sys.argv[1:2] == ["--"]:
        del sys.argv[1]
    run()
