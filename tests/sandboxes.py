"""The sandbox apps the tests start: the product's providers (`hris_sandbox.providers`) and the made-up
``toy-hr`` API of the conformance kit's own tests (`fixtures.toy_hr_sandbox`, test-only code)."""

from __future__ import annotations

from typing import Any

from fixtures import toy_hr_sandbox
from hris_sandbox import Company
from hris_sandbox.providers import create_app as create_provider_app
from hris_sandbox.server import ProviderApp

TOY = "toy-hr"


def create_app(provider: str, company: Company, **options: Any) -> ProviderApp:
    if provider == TOY:
        return toy_hr_sandbox.create_app(company, **options)
    return create_provider_app(provider, company, **options)
