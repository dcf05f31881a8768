"""PeopleHR's custom components, named by ``class_name`` in ``manifest.yaml``."""
