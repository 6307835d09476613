"""Domain errors shared by every context.

One place maps them to RFC 9457 problem details at the HTTP edge; the domain raises
them instead of asserting, because an ``assert`` vanishes under ``python -O``.
"""

from __future__ import annotations

__all__ = ["DomainError", "InvalidFactError", "InvalidTimeError"]


class DomainError(Exception):
    """A business rule was violated; the message says which, in plain words."""


class InvalidFactError(DomainError):
    """A fact cannot be recorded as it stands (e.g. a naive datetime)."""


class InvalidTimeError(DomainError):
    """A point in time handed to the domain is not an aware datetime."""
