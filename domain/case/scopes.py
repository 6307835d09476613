"""Consent scopes (samtyckets omfattning): what a consent reveals, and to whom.

Coordination itself (who is involved, lane status, hand-offs, lead, the plan, exit) is
shared ground the person consents to when joining; no consent is needed to see it.
An agency's own details (what it does for the person, under its secrecy) cross to
another agency only under a consent in force that names that agency and covers the
details' scope: the agency's own scope, or ``alla``. What an agency recorded itself it
always sees, whoever recorded the consent. docs/consent.md documents each scope.
"""

from __future__ import annotations

from domain.agencies import Agency
from domain.case.state import ALL_SCOPES

__all__ = [
    "AGENCY_SCOPE",
    "ALL_SCOPES",
    "COORDINATION_SCOPE",
    "SCOPE_DESCRIPTIONS",
    "revealed_by",
]

AGENCY_SCOPE = {
    Agency.KOMMUN: "socialtjanst",
    Agency.AF: "arbetsmarknad",
    Agency.FK: "forsakring",
    Agency.REGION: "halsa",
}
"""The scope of each agency's own details: a consent must cover it to reveal them."""

COORDINATION_SCOPE = "samordning"
"""Consent to coordination itself: reveals nothing beyond the shared ground."""

SCOPE_DESCRIPTIONS = {
    COORDINATION_SCOPE: "samordningen: vem som är involverad, status, överlämningar, "
    "samordningsansvar och planen (inga detaljer från andra myndigheter)",
    AGENCY_SCOPE[Agency.KOMMUN]: "kommunens uppgifter: kartläggning, insatser och försörjningsstöd",
    AGENCY_SCOPE[Agency.AF]: "Arbetsförmedlingens uppgifter: program, leverantörer, "
    "stöd och arbetsgivare",
    AGENCY_SCOPE[Agency.FK]: "Försäkringskassans uppgifter: ersättningar, dag i "
    "rehabiliteringskedjan och skäl",
    AGENCY_SCOPE[Agency.REGION]: "regionens hälsouppgifter: sjukskrivning, omfattning "
    "och rehabilitering",
    ALL_SCOPES: "alla myndigheters uppgifter",
}
"""What each known scope covers, in Swedish, as the case page says it."""


def revealed_by(consent_scope: str, viewer: Agency) -> tuple[Agency, ...]:
    """The other agencies whose details a consent of ``consent_scope`` reveals to
    ``viewer`` when it names the viewer (in the fixed order of ``Agency``)."""
    return tuple(
        agency
        for agency in Agency
        if agency is not viewer and consent_scope in (AGENCY_SCOPE[agency], ALL_SCOPES)
    )
