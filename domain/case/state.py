"""The state of a case (ärendets läge), derived from its set of facts.

Plain frozen structs: queries return them as they are. ``fold`` (domain/case/fold.py)
builds them; nothing here changes state.

A lane (spår) is one agency's involvement, after FHIR EpisodeOfCare:
``planned`` a hand-off to it awaits an answer; ``waiting`` it registered the person or
accepted a hand-off but runs nothing yet (väntar på insats, as SUS records it);
``active`` an intervention or benefit runs there; ``on_hold`` it has lost contact;
``finished`` it ended its part, or the person exited.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from domain.agencies import Agency, Gender, InterventionType, Outcome

__all__ = [
    "Anomaly",
    "Benefit",
    "CaseState",
    "Consent",
    "Exit",
    "HandOff",
    "HandOffStatus",
    "Intervention",
    "Lane",
    "LaneStatus",
    "Period",
]


class LaneStatus(StrEnum):
    """Status of one agency's lane (after FHIR EpisodeOfCare.status)."""

    PLANNED = "planned"
    WAITING = "waiting"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    FINISHED = "finished"


HOLDING_STATUSES = frozenset({LaneStatus.WAITING, LaneStatus.ACTIVE, LaneStatus.ON_HOLD})
"""Statuses in which the agency holds the person (håller i personen); the rules'
"active" means these, since a registered person waiting for an intervention is still
that agency's responsibility."""


class HandOffStatus(StrEnum):
    """Status of a hand-off (after FHIR Task.status); the rules report "expired"."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """A span of business time; ``end`` is None while it lasts."""

    start: datetime
    end: datetime | None = None

    def covers(self, instant: datetime) -> bool:
        """Whether the period is in force at ``instant``."""
        return self.start <= instant and (self.end is None or instant < self.end)


class Lane(msgspec.Struct, frozen=True, kw_only=True):
    """One agency's involvement (spår). ``since``: when the status last changed."""

    agency: Agency
    status: LaneStatus
    since: datetime
    registrations: tuple[Period, ...] = ()
    contact_lost_since: datetime | None = None

    @property
    def holds(self) -> bool:
        """Whether the agency holds the person now."""
        return self.status in HOLDING_STATUSES


class Intervention(msgspec.Struct, frozen=True, kw_only=True):
    """An intervention (insats). Either end may be missing when facts arrive out of order."""

    intervention_id: str
    agency: Agency
    intervention_type: InterventionType | None
    started_at: datetime | None
    ended_at: datetime | None = None
    further_support_needed: bool = False

    @property
    def running(self) -> bool:
        """Started and not ended."""
        return self.started_at is not None and self.ended_at is None


class Benefit(msgspec.Struct, frozen=True, kw_only=True):
    """A benefit (ersättning): sjukpenning, aktivitetsersättning, försörjningsstöd."""

    benefit_id: str
    agency: Agency
    benefit_kind: str
    started_at: datetime | None
    ended_at: datetime | None = None
    rehab_chain_day: int | None = None
    """The day of the rehabiliteringskedjan an FK benefit ended on, when known."""

    @property
    def running(self) -> bool:
        """Started and not ended."""
        return self.started_at is not None and self.ended_at is None


class HandOff(msgspec.Struct, frozen=True, kw_only=True):
    """A hand-off (överlämning) from one agency to another and its answer."""

    hand_off_id: str
    from_agency: Agency
    to_agency: Agency
    requested_at: datetime
    status: HandOffStatus
    answered_at: datetime | None = None
    reason: str = ""
    offering_id: str | None = None
    """The offering in ``to_agency``'s catalogue the hand-off proposes, if any."""

    @property
    def pending(self) -> bool:
        """Requested and not yet answered."""
        return self.status is HandOffStatus.REQUESTED


class Consent(msgspec.Struct, frozen=True, kw_only=True):
    """A consent (samtycke) in force: who may see details of which scope."""

    consent_id: str
    consent_scope: str
    to_agencies: tuple[Agency, ...]
    given_at: datetime


class Exit(msgspec.Struct, frozen=True, kw_only=True):
    """The person's exit (avslut) and its outcome."""

    outcome: Outcome
    exited_at: datetime
    agency: Agency


class Anomaly(msgspec.Struct, frozen=True, kw_only=True):
    """An impossible fact, kept and flagged (never dropped), e.g. an answer to a hand-off
    that was never requested. ``kind`` is a snake_case name; ``message`` is Swedish."""

    event_id: str
    kind: str
    message: str


class CaseState(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the rules and the views need to know about one case.

    ``unheld_since``: since when nobody holds the case (no lane holding, no hand-off
    pending), None while someone does. ``unled_since``: since when two or more agencies
    hold the person and nobody has samordningsansvar.
    """

    kommun: str | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    target_groups: tuple[str, ...] = ()
    enrolled_at: datetime | None = None
    enrolled_by: Agency | None = None
    lanes: tuple[Lane, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    benefits: tuple[Benefit, ...] = ()
    hand_offs: tuple[HandOff, ...] = ()
    lead: Agency | None = None
    lead_since: datetime | None = None
    consents: tuple[Consent, ...] = ()
    exit: Exit | None = None
    unheld_since: datetime | None = None
    unled_since: datetime | None = None
    anomalies: tuple[Anomaly, ...] = ()

    @property
    def exited(self) -> bool:
        """Whether the person has left coordinated support."""
        return self.exit is not None

    def lane(self, agency: Agency) -> Lane | None:
        """The lane of one agency, if it is involved."""
        return next((lane for lane in self.lanes if lane.agency is agency), None)

    def hand_off(self, hand_off_id: str) -> HandOff | None:
        """One hand-off by its id."""
        return next((h for h in self.hand_offs if h.hand_off_id == hand_off_id), None)

    def holding_agencies(self) -> tuple[Agency, ...]:
        """Agencies that hold the person now, in a stable order."""
        return tuple(lane.agency for lane in self.lanes if lane.holds)

    def consents_by_scope(self) -> dict[str, tuple[Agency, ...]]:
        """Per consent scope, the agencies a consent in force lets see it."""
        by_scope: dict[str, set[Agency]] = {}
        for consent in self.consents:
            by_scope.setdefault(consent.consent_scope, set()).update(consent.to_agencies)
        return {
            scope: tuple(agency for agency in Agency if agency in agencies)
            for scope, agencies in sorted(by_scope.items())
        }

    def consented_agencies(self, consent_scope: str) -> frozenset[Agency]:
        """Agencies a consent in force lets see details of ``consent_scope``."""
        return frozenset(
            agency
            for consent in self.consents
            if consent.consent_scope in (consent_scope, ALL_SCOPES)
            for agency in consent.to_agencies
        )


ALL_SCOPES = "alla"
"""A consent with this scope covers every scope."""
