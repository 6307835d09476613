"""Who may see a fact's details (sekretess mellan myndigheter).

Every agency involved sees that the others are involved and each fact's summary line;
the ``details`` cross to another agency only under a consent (samtycke) in force whose
scope is the fact's ``scope`` or "alla". The agency that reported a fact always sees it.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from domain.agencies import Agency
from domain.case.facts import FactBase
from domain.case.state import CaseState

__all__ = ["redacted_for", "visible_to"]

F = TypeVar("F", bound=FactBase)


def visible_to(viewer: Agency, fact: FactBase, state: CaseState) -> bool:
    """Whether ``viewer`` may see the details of ``fact`` under the consents in ``state``."""
    return fact.agency is viewer or viewer in state.consented_agencies(fact.scope)


def redacted_for(viewer: Agency, fact: F, state: CaseState) -> F:
    """The fact as ``viewer`` may see it: without details unless consent covers them."""
    if visible_to(viewer, fact, state) or not fact.details:
        return fact
    return msgspec.structs.replace(fact, details={})
