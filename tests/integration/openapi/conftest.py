"""The five services served over HTTP for the package; schemathesis reads their documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from adapters.auth.testing import auth_headers
from services.demo.personnummer import personnummer

from . import tally
from .served import Served, served


@pytest.fixture(scope="package")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("openapi")) as running:
        yield running


@pytest.fixture(scope="package")
def known_case(system: Served) -> dict[str, str]:
    """A person enrolled at the kommun, identified at every other agency, whose case the
    coordination already holds: its ``person_ref`` and the ``position`` of the enrolment
    (a valid ``?after=``)."""
    pnr = personnummer(date(1985, 3, 14), 421)
    body = {
        "personnummer": pnr,
        "kommun": "Lund",
        "gender": "kvinna",
        "birth_year": 1985,
    }
    kommun = httpx.post(
        f"{system.urls['kommun']}/persons",
        json=body,
        headers=auth_headers(system.settings, "kommun"),
    )
    assert kommun.status_code == 201, kommun.text
    answer = kommun.json()
    case = httpx.get(
        f"{system.urls['coordination']}/cases/{answer['person_ref']}",
        params={"after": answer["position"]},
        timeout=10,
        headers=auth_headers(system.settings, None, "auditor"),
    )
    assert case.status_code == 200, case.text
    for agency in ("af", "fk", "region"):
        identified = httpx.post(
            f"{system.urls[agency]}/persons",
            json={"personnummer": pnr},
            headers=auth_headers(system.settings, agency),
        )
        assert identified.json()["person_ref"] == answer["person_ref"], identified.text
    return {"person_ref": answer["person_ref"], "position": answer["position"]}


@pytest.fixture(autouse=True)
def _schemathesis_node_id(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's lazy schemas name subtests through ``node._nodeid``, which
    pytest 9.2 no longer has (it keeps ``nodeid``): give it the attribute it reads."""
    node: Any = request.node
    if not hasattr(node, "_nodeid"):
        node._nodeid = node.nodeid


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in tally.lines():
        terminalreporter.write_line(line)
