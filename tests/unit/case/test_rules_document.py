"""docs/rules.md documents every threshold of the policy as the policy holds it."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from domain.case import Rule, RulePolicy
from domain.case.policy import THRESHOLDS

RULES_DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
ROW = re.compile(
    r"^\| `(?P<name>[a-z_]+)` \| (?P<rule>`[a-z_]+`|early warning) \| (?P<default>\d+) \|"
)


def documented() -> dict[str, tuple[str, int]]:
    """Each documented threshold: its name -> (the rule it governs, its default)."""
    rows = {}
    for line in RULES_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match["name"]] = (match["rule"].strip("`"), int(match["default"]))
    return rows


def test_every_rule_with_a_threshold_has_a_row_and_the_other_is_named() -> None:
    text = RULES_DOC.read_text(encoding="utf-8")
    with_rows = {rule for rule, _ in documented().values()}
    for rule in Rule:
        assert str(rule) in with_rows or f"`{rule}` has no threshold" in text, rule


def test_every_documented_threshold_is_the_policys_default() -> None:
    policy = RulePolicy()
    for name, (_, default) in documented().items():
        actual = getattr(policy, name)
        assert actual == default, f"docs say {name} is {default}, RulePolicy has {actual}"


def test_every_whole_number_threshold_of_the_policy_is_documented() -> None:
    numeric = {field.name for field in msgspec.structs.fields(RulePolicy) if field.type is int}
    assert numeric == set(documented())
    assert {threshold.name for threshold in THRESHOLDS} <= set(documented())
