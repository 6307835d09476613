"""Every role against every endpoint of every service, read from the apps' own routes.

The endpoints are enumerated from each running app, so a new endpoint is checked the
moment it exists. The expectations below are written out by hand, independently of
adapters/auth/policy.py: the test fails if the table and this matrix ever disagree.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Litestar
from litestar.routes import HTTPRoute

from adapters.auth.policy import Access, access_of
from adapters.auth.testing import auth_headers
from adapters.auth.tokens import issue_token

from .deployment import Deployment

OK, UNAUTHENTICATED, FORBIDDEN = "ok", 401, 403

# (label, role, agency relative to the service: "own", "other" or None)
PRINCIPALS: list[tuple[str, str | None, str | None]] = [
    ("anonymous", None, None),
    ("forged", None, None),
    ("handlaggare@own", "handlaggare", "own"),
    ("handlaggare@other", "handlaggare", "other"),
    ("samordnare@own", "samordnare", "own"),
    ("samordnare@other", "samordnare", "other"),
    ("auditor", "auditor", None),
    ("system@own", "system", "own"),
    ("system@other", "system", "other"),
    ("system@forbund", "system", None),
    ("styrelse", "styrelse", None),
    # The participant: "own" names the person the path is about, "other" someone else.
    ("person@own", "person", "own"),
    ("person@other", "person", "other"),
]

_OWN_AGENCY_ONLY = {
    "anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED,
    "handlaggare@own": OK, "handlaggare@other": FORBIDDEN,
    "samordnare@own": OK, "samordnare@other": FORBIDDEN,
    "auditor": FORBIDDEN,
    "system@own": OK, "system@other": FORBIDDEN, "system@forbund": FORBIDDEN,
    "styrelse": FORBIDDEN,
    "person@own": FORBIDDEN, "person@other": FORBIDDEN,
}
EXPECTED: dict[Access, dict[str, Any]] = {
    Access.OPEN: dict.fromkeys(_OWN_AGENCY_ONLY, OK),
    Access.COMMAND: _OWN_AGENCY_ONLY,
    # The same command for case workers; a person records only their own consent.
    Access.CONSENT: _OWN_AGENCY_ONLY | {"person@own": OK},
    Access.RECORD: _OWN_AGENCY_ONLY,
    Access.CASE: dict.fromkeys(_OWN_AGENCY_ONLY, OK)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED, "styrelse": FORBIDDEN,
       "person@own": FORBIDDEN, "person@other": FORBIDDEN},
    Access.OPS: dict.fromkeys(_OWN_AGENCY_ONLY, FORBIDDEN)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED,
       "auditor": OK, "system@own": OK, "system@other": OK, "system@forbund": OK},
    Access.AUDIT: dict.fromkeys(_OWN_AGENCY_ONLY, FORBIDDEN)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED, "auditor": OK},
    # /me names no one: whichever person calls reads their own view, and only they.
    Access.SELF: dict.fromkeys(_OWN_AGENCY_ONLY, FORBIDDEN)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED,
       "person@own": OK, "person@other": OK},
    Access.NONE: dict.fromkeys(_OWN_AGENCY_ONLY, FORBIDDEN)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED},
    # The rule policy (no personal data): everyone with a token reads it; only the board
    # changes it.
    Access.RULES: dict.fromkeys(_OWN_AGENCY_ONLY, OK)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED},
    Access.POLICY: dict.fromkeys(_OWN_AGENCY_ONLY, FORBIDDEN)
    | {"anonymous": UNAUTHENTICATED, "forged": UNAUTHENTICATED, "styrelse": OK},
}

_PARAM = re.compile(r"\{(\w+):(\w+)\}")
OTHER_PERSON = "p" + "c" * 26
_SAMPLE = {"str": "pa" + "b" * 25, "path": "samlad.css", "int": "1",
           "uuid": "00000000-0000-0000-0000-000000000001"}


def endpoints(app: Litestar) -> list[tuple[str, str]]:
    """(method, path template) of every HTTP handler of ``app``."""
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method != "OPTIONS":
                    found.add((method, route.path))
    return sorted(found)


def concrete(path: str) -> str:
    return _PARAM.sub(lambda m: _SAMPLE[m.group(2)], path)


def headers_for(deployment: Deployment, service: str, label: str, role: str | None,
                where: str | None) -> dict[str, str]:
    if label == "anonymous":
        return {}
    if label == "forged":
        # Signed, but not by the deployment's issuer.
        token = issue_token(Ed25519PrivateKey.generate(), agency="kommun", role="handlaggare",
                            subject="mallory")
        return {"Authorization": f"Bearer {token}"}
    assert role is not None
    if role == "person":
        ref = _SAMPLE["str"] if where == "own" else OTHER_PERSON
        return auth_headers(deployment.settings, None, role, person_ref=ref)
    own = service if service != "coordination" else "kommun"
    other = "af" if own != "af" else "fk"
    agency = {"own": own, "other": other, None: None}[where]
    return auth_headers(deployment.settings, agency, role)


def test_every_route_is_classified(deployment: Deployment) -> None:
    seen = set()
    for service, app in deployment.apps.items():
        routes = endpoints(app)
        assert len(routes) >= 5, service
        for method, path in routes:
            access = access_of(service, method, path)
            seen.add(access)
            assert access in EXPECTED or access is Access.UI, (service, method, path)
            if access is Access.UI:
                assert service == "coordination" and path.startswith("/ui"), path
    # The person's two ways in exist, so the matrix below checks them for every role.
    assert {Access.SELF, Access.CONSENT} <= seen


async def test_every_role_against_every_endpoint(deployment: Deployment) -> None:
    checked, mismatches = 0, []
    for service, app in deployment.apps.items():
        client = deployment.clients[service]
        for method, path in endpoints(app):
            access = access_of(service, method, path)
            if access is Access.UI:
                continue  # HTML pages: a principal if any; the UI sends others to log in
            for label, role, where in PRINCIPALS:
                expected = EXPECTED[access][label]
                kwargs: dict[str, Any] = {
                    "headers": headers_for(deployment, service, label, role, where)}
                if method not in ("GET", "HEAD"):
                    kwargs["json"] = {}
                response = await client.request(method, concrete(path), **kwargs)
                checked += 1
                got = response.status_code if response.status_code in (401, 403) else OK
                if got != expected:
                    mismatches.append((service, method, path, label, expected,
                                       response.status_code))
                elif got != OK:
                    assert response.headers["content-type"].startswith(
                        "application/problem+json"), (service, path, response.text)
    assert not mismatches, "\n".join(map(str, mismatches))
    assert checked > 300


@pytest.mark.parametrize("service", ["kommun", "af", "fk", "region"])
async def test_a_case_worker_acts_only_through_the_own_agency(
    deployment: Deployment, service: str
) -> None:
    other = "af" if service != "af" else "kommun"
    response = await deployment.clients[service].post(
        "/persons", json={"personnummer": "19811218-9876"},
        headers=auth_headers(deployment.settings, other, "handlaggare"))
    assert response.status_code == 403
    body = response.json()
    assert body["status"] == 403 and other in body["detail"]


async def test_a_missing_token_is_challenged(deployment: Deployment) -> None:
    response = await deployment.clients["coordination"].get("/alerts")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_ui_cookie_carries_a_token_for_reads_only(deployment: Deployment) -> None:
    token = auth_headers(deployment.settings, "kommun")["Authorization"].split()[1]
    client = deployment.clients["kommun"]
    client.cookies.set("samlad_token", token)
    try:
        read = await client.get(f"/persons/{_SAMPLE['str']}")
        write = await client.post(f"/persons/{_SAMPLE['str']}/contact/lost", json={})
    finally:
        client.cookies.clear()
    assert read.status_code == 404  # in, and the person is unknown
    assert write.status_code == 401  # a cookie alone never carries a command


async def test_probes_and_the_openapi_document_stay_open(deployment: Deployment) -> None:
    for service, client in deployment.clients.items():
        for path in ("/health", "/schema/openapi.json"):
            response = await client.get(path)
            assert response.status_code == 200, (service, path)
