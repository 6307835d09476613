"""The rule policy over HTTP: the policy in force (``GET /rules``, ``?at=`` for any past
instant), its history, the board's change (``POST /rules``), and the learned norms of
the early warning. None of it carries personal data; only the board changes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, QueryParameter

from adapters.auth.principal import Principal
from domain.case.policy import THRESHOLDS, InvalidPolicyError
from domain.case.policy_log import PolicyVersion
from domain.errors import InvalidTimeError
from services.coordination.application import CoordinationApplication
from services.coordination.early_warning import get_norms
from services.runtime.clock import Clock

AnyRequest = Request[Any, Any, Any]


class RuleView(msgspec.Struct, frozen=True, kw_only=True):
    """One threshold: its name, value and unit, the rule it governs, what it means."""

    name: str
    rule: str
    threshold: int
    unit: str
    meaning: dict[str, str]


class PolicyView(msgspec.Struct, frozen=True, kw_only=True):
    """A version of the policy; version 0 (the defaults) has no ``changed_at``."""

    version: int
    changed_at: datetime | None
    changed_by: str
    reason: str
    rules: list[RuleView]
    gap_benefit_kinds: list[str]


class PolicyChange(msgspec.Struct, frozen=True, kw_only=True):
    """The board's decision: the thresholds that change, and why."""

    thresholds: dict[str, int]
    reason: str = ""


class NormView(msgspec.Struct, frozen=True, kw_only=True):
    """What one kind of wait usually takes; ``days`` None below the minimum of samples."""

    kind: str
    group: str
    samples: int
    percentile: int
    days: float | None
    learned_at: str


def policy_view(version: PolicyVersion) -> PolicyView:
    values = version.policy.thresholds()
    return PolicyView(
        version=version.version,
        changed_at=version.changed_at if version.version else None,
        changed_by=version.changed_by,
        reason=version.reason,
        rules=[
            RuleView(
                name=t.name,
                rule=t.rule,
                threshold=values[t.name],
                unit=t.unit,
                meaning={"sv": t.meaning_sv, "en": t.meaning_en},
            )
            for t in THRESHOLDS
        ],
        gap_benefit_kinds=list(version.policy.gap_benefit_kinds),
    )


def rules_router(app: CoordinationApplication, clock: Clock) -> Router:
    @get(
        "/rules",
        sync_to_thread=True,
        tags=["rules"],
        summary="The rule policy in force now, or at an instant (?at=)",
    )
    def get_rules(
        at: Annotated[
            datetime | None,
            QueryParameter(description="an ISO 8601 instant with a zone: the policy in force then"),
        ] = None,
    ) -> PolicyView:
        if at is not None and at.utcoffset() is None:
            raise InvalidTimeError("at needs a time zone, e.g. 2026-03-01T00:00:00+01:00")
        return policy_view(app.policy_in_force(at))

    @get(
        "/rules/history",
        sync_to_thread=True,
        tags=["rules"],
        summary="Every version of the rule policy, oldest first",
    )
    def get_history() -> list[PolicyView]:
        return [policy_view(version) for version in app.policy_history()]

    @post(
        "/rules",
        sync_to_thread=True,
        tags=["rules"],
        status_code=201,
        summary="Change the rule policy (the förbund board)",
    )
    def change_rules(request: AnyRequest, data: JSONBody[PolicyChange]) -> PolicyView:
        principal: Principal | None = request.scope.get("user")
        if principal is None:
            raise NotAuthorizedException("a bearer token is required")
        if not data.thresholds:
            raise InvalidPolicyError("name at least one threshold to change")
        version = app.change_policy(
            data.thresholds, changed_by=principal.subject, reason=data.reason, now=clock()
        )
        return policy_view(version)

    @get(
        "/rules/norms",
        sync_to_thread=True,
        tags=["rules"],
        summary="How long each kind of wait usually takes (the early warning's norms)",
    )
    def norms() -> list[NormView]:
        return [
            NormView(
                kind=row["kind"],
                group=row["wait_group"],
                samples=row["samples"],
                percentile=row["percentile"],
                days=row["days"],
                learned_at=row["learned_at"],
            )
            for row in get_norms(app)
        ]

    return Router(path="/", route_handlers=[get_rules, get_history, change_rules, norms])
