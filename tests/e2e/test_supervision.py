"""`samlad up` supervises its children; `samlad serve` stops promptly with NATS away.

A SIGKILLed service and a SIGKILLed nats-server are restarted (and say so on the
terminal), after which the system accepts commands and they reach the shared case. A
`samlad serve` whose broker is gone (before or after it started) exits on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from adapters.auth.testing import auth_headers
from adapters.nats.server import free_port
from adapters.nats.testing import start_embedded_server
from services.cli.testing import RunningSamlad, clean_env
from services.demo.personnummer import personnummer

# Bounds for a condition to hold, not measurements: generous on a loaded machine.
RECOVERED_WITHIN_SECONDS = 90.0
# Within the supervisor's own stop bound (services/cli/supervisor.py), on a loaded machine.
EXITS_WITHIN_SECONDS = 15.0

pytestmark = pytest.mark.slow


def enrol_until_accepted(samlad: RunningSamlad, personnummer: str) -> str:
    """POST an enrolment until the kommun accepts it; the person_ref it answers."""
    headers = auth_headers(samlad, "kommun")
    deadline = time.monotonic() + RECOVERED_WITHIN_SECONDS
    last = ""
    while time.monotonic() < deadline:
        try:
            response = httpx.post(f"{samlad.urls['kommun']}/persons", headers=headers, json={
                "personnummer": personnummer, "kommun": "Lund", "gender": "kvinna",
                "birth_year": 1981}, timeout=5)
            if response.status_code in (200, 201):
                return str(response.json()["person_ref"])
            last = response.text
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.1)
    pytest.fail(f"the kommun accepted no enrolment within {RECOVERED_WITHIN_SECONDS} s: {last}")


def wait_case(samlad: RunningSamlad, person_ref: str) -> None:
    headers = auth_headers(samlad, "kommun")
    deadline = time.monotonic() + RECOVERED_WITHIN_SECONDS
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{samlad.urls['coordination']}/cases/{person_ref}",
                                 headers=headers, timeout=5)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"case {person_ref} never reached the shared case")


def test_a_killed_service_and_a_killed_nats_server_are_restarted_and_commands_flow_again(
    samlad_up: RunningSamlad,
) -> None:
    os.kill(samlad_up.child_pid("serve kommun"), signal.SIGKILL)
    assert samlad_up.wait_for_line("kommun exited").endswith("s")
    samlad_up.wait_for_line("kommun restarted")
    wait_case(samlad_up, enrol_until_accepted(samlad_up, personnummer(date(1981, 12, 18), 987)))

    os.kill(samlad_up.child_pid("nats-server"), signal.SIGKILL)
    samlad_up.wait_for_line("nats exited")
    samlad_up.wait_for_line("nats restarted")
    wait_case(samlad_up, enrol_until_accepted(samlad_up, personnummer(date(1990, 1, 1), 234)))

    assert samlad_up.stop() == 0


def serve(service: str, data_dir: Path, nats_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = clean_env(SAMLAD_DATA_DIR=str(data_dir), SAMLAD_NATS_URL=nats_url,
                    SAMLAD_NATS_REPLICAS="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "serve", service, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=(data_dir / f"{service}.log").open("wb"),
    )
    return process, f"http://127.0.0.1:{port}"


def wait_answering(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail("serve never answered /health")


@pytest.mark.parametrize("nats_gone", ["before_start", "after_start"])
def test_a_serve_whose_nats_is_down_exits_promptly_on_sigterm(
    nats_gone: str, tmp_path: Path
) -> None:
    server = start_embedded_server(tmp_path)
    url = server.url
    if nats_gone == "before_start":
        server.stop()
    process, http = serve("kommun", tmp_path, url)
    try:
        wait_answering(process, http)
        if nats_gone == "after_start":
            server.stop()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=EXITS_WITHIN_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
        server.stop()
    assert code in (0, -signal.SIGTERM)
