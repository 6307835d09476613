"""The dead-letter reason words of docs/integrating.md are the code's, and each occurs.

The guide once promised a word the consumer never gave. Now its table of words must
equal ``contracts.errors.REASON_WORDS``, it names no other word, and for every word a
message exists that the consumer's decoder refuses with exactly that word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.envelope import decode_message
from contracts.errors import (
    NOT_APPLIED,
    NOT_PUBLISHED,
    NOT_TRANSLATED,
    REASON_WORDS,
    ContractError,
)
from contracts.examples import EXAMPLE_PERSON_REF, example_message
from contracts.registry import REGISTRY
from contracts.subjects import subject_for

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "integrating.md"
_TABLE = re.compile(r"<!-- reason-words -->\n(.*?)<!-- /reason-words -->", re.S)
_WORD_ROW = re.compile(r"^\| `([A-Za-z]+)` \|", re.M)
_BACKTICKED_WORD = re.compile(r"`([A-Z][a-z]+(?:[A-Z][a-z]+)+)`")

SPEC = REGISTRY.spec_for_type("se.samlad.af.hand-off-requested.v1")
STORED = f"{subject_for(SPEC, EXAMPLE_PERSON_REF)}.0"
Case = tuple[bytes, str]


def _with(**changes: Any) -> dict[str, Any]:
    message = example_message(SPEC)
    for name, value in changes.items():
        message[name] = value
    return message


def _encoded(message: dict[str, Any], subject: str = STORED) -> Case:
    return json.dumps(message).encode(), subject


def _without_to_agency() -> Case:
    message = example_message(SPEC)
    del message["data"]["to_agency"]
    return _encoded(message)


# One message per word, each as af's system could publish it on its own subject.
REFUSED_WITH: dict[str, Callable[[], Case]] = {
    "NotACloudEvent": lambda: (b"hello", STORED),
    "InvalidEnvelope": lambda: _encoded(_with(id="")),
    "UnknownEventType": lambda: _encoded(_with(type="se.samlad.af.no-such-event.v1")),
    "PublisherMismatch": lambda: _encoded(
        _with(type="se.samlad.fk.hand-off-requested.v1", source="urn:samlad:fk")
    ),
    "SubjectMismatch": lambda: _encoded(
        _with(), STORED.replace(EXAMPLE_PERSON_REF, "p" + "a" * 26)
    ),
    "SourceMismatch": lambda: _encoded(_with(source="urn:samlad:fk")),
    "InvalidEventData": _without_to_agency,
    "InvalidSubject": lambda: _encoded(
        _with(), STORED.replace(EXAMPLE_PERSON_REF, "19811218-9876")
    ),
}


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8").split("BEGIN GENERATED EXAMPLES")[0]


def test_the_guides_table_of_reason_words_is_the_codes() -> None:
    [table] = _TABLE.findall(_guide())
    assert sorted(_WORD_ROW.findall(table)) == sorted(REASON_WORDS)


def test_the_guide_names_no_reason_word_the_code_does_not_give() -> None:
    assert set(_BACKTICKED_WORD.findall(_guide())) <= set(REASON_WORDS)


def test_the_guide_names_the_reasons_without_a_word() -> None:
    for prefix in (NOT_APPLIED, NOT_TRANSLATED):
        assert f"`{prefix}: …`" in _guide()
    assert f"`Samlad-Reason: {NOT_PUBLISHED}: …`" in _guide()


def test_every_reason_word_has_a_message_that_earns_it() -> None:
    assert sorted(REFUSED_WITH) == sorted(REASON_WORDS)


@pytest.mark.parametrize("word", REASON_WORDS)
def test_the_consumer_refuses_with_each_word(word: str) -> None:
    payload, subject = REFUSED_WITH[word]()
    with pytest.raises(ContractError) as refused:
        decode_message(payload, None, subject=subject)
    assert refused.value.reason.startswith(f"{word}: "), refused.value.reason
