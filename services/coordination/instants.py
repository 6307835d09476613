"""The text form of an instant in the read models: fixed width, UTC, so text order is time order.

``isoformat`` pads the year to four digits (``0614-07-15T…``), which ``strftime("%Y")``
does not on every platform: a fact dated before year 1000 once broke the indicators.
"""

from __future__ import annotations

from datetime import UTC, datetime


def instant(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` of ``value`` in UTC."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)
