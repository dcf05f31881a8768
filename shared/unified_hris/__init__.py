"""Unified HRIS models and the helpers every connector uses to produce them."""

from unified_hris.conventions import build_id, canonical_hash, envelope
from unified_hris.enums import EnumTable
from unified_hris.schemas import STREAMS, load_schema

__all__ = ["STREAMS", "EnumTable", "build_id", "canonical_hash", "envelope", "load_schema"]
