"""The policy's history (regelverkets versioner): which thresholds were in force when.

One aggregate per deployment, its id fixed, holding every version of the policy the
förbund board decided, as events (ADR 0018). Version 0 is ``RulePolicy()``'s defaults,
in force from the beginning of time until the first change. ``in_force(at)`` answers
the auditor's question "which rules applied on that day"; it is a pure fold of the
versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from domain.case.identity import SAMLAD_NS
from domain.case.policy import RulePolicy
from domain.errors import InvalidTimeError

__all__ = ["DEFAULT_VERSION", "POLICY_LOG_ID", "PolicyLog", "PolicyVersion", "in_force"]

POLICY_LOG_ID = uuid5(SAMLAD_NS, "rule-policy")
"""The one policy log of a deployment (``uuid5(SAMLAD_NS, "rule-policy")``)."""

BEGINNING = datetime.min.replace(tzinfo=UTC)


class PolicyVersion(msgspec.Struct, frozen=True, kw_only=True):
    """One version of the policy, in force from ``changed_at`` until the next."""

    version: int
    policy: RulePolicy
    changed_at: datetime
    changed_by: str
    reason: str


DEFAULT_VERSION = PolicyVersion(
    version=0, policy=RulePolicy(), changed_at=BEGINNING, changed_by="", reason="standard"
)


def in_force(versions: Sequence[PolicyVersion], at: datetime | None = None) -> PolicyVersion:
    """The version in force at ``at`` (the latest when None): the last one changed at or
    before it, else the defaults."""
    if at is not None and at.utcoffset() is None:
        raise InvalidTimeError("in_force needs an aware datetime")
    found = DEFAULT_VERSION
    for version in versions:
        if at is None or version.changed_at <= at:
            found = version
    return found


def _policy_of(thresholds: Mapping[str, int]) -> RulePolicy:
    known = set(RulePolicy.__struct_fields__)
    return msgspec.structs.replace(
        RulePolicy(), **{name: value for name, value in thresholds.items() if name in known}
    )


class PolicyLog(Aggregate):
    """Every version of the rule policy the board has decided (regelverkets historik)."""

    @staticmethod
    def create_id(**_: object) -> UUID:
        return POLICY_LOG_ID

    @event("Started")
    def __init__(self) -> None:
        self._versions: list[PolicyVersion] = []

    def change(
        self,
        thresholds: Mapping[str, int],
        *,
        changed_at: datetime,
        changed_by: str,
        reason: str,
    ) -> PolicyVersion:
        """Put a new version in force from ``changed_at``: the current policy with
        ``thresholds`` changed (``InvalidPolicyError`` for an unknown name or value)."""
        if changed_at.utcoffset() is None:
            raise InvalidTimeError("a policy change needs an aware datetime")
        current = self.current
        if changed_at < current.changed_at:
            raise InvalidTimeError("a policy change cannot precede the version in force")
        policy = current.policy.with_thresholds(thresholds)
        self._changed(
            version=current.version + 1,
            thresholds=policy.thresholds(),
            changed_at=changed_at,
            changed_by=changed_by,
            reason=reason,
        )
        return self.current

    @event("PolicyChanged")
    def _changed(
        self,
        version: int,
        thresholds: dict[str, int],
        changed_at: datetime,
        changed_by: str,
        reason: str,
    ) -> None:
        self._versions.append(
            PolicyVersion(
                # Not validated again: a stored decision replays as it was made, even if the
                # ranges allowed today differ.
                version=version,
                policy=_policy_of(thresholds),
                changed_at=changed_at,
                changed_by=changed_by,
                reason=reason,
            )
        )

    @property
    def versions(self) -> tuple[PolicyVersion, ...]:
        """Every version after the defaults, oldest first."""
        return tuple(self._versions)

    @property
    def current(self) -> PolicyVersion:
        return in_force(self._versions)

    def in_force(self, at: datetime) -> PolicyVersion:
        return in_force(self._versions, at)
