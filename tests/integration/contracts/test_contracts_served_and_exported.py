"""The published artefacts as integrators get them: /contracts on the coordination
service (no token) and ``samlad contracts export DIR`` run as a command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema

from contracts.schema import PUBLISHED_DIR

if TYPE_CHECKING:  # the fixture's class
    from tests.integration.contracts.conftest import Wire

SAMLAD = Path(sys.executable).with_name("samlad")  # .venv/bin/samlad


def published_files() -> dict[str, bytes]:
    return {
        path.relative_to(PUBLISHED_DIR).as_posix(): path.read_bytes()
        for path in sorted(PUBLISHED_DIR.rglob("*.json"))
    }


async def test_contracts_are_served_without_a_token(wire: Wire) -> None:
    index = await wire.http.get("/contracts")
    assert index.status_code == 200, (
        f"{index.status_code}: /contracts must be open (adapters/auth/policy.py _OPEN)"
    )
    body = index.json()
    published = published_files()
    types = {entry["type"] for entry in body["types"]}
    assert types == {name[len("schemas/"):-5] for name in published if name[:8] == "schemas/"}
    assert body["asyncapi"] == "/contracts/asyncapi.json"
    v1, v2 = (next(e for e in body["types"]
                   if e["type"] == f"se.samlad.fk.sickness-benefit-ended.v{n}") for n in (1, 2))
    assert (v1["latest"], v2["latest"]) == (False, True)

    document = await wire.http.get(body["asyncapi"])
    assert document.headers["content-type"].startswith("application/json")
    # The committed document, naming the running system's NATS server instead of a
    # placeholder: an integrator connects to what the document says.
    served = document.json()
    committed = json.loads(published["asyncapi.json"])
    assert {k: v for k, v in served.items() if k != "servers"} == {
        k: v for k, v in committed.items() if k != "servers"}
    [server] = served["servers"].values()
    assert f"{server['protocol']}://{server['host']}" == wire.url
    assert served["asyncapi"].startswith("3.")
    for entry in body["types"]:
        schema = await wire.http.get(entry["schema"])
        example = await wire.http.get(entry["example"])
        assert schema.content == published[f"schemas/{entry['type']}.json"]
        assert example.content == published[f"examples/{entry['type']}.json"]
        jsonschema.validate(example.json(), schema.json(),
                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        # dataschema names the served path (on the public host).
        assert example.json()["dataschema"].endswith(entry["schema"])


async def test_unknown_or_malformed_contract_names_are_404(wire: Wire) -> None:
    for path in (
        "/contracts/schemas/se.samlad.fk.no-such-event.v1.json",
        "/contracts/examples/se.samlad.fk.sickness-benefit-ended.v9.json",
        "/contracts/schemas/..%2Fasyncapi.json",
        "/contracts/schemas/se.samlad.fk.sickness-benefit-ended.v2",
    ):
        response = await wire.http.get(path)
        assert response.status_code == 404, path


def test_samlad_contracts_export_writes_what_is_published_and_served(tmp_path: Path) -> None:
    target = tmp_path / "out"
    result = subprocess.run(
        [str(SAMLAD), "contracts", "export", str(target)],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr
    written = {
        path.relative_to(target).as_posix(): path.read_bytes()
        for path in sorted(target.rglob("*.json"))
    }
    assert sorted(result.stdout.split()) == sorted(str(target / name) for name in written)
    published = published_files()
    assert written.keys() == published.keys()
    stale = [name for name in written if written[name] != published[name]]
    assert not stale, f"contracts/published differs from the export: {stale[:5]}"
    for name, text in written.items():
        if name.startswith("examples/"):
            schema = json.loads(written[name.replace("examples/", "schemas/", 1)])
            jsonschema.validate(json.loads(text), schema)


def test_the_exported_asyncapi_names_the_nats_url_it_is_given(tmp_path: Path) -> None:
    urls = "nats://nats-1.samlad.internal:4222,tls://nats-2.samlad.internal:4443"
    result = subprocess.run(
        [str(SAMLAD), "contracts", "export", str(tmp_path), "--nats-url", urls],
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr
    servers = json.loads((tmp_path / "asyncapi.json").read_text())["servers"]
    assert [(s["protocol"], s["host"]) for s in servers.values()] == [
        ("nats", "nats-1.samlad.internal:4222"), ("tls", "nats-2.samlad.internal:4443")]
