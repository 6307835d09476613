"""The lax coercions the OpenAPI documents refuse are found; what they allow passes."""

from __future__ import annotations

from typing import Any

import msgspec.inspect as mi
import pytest

from adapters.http.strict_input import lax_coercions
from services.fk.schemas import GrantSicknessBenefit
from services.kommun.schemas import CompleteNeedsAssessment, DecideIncomeSupport, EnrolPerson


@pytest.mark.parametrize(
    ("kind", "body", "where"),
    [
        (EnrolPerson, {"effective_at": 0.0}, ".effective_at"),
        (EnrolPerson, {"effective_at": "1700000000"}, ".effective_at"),
        (EnrolPerson, {"birth_year": "1990"}, ".birth_year"),
        (EnrolPerson, {"birth_year": True}, ".birth_year"),
        (DecideIncomeSupport, {"period_from": 20240101}, ".period_from"),
        (DecideIncomeSupport, {"period_to": "0"}, ".period_to"),
        (CompleteNeedsAssessment, {"further_support_needed": 1}, ".further_support_needed"),
        (CompleteNeedsAssessment, {"further_support_needed": "true"}, ".further_support_needed"),
    ],
)
def test_a_lax_coercion_is_found_where_it_is(kind: type, body: dict[str, Any], where: str) -> None:
    assert [found for found, _ in lax_coercions(mi.type_info(kind), body)] == [where]


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (
            EnrolPerson,
            {
                "effective_at": "2025-03-01T12:00:00+01:00",
                "birth_year": 1990,
                "target_groups": ["ung"],
            },
        ),
        (EnrolPerson, {"effective_at": None}),
        (DecideIncomeSupport, {"period_from": "2025-03-01", "period_to": None}),
        (CompleteNeedsAssessment, {"further_support_needed": False, "summary": "klar"}),
        # JSON Schema counts 3.0 as an integer; so does the service.
        (GrantSicknessBenefit, {"rehab_chain_day": 3.0}),
        # Not a coercion: left to the ordinary validation (a 400 all the same).
        (EnrolPerson, {"kommun": 5, "unknown": 1}),
    ],
)
def test_what_the_document_allows_is_no_lax_coercion(kind: type, body: dict[str, Any]) -> None:
    assert list(lax_coercions(mi.type_info(kind), body)) == []
