"""A personnummer is refused unless its date of birth exists (finding 7)."""

from __future__ import annotations

import pytest

from adapters.pseudonym import InvalidPersonnummer, luhn_check_digit, normalise_personnummer


def with_check_digit(yymmdd: str, serial: str = "987", century: str = "19") -> str:
    return f"{century}{yymmdd}-{serial}{luhn_check_digit(yymmdd + serial)}"


@pytest.mark.parametrize(
    "yymmdd",
    ["811318", "811232", "810230", "810229", "810100", "810001", "811292"],
    ids=[
        "month 13",
        "day 32",
        "30 February",
        "29 February 1981",
        "day 0",
        "month 0",
        "coordination day 92",
    ],
)
def test_an_impossible_date_with_a_correct_check_digit_is_refused(yymmdd: str) -> None:
    with pytest.raises(InvalidPersonnummer, match="date of birth"):
        normalise_personnummer(with_check_digit(yymmdd))


@pytest.mark.parametrize(
    "number",
    [
        with_check_digit("811218"),
        with_check_digit("811278"),
        with_check_digit("800229"),
        with_check_digit("000229", century="20"),
        with_check_digit("000229")[2:],
    ],
    ids=[
        "personnummer",
        "samordningsnummer (day + 60)",
        "29 February 1980",
        "29 February 2000",
        "29 February 00 without century",
    ],
)
def test_a_real_date_and_a_samordningsnummer_are_accepted(number: str) -> None:
    assert len(normalise_personnummer(number)) == 10


def test_29_february_1900_is_refused_when_the_century_is_given() -> None:
    with pytest.raises(InvalidPersonnummer):
        normalise_personnummer(with_check_digit("000229", century="19"))
