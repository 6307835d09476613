"""The shared case (ärende): facts from every agency, the state they give, the gap rules.

Pure: the standard library, msgspec and ``eventsourcing.domain``. The public surface is
listed here; the modules behind it hold one concept each.
"""

from domain.case.aggregate import Case
from domain.case.alerts import Alert, AlertCondition, Rule
from domain.case.facts import (
    BenefitEnded,
    BenefitStarted,
    ConsentGiven,
    ConsentWithdrawn,
    ContactLost,
    ContactResumed,
    Deregistered,
    Exited,
    Fact,
    FactBase,
    HandOffAccepted,
    HandOffRejected,
    HandOffRequested,
    InterventionEnded,
    InterventionStarted,
    LeadAssumed,
    LeadReleased,
    Noted,
    PersonEnrolled,
    Registered,
)
from domain.case.fold import fact_order
from domain.case.identity import SAMLAD_NS, alert_id_for, case_id_for
from domain.case.incremental import fold
from domain.case.policy import RulePolicy
from domain.case.rules import RULES, evaluate, upcoming
from domain.case.state import (
    Anomaly,
    Benefit,
    CaseState,
    Consent,
    Exit,
    HandOff,
    HandOffStatus,
    Intervention,
    Lane,
    LaneStatus,
    Period,
)
from domain.case.visibility import redacted_for, visible_to

__all__ = [
    "RULES",
    "SAMLAD_NS",
    "Alert",
    "AlertCondition",
    "Anomaly",
    "Benefit",
    "BenefitEnded",
    "BenefitStarted",
    "Case",
    "CaseState",
    "Consent",
    "ConsentGiven",
    "ConsentWithdrawn",
    "ContactLost",
    "ContactResumed",
    "Deregistered",
    "Exit",
    "Exited",
    "Fact",
    "FactBase",
    "HandOff",
    "HandOffAccepted",
    "HandOffRejected",
    "HandOffRequested",
    "HandOffStatus",
    "Intervention",
    "InterventionEnded",
    "InterventionStarted",
    "Lane",
    "LaneStatus",
    "LeadAssumed",
    "LeadReleased",
    "Noted",
    "Period",
    "PersonEnrolled",
    "Registered",
    "Rule",
    "RulePolicy",
    "alert_id_for",
    "case_id_for",
    "evaluate",
    "fact_order",
    "fold",
    "redacted_for",
    "upcoming",
    "visible_to",
]
