"""``hris-sandbox``: serve a provider sandbox as a process.

    hris-sandbox list
    hris-sandbox serve sage-hr --employees 500 --port 8080 [--seed 1] [--years 3] [--option name=value]
    hris-sandbox serve peoplehr --option latency_ms=150 --option jitter_ms=50 --option rate_limit=30

On start it prints one JSON line with the base URL and the credentials a connector needs, then serves
until interrupted. Control endpoints: ``GET/DELETE /__sandbox__/log``, ``POST/DELETE /__sandbox__/faults``,
``POST /__sandbox__/mutate``, ``GET /__sandbox__/info``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from datetime import date

from hris_sandbox.company import Company
from hris_sandbox.providers import available, create_app
from hris_sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hris-sandbox", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the provider sandboxes")
    serve = sub.add_parser("serve", help="serve one provider sandbox")
    serve.add_argument("provider", choices=available())
    serve.add_argument("--employees", type=int, default=120)
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--years", type=int, default=3)
    serve.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="the tenant's today (default: today)"
    )
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--option", action="append", default=[], metavar="NAME=VALUE", help="provider switch")
    args = parser.parse_args(argv)
    if args.command == "list":
        print("\n".join(available()))
        return 0
    options = dict(item.split("=", 1) for item in args.option)
    company = Company.generate(employees=args.employees, seed=args.seed, years=args.years, as_of=args.as_of)
    server = SandboxServer(create_app(args.provider, company, **options), port=args.port)
    info = server.info()
    print(json.dumps(info), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
