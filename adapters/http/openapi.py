"""The OpenAPI document a service serves, made to say what the service does.

Litestar derives a document from the handlers' signatures, but it leaves out what the
service enforces elsewhere: the bearer token and the roles of the policy table, the
problem+json answers (400, 401, 403, 404, 409, 422, 503), and what msgspec refuses
(unknown fields, patterns, bounds of list items). ``TruthfulOpenAPI`` serves
``/schema/openapi.json`` from Litestar's document corrected in one pass for every service:

- request and response bodies are msgspec's own JSON Schema of the handler's types, so a
  document and the decoder cannot disagree (``additionalProperties: false`` where unknown
  fields are refused, ``minLength`` on list items, ``anyOf`` for ``int | float``);
- every error a route can answer is listed with ``application/problem+json`` and the RFC
  9457 ``ProblemDetails`` schema;
- the ``bearer`` scheme is declared and applied, open routes say ``security: []``, and
  each operation names who may call it in ``x-samlad-roles`` (derived from
  adapters/auth/policy.py, the table the guard applies);
- optional query parameters are their value's schema (a query string cannot carry null).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from litestar import Litestar, Request, Response
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.routes import HTTPRoute

from adapters.auth.policy import RULES, Access, Reach, access_of
from adapters.http.strict_input import json_body_type

__all__ = ["PROBLEM_JSON", "TruthfulOpenAPI", "truthful_document"]

PROBLEM_JSON = "application/problem+json"
BEARER = "bearer"
_REF = "#/components/schemas/{name}"
_PROBLEM_REF = {"$ref": _REF.format(name="ProblemDetails")}

PROBLEM_DETAILS: dict[str, Any] = {
    "title": "ProblemDetails",
    "description": "RFC 9457 problem details. `extra` (validation) names each refused "
    "input (`key`, `source`, `message`); `invalid_params` names the field a "
    "rule refused; a 503 adds how stale the read is.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "extra": {},
        "invalid_params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
    "required": ["status", "title"],
}

_WHY = {
    "400": "The request does not match this document (body, path or query); `extra` says where.",
    "401": "No bearer token, or one this deployment did not sign or that has expired.",
    "403": "The token's role or agency may not call this operation (see x-samlad-roles).",
    "404": "What the path names does not exist here.",
    "409": "The command contradicts what the agency already recorded.",
    "422": "The command breaks a rule the schema cannot state (a check digit, a period "
    "that ends before it starts, a combination of values); `invalid_params` names "
    "the field.",
    "503": "The read is not fresh within 5 s (`?after=`); retry after `Retry-After` seconds.",
}
_HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "required": True,
            "description": 'Bearer realm="samlad"',
        }
    },
    "503": {
        "Retry-After": {"schema": {"type": "string"}, "required": True, "description": "seconds"}
    },
}
_ROLE_WORDS = {
    Reach.OWN: "of this agency's own",
    Reach.ANY: "of any agency",
    Reach.SELF: "only about the person the token names",
}


def _operations(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                yield route.path_format or "/", method.lower(), handler


def _success_type(handler: HTTPRouteHandler) -> Any:
    returned = handler.parsed_fn_signature.return_type
    if returned.is_subclass_of(Response):
        return returned.inner_types[0].annotation if returned.inner_types else None
    return returned.annotation


def _any_value(kind: type) -> dict[str, Any]:
    if kind is object:  # ``dict[str, object]``: any JSON value
        return {"description": "any JSON value"}
    raise NotImplementedError(kind)


def _schemas(types: Mapping[tuple[str, str, str], Any]) -> tuple[dict[Any, Any], dict[str, Any]]:
    """msgspec's schema of each body type (bytes: a JSON document) and the components."""
    kinds = [t for t in dict.fromkeys(types.values()) if t is not bytes]
    generated, components = msgspec.json.schema_components(
        kinds, schema_hook=_any_value, ref_template=_REF
    )
    by_type: dict[Any, Any] = dict(zip(kinds, generated, strict=True))
    by_type[bytes] = {"type": "object", "description": "a JSON document, served as committed"}
    return by_type, components


def _security(service: str, method: str, path: str) -> dict[str, Any]:
    access = access_of(service, method, path)
    if access in (Access.OPEN, Access.UI):
        return {"security": []}
    roles = RULES[access]
    if not roles:
        return {
            "security": [{BEARER: []}],
            "x-samlad-access": str(access),
            "x-samlad-roles": [],
            "description": "No role may call this.",
        }
    words = ", ".join(f"{role} ({_ROLE_WORDS[reach]})" for role, reach in roles.items())
    if any(reach is Reach.OWN for reach in roles.values()):
        words += f'; "own" means a token whose agency is {service}'
    return {
        "security": [{BEARER: []}],
        "x-samlad-access": str(access),
        "x-samlad-roles": [str(role) for role in roles],
        "description": f"Roles allowed (bearer token): {words}.",
    }


def _problems(operation: dict[str, Any], path: str, access: Access) -> list[str]:
    statuses = []
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append("400")
    if access not in (Access.OPEN, Access.UI):
        statuses += ["401", "403"]
    if "{" in path:
        statuses.append("404")
    if access is Access.COMMAND:
        statuses += ["409", "422"]
    if any(p.get("name") == "after" for p in operation.get("parameters", [])):
        statuses.append("503")
    return statuses


def _query_parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    """A query string has no null: an optional parameter is its value's schema, absent."""
    schema = parameter.get("schema", {})
    options = [o for o in schema.get("oneOf", []) if o.get("type") != "null"]
    if "oneOf" in schema and len(options) == 1:
        rest = {k: v for k, v in schema.items() if k != "oneOf"}
        parameter = parameter | {"schema": options[0] | rest}
    return parameter


def truthful_document(app: Litestar, service: str, generated: dict[str, Any]) -> dict[str, Any]:
    """Litestar's ``generated`` document of ``app``, corrected as the module says."""
    document = copy.deepcopy(generated)
    handlers = {(path, method): handler for path, method, handler in _operations(app)}
    types: dict[tuple[str, str, str], Any] = {}
    for path, item in document.get("paths", {}).items():
        for method in item:
            handler = handlers.get((path, method))
            if handler is None:
                continue
            body = json_body_type(handler)
            if body is not None:
                types[(path, method, "body")] = body
            success = _success_type(handler)
            if success is not None:
                types[(path, method, "success")] = success
    by_type, components = _schemas(types)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(components)
    schemas["ProblemDetails"] = PROBLEM_DETAILS
    document["components"]["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An Ed25519-signed JWT naming the caller's agency and role "
            "(`samlad token issue`, or the identity provider).",
        }
    }
    document["security"] = [{BEARER: []}]
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if (path, method) not in handlers:
                continue
            _correct(operation, service, method, path, types, by_type)
    _link_person_refs(document, types)
    return document


def _link_person_refs(document: dict[str, Any], types: Mapping[tuple[str, str, str], Any]) -> None:
    """OpenAPI ``links``: an answer naming a ``person_ref`` leads to every operation on
    that person (``/persons/{person_ref}…``, ``/cases/{person_ref}…``), so a client or a
    stateful tester can follow enrol → record → hand-off without reading prose."""
    targets = {
        operation["operationId"]: path
        for path, item in document.get("paths", {}).items()
        for operation in item.values()
        if "{person_ref}" in path and "operationId" in operation
    }
    for (path, method, role), kind in types.items():
        # Only where a person_ref first appears (identify, enrol): the rest already take one.
        if (
            role != "success"
            or "{person_ref}" in path
            or "person_ref" not in getattr(kind, "__struct_fields__", ())
        ):
            continue
        operation = document["paths"][path][method]
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                response["links"] = {
                    operation_id: {
                        "operationId": operation_id,
                        "parameters": {"person_ref": "$response.body#/person_ref"},
                    }
                    for operation_id in sorted(targets)
                }


def _correct(
    operation: dict[str, Any],
    service: str,
    method: str,
    path: str,
    types: Mapping[tuple[str, str, str], Any],
    by_type: Mapping[Any, Any],
) -> None:
    body = types.get((path, method, "body"))
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": by_type[body]}},
        }
    parameters = [
        _query_parameter(p) if p.get("in") == "query" else p
        for p in operation.pop("parameters", [])
    ]
    if parameters:
        operation["parameters"] = parameters
    responses = operation.setdefault("responses", {})
    success = types.get((path, method, "success"))
    for status, response in responses.items():
        if status.startswith("2") and success is not None and response.get("content"):
            media = next(iter(response["content"]))
            response["content"] = {media: {"schema": by_type[success]}}
    responses.pop("400", None)  # Litestar's own shape; the problem below replaces it
    access = access_of(service, method, path)
    for status in _problems(operation, path, access):
        responses[status] = {
            "description": _WHY[status],
            "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
        }
        if status in _HEADERS:
            responses[status]["headers"] = _HEADERS[status]
    security = _security(service, method, path)
    description = security.pop("description", None)
    operation.update(security)
    if description:
        operation["description"] = (operation.get("description", "") + "\n\n" + description).strip()


class TruthfulOpenAPI(JsonRenderPlugin):
    """Serves ``/schema/openapi.json`` as ``truthful_document`` of the app (built once)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self._rendered: bytes | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._rendered is None:
            document = truthful_document(request.app, self.service, openapi_schema)
            self._rendered = self.render_json(request, document)
        return self._rendered
