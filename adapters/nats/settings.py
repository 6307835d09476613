"""How a service reaches NATS: an embedded server (tests, `samlad up`) or a cluster."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import msgspec

# Ten minutes covers what a relay needs to re-publish the same message after a crash:
# process restart (seconds), a stream leader election (~6 s measured), and an
# orchestrator's restart back-off (up to 5 min). Past the window, the consumer's own
# tracking (invariant 4) still drops the copy; the window only saves the work. The
# server keeps one id per message for the window: ~600k ids at 1,000 msg/s, a few MB.
DEFAULT_DUPLICATE_WINDOW_SECONDS = 600.0
DEFAULT_PARTITIONS = 4
# A replica that dies hands its singleton jobs on after at most this long (ADR 0011).
DEFAULT_LEASE_TTL_SECONDS = 10.0


class NatsSettings(msgspec.Struct, frozen=True, kw_only=True):
    """``url`` (``SAMLAD_NATS_URL``, comma-separated for a cluster); ``None`` = embedded.

    Credentials (nkey seed files) live in ``<data_dir>/credentials/<service>.nk`` in
    both modes; in production that directory is where the secrets are mounted.
    """

    data_dir: Path
    url: str | None = None
    replicas: int = 1
    duplicate_window: float = DEFAULT_DUPLICATE_WINDOW_SECONDS
    partitions: int = DEFAULT_PARTITIONS
    lease_ttl: float = DEFAULT_LEASE_TTL_SECONDS
    # CA certificate that signed the servers' certificates (``SAMLAD_NATS_CA``): TLS on.
    ca: Path | None = None

    def __post_init__(self) -> None:
        # Raised rather than asserted so the check survives `python -O`.
        if self.replicas not in (1, 3, 5):
            raise ValueError(f"replicas must be 1, 3 or 5, not {self.replicas}")
        if not 1 <= self.partitions <= 64:
            raise ValueError(f"partitions must be within 1..64, not {self.partitions}")
        if self.duplicate_window <= 0:
            raise ValueError("duplicate_window must be positive")
        if self.lease_ttl < 1:
            raise ValueError(f"lease_ttl must be at least 1 s, not {self.lease_ttl}")

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, data_dir: Path) -> NatsSettings:
        """Read once at start-up (``SAMLAD_NATS_URL``, ``_REPLICAS``, ``_PARTITIONS``,
        ``_LEASE_TTL``, ``_CA``)."""
        url = env.get("SAMLAD_NATS_URL") or None
        ca = env.get("SAMLAD_NATS_CA") or None
        return cls(
            data_dir=data_dir,
            url=url,
            replicas=int(env.get("SAMLAD_NATS_REPLICAS", "3" if url else "1")),
            partitions=int(env.get("SAMLAD_NATS_PARTITIONS", str(DEFAULT_PARTITIONS))),
            lease_ttl=float(env.get("SAMLAD_NATS_LEASE_TTL", str(DEFAULT_LEASE_TTL_SECONDS))),
            ca=Path(ca) if ca else None,
        )

    @property
    def is_embedded(self) -> bool:
        return self.url is None

    @property
    def servers(self) -> list[str]:
        if self.url is None:
            raise ValueError("no NATS url: start an EmbeddedNatsServer and use its settings")
        return [part.strip() for part in self.url.split(",") if part.strip()]

    @property
    def credentials_dir(self) -> Path:
        return self.data_dir / "credentials"

    @property
    def server_dir(self) -> Path:
        """Where the embedded server keeps its config, log and JetStream store."""
        return self.data_dir / "nats"

    def with_url(self, url: str) -> NatsSettings:
        return msgspec.structs.replace(self, url=url)
