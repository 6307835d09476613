"""Errors of the agency context: a command that the agency's own state forbids."""

from __future__ import annotations


class AgencyRuleViolation(Exception):
    """A command breaks the agency's own rules; ``field`` names what was wrong."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class NotFound(AgencyRuleViolation):
    """The thing a command refers to does not exist at this agency."""


class Conflict(AgencyRuleViolation):
    """The command contradicts what the agency already recorded."""


class Invalid(AgencyRuleViolation):
    """The command's own values contradict each other (a period that ends before it starts)."""
