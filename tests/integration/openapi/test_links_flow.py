"""Enrol → identify → hand-off → accept, as an integrator would walk it from the documents:
each next operation found through the previous answer's OpenAPI ``links``, each answer
checked against its document by schemathesis."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

import requests
import schemathesis
from schemathesis.core.transport import Response

from adapters.auth.testing import auth_headers
from services.demo.personnummer import personnummer

from .served import Served

WAIT_SECONDS = 15.0


class Document:
    """One service's document: schemathesis' view for calls, the raw one for links."""

    def __init__(self, system: Served, service: str) -> None:
        url = f"{system.urls[service]}/schema/openapi.json"
        self.headers = auth_headers(system.settings, service)
        self.raw: dict[str, Any] = requests.get(url, timeout=10).json()
        self.schema = schemathesis.openapi.from_url(url)

    def call(
        self, method: str, path: str, *, body: Any, path_parameters: dict[str, str] | None = None
    ) -> Response:
        operation = self.schema[path][method]
        case = operation.Case(body=body, path_parameters=path_parameters or {})
        response: Response = case.call_and_validate(headers=self.headers)
        return response

    def follow(
        self, method: str, path: str, response: Response, operation_id: str
    ) -> tuple[str, str, dict[str, str]]:
        """The operation a link of ``response`` names, and its parameters resolved."""
        answer = self.raw["paths"][path][method.lower()]["responses"][str(response.status_code)]
        link = answer["links"][operation_id]
        parameters = {
            name: _resolve(expression, response.json())
            for name, expression in link["parameters"].items()
        }
        target = self.schema.find_operation_by_id(link["operationId"])
        return target.method.upper(), target.path, parameters


def _resolve(expression: str, body: dict[str, Any]) -> str:
    """A ``$response.body#/pointer`` runtime expression, the only kind the links use."""
    prefix = "$response.body#/"
    assert expression.startswith(prefix), expression
    value: Any = body
    for token in expression.removeprefix(prefix).split("/"):
        value = value[token]
    return str(value)


def test_enrol_identify_hand_off_accept_by_the_documents_links(system: Served) -> None:
    kommun, af = Document(system, "kommun"), Document(system, "af")
    born = date(1960, 1, 1) + timedelta(days=random.SystemRandom().randrange(15_000))
    pnr = personnummer(born, random.SystemRandom().randrange(1000))

    enrolled = kommun.call(
        "POST",
        "/persons",
        body={"personnummer": pnr, "kommun": "Lund", "gender": "man", "birth_year": born.year},
    )
    assert enrolled.status_code == 201

    identified = af.call("POST", "/persons", body={"personnummer": pnr})
    assert identified.json()["person_ref"] == enrolled.json()["person_ref"]

    method, path, parameters = kommun.follow(
        "POST", "/persons", enrolled, "PersonsPersonRefHandOffsRequestHandOff"
    )
    requested = kommun.call(
        method,
        path,
        path_parameters=parameters,
        body={"to_agency": "af", "reason": "behöver matchning"},
    )
    assert requested.status_code == 201
    hand_off_id = requested.json()["ids"]["hand_off_id"]

    method, path, parameters = af.follow(
        "POST", "/persons", identified, "PersonsPersonRefHandOffsHandOffIdAcceptAcceptHandOff"
    )
    # The hand-off reaches af over NATS: until it has, accepting it is a documented 404.
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        accepted = af.call(
            method, path, body={}, path_parameters=parameters | {"hand_off_id": hand_off_id}
        )
        if accepted.status_code != 404 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert accepted.status_code == 200, accepted.text
