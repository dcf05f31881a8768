"""Provider sandboxes, one module each: ``hris_sandbox.providers.<name>`` exposes ``create_app``.

``create_app(company: Company, **options) -> ProviderApp``; options are provider-specific switches
(rate limits, quirks whose real behaviour is unknown), given as strings from the CLI. Every provider
also takes the latency options of `hris_sandbox.latency` (``latency_ms``, ``jitter_ms``,
``latency_seed``): each response then waits that long before it is written.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from hris_sandbox.company import Company
from hris_sandbox.latency import Latency
from hris_sandbox.server import ProviderApp


def available() -> list[str]:
    return sorted(
        m.name.replace("_", "-") for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")
    )


def create_app(provider: str, company: Company, **options: Any) -> ProviderApp:
    try:
        module = importlib.import_module(f"{__name__}.{provider.replace('-', '_')}")
    except ModuleNotFoundError as error:
        raise ValueError(f"unknown provider {provider!r}; available: {', '.join(available())}") from error
    options = dict(options)
    latency = Latency.from_options(options)
    app: ProviderApp = module.create_app(company, **options)
    app.latency = latency
    return app
