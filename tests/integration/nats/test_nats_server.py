"""The embedded server is the real binary, ready when started, gone when stopped."""

from __future__ import annotations

import asyncio
import socket
import stat
import urllib.request
from pathlib import Path

import nats
import pytest
from nats.errors import NoServersError

from adapters.nats.connection import connect
from adapters.nats.names import SERVICES
from adapters.nats.server import EmbeddedNatsServer
from adapters.nats.settings import NatsSettings
from adapters.nats.testing import start_embedded_server


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=2) as response:
        return int(response.status)


def _port_open(url: str) -> bool:
    host, port = url.removeprefix("nats://").split(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


async def test_started_server_accepts_a_service_and_has_jetstream(tmp_path: Path) -> None:
    server = start_embedded_server(tmp_path)
    try:
        client = await connect(server.client_settings, "admin")
        account = await client.jetstream().account_info()
        await client.close()
        assert account.limits is not None
    finally:
        server.stop()


async def test_stopped_server_releases_its_port(tmp_path: Path) -> None:
    async with EmbeddedNatsServer(NatsSettings(data_dir=tmp_path)) as server:
        url = server.url
        assert _port_open(url)
    assert not server.running
    assert not _port_open(url)


async def test_ready_means_healthz_reports_ok(tmp_path: Path) -> None:
    async with EmbeddedNatsServer(NatsSettings(data_dir=tmp_path)) as server:
        config = (tmp_path / "nats" / "nats.conf").read_text()
        port = next(line for line in config.splitlines() if line.startswith("http:"))
        health = "http://" + port.split('"')[1] + "/healthz"
        assert await asyncio.to_thread(_status, health) == 200
        assert server.running


def test_config_syncs_every_write_to_disk(tmp_path: Path) -> None:
    with EmbeddedNatsServer(NatsSettings(data_dir=tmp_path)):
        config = (tmp_path / "nats" / "nats.conf").read_text()
    assert "sync_interval: always" in config
    assert str(tmp_path / "nats" / "jetstream") in config


async def test_clients_without_credentials_are_refused(tmp_path: Path) -> None:
    async with EmbeddedNatsServer(NatsSettings(data_dir=tmp_path)) as server:
        with pytest.raises((NoServersError, nats.errors.Error, OSError)):
            await nats.connect(server.url, allow_reconnect=False, max_reconnect_attempts=0)


def test_each_service_gets_a_user_seed_only_its_owner_can_read(tmp_path: Path) -> None:
    with EmbeddedNatsServer(NatsSettings(data_dir=tmp_path)):
        pass
    for service in SERVICES:
        seed = tmp_path / "credentials" / f"{service}.nk"
        assert seed.read_text().startswith("SU")
        assert stat.S_IMODE(seed.stat().st_mode) == 0o600


async def test_restart_on_the_same_data_dir_keeps_stored_messages(tmp_path: Path) -> None:
    settings = NatsSettings(data_dir=tmp_path)
    async with EmbeddedNatsServer(settings) as server:
        client = await connect(server.client_settings, "admin")
        js = client.jetstream()
        await js.add_stream(name="KEEP", subjects=["keep.>"])
        await js.publish("keep.one", b"x")
        await client.close()
    async with EmbeddedNatsServer(settings) as server:
        client = await connect(server.client_settings, "admin")
        info = await client.jetstream().stream_info("KEEP")
        await client.close()
    assert info.state.messages == 1
