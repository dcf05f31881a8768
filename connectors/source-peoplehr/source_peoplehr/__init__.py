"""Airbyte source for PeopleHR (Access People HR), producing the unified HRIS streams."""
