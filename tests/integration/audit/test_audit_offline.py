"""The auditor's tools on a stopped data dir and on a running one, with no url to guess."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.nats.server import EmbeddedNatsServer, url_file
from adapters.nats.testing import provision_streams
from services.cli.main import main
from services.cli.up import checkpoint_child, parse_services
from services.settings import Settings

from .test_audit_nats import truncate_tail, write_kommun_store


@pytest.fixture(autouse=True)
def no_nats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adapters.telemetry.logging.configure_logging", lambda *_, **__: None)
    for name in ("SAMLAD_NATS_URL", "SAMLAD_DATABASE_URL", "SAMLAD_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_checkpoint_and_verify_work_on_a_stopped_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path)
    write_kommun_store(settings, 5)
    assert main(["audit", "checkpoint", "--service", "kommun", "--data-dir", str(tmp_path)]) == 0
    assert (tmp_path / "checkpoints" / "kommun.json").exists()
    assert main(["audit", "verify", "--service", "kommun", "--data-dir", str(tmp_path)]) == 0
    assert "kommun: OK 5 events, head 5, through checkpoint 5" in capsys.readouterr().out

    truncate_tail(settings)  # a whole chain, only shorter: the checkpoint file tells
    assert main(["audit", "verify", "--service", "kommun", "--data-dir", str(tmp_path)]) == 1
    assert "kommun: FAILED" in capsys.readouterr().out


def test_the_tools_find_the_running_embedded_server_by_its_url_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path)
    write_kommun_store(settings, 3)
    # Synchronous: the CLI runs its own event loop, as it does from a shell.
    with EmbeddedNatsServer(settings.nats) as server:
        asyncio.run(provision_streams(server.client_settings))
        assert url_file(settings.nats).read_text().strip() == server.url
        args = ["--service", "kommun", "--data-dir", str(tmp_path)]
        assert main(["audit", "checkpoint", *args]) == 0
        assert "on NATS and in" in capsys.readouterr().out
        # Only the stream has it now: verify found the bus without SAMLAD_NATS_URL.
        (tmp_path / "checkpoints" / "kommun.json").unlink()
        assert main(["audit", "verify", *args]) == 0
        assert "through checkpoint 3" in capsys.readouterr().out
    assert not url_file(settings.nats).exists()


def test_up_services_none_or_empty_means_nats_alone() -> None:
    assert parse_services("none") == ()
    assert parse_services("") == ()
    assert parse_services("kommun, af") == ("kommun", "af")
    with pytest.raises(SystemExit, match="unknown nope"):
        parse_services("kommun,nope")


def test_up_starts_its_checkpoints_on_a_fresh_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "fresh")
    child = checkpoint_child(settings, {"PATH": "/usr/bin:/bin"}, 60.0)
    child.start()
    child.terminate()
    child.wait_stopped(10.0)
    assert (settings.data_dir / "logs" / "audit.log").exists()
