"""Samlad's settings, read once from the environment into one immutable object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import msgspec

from adapters.nats.settings import DEFAULT_LEASE_TTL_SECONDS, NatsSettings
from adapters.store.settings import StoreSettings

SERVICES = ("kommun", "af", "fk", "region", "coordination")
AGENCY_SERVICES = SERVICES[:4]
DEFAULT_PORTS = {"kommun": 8101, "af": 8102, "fk": 8103, "region": 8104, "coordination": 8100}


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a Samlad process needs to know about its surroundings."""

    data_dir: Path
    host: str = "127.0.0.1"
    ports: dict[str, int] = msgspec.field(default_factory=lambda: dict(DEFAULT_PORTS))
    database_url: str | None = None
    database_namespace: str = ""
    nats_url: str | None = None
    nats_replicas: int = 1
    nats_lease_ttl: float = DEFAULT_LEASE_TTL_SECONDS
    nats_ca: Path | None = None
    partitions: int = 4
    # How long a run of positions may be missing before it is a gap, reported and asked
    # for again (``SAMLAD_GAP_GRACE``, seconds; ADR 0015).
    gap_grace_seconds: float = 30.0
    # The partitions this coordination replica consumes (``SAMLAD_PARTITIONS_OWNED``,
    # "0,1"); None: all of them. Replicas must split them without overlap.
    partitions_owned: tuple[int, ...] | None = None
    log_level: str = "INFO"
    log_json: bool = True
    traces_exporter: str | None = None
    # The UI's pick-an-agency login is for development only: in production the
    # organisation's identity provider issues the tokens (SAMLAD_DEV_LOGIN=0).
    dev_login: bool = True
    # Each agency service's base URL as the coordination reaches it
    # (SAMLAD_AGENCY_URLS, "kommun=http://…,af=…"); default: this host's ports.
    agency_urls: dict[str, str] = msgspec.field(default_factory=dict)
    # Whom a person calls (services/coordination/agency_contacts.toml unless set).
    agency_contacts: Path | None = None
    # How often the deadline reviewer learns the early warning's norms again (seconds):
    # a norm is counted in days, so half a minute late is on time.
    early_warning_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("SAMLAD_DATA_DIR", ".samlad"))
        values: dict[str, object] = {
            "data_dir": data_dir,
            "database_url": env.get("SAMLAD_DATABASE_URL") or None,
            # Prefix of the PostgreSQL schemas: several deployments (or tests) share a DB.
            "database_namespace": env.get("SAMLAD_DATABASE_NAMESPACE", ""),
            "nats_url": env.get("SAMLAD_NATS_URL") or None,
            "nats_replicas": int(
                env.get("SAMLAD_NATS_REPLICAS", "3" if env.get("SAMLAD_NATS_URL") else "1")
            ),
            "partitions": int(env.get("SAMLAD_NATS_PARTITIONS", "4")),
            "gap_grace_seconds": float(env.get("SAMLAD_GAP_GRACE", "30")),
            "partitions_owned": _partition_list(env.get("SAMLAD_PARTITIONS_OWNED", "")),
            "nats_lease_ttl": float(
                env.get("SAMLAD_NATS_LEASE_TTL", str(DEFAULT_LEASE_TTL_SECONDS))
            ),
            "nats_ca": Path(env["SAMLAD_NATS_CA"]) if env.get("SAMLAD_NATS_CA") else None,
            "log_level": env.get("SAMLAD_LOG_LEVEL", "INFO"),
            "log_json": env.get("SAMLAD_LOG_FORMAT", "json") == "json",
            "traces_exporter": env.get("OTEL_TRACES_EXPORTER") or None,
            "dev_login": env.get("SAMLAD_DEV_LOGIN", "1") != "0",
            "agency_urls": _url_list(env.get("SAMLAD_AGENCY_URLS", "")),
            "early_warning_seconds": float(env.get("SAMLAD_EARLY_WARNING_SECONDS", "30")),
            "agency_contacts": (Path(env["SAMLAD_AGENCY_CONTACTS"])
                                if env.get("SAMLAD_AGENCY_CONTACTS") else None),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def owned_partitions(self) -> list[int]:
        if self.partitions_owned is None:
            return list(range(self.partitions))
        outside = [p for p in self.partitions_owned if not 0 <= p < self.partitions]
        if outside:
            raise ValueError(
                f"SAMLAD_PARTITIONS_OWNED names partitions outside "
                f"0..{self.partitions - 1}: {outside}"
            )
        return list(self.partitions_owned)

    def url_of(self, service: str) -> str:
        return f"http://{self.host}:{self.ports[service]}"

    def agency_url(self, agency: str) -> str:
        """Where the coordination reaches an agency's API: as configured, else this host.

        The UI asks the viewer's own agency for its display names; the person's page
        sends a consent there."""
        return self.agency_urls.get(agency) or self.url_of(agency)

    @property
    def gap_grace(self) -> timedelta:
        return timedelta(seconds=self.gap_grace_seconds)

    @property
    def store(self) -> StoreSettings:
        return StoreSettings(
            data_dir=self.data_dir / "stores",
            database_url=self.database_url,
            namespace=self.database_namespace,
        )

    @property
    def nats(self) -> NatsSettings:
        return NatsSettings(
            data_dir=self.data_dir,
            url=self.nats_url,
            replicas=self.nats_replicas,
            partitions=self.partitions,
            lease_ttl=self.nats_lease_ttl,
            ca=self.nats_ca,
        )

    @property
    def pseudonym_key_file(self) -> Path:
        return self.data_dir / "keys" / "pseudonym.key"


def _partition_list(text: str) -> tuple[int, ...] | None:
    """ "0,1" → (0, 1); blank → None (all partitions)."""
    if not text.strip():
        return None
    return tuple(int(part) for part in text.split(",") if part.strip())


def _url_list(text: str) -> dict[str, str]:
    """``kommun=http://…,af=http://…`` as a mapping."""
    pairs = (part.split("=", 1) for part in text.split(",") if "=" in part)
    return {name.strip(): url.strip() for name, url in pairs}
