"""deploy/README.md, followed to the letter with processes in place of containers.

Every line of the README's ``sh`` blocks is run or stood in for; a step the stand-in
does not know fails the test, so the README cannot grow a step nobody tried. Scope:
the secrets, the three TLS nodes from compose.yaml with the committed configs, the
`provision` container and the README's check (R3 streams, all replicas current). The
services themselves run as processes in the other suites.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from .standin import REPO, SAMLAD, Stand, sh_blocks

pytestmark = pytest.mark.slow

NODES = ("nats-1", "nats-2", "nats-3")


def _workspace(tmp_path: Path) -> Path:
    """The repository as the operator sees it: deploy/ and compose.yaml, secrets to come."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "deploy").symlink_to(REPO / "deploy")
    (work / "compose.yaml").symlink_to(REPO / "compose.yaml")
    return work


def _compose_up(stand: Stand, words: list[str]) -> None:
    assert words[:3] == ["docker", "compose", "up"], words
    depends = stand.service("provision")["depends_on"]
    assert set(depends) == set(NODES)
    assert all(d["condition"] == "service_healthy" for d in depends.values())
    for node in NODES:
        stand.start_nats(node)
    for node in NODES:
        stand.wait_healthy(node)
    done = stand.run("provision")
    assert done.returncode == 0, done.stderr


def _follow(stand: Stand, line: str) -> str:
    words = shlex.split(line)
    if words[0] == "samlad":
        done = subprocess.run([*SAMLAD, *words[1:]], cwd=stand.work, capture_output=True,
                              text=True, timeout=120, check=False,
                              env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
        assert done.returncode == 0, done.stderr
        return done.stdout
    if words[0] == "chown":
        subprocess.run(words, cwd=stand.work, check=True)
        return ""
    if words[:3] == ["docker", "compose", "up"]:
        _compose_up(stand, words)
        return ""
    if words[:4] == ["docker", "compose", "run", "--rm"]:
        done = stand.run(words[4], words[5:] or None)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout
    raise AssertionError(f"the stand-in does not know this README step: {line}")


def test_the_deploy_readme_brings_up_a_tls_cluster_with_r3_streams(tmp_path: Path) -> None:
    lines = sh_blocks((REPO / "deploy" / "README.md").read_text())
    assert any(line.startswith("docker compose up") for line in lines)
    stand = Stand(_workspace(tmp_path))
    outputs = []
    try:
        for line in lines:
            outputs.append(_follow(stand, line))
    finally:
        stand.stop()
    checked = outputs[-1]
    for stream in ("SAMLAD_EVENTS", "SAMLAD_DEADLETTER", "SAMLAD_AUDIT"):
        assert f"{stream}: OK R3" in checked, checked


def test_the_services_hold_only_their_own_secrets() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    for name, spec in compose["services"].items():
        mounts = [v.split(":")[0] for v in spec.get("volumes", [])]
        assert not any("jwt-signing" in m for m in mounts), name
        seeds = [m for m in mounts if m.endswith(".nk")]
        assert len(seeds) <= 1, (name, seeds)
        if spec.get("image") == "samlad:latest" and name != "provision":
            assert "./secrets/samlad.env" in spec["env_file"], name
            assert spec["environment"]["SAMLAD_NATS_CA"] == "/data/tls/ca.crt"
            assert spec["environment"]["SAMLAD_NATS_URL"].startswith("tls://")
