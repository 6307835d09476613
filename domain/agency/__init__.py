"""Agency-local aggregates: what each agency records in its own system of record."""
