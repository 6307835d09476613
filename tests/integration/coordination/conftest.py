"""The coordination store on SQLite and on PostgreSQL, one per test."""

from tests.integration.coordination_store import coordination, settings

__all__ = ["coordination", "settings"]
