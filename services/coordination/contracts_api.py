"""The published event contracts, served as they are committed: /contracts.

Integrators (and their tools) fetch the AsyncAPI document, the JSON Schema and an
example message of every event type here. The files are read from the ``contracts``
package's directory (``contracts.schema.PUBLISHED_DIR``), byte for byte what
``samlad contracts export`` writes and what the compatibility test guards; nothing is
generated at request time, except that the AsyncAPI document names the running system's
NATS server(s) when the service knows them. Open endpoints: the contracts are public.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
from litestar import Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from contracts.schema import PUBLISHED_DIR, with_nats_url

JSON = "application/json"
# Type names only (``se.samlad.fk.sickness-benefit-ended.v2``): no path can escape.
_TYPE_RE = re.compile(r"^se\.samlad\.[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*\.v[1-9][0-9]*$")


class ContractLinks(msgspec.Struct, kw_only=True):
    type: str
    agency: str
    version: int
    latest: bool  # False: superseded by a newer version, still accepted (upcast)
    schema: str
    example: str


class ContractIndex(msgspec.Struct, kw_only=True):
    asyncapi: str
    contracts_version: str
    types: list[ContractLinks]


def _read(resource: Path) -> bytes:
    if not resource.is_file():
        raise NotFoundException("no such contract artefact")
    return resource.read_bytes()


def _published_types(published: Path) -> list[str]:
    schemas = published.joinpath("schemas")
    return sorted(
        entry.name.removesuffix(".json")
        for entry in schemas.iterdir()
        if entry.name.endswith(".json") and _TYPE_RE.match(entry.name.removesuffix(".json"))
    )


def _index(published: Path, prefix: str) -> ContractIndex:
    asyncapi = json.loads(_read(published.joinpath("asyncapi.json")))
    parsed = [(t, *t.split(".")[2:]) for t in _published_types(published)]
    newest: dict[tuple[str, str], int] = {}
    for _, agency, name, version in parsed:
        key = (agency, name)
        newest[key] = max(newest.get(key, 0), int(version[1:]))
    links = []
    for ce_type, agency, name, version in parsed:
        links.append(ContractLinks(
            type=ce_type, agency=agency, version=int(version[1:]),
            latest=newest[(agency, name)] == int(version[1:]),
            schema=f"{prefix}/schemas/{ce_type}.json",
            example=f"{prefix}/examples/{ce_type}.json",
        ))
    return ContractIndex(
        asyncapi=f"{prefix}/asyncapi.json",
        contracts_version=str(asyncapi.get("info", {}).get("version", "")),
        types=links,
    )


def _artefact(published: Path, folder: str, filename: FromPath[str]) -> Response[bytes]:
    ce_type = filename.removesuffix(".json")
    if not filename.endswith(".json") or not _TYPE_RE.match(ce_type):
        raise NotFoundException(f"no contract {filename!r}")
    try:
        body = _read(published.joinpath(folder, filename))
    except NotFoundException:
        raise NotFoundException(f"no published contract for type {ce_type!r}") from None
    return Response(body, media_type=JSON)


def _asyncapi(published: Path, nats_url: str | None) -> bytes:
    committed = _read(published.joinpath("asyncapi.json"))
    if nats_url is None:
        return committed
    document = with_nats_url(json.loads(committed), nats_url)
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def contracts_router(
    published: Path | None = None, *, path: str = "/contracts", nats_url: str | None = None
) -> Router:
    """Routes under ``path``; ``published`` defaults to the package's published dir.

    ``nats_url``: the NATS server(s) the running system uses, named in the AsyncAPI
    document's ``servers`` (the committed copy names a placeholder).
    """
    source = published if published is not None else PUBLISHED_DIR

    @get("/", sync_to_thread=True, tags=["contracts"],
         summary="Index of the published event contracts, with links")
    def index() -> ContractIndex:
        return _index(source, path)

    @get("/asyncapi.json", sync_to_thread=True, tags=["contracts"],
         summary="The AsyncAPI 3.0 document (channels = NATS subjects)")
    def asyncapi() -> Response[bytes]:
        return Response(_asyncapi(source, nats_url), media_type=JSON)

    @get("/schemas/{filename:str}", sync_to_thread=True, tags=["contracts"],
         summary="The JSON Schema (draft 2020-12) of one event type's message")
    def schema(filename: FromPath[str]) -> Response[bytes]:
        return _artefact(source, "schemas", filename)

    @get("/examples/{filename:str}", sync_to_thread=True, tags=["contracts"],
         summary="A valid example message (structured mode) of one event type")
    def example(filename: FromPath[str]) -> Response[bytes]:
        return _artefact(source, "examples", filename)

    return Router(path=path, route_handlers=[index, asyncapi, schema, example])
