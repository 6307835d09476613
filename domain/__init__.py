"""Samlad's domain: agency-local aggregates, the shared Case and its gap rules.

Pure: the standard library, msgspec and ``eventsourcing.domain`` only. The clock is
passed in; applying an event never reads it.
"""
