"""The README's "one person, end to end" example, run literally against `samlad up`.

Only the ports change: the example names the default ports, the test's `samlad up` runs
on free ones. Everything else (tokens, identification at AF and FK first, the hand-off,
reading the shared case) is the README's own text, run by bash.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.cli.testing import RunningSamlad

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PORTS = {"coordination": 8100, "kommun": 8101, "af": 8102, "fk": 8103, "region": 8104}


def end_to_end_block() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("One person, end to end"):]
    match = re.search(r"```sh\n(.*?)```", after, re.S)
    assert match is not None, "the README lost its end-to-end example"
    return match.group(1)


def on_ports(block: str, urls: dict[str, str]) -> str:
    for service, port in DEFAULT_PORTS.items():
        block = block.replace(f"localhost:{port}", urls[service].removeprefix("http://"))
    return block


def test_the_readme_example_names_tokens_and_identification_first() -> None:
    block = end_to_end_block()
    assert "samlad token issue --agency af" in block
    assert block.index("localhost:8102/persons -H") < block.index("/hand-offs")
    assert block.index("localhost:8103/persons -H") < block.index("sickness-benefits")


def json_answers(output: str) -> list[dict[str, object]]:
    """curl prints answers back to back, without newlines between them."""
    decoder, answers, at = json.JSONDecoder(), [], 0
    while (at := output.find("{", at)) != -1:
        answer, at = decoder.raw_decode(output, at)
        answers.append(answer)
    return answers


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="curl and jq")
def test_the_readme_example_runs_as_written(samlad_up: RunningSamlad) -> None:
    script = on_ports(end_to_end_block(), samlad_up.urls)
    env = {**os.environ, "SAMLAD_DATA_DIR": str(samlad_up.data_dir)}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    answers = json_answers(done.stdout)
    case, timeline = answers[-2], answers[-1]
    state = case["state"]
    assert isinstance(state, dict)
    assert {lane["agency"] for lane in state["lanes"]} == {"kommun", "af", "fk"}
    assert [h["status"] for h in state["hand_offs"]] == ["accepted"]
    assert isinstance(timeline["total"], int) and timeline["total"] >= 4
