"""docs/rules.md documents every gap rule's threshold as the policy holds it."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from domain.case import Rule, RulePolicy

RULES_DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
ROW = re.compile(r"^\| `(?P<rule>[a-z_]+)` \| (?P<field>`[a-z_]+`|\(none\)) \| (?P<days>\d+) \|")


def documented() -> dict[str, tuple[str | None, int]]:
    rows = {}
    for line in RULES_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            field = match["field"].strip("`") if match["field"] != "(none)" else None
            rows[match["rule"]] = (field, int(match["days"]))
    return rows


def test_every_rule_has_a_row_in_the_thresholds_table() -> None:
    assert set(documented()) == {str(rule) for rule in Rule}


def test_every_documented_threshold_is_the_policys_default() -> None:
    policy = RulePolicy()
    for rule, (field, days) in documented().items():
        actual = 0 if field is None else getattr(policy, field)
        assert actual == days, f"{rule}: docs say {days}, RulePolicy.{field} is {actual}"


def test_every_day_threshold_of_the_policy_is_documented() -> None:
    day_fields = {field.name for field in msgspec.structs.fields(RulePolicy) if field.type is int}
    assert day_fields == {field for field, _ in documented().values() if field}
