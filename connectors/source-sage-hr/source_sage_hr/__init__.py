"""Airbyte source for Sage HR: unified HRIS streams (see the connector's README)."""
