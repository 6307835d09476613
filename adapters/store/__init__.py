"""Event stores: eventsourcing applications on SQLite (embedded) or PostgreSQL."""
