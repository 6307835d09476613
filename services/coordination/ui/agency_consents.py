"""The person's consent, sent from their page to the agency that keeps it.

The coordination service records nothing of its own here: the form's answer is the
agency's own consent command (``POST /persons/{ref}/consents`` and ``…/withdraw``),
called with the person's own token, so the agency's policy, application and outbox
treat it as every other consent, attributed to the person (ADR 0019).
"""

from __future__ import annotations

from typing import Any

import httpx

from services.settings import Settings

TIMEOUT_SECONDS = 10.0


class ConsentRefused(Exception):
    """The agency did not record it; ``detail`` is its problem+json detail."""


class AgencyConsents:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def give(
        self, token: str, person_ref: str, agency: str, scope: str, to_agencies: list[str]
    ) -> str | None:
        """The consent's position (the event the shared case will hold)."""
        return self._post(
            token,
            agency,
            f"/persons/{person_ref}/consents",
            {"consent_scope": scope, "to_agencies": to_agencies},
        )

    def withdraw(self, token: str, person_ref: str, agency: str, consent_id: str) -> str | None:
        return self._post(
            token, agency, f"/persons/{person_ref}/consents/{consent_id}/withdraw", {}
        )

    def _post(self, token: str, agency: str, path: str, body: dict[str, Any]) -> str | None:
        try:
            response = httpx.post(
                self._settings.agency_url(agency) + path,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            raise ConsentRefused(f"{agency} answered no: {error}") from None
        if response.status_code not in (200, 201):
            try:
                detail = str(response.json().get("detail", response.text))
            except ValueError:
                detail = response.text
            raise ConsentRefused(detail)
        position = response.json().get("position")
        return str(position) if position else None
