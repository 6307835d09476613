"""Facts: the case's input vocabulary (händelser i ärendet).

The coordination service translates each integration event from an agency into one
fact. Facts are values: frozen, keyword-only msgspec structs in one tagged union
(``kind`` is the snake_case class name), so the case can store them in its events and
a transcoder can write them without custom code.

Every fact carries its own business time (``effective_at``) and when it was registered
(``recorded_at``); the case folds facts by those dates, never by arrival order.
"""

from __future__ import annotations

import re
from datetime import datetime

import msgspec

from domain.agencies import Agency, Gender, InterventionType, Outcome, RecordedBy

__all__ = [
    "BenefitEnded",
    "BenefitStarted",
    "ConsentGiven",
    "ConsentWithdrawn",
    "ContactLost",
    "ContactResumed",
    "Deregistered",
    "Exited",
    "Fact",
    "FactBase",
    "HandOffAccepted",
    "HandOffRejected",
    "HandOffRequested",
    "InterventionEnded",
    "InterventionStarted",
    "LeadAssumed",
    "LeadReleased",
    "Noted",
    "PersonEnrolled",
    "Registered",
    "fact_kind",
]

BASE_SCOPE = "grund"
"""Scope of what every involved agency may see without consent (grunduppgifter)."""


def fact_kind(class_name: str) -> str:
    """The tag of a fact class: ``HandOffRequested`` -> ``hand_off_requested``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


class FactBase(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind", tag=fact_kind):
    """Fields every fact carries.

    ``event_id`` is the integration event id: the case de-duplicates on it.
    ``details`` are agency-specific and visible to another agency only under a consent
    (samtycke) covering ``scope``; ``summary`` is the short line on the timeline.
    """

    event_id: str
    agency: Agency
    effective_at: datetime
    recorded_at: datetime
    summary: str
    details: dict[str, str] = {}
    scope: str = BASE_SCOPE


class PersonEnrolled(FactBase, frozen=True, kw_only=True):
    """The person is enrolled in coordinated support (uppsökt och inskriven i insatsen)."""

    kommun: str
    gender: Gender
    birth_year: int
    target_groups: tuple[str, ...] = ()


class Registered(FactBase, frozen=True, kw_only=True):
    """The agency registers the person (e.g. inskrivning at Arbetsförmedlingen)."""


class Deregistered(FactBase, frozen=True, kw_only=True):
    """The agency deregisters the person (utskrivning)."""


class InterventionStarted(FactBase, frozen=True, kw_only=True):
    """An intervention (insats) starts at the fact's agency."""

    intervention_id: str
    intervention_type: InterventionType


class InterventionEnded(FactBase, frozen=True, kw_only=True):
    """An intervention (insats) ends; ``further_support_needed`` asks for a next step."""

    intervention_id: str
    further_support_needed: bool = False


class BenefitStarted(FactBase, frozen=True, kw_only=True):
    """A benefit starts (sjukpenning, aktivitetsersättning, försörjningsstöd)."""

    benefit_id: str
    benefit_kind: str


class BenefitEnded(FactBase, frozen=True, kw_only=True):
    """A benefit ends; an ended FK benefit must be followed by AF inskrivning.

    ``rehab_chain_day``: the day of the rehabiliteringskedjan it ended on (90, 180, 365),
    when FK says so; the benefit-gap alert names it.
    """

    benefit_id: str
    benefit_kind: str
    rehab_chain_day: int | None = None


class HandOffRequested(FactBase, frozen=True, kw_only=True):
    """The fact's agency refers the person to another (överlämning, remiss, anvisning)."""

    hand_off_id: str
    to_agency: Agency
    reason: str = ""
    offering_id: str | None = None
    """The offering in ``to_agency``'s catalogue (insatskatalog) the hand-off proposes."""


class HandOffAccepted(FactBase, frozen=True, kw_only=True):
    """The receiving agency (the fact's agency) confirms a hand-off."""

    hand_off_id: str


class HandOffRejected(FactBase, frozen=True, kw_only=True):
    """The receiving agency (the fact's agency) declines a hand-off."""

    hand_off_id: str
    reason: str


class ConsentGiven(FactBase, frozen=True, kw_only=True):
    """The person consents (samtycke) that ``to_agencies`` see ``consent_scope`` details.

    ``recorded_by`` says whether the agency's case worker recorded it or the person did,
    on their own page.

    ``consent_scope`` "alla" covers every scope. It is not ``scope``, which says who may
    see this fact's own details.
    """

    consent_id: str
    consent_scope: str
    to_agencies: tuple[Agency, ...]
    recorded_by: RecordedBy = RecordedBy.AGENCY


class ConsentWithdrawn(FactBase, frozen=True, kw_only=True):
    """The person withdraws a consent (återkallat samtycke)."""

    consent_id: str
    recorded_by: RecordedBy = RecordedBy.AGENCY


class ContactLost(FactBase, frozen=True, kw_only=True):
    """The fact's agency has lost contact with the person (uteblivna besök)."""


class ContactResumed(FactBase, frozen=True, kw_only=True):
    """The fact's agency has contact with the person again."""


class LeadAssumed(FactBase, frozen=True, kw_only=True):
    """The fact's agency takes the overall responsibility (samordningsansvar)."""


class LeadReleased(FactBase, frozen=True, kw_only=True):
    """The fact's agency gives up the overall responsibility (samordningsansvar)."""


class Exited(FactBase, frozen=True, kw_only=True):
    """The person leaves coordinated support (avslut) with an outcome."""

    outcome: Outcome


class Noted(FactBase, frozen=True, kw_only=True):
    """Anything else that belongs on the timeline only.

    ``topic`` names it: kartlaggning, sip, lakarintyg, stod_beslutat, anstallning,
    mote; it changes no state.
    """

    topic: str


Fact = (
    PersonEnrolled
    | Registered
    | Deregistered
    | InterventionStarted
    | InterventionEnded
    | BenefitStarted
    | BenefitEnded
    | HandOffRequested
    | HandOffAccepted
    | HandOffRejected
    | ConsentGiven
    | ConsentWithdrawn
    | ContactLost
    | ContactResumed
    | LeadAssumed
    | LeadReleased
    | Exited
    | Noted
)
"""Any fact; decode with ``msgspec.json.decode(data, type=Fact)``."""
