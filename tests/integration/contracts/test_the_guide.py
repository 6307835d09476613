"""docs/integrating.md, followed literally against a running ``samlad up`` (issue 15).

The guide marks the blocks an integrator runs with ``<!-- guide-test: sh|python|js -->``.
The ``sh`` blocks run in order in one bash, in a directory holding the ``.samlad`` data
dir of a running ``samlad up`` and a copy of the Node example (the schemas it validates
with come from the running system); the ``python`` blocks, in order, are the
``integrator.py`` the guide tells the reader to save; the ``js`` blocks are excerpts of
the Node example the guide runs. What comes out must be a publisher, an alert subscriber
and a dead-letter reader that work, on the subjects the AsyncAPI names.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.nats.credentials import seed_path
from adapters.nats.names import inbox_prefix
from adapters.nats.server import url_file
from adapters.nats.settings import NatsSettings
from adapters.pseudonym import Pseudonymiser
from adapters.store.testing import missing, opted_out
from contracts.schema import PUBLISHED_DIR
from contracts.subjects import (
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    PARKED_BY_OUTBOX,
    alerts_consumer,
    deadletter_filter,
    deadletter_subject,
    deadletters_consumer,
    handoffs_consumer,
)
from services.cli.testing import RunningSamlad, clean_env

REPO = Path(__file__).resolve().parents[3]
GUIDE = REPO / "docs" / "integrating.md"
NODE_EXAMPLE = REPO / "examples" / "integrator-node" / "integrator.mjs"
_STEP = re.compile(r"<!-- guide-test: (sh|python|js) -->\n```[a-z]*\n(.*?)```", re.S)
GUIDE_SECONDS = 300


def guide_steps(kind: str) -> list[str]:
    return [
        body for found, body in _STEP.findall(GUIDE.read_text(encoding="utf-8")) if found == kind
    ]


def _node_or_skip() -> None:
    if opted_out("node"):
        missing("node", "the Node.js integrator tests are opted out")
    if shutil.which("node") is None or shutil.which("npm") is None:
        missing("node", "node and npm are not installed")


def _asyncapi_subject(channel: str, *, address: str = "address", **values: str) -> re.Pattern[str]:
    """The AsyncAPI channel's address as a pattern: given values, enums, else one token."""
    document = json.loads((PUBLISHED_DIR / "asyncapi.json").read_text(encoding="utf-8"))
    found = document["channels"][channel]
    pattern = re.escape(found[address])
    for name in re.findall(r"\{([a-z_]+)\}", found[address]):
        parameter = found.get("parameters", {}).get(name, {})
        choice = values.get(name) or "|".join(map(re.escape, parameter.get("enum", [])))
        pattern = pattern.replace(re.escape(f"{{{name}}}"), f"(?:{choice or '[^.]+'})")
    return re.compile(pattern)


def test_every_js_block_of_the_guide_is_code_of_the_node_example() -> None:
    example = NODE_EXAMPLE.read_text(encoding="utf-8")
    blocks = guide_steps("js")
    assert blocks
    for block in blocks:
        assert block in example, f"the guide shows code the Node example does not run:\n{block}"


def test_the_guide_has_steps_in_shell_and_python() -> None:
    assert guide_steps("sh") and guide_steps("python")


def test_the_guide_names_the_consumers_streams_and_seed_file_the_code_uses() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    agency = "<agency>"
    named = [
        alerts_consumer(agency),
        handoffs_consumer(agency),
        deadletters_consumer(agency),
        EVENTS_STREAM,
        DEADLETTER_STREAM,
        inbox_prefix(agency),
        deadletter_subject(agency),
        deadletter_subject(agency, PARKED_BY_OUTBOX),
        deadletter_filter(agency),
        str(seed_path(Path(".samlad/credentials"), agency)),
        str(url_file(NatsSettings(data_dir=Path(".samlad")))),
    ]
    for name in named:
        assert f"`{name}`" in guide, name


@pytest.mark.timeout(GUIDE_SECONDS + 120)
def test_following_the_guide_gives_a_publisher_an_alert_subscriber_and_dead_letters(
    tmp_path: Path,
) -> None:
    _node_or_skip()
    workdir = tmp_path / "integrator"
    workdir.mkdir()
    # What an integrator has of a checkout: the example, without its installed packages.
    shutil.copytree(
        NODE_EXAMPLE.parent,
        workdir / "examples" / "integrator-node",
        ignore=shutil.ignore_patterns("node_modules"),
    )
    (workdir / "integrator.py").write_text("\n\n".join(guide_steps("python")))
    samlad = RunningSamlad(workdir / ".samlad", clean_env(), services=("coordination",))
    try:
        samlad.wait_until_up()
        env = clean_env(
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            COORDINATION=samlad.urls["coordination"],
        )
        script = "set -euo pipefail\n" + "\n".join(guide_steps("sh"))
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=GUIDE_SECONDS,
            check=False,
        )
    finally:
        samlad.kill()
    assert done.returncode == 0, f"the guide failed:\n{done.stdout}\n{done.stderr}"
    lines = done.stdout.splitlines()
    key = Pseudonymiser.from_file(workdir / ".samlad" / "keys" / "pseudonym.key")

    _found_where_the_guide_says(lines, samlad.urls["nats"])
    _the_python_program_worked(lines, key.person_ref("19900101-0017"))
    _the_node_example_worked(lines, key.person_ref("19811218-9876"))


def _found_where_the_guide_says(lines: list[str], nats_url: str) -> None:
    """Step 1: the exports, the url file and the served AsyncAPI name the running server."""
    assert f"url {nats_url}" in lines
    assert nats_url in lines  # cat .samlad/nats/url
    scheme, _, host = nats_url.partition("://")
    served = {line.strip().rstrip(",") for line in lines}  # the served AsyncAPI's server
    assert {f'"host": "{host}"', f'"protocol": "{scheme}"'} <= served
    assert "inbox _INBOX_af" in lines


def _the_python_program_worked(lines: list[str], ref: str) -> None:
    assert f"person {ref}" in lines  # the guide's person_ref is Samlad's
    alert = next(line for line in lines if line.startswith("alert "))
    _, subject, rule, agencies = alert.split(" ")
    assert _asyncapi_subject("alerts.af.alert-raised.v1", person_ref=ref).fullmatch(subject)
    assert subject == f"samlad.coordination.alert-raised.v1.{ref}.af-fk"
    assert (rule, agencies) == ("hand_off_unanswered", "af,fk")
    letter = next(line for line in lines if line.startswith("dead letter "))
    assert letter.startswith("dead letter samlad.deadletter.af.coordination InvalidEventData: ")


def _the_node_example_worked(lines: list[str], ref: str) -> None:
    steps: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        if line.startswith('{"step"'):
            record = json.loads(line)
            steps.setdefault(record["step"], []).append(record)
    assert steps["person"] == [{"step": "person", "person_ref": ref}]
    [connected] = steps["connected"]
    assert connected["contracts"].startswith("http")  # validated with the served schemas
    [hand_off, broken] = steps["published"]
    [retried] = steps["retried"]
    assert not hand_off["duplicate"] and retried["duplicate"]
    assert retried["seq"] == hand_off["seq"]
    [alert] = steps["alert"]
    assert _asyncapi_subject("alerts.af.alert-raised.v1", person_ref=ref).fullmatch(
        alert["subject"]
    )
    assert alert["subject"] == f"samlad.coordination.alert-raised.v1.{ref}.af-fk"
    assert alert["problems"] == []  # the alert validates against its published schema
    # Live on core NATS too, on the subjects the AsyncAPI gives af (8 alert tokens, 1 verdict).
    [subscribed] = steps["subscribed"]
    assert len(subscribed["subjects"]) == 9
    [live] = steps["live-alert"]
    assert (live["subject"], live["id"]) == (alert["subject"], live["durable_id"])
    [refused] = steps["refused-locally"]
    assert refused["problems"] == ["/data must have required property 'to_agency'"]
    [letter] = steps["dead-letter"]
    assert _asyncapi_subject("deadletters.af.coordination").fullmatch(letter["subject"])
    assert letter["id"] == broken["id"] == refused["id"]
    assert letter["reason_word"] == "InvalidEventData"
    [heard] = steps["live-dead-letter"]
    assert heard == {"step": "live-dead-letter", "subject": letter["subject"], "id": broken["id"]}
    assert re.fullmatch(
        rf"samlad\.af\.hand-off-requested\.v1\.{ref}\.\d+", letter["original_subject"]
    )
    assert letter["original_sequence"] == str(broken["seq"])
