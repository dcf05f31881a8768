"""Airbyte source for Sesame HR's public API, emitting the unified HRIS streams."""

from source_sesame_hr.source import SourceSesameHR

__all__ = ["SourceSesameHR"]
