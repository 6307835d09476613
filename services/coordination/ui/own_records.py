"""What the viewer's own agency knows of the persons on a page (its own record).

People in the shared case are pseudonymous references. A case worker recognises them
by what their own agency recorded (a display name, ``POST /display-names``), so the UI
asks the viewer's agency service for it, with the viewer's own token, on every render.
The answer is shown and forgotten: it is never stored in the shared case or its read
models, and another agency's viewer never sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import httpx
import structlog

from domain.agencies import Agency

log = structlog.get_logger(__name__)

TIMEOUT_SECONDS = 2.0
"""A list must not wait long for names: without them it shows the references."""


class OwnRecords:
    """Asks an agency's service for its display names of some persons."""

    def __init__(self, agency_url: Callable[[str], str]) -> None:
        self._agency_url = agency_url

    def names(
        self, agency: Agency | None, token: str, person_refs: Sequence[str]
    ) -> dict[str, str]:
        """Display names the viewer's agency holds; none for the förbund's roles."""
        if agency is None or not token or not person_refs:
            return {}
        url = f"{self._agency_url(str(agency))}/display-names"
        try:
            response = httpx.post(
                url, json={"person_refs": list(person_refs)}, timeout=TIMEOUT_SECONDS,
                headers={"Authorization": f"Bearer {token}"},
            )
            response.raise_for_status()
            names = response.json()["names"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            log.warning("own_record_names_unavailable", agency=str(agency), error=str(error))
            return {}
        return {str(ref): str(name) for ref, name in names.items()}
