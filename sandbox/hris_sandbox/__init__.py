"""Local stand-ins of the providers' APIs, serving synthetic tenants (never imported by connectors)."""

from hris_sandbox.company import Company
from hris_sandbox.faults import Fault
from hris_sandbox.server import ProviderApp, Request, Response, SandboxServer

__all__ = ["Company", "Fault", "ProviderApp", "Request", "Response", "SandboxServer"]
