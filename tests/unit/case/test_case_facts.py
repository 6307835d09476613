"""Facts are frozen values in one tagged union, named by their snake_case kind."""

from __future__ import annotations

import typing

import msgspec
import pytest

from domain.agencies import Agency
from domain.case import Fact, fold

from .builders import consent, registered


@pytest.mark.parametrize("fact_type", typing.get_args(Fact))
def test_every_fact_is_tagged_with_its_snake_case_name(fact_type: type) -> None:
    tag = msgspec.inspect.type_info(fact_type).tag  # type: ignore[attr-defined]
    assert tag == "".join(f"_{c.lower()}" if c.isupper() else c for c in fact_type.__name__)[1:]


def test_a_fact_cannot_be_changed() -> None:
    fact = registered(Agency.AF, 0)
    with pytest.raises(AttributeError):
        fact.summary = "ändrad"  # type: ignore[misc]


def test_details_are_seen_under_the_grund_scope_by_default() -> None:
    assert registered(Agency.AF, 0).scope == "grund"


def test_consents_are_listed_per_scope() -> None:
    state = fold([consent("c1", "halsa", (Agency.FK,)), consent("c2", "halsa", (Agency.AF,))])
    assert state.consents_by_scope() == {"halsa": (Agency.AF, Agency.FK)}
