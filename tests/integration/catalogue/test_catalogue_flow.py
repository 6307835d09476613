"""Agencies publish offerings as events; coordination lists where there is room.

Real nats-server and stores: POST /catalogue on an agency → its outbox → JetStream →
coordination's partition consumer → the catalogue read model → GET /catalogue.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.auth.testing import auth_headers
from tests.integration.security.deployment import (
    Calls,
    Deployment,
    new_personnummer,
)
from tests.waiting import eventually

TODAY = datetime.now(UTC).date()


def new_offering_id(name: str) -> str:
    return f"o-{name}-{uuid.uuid4().hex[:12]}"


def offering(offering_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "offering_id": offering_id,
        "name": "Arbetsträning i kommunens kök",
        "description": "Arbetsträning 25–100 % med handledare.",
        "intervention_type": "arbetstraning",
        "target_groups": ["ung"],
        "places_total": 8,
        "places_free": 3,
        "valid_from": (TODAY - timedelta(days=30)).isoformat(),
        "valid_to": None,
        **overrides,
    }


async def listed(calls: Calls, offering_id: str, **params: str) -> dict[str, Any] | None:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    rows = await calls.call("coordination", "GET", f"/catalogue?{query}", agency="kommun")
    return next((row for row in rows if row["offering_id"] == offering_id), None)


async def test_a_published_offering_reaches_the_shared_catalogue_with_its_free_places(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    offering_id = new_offering_id("kok")
    answer = await calls.call(
        "kommun", "POST", "/catalogue", agency="kommun", json=offering(offering_id)
    )
    assert answer["offering_id"] == offering_id and answer["position"]

    row = await eventually(lambda: listed(calls, offering_id, agency="kommun"))
    assert row is not None, "the offering never reached the catalogue"
    assert (row["agency"], row["places_free"], row["places_total"]) == ("kommun", 3, 8)

    await calls.call(
        "kommun",
        "POST",
        f"/catalogue/{offering_id}/places",
        agency="kommun",
        json={"places_free": 0},
    )

    async def full() -> bool:
        return await listed(calls, offering_id) is None

    assert await eventually(full), "a full offering is still listed as having room"
    full_row = await listed(calls, offering_id, with_room="false")
    assert full_row is not None and full_row["places_free"] == 0


async def test_the_catalogue_filters_by_target_group_and_agency(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    for_young, for_all = new_offering_id("ung"), new_offering_id("alla")
    await calls.call(
        "af",
        "POST",
        "/catalogue",
        agency="af",
        json=offering(
            for_young, name="Rusta och matcha", target_groups=["ung"], intervention_type="matchning"
        ),
    )
    await calls.call(
        "region",
        "POST",
        "/catalogue",
        agency="region",
        json=offering(
            for_all,
            name="Fysioterapi i grupp",
            target_groups=[],
            intervention_type="rehabilitering",
        ),
    )
    # Two producers, two partitions: each arrives on its own.
    assert await eventually(lambda: listed(calls, for_all))
    assert await eventually(lambda: listed(calls, for_young))

    assert await listed(calls, for_young, target_group="ung")
    assert await listed(calls, for_all, target_group="nyanland")  # open to everyone
    assert not await listed(calls, for_young, target_group="nyanland")
    assert not await listed(calls, for_young, agency="region")
    assert await listed(calls, for_all, agency="region")


async def test_an_agency_cannot_publish_or_change_another_agencys_offering(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    offering_id = new_offering_id("kommunens")
    await calls.call("kommun", "POST", "/catalogue", agency="kommun", json=offering(offering_id))
    # AF's token does not reach the kommun's service …
    await calls.call(
        "kommun",
        "POST",
        "/catalogue",
        agency="af",
        status=403,
        json=offering(offering_id, places_free=8),
    )
    await calls.call(
        "kommun",
        "POST",
        f"/catalogue/{offering_id}/places",
        agency="af",
        status=403,
        json={"places_free": 8},
    )
    # … and on its own, the same id names an AF offering, never the kommun's.
    await calls.call(
        "af",
        "POST",
        f"/catalogue/{offering_id}/places",
        agency="af",
        status=404,
        json={"places_free": 8},
    )
    await calls.call(
        "af",
        "POST",
        "/catalogue",
        agency="af",
        json=offering(offering_id, name="AF:s egen", places_free=8),
    )

    async def both() -> list[dict[str, Any]]:
        rows = await calls.call("coordination", "GET", "/catalogue", agency="kommun")
        found = [row for row in rows if row["offering_id"] == offering_id]
        return found if len(found) == 2 else []

    rows = {row["agency"]: row for row in await eventually(both)}
    assert rows["kommun"]["name"] == "Arbetsträning i kommunens kök"
    assert rows["kommun"]["places_free"] == 3
    assert rows["af"]["places_free"] == 8


async def test_a_hand_off_names_the_offering_it_proposes_on_the_case_page(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    offering_id = new_offering_id("matcha")
    await calls.call(
        "af",
        "POST",
        "/catalogue",
        agency="af",
        json=offering(
            offering_id,
            name="Rusta och matcha för unga",
            intervention_type="matchning",
            places_free=2,
        ),
    )
    enrolled = await calls.call(
        "kommun",
        "POST",
        "/persons",
        agency="kommun",
        status=201,
        json={
            "personnummer": new_personnummer(),
            "kommun": "Lund",
            "gender": "kvinna",
            "birth_year": 2001,
            "target_groups": ["ung"],
        },
    )
    ref = enrolled["person_ref"]
    asked = await calls.call(
        "kommun",
        "POST",
        f"/persons/{ref}/hand-offs",
        agency="kommun",
        status=201,
        json={"to_agency": "af", "reason": "matchning", "offering_id": offering_id},
    )
    assert await eventually(lambda: listed(calls, offering_id))

    case = await calls.call(
        "coordination", "GET", f"/cases/{ref}?after={asked['position']}", agency="kommun"
    )
    assert [h["offering_id"] for h in case["state"]["hand_offs"]] == [offering_id]
    header = auth_headers(deployment.settings, "kommun", "handlaggare")["Authorization"]
    page = await deployment.clients["coordination"].get(
        f"/ui/cases/{ref}", headers={"Cookie": f"samlad_token={header.split(' ', 1)[1]}"}
    )
    assert page.status_code == 200
    assert "Föreslagen insats: <strong>Rusta och matcha för unga (2 lediga platser)" in page.text
    room = page.text.split('id="lediga-platser"', 1)[1].split("</section>", 1)[0]
    assert "Rusta och matcha för unga" in room  # for "ung", the person's target group
