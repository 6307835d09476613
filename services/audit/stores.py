"""Opening any service's store as the auditor: the same Application class, same recorder."""

from __future__ import annotations

from adapters.store.application import StoredApplication, open_application
from services.agency.applications import AGENCY_APPLICATIONS
from services.settings import SERVICES, Settings


class StoreMissing(Exception):
    """The service has no store here (nothing was ever recorded)."""


def store_exists(settings: Settings, service: str) -> bool:
    if settings.store.is_postgres:
        return True
    return (settings.store.data_dir / f"{service}.sqlite").exists()


def open_store(settings: Settings, service: str) -> StoredApplication:
    """The Application of ``service`` on its store; ``StoreMissing`` if there is none."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    if not store_exists(settings, service):
        raise StoreMissing(f"no store for {service} under {settings.store.data_dir}")
    if service == "coordination":
        from services.coordination.service import open_coordination

        return open_coordination(settings)
    # StoreSettings.env_for picks the chained recorders (ADR 0005).
    return open_application(AGENCY_APPLICATIONS[service], settings.store, service)
