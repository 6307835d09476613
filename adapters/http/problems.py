"""One place that maps application errors to RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

import structlog
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from domain.agency.errors import AgencyRuleViolation, Conflict, NotFound
from domain.case.policy import InvalidPolicyError
from domain.errors import InvalidTimeError

log = structlog.get_logger(__name__)

_PROBLEM_BASE = "https://samlad.se/problems/"


def _rule_violation(exc: AgencyRuleViolation) -> ProblemDetailsException:
    status, slug, title = 422, "rule-violation", "The command breaks the agency's rules"
    if isinstance(exc, NotFound):
        status, slug, title = 404, "not-found", "What the command refers to does not exist"
    elif isinstance(exc, Conflict):
        status, slug, title = 409, "conflict", "The command contradicts what is recorded"
    extra: dict[str, Any] = {}
    if exc.field is not None:
        extra["invalid_params"] = [{"name": exc.field, "reason": exc.detail}]
    return ProblemDetailsException(
        status_code=status, type_=_PROBLEM_BASE + slug, title=title, detail=exc.detail,
        extra=extra or None,
    )


class Stale(Exception):
    """A read that cannot be answered fresh in time; ``behind`` says how stale it is."""

    def __init__(self, detail: str, behind: dict[str, Any], retry_after: int = 1) -> None:
        super().__init__(detail)
        self.detail = detail
        self.behind = behind
        self.retry_after = retry_after


def _stale(exc: Stale) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=503, type_=_PROBLEM_BASE + "not-yet-applied",
        title="The read is not fresh yet", detail=exc.detail, extra=exc.behind,
        headers={"Retry-After": str(exc.retry_after)},
    )


def _invalid_input(exc: InvalidPolicyError | InvalidTimeError) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=422, type_=_PROBLEM_BASE + "invalid-input",
        title="The input breaks a rule of the shared case", detail=str(exc),
    )


def _internal(exc: Exception) -> ProblemDetailsException:
    # Logged here: Litestar logs unhandled errors only in debug mode.
    log.error("request_failed", error=f"{type(exc).__name__}: {exc}", exc_info=exc)
    return ProblemDetailsException(
        status_code=500, type_=_PROBLEM_BASE + "internal-error",
        title="The service failed to answer", detail="the service log says why",
    )


def problem_details_plugin() -> ProblemDetailsPlugin:
    """Every HTTP error, validation and unexpected failures included, answers as
    application/problem+json."""
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            enable_for_all_http_exceptions=True,
            exception_to_problem_detail_map={AgencyRuleViolation: _rule_violation,
                                             Stale: _stale,
                                             InvalidPolicyError: _invalid_input,
                                             InvalidTimeError: _invalid_input,
                                             Exception: _internal},
        )
    )
