"""Generated artefacts: JSON Schemas, examples, the AsyncAPI document, the guide."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from adapters.store.testing import missing, opted_out
from contracts.base import is_person_bound
from contracts.envelope import decode_message
from contracts.examples import example_message
from contracts.registry import REGISTRY, EventSpec
from contracts.schema import (
    EXAMPLES_BEGIN,
    PUBLISHED_DIR,
    artefacts,
    export,
    json_schema,
    with_examples_section,
)

HERE = Path(__file__).parent
REPO = HERE.parents[2]
PARSER = HERE / "node_modules" / "@asyncapi" / "parser"
GUIDE = REPO / "docs" / "integrating.md"
REGENERATE = "run `.venv/bin/python -m contracts.schema` and commit the result"


@pytest.fixture(params=REGISTRY.specs(), ids=lambda spec: spec.type)
def spec(request: pytest.FixtureRequest) -> EventSpec:
    return request.param  # type: ignore[no-any-return]


def _validator(schema: dict[str, object]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_every_example_validates_against_its_published_schema(spec: EventSpec) -> None:
    schema = json.loads((PUBLISHED_DIR / "schemas" / f"{spec.type}.json").read_text())
    example = json.loads((PUBLISHED_DIR / "examples" / f"{spec.type}.json").read_text())
    _validator(schema).validate(example)


def test_every_example_decodes(spec: EventSpec) -> None:
    received = decode_message(json.dumps(example_message(spec)).encode(), None)
    assert received.wire_spec is spec


def test_a_schema_refuses_another_agencys_source_and_a_wrong_type(spec: EventSpec) -> None:
    validator = _validator(json_schema(spec))
    example = example_message(spec)
    assert not validator.is_valid({**example, "source": "urn:samlad:other"})
    assert not validator.is_valid({**example, "type": "se.samlad.x.y.v1"})
    ref = "person_ref" if is_person_bound(spec.struct) else "offering_id"
    assert not validator.is_valid({**example, "data": {**example["data"], ref: "x"}})
    assert not validator.is_valid({**example, "subject": "x"})


def test_the_published_artefacts_are_up_to_date() -> None:
    stale = [
        relative
        for relative, text in artefacts().items()
        if not (PUBLISHED_DIR / relative).exists()
        or (PUBLISHED_DIR / relative).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"contracts/published is stale ({stale[:5]}): {REGENERATE}"


def test_export_writes_every_artefact(tmp_path: Path) -> None:
    written = export(tmp_path)
    names = {path.relative_to(tmp_path).as_posix() for path in written}
    assert "asyncapi.json" in names
    for spec in REGISTRY.specs():
        assert f"schemas/{spec.type}.json" in names
        assert f"examples/{spec.type}.json" in names


def test_the_asyncapi_document_names_every_subject_and_operation() -> None:
    document = json.loads((PUBLISHED_DIR / "asyncapi.json").read_text())
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert "samlad.fk.sickness-benefit-ended.v2.{person_ref}" in addresses
    # One address per type (an alert's channels per recipient share it), and the dead
    # letters: per agency its outbox's and coordination's verdicts, and coordination's own;
    # the republish requests: coordination's one and each agency's own.
    assert len(addresses) == len(REGISTRY.specs()) + 4 * 2 + 1 + 1 + 4
    assert "samlad.coordination.alert-raised.v1.{person_ref}.{recipients}" in addresses
    assert "samlad.deadletter.af.coordination" in addresses
    operations = document["operations"]
    assert operations["af.receive.alert-raised.v1"]["x-samlad-consumer"] == {
        "stream": "SAMLAD_EVENTS", "durable": "alerts-af"}
    assert operations["af.send.hand-off-requested.v1"]["action"] == "send"
    assert operations["coordination.receive.af.hand-off-requested.v1"]["action"] == "receive"
    assert operations["kommun.receive.alert-raised.v1"]["action"] == "receive"
    assert operations["coordination.send.alert-raised.v1"]["action"] == "send"


def test_the_asyncapi_document_parses_with_the_official_parser() -> None:
    if opted_out("asyncapi"):
        missing("asyncapi", "the AsyncAPI parser test is opted out")
    if shutil.which("node") is None:
        missing("asyncapi", "node is not installed")
    if not PARSER.exists():
        missing("asyncapi", "run `npm ci --prefix tests/unit/contracts` first")
    result = subprocess.run(
        ["node", str(HERE / "asyncapi_parse.mjs"), str(PUBLISHED_DIR / "asyncapi.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_guide_shows_every_example_as_generated() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert EXAMPLES_BEGIN in guide
    assert with_examples_section(guide) == guide, f"docs/integrating.md is stale: {REGENERATE}"
    for spec in REGISTRY.specs():
        assert f"#### `{spec.type}`" in guide
        assert json.dumps(example_message(spec), indent=2, ensure_ascii=False) in guide
