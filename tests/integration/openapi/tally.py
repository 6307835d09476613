"""What schemathesis sent, per service: operations and cases (failures are pytest's count)."""

from __future__ import annotations

from collections import Counter, defaultdict

cases: Counter[str] = Counter()
operations: defaultdict[str, set[str]] = defaultdict(set)


def record(service: str, operation: str) -> None:
    cases[service] += 1
    operations[service].add(operation)


def lines() -> list[str]:
    return [
        f"schemathesis {service}: {len(operations[service])} operations, {cases[service]} cases"
        for service in sorted(cases)
    ]
