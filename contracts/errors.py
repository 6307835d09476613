"""Errors raised when a message does not honour the contract.

Every error carries a human-readable ``reason`` that names the offending field; the
consumer puts it in the ``Samlad-Reason`` header of the dead letter.
"""

# The names read as what went wrong (UnknownEventType, SourceMismatch); the API is fixed.

from __future__ import annotations


class ContractError(Exception):
    """A message or an event does not honour the published contract."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotACloudEvent(ContractError):
    """Neither a ``ce-specversion`` header nor a JSON body with ``specversion``."""


class InvalidEnvelope(ContractError):
    """A CloudEvents attribute is missing or malformed."""


class UnknownEventType(ContractError):
    """The CloudEvents ``type`` is not in the registry."""


class SourceMismatch(ContractError):
    """The ``source`` does not belong to the agency named in the ``type``."""


class SubjectMismatch(ContractError):
    """The CloudEvents ``subject`` differs from ``data.person_ref``."""


class InvalidEventData(ContractError):
    """The ``data`` does not match the struct registered for the ``type``."""


class InvalidSubject(ContractError):
    """A NATS subject or a person reference does not follow the subject scheme."""
