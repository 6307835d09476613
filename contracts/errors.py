"""Errors raised when a message does not honour the contract.

Every error carries a ``reason``: its reason word (the class name, e.g. ``SourceMismatch``)
then a colon and a human-readable text naming the offending field. The consumer puts it
in the ``Samlad-Reason`` header of the dead letter, so a program reads the word before the
first colon and a person reads the rest.
"""

# The names read as what went wrong (UnknownEventType, SourceMismatch); the API is fixed.

from __future__ import annotations


class ContractError(Exception):
    """A message or an event does not honour the published contract."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.word = type(self).__name__
        self.reason = f"{self.word}: {reason}"


class NotACloudEvent(ContractError):
    """Neither a ``ce-specversion`` header nor a JSON body with ``specversion``."""


class InvalidEnvelope(ContractError):
    """A CloudEvents attribute is missing or malformed."""


class UnknownEventType(ContractError):
    """The CloudEvents ``type`` is not in the registry."""


class SourceMismatch(ContractError):
    """The ``source`` does not belong to the agency named in the ``type``."""


class SubjectMismatch(ContractError):
    """The NATS subject, the CloudEvents ``subject`` and ``data`` name different things.

    The subject's event name, version, person reference (and, for alerts, recipients)
    must equal the ``type``, the CloudEvents ``subject`` and ``data``.
    """


class PublisherMismatch(ContractError):
    """The NATS subject's publisher token is not the agency named in the ``type``.

    An agency may publish only on its own subjects (the broker enforces that), so an
    event whose type names another agency on them is a forged fact.
    """


class InvalidEventData(ContractError):
    """The ``data`` does not match the struct registered for the ``type``."""


class InvalidSubject(ContractError):
    """A NATS subject or a person reference does not follow the subject scheme."""


def _refusals(cls: type[ContractError]) -> list[type[ContractError]]:
    found: list[type[ContractError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_refusals(sub)]
    return found


REASON_WORDS: tuple[str, ...] = tuple(sorted(error.__name__ for error in _refusals(ContractError)))
"""The words a refused message's ``Samlad-Reason`` starts with (docs/integrating.md, step 6).

Only the subclasses: a bare ``ContractError`` is Samlad's own misregistration, never an
integrator's message.
"""

NOT_TRANSLATED = "could not translate"
"""A dead letter's reason prefix when Samlad could not read a message it should read."""
NOT_APPLIED = "could not apply"
"""A dead letter's reason prefix when the case refused a valid fact (Samlad's side)."""
NOT_PUBLISHED = "could not publish by contract"
"""An outbox's reason prefix for a stored event it cannot publish (``….outbox`` letters)."""
