"""The agency service's instruments, registered in this one place."""

from __future__ import annotations

from collections.abc import Callable

from services.agency.application import AgencyApplication
from services.runtime.metrics import observe_relay_lag


def register_agency_metrics(application: AgencyApplication) -> Callable[[], None]:
    """Relay lag of the agency's outbox (commands are counted by the HTTP middleware);
    returns what unregisters them when the service stops."""
    return observe_relay_lag(application.process_recorder, str(application.agency))
