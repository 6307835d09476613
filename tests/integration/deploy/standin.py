"""compose.yaml's services as local processes, for machines without a Docker engine.

A container is stood in for by a directory (its root): each volume of the service is a
symlink from ``root + target`` to the bind-mounted file or to a directory standing in
for the named volume. The committed files are used as they are, only rewritten where a
container and a process differ: absolute paths get the root in front, and the compose
network's names (``nats-2:6222``) become loopback ports.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from adapters.nats.server import find_binary, free_port

REPO = Path(__file__).resolve().parents[3]
SAMLAD = [sys.executable, "-m", "services.cli.main"]
ELSEWHERE = ("SAMLAD_", "OTEL_", "SSL_CERT_FILE")
READY_SECONDS = 60.0


def sh_blocks(markdown: str) -> list[str]:
    """Every command line of the ```sh fenced blocks, in order."""
    blocks = re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.S | re.M)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def image_env(dockerfile: Path) -> dict[str, str]:
    """The ``ENV`` of the image (``ENV A=1 B=2``)."""
    env: dict[str, str] = {}
    for line in dockerfile.read_text().splitlines():
        if line.startswith("ENV "):
            env |= dict(part.split("=", 1) for part in shlex.split(line[4:]))
    return env


class Network:
    """The compose network: each ``name:port`` a service listens on → a loopback port."""

    def __init__(self) -> None:
        self._ports: dict[tuple[str, int], int] = {}

    def port(self, host: str, port: int) -> int:
        return self._ports.setdefault((host, port), free_port())

    def rewrite(self, text: str, own_name: str | None = None) -> str:
        def local(match: re.Match[str]) -> str:
            host, port = match.group(1), int(match.group(2))
            if host in ("0.0.0.0", "127.0.0.1", "localhost") and own_name is not None:
                host = own_name
            if (host, port) not in self._ports and own_name is None:
                return match.group(0)
            return f"127.0.0.1:{self.port(host, port)}"

        return re.sub(r"\b([a-z0-9][a-z0-9.-]*):(\d{2,5})\b", local, text)


class Stand:
    """The processes standing in for ``compose.yaml``'s services, run from ``work``."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.compose: dict[str, Any] = yaml.safe_load((work / "compose.yaml").read_text())
        self.network = Network()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs = work / "logs"
        self.logs.mkdir(exist_ok=True)

    def service(self, name: str) -> dict[str, Any]:
        return dict(self.compose["services"][name])

    def root(self, name: str) -> Path:
        """The service's container, its volumes linked in."""
        root = self.work / "containers" / name
        for volume in self.service(name).get("volumes", []):
            source, target = volume.split(":")[:2]
            host = (self.work / source if source.startswith(".")
                    else self.work / "volumes" / source)
            if not source.startswith("."):
                host.mkdir(parents=True, exist_ok=True)
            link = root / target.lstrip("/")
            if link.is_symlink() or link.exists():
                continue
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(host.resolve())
        return root

    def _in_root(self, root: Path, text: str) -> str:
        return re.sub(r'"(/[^"]*)"', lambda m: f'"{root}{m.group(1)}"', text)

    # -- nats nodes ------------------------------------------------------------------

    def start_nats(self, name: str) -> None:
        spec = self.service(name)
        root = self.root(name)
        assert spec["command"][0] == "-c", spec["command"]
        config = root / spec["command"][1].lstrip("/")
        text = self.network.rewrite(self._in_root(root, config.read_text()), own_name=name)
        # Written beside the mounted config, so `include ./accounts.conf` resolves.
        process_config = config.parent / "process.conf"
        process_config.write_text(text)
        for port in (4222, 6222, 8222):
            self.network.port(name, port)
        with (self.logs / f"{name}.log").open("wb") as log:
            self.processes[name] = subprocess.Popen(
                [str(find_binary()), "-c", str(process_config)],
                stdout=log, stderr=log, stdin=subprocess.DEVNULL,
            )

    def wait_healthy(self, name: str) -> None:
        """The compose healthcheck: the node's /healthz answers 200."""
        url = f"http://127.0.0.1:{self.network.port(name, 8222)}/healthz"
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise AssertionError((self.logs / f"{name}.log").read_text())
            try:
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"{name} not healthy: {(self.logs / f'{name}.log').read_text()}")

    # -- samlad services -------------------------------------------------------------

    def env(self, name: str) -> dict[str, str]:
        spec = self.service(name)
        root = self.root(name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(ELSEWHERE)}
        env |= image_env(REPO / spec["build"]["dockerfile"])
        for env_file in spec.get("env_file", []):
            for line in (self.work / env_file).read_text().splitlines():
                if line.strip() and not line.startswith("#"):
                    key, _, value = line.partition("=")
                    env[key] = value
        env |= {k: str(v) for k, v in (spec.get("environment") or {}).items()}
        for key, value in list(env.items()):
            if key.startswith("SAMLAD_") and value.startswith("/"):
                env[key] = f"{root}{value}"
            elif key == "SAMLAD_NATS_URL":
                env[key] = self.network.rewrite(value)
        # No collector among the stand-ins.
        env |= {"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}
        # Until SAMLAD_NATS_CA is read by adapters/nats/connection.py (issue 13, the
        # cluster branch), Python's default context takes the same CA from here.
        env["SSL_CERT_FILE"] = env["SAMLAD_NATS_CA"]
        env["PYTHONPATH"] = str(REPO)
        (root / "data").mkdir(parents=True, exist_ok=True)
        return env

    def run(self, name: str, command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        """A one-off container of ``name`` (``docker compose run --rm``), to completion."""
        args = command if command is not None else self.service(name)["command"]
        return subprocess.run(
            [*SAMLAD, *args], env=self.env(name), cwd=self.root(name), capture_output=True,
            text=True, timeout=120, check=False,
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
