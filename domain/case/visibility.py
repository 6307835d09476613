"""Who may see a fact's details (sekretess mellan myndigheter).

Every agency involved sees that the others are involved and each fact's summary line;
the ``details`` cross to another agency only under a consent (samtycke) in force whose
scope is the fact's ``scope`` or "alla" (domain/case/scopes.py). The agency that
reported a fact always sees it, and the answer to a hand-off, with its reason, belongs
to the agency that asked as well.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from domain.agencies import Agency
from domain.case.facts import FactBase, HandOffAccepted, HandOffRejected
from domain.case.scopes import AGENCY_SCOPE
from domain.case.state import CaseState

__all__ = ["asked_by", "redacted_for", "sees_details_of", "visible_to"]

F = TypeVar("F", bound=FactBase)


def visible_to(viewer: Agency, fact: FactBase, state: CaseState) -> bool:
    """Whether ``viewer`` may see the details of ``fact`` under the consents in ``state``."""
    return (
        fact.agency is viewer
        or viewer in state.consented_agencies(fact.scope)
        or asked_by(fact, state) is viewer
    )


def asked_by(fact: FactBase, state: CaseState) -> Agency | None:
    """The agency that requested the hand-off ``fact`` answers, if it is an answer."""
    if not isinstance(fact, HandOffAccepted | HandOffRejected):
        return None
    hand_off = state.hand_off(fact.hand_off_id)
    return hand_off.from_agency if hand_off is not None else None


def sees_details_of(viewer: Agency, agency: Agency, state: CaseState) -> bool:
    """Whether ``viewer`` sees what ``agency`` does for the person (its own scope)."""
    return agency is viewer or viewer in state.consented_agencies(AGENCY_SCOPE[agency])


def redacted_for(viewer: Agency, fact: F, state: CaseState) -> F:
    """The fact as ``viewer`` may see it: without details unless consent covers them."""
    if visible_to(viewer, fact, state) or not fact.details:
        return fact
    return msgspec.structs.replace(fact, details={})
