"""Things that come in pairs, matched whatever order their halves arrive in.

A hand-off and its answer, an intervention's or a benefit's start and end, a consent and
its withdrawal: each is kept per id while the case folds its facts, so either half may
come first (clocks at two agencies disagree). At the end each record yields its part of
the state, and an anomaly when a half is missing or impossible (kept, never dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from domain.agencies import Agency, InterventionType
from domain.case.facts import (
    ConsentGiven,
    ConsentWithdrawn,
    HandOffAccepted,
    HandOffRejected,
    HandOffRequested,
)
from domain.case.state import (
    Anomaly,
    Benefit,
    Consent,
    HandOff,
    HandOffStatus,
    Intervention,
)

__all__ = ["BenefitRecord", "ConsentRecord", "HandOffRecord", "InterventionRecord"]


@dataclass
class InterventionRecord:
    """An intervention (insats) as its start and end have been seen so far."""

    KIND: ClassVar[str] = "interventions"

    intervention_id: str
    agency: Agency
    intervention_type: InterventionType | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_event_id: str = ""
    further_support_needed: bool = False

    @property
    def key(self) -> str:
        return self.intervention_id

    def running_at(self) -> Agency | None:
        """The agency it runs at: started and not ended."""
        running = self.started_at is not None and self.ended_at is None
        return self.agency if running else None

    def result(self) -> tuple[Intervention, Anomaly | None]:
        anomaly = None
        if self.started_at is None:
            anomaly = Anomaly(
                event_id=self.end_event_id,
                kind="intervention_ended_without_start",
                message=f"Insatsen {self.intervention_id} avslutades men startade aldrig.",
            )
        elif self.ended_at is not None and self.ended_at < self.started_at:
            anomaly = Anomaly(
                event_id=self.end_event_id,
                kind="intervention_ended_before_start",
                message=f"Insatsen {self.intervention_id} avslutades före sin start.",
            )
        intervention = Intervention(
            intervention_id=self.intervention_id,
            agency=self.agency,
            intervention_type=self.intervention_type,
            started_at=self.started_at,
            ended_at=self.ended_at,
            further_support_needed=self.further_support_needed,
        )
        return intervention, anomaly


@dataclass
class BenefitRecord:
    """A benefit (ersättning) as its start and end have been seen so far."""

    KIND: ClassVar[str] = "benefits"

    benefit_id: str
    agency: Agency
    benefit_kind: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_event_id: str = ""
    rehab_chain_day: int | None = None

    @property
    def key(self) -> str:
        return self.benefit_id

    def running_at(self) -> Agency | None:
        """The agency it is paid by: started and not ended."""
        running = self.started_at is not None and self.ended_at is None
        return self.agency if running else None

    def result(self) -> tuple[Benefit, Anomaly | None]:
        anomaly = None
        if self.started_at is None:
            anomaly = Anomaly(
                event_id=self.end_event_id,
                kind="benefit_ended_without_start",
                message=f"Ersättningen {self.benefit_id} upphörde men började aldrig.",
            )
        elif self.ended_at is not None and self.ended_at < self.started_at:
            anomaly = Anomaly(
                event_id=self.end_event_id,
                kind="benefit_ended_before_start",
                message=f"Ersättningen {self.benefit_id} upphörde innan den beviljades.",
            )
        benefit = Benefit(
            benefit_id=self.benefit_id,
            agency=self.agency,
            benefit_kind=self.benefit_kind,
            started_at=self.started_at,
            ended_at=self.ended_at,
            rehab_chain_day=self.rehab_chain_day,
        )
        return benefit, anomaly


@dataclass
class HandOffRecord:
    """A hand-off (överlämning): its request and its first answer."""

    KIND: ClassVar[str] = "hand_offs"

    hand_off_id: str
    request: HandOffRequested | None = None
    answer: HandOffAccepted | HandOffRejected | None = None

    @property
    def key(self) -> str:
        return self.hand_off_id

    @property
    def pending_to(self) -> Agency | None:
        """The receiver while the request awaits an answer."""
        if self.request is None or self.answer is not None:
            return None
        return self.request.to_agency

    def result(self) -> tuple[HandOff | None, Anomaly | None]:
        request, answer = self.request, self.answer
        if request is None:
            # Only an answer was seen: it is flagged; there is no hand-off to show.
            return None, self._unrequested(answer) if answer else None
        status, answered_at, reason, anomaly = HandOffStatus.REQUESTED, None, request.reason, None
        if answer is not None:
            answered_at = answer.effective_at
            status = HandOffStatus.ACCEPTED
            if isinstance(answer, HandOffRejected):
                status, reason = HandOffStatus.REJECTED, answer.reason
            if answer.agency is not request.to_agency:
                anomaly = Anomaly(
                    event_id=answer.event_id,
                    kind="hand_off_answered_by_other_agency",
                    message=f"{answer.agency} besvarade överlämningen {self.hand_off_id}"
                    f" som var ställd till {request.to_agency}.",
                )
        hand_off = HandOff(
            hand_off_id=self.hand_off_id,
            from_agency=request.agency,
            to_agency=request.to_agency,
            requested_at=request.effective_at,
            status=status,
            answered_at=answered_at,
            reason=reason,
            offering_id=request.offering_id,
        )
        return hand_off, anomaly

    def _unrequested(self, answer: HandOffAccepted | HandOffRejected) -> Anomaly:
        return Anomaly(
            event_id=answer.event_id,
            kind="hand_off_answer_without_request",
            message=f"{answer.agency} besvarade överlämningen {self.hand_off_id}"
            " som aldrig begärts.",
        )


@dataclass
class ConsentRecord:
    """A consent (samtycke): given, and perhaps withdrawn."""

    KIND: ClassVar[str] = "consents"

    consent_id: str
    given: ConsentGiven | None = None
    withdrawal: ConsentWithdrawn | None = None

    @property
    def key(self) -> str:
        return self.consent_id

    def result(self) -> tuple[Consent | None, Anomaly | None]:
        given, withdrawal = self.given, self.withdrawal
        if given is None:
            return None, self._never_given(withdrawal) if withdrawal else None
        if withdrawal is not None:
            return None, None
        consent = Consent(
            consent_id=self.consent_id,
            consent_scope=given.consent_scope,
            to_agencies=given.to_agencies,
            given_at=given.effective_at,
        )
        return consent, None

    def _never_given(self, withdrawal: ConsentWithdrawn) -> Anomaly:
        return Anomaly(
            event_id=withdrawal.event_id,
            kind="consent_withdrawn_without_consent",
            message=f"Samtycket {self.consent_id} återkallades men gavs aldrig.",
        )
