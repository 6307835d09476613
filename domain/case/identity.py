"""Deterministic ids for the shared case (ärende) and its alerts.

The case id is derived from the pseudonymous person reference so that every service
finds the same case for the same person without a lookup; an alert id is derived from
the case, the rule and the rule's subject so that re-evaluating a rule never raises the
same alert twice.
"""

from __future__ import annotations

from uuid import UUID, uuid5

__all__ = ["SAMLAD_NS", "alert_id_for", "case_id_for"]

SAMLAD_NS = UUID("85653d46-bc33-50c4-83b7-df93bcfc9303")
"""Samlad's uuid5 namespace (``uuid5(NAMESPACE_URL, "urn:samlad")``). Never change it:
every stored case id and integration event id is derived from it."""


def case_id_for(person_ref: str) -> UUID:
    """The case id of a person: ``uuid5(SAMLAD_NS, person_ref)``."""
    return uuid5(SAMLAD_NS, person_ref)


def alert_id_for(case_id: UUID, rule: str, subject: str) -> UUID:
    """The id of the alert a rule raises on a case about one subject (e.g. a hand-off)."""
    return uuid5(case_id, f"{rule}:{subject}")
