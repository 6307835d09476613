"""``samlad audit`` and ``samlad report`` on a data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.cli.main import main
from services.coordination.service import open_coordination
from services.settings import Settings

from .caseload import START, ingest_caseload


@pytest.fixture(autouse=True)
def keep_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    # main() would point structlog at this test's captured stderr, closed after it.
    monkeypatch.setattr("adapters.telemetry.logging.configure_logging", lambda *_, **__: None)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    monkeypatch.delenv("SAMLAD_DATABASE_URL", raising=False)
    app = open_coordination(Settings(data_dir=tmp_path))
    refs = ingest_caseload(app, 8)
    app.close()
    return tmp_path, refs


def test_replay_prints_the_events_and_the_rate(
    data_dir: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = data_dir
    assert main(["audit", "replay", "--service", "coordination", "--data-dir", str(path)]) == 0
    out = capsys.readouterr()
    assert "of 8 aggregates" in out.out
    assert "events/s" in out.err  # the progress bar


def test_rebuild_finds_the_projections_consistent(
    data_dir: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = data_dir
    assert main(["audit", "rebuild", "--data-dir", str(path)]) == 0
    assert "projections match a full replay" in capsys.readouterr().out


def test_report_writes_json(data_dir: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, _ = data_dir
    out = tmp_path / "report.json"
    assert main(["report", "--format", "json", "--out", str(out), "--data-dir", str(path)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert {"indicator": "participants", "dimension": "total", "group": "alla",
            "value": 8} in rows


def test_as_of_prints_the_case_then(
    data_dir: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str],
) -> None:
    path, refs = data_dir
    at = "2100-01-01T00:00:00+00:00"
    assert main(["audit", "as-of", refs[0], "--at", at, "--data-dir", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["person_ref"] == refs[0]
    before = START.isoformat()
    assert main(["audit", "as-of", refs[0], "--at", before, "--data-dir", str(path)]) == 1
