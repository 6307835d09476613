"""A case worker walks the catalogue (insatskatalog): where there is room, for whom.

The agencies publish offerings through their own APIs; the kommun's case worker sees
how many places are free on the caseload, filters the catalogue by target group, and
on a young person's case sees the offerings that fit and the one a hand-off proposes.
Screenshots go to build/screenshots/ (``SAMLAD_SCREENSHOTS`` for the README's).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from .system import Agencies, Samlad, days_ago, log_in, new_personnummer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / os.environ.get("SAMLAD_SCREENSHOTS", "build/screenshots")


def offering(offering_id: str, name: str, kind: str, groups: list[str], total: int,
             free: int) -> dict[str, Any]:
    return {"offering_id": offering_id, "name": name, "intervention_type": kind,
            "description": f"{name}, i samverkan inom förbundet.", "target_groups": groups,
            "places_total": total, "places_free": free, "valid_from": days_ago(200)[:10]}


@pytest.fixture(scope="module")
def catalogue(agencies: Agencies) -> dict[str, str]:
    """Offerings of three agencies, this module's own (their names carry a tag)."""
    tag = uuid.uuid4().hex[:6]
    names = {
        "young": f"Rusta och matcha för unga {tag}",
        "newcomers": f"Språkpraktik för nyanlända {tag}",
        "everyone": f"Fysioterapi i grupp {tag}",
        "full": f"Validering inom vård {tag}",
    }
    agencies.post("af", "/catalogue", offering(
        f"o-unga-{tag}", names["young"], "matchning", ["ung"], 20, 6))
    agencies.post("kommun", "/catalogue", offering(
        f"o-sprak-{tag}", names["newcomers"], "praktik", ["nyanland"], 10, 2))
    agencies.post("region", "/catalogue", offering(
        f"o-fysio-{tag}", names["everyone"], "rehabilitering", [], 12, 4))
    agencies.post("kommun", "/catalogue", offering(
        f"o-validering-{tag}", names["full"], "validering", ["nyanland"], 8, 0))
    return names | {"tag": tag, "young_id": f"o-unga-{tag}"}


def wait_for(page: Any, url: str, text: str) -> None:
    """Open ``url`` once the coordination service holds ``text`` (it travels over NATS)."""
    from playwright.sync_api import expect

    for _ in range(60):
        response = page.goto(url)
        if response is not None and response.status == 200 and text in page.content():
            return
        page.wait_for_timeout(250)  # the event is on its way; ask again
    expect(page.locator("main")).to_contain_text(text)


def test_a_case_worker_finds_free_places_by_target_group_in_the_catalogue(
    page: Any, samlad: Samlad, catalogue: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    log_in(page, samlad, "kommun")
    wait_for(page, f"{samlad.ui}/catalogue", catalogue["everyone"])
    page.goto(samlad.ui)
    room = page.locator("#lediga-platser")
    expect(room).to_contain_text("lediga platser i dag")
    room.get_by_role("link", name="Visa insatskatalogen").click()
    page.wait_for_url(re.compile(r"/ui/catalogue$"))
    expect(page.get_by_role("heading", name="Insatskatalog", level=1)).to_be_visible()
    rows = page.locator("table.catalogue tbody tr")
    expect(rows.filter(has_text=catalogue["young"])).to_contain_text("6 av 20")
    expect(rows.filter(has_text=catalogue["full"])).to_have_count(0)  # no room today

    page.get_by_label("Målgrupp").select_option("nyanland")
    page.get_by_role("button", name="Visa").click()
    expect(rows.filter(has_text=catalogue["newcomers"])).to_be_visible()
    expect(rows.filter(has_text=catalogue["everyone"])).to_be_visible()  # open to all
    expect(rows.filter(has_text=catalogue["young"])).to_have_count(0)
    page.get_by_label("Visa även fullsatta").check()
    page.get_by_role("button", name="Visa").click()
    expect(rows.filter(has_text=catalogue["full"])).to_contain_text("0 av 8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "catalogue.png"), full_page=True)


def test_a_young_persons_case_shows_the_room_that_fits_and_the_proposed_offering(
    page: Any, samlad: Samlad, agencies: Agencies, catalogue: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    ref = agencies.post("kommun", "/persons", {
        "personnummer": new_personnummer(), "kommun": "Lund", "gender": "man",
        "birth_year": 2003, "target_groups": ["ung"], "effective_at": days_ago(20)})[
        "person_ref"]
    agencies.post("kommun", f"/persons/{ref}/hand-offs", {
        "to_agency": "af", "reason": "Redo för matchning mot arbete",
        "offering_id": catalogue["young_id"], "effective_at": days_ago(2)})
    log_in(page, samlad, "kommun")
    wait_for(page, f"{samlad.ui}/cases/{ref}", "Föreslagen insats")

    hand_offs = page.locator("ul.hand-offs")
    expect(hand_offs).to_contain_text(f"Föreslagen insats: {catalogue['young']} (6 lediga")
    room = page.locator("#lediga-platser")
    expect(room).to_contain_text(catalogue["young"])
    expect(room).to_contain_text(catalogue["everyone"])  # open to everyone
    expect(room.get_by_text(catalogue["newcomers"])).to_have_count(0)  # not for this person
    room.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case-room.png"), full_page=True)
