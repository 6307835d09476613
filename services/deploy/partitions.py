"""Which partitions a coordination replica consumes, from its ordinal (ADR 0004).

Replica ``r`` of ``n`` owns one contiguous block of the partitions, so every partition
has exactly one owner and the blocks differ in size by at most one. Kubernetes gives a
StatefulSet pod its ordinal in its name (``samlad-coordination-1``); compose names the
blocks outright (``SAMLAD_PARTITIONS_OWNED``).
"""

from __future__ import annotations

import re

_ORDINAL = re.compile(r"-(\d+)$")


def owned_by_replica(ordinal: int, replicas: int, partitions: int) -> list[int]:
    if not 0 <= ordinal < replicas:
        raise ValueError(f"ordinal {ordinal} is not within 0..{replicas - 1}")
    if replicas > partitions:
        raise ValueError(f"{replicas} replicas cannot share {partitions} partitions")
    return list(range(ordinal * partitions // replicas, (ordinal + 1) * partitions // replicas))


def ordinal_of(pod_name: str) -> int:
    """``samlad-coordination-1`` → 1 (a StatefulSet pod's stable name)."""
    match = _ORDINAL.search(pod_name)
    if match is None:
        raise ValueError(f"{pod_name!r} does not end in -<ordinal>")
    return int(match.group(1))
