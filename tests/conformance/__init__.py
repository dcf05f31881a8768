"""The conformance kit every connector runs (see `conformance.kit`)."""
