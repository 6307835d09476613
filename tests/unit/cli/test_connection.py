"""``samlad connection <agency>``: an agency system's settings, or why there are none."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from services.cli.main import main


def _exports(output: str) -> dict[str, str]:
    pairs = (line.removeprefix("export ").split("=", 1) for line in output.splitlines())
    return {name: shlex.split(value)[0] for name, value in pairs}


def test_it_prints_the_url_seed_inbox_prefix_and_key_of_the_agency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAMLAD_NATS_URL", "tls://nats-1:4222,tls://nats-2:4222")
    data_dir = tmp_path / "my data"
    assert main(["connection", "fk", "--data-dir", str(data_dir)]) == 0
    assert _exports(capsys.readouterr().out) == {
        "SAMLAD_NATS_URL": "tls://nats-1:4222,tls://nats-2:4222",
        "SAMLAD_NATS_SEED": str((data_dir / "credentials" / "fk.nk").resolve()),
        "SAMLAD_NATS_INBOX_PREFIX": "_INBOX_fk",
        "SAMLAD_PSEUDONYM_KEY": str((data_dir / "keys" / "pseudonym.key").resolve()),
        "SAMLAD_AGENCY": "fk",
    }


def test_without_a_running_samlad_it_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMLAD_NATS_URL", raising=False)
    with pytest.raises(SystemExit, match="no running samlad up"):
        main(["connection", "af", "--data-dir", str(tmp_path)])
