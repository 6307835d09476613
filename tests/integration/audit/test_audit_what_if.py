"""``samlad audit what-if`` on a small stored history: other thresholds, other counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.agencies import Agency
from domain.case import Fact
from services.cli.main import main
from services.coordination.service import open_coordination
from services.settings import Settings
from tests.unit.case.builders import accepted, day, enrolled, hand_off, registered

ANSWERED_AFTER = (1, 4, 4, 7)
"""Days each of four persons' kommun→AF hand-off waited for its answer."""


@pytest.fixture(autouse=True)
def keep_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adapters.telemetry.logging.configure_logging", lambda *_, **__: None)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SAMLAD_DATABASE_URL", raising=False)
    app = open_coordination(Settings(data_dir=tmp_path))
    try:
        for n, waited in enumerate(ANSWERED_AFTER):
            ref = f"pwhatif{n:020d}"
            facts: list[Fact] = [
                enrolled(0),
                registered(Agency.KOMMUN, 0),
                hand_off("h", Agency.KOMMUN, Agency.AF, 1),
                accepted("h", Agency.AF, 1 + waited),
                registered(Agency.AF, 1 + waited),
            ]
            app.ingest([(ref, fact) for fact in facts], now=day(30))
    finally:
        app.close()
    return tmp_path


def _what_if(path: Path, capsys: pytest.CaptureFixture[str], *rules: str) -> dict[str, Any]:
    args = ["audit", "what-if", "--json", "--until", day(60).isoformat(), "--data-dir", str(path)]
    assert main([*args, *(f"--rule={rule}" for rule in rules)]) == 0
    report = json.loads(capsys.readouterr().out)
    return next(r for r in report["rules"] if r["rule"] == "hand_off_unanswered")


def test_a_shorter_answer_time_would_have_raised_more_alerts_and_earlier(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = _what_if(data_dir, capsys, "hand_off_answer_days=3")
    assert (row["current_days"], row["proposed_days"]) == (5, 3)
    assert (row["current_alerts"], row["proposed_alerts"]) == (1, 3)
    assert row["days_earlier"] == 2.0
    assert (row["current_unalerted"], row["proposed_unalerted"]) == (2, 0)


def test_the_thresholds_in_force_replay_to_the_same_counts(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = _what_if(data_dir, capsys)
    assert row["current_alerts"] == row["proposed_alerts"] == 1


def test_the_table_and_the_progress_are_printed(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["audit", "what-if", "--rule", "hand_off_answer_days=3", "--data-dir", str(data_dir)]
    assert main(args) == 0
    out = capsys.readouterr()
    assert "hand_off_unanswered" in out.out
    assert "5 → 3" in out.out
    assert "cases [" in out.err  # the progress bar


def test_an_unknown_threshold_is_refused(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", "what-if", "--rule", "answer_days=3", "--data-dir", str(data_dir)]) == 2
    assert "unknown threshold" in capsys.readouterr().err
