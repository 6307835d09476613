"""Each service runs alone (`samlad serve X`), bringing its own embedded nats-server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from adapters.nats.server import free_port

SERVICES = ("kommun", "af", "fk", "region", "coordination")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_serves_health_and_its_openapi_when_run_alone(
    service: str, tmp_path: Path
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "serve", service,
         "--data-dir", str(tmp_path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"{url}/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        schema = httpx.get(f"{url}/schema/openapi.json", timeout=5)
        ready = httpx.get(f"{url}/ready", timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)

    assert health == {"status": "ok", "service": service}
    assert schema.status_code == 200
    assert schema.json()["paths"]
    assert ready.json()["checks"] == {"store": True, "nats": True}
    assert code == 0
