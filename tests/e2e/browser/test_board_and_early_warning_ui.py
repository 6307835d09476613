"""The early warning as a case worker meets it, and the board's what-if page.

One `samlad up` for the module, learning its norms every second: eight kommun→AF
hand-offs answered within a day teach the pair's norm; a ninth, waiting two and a half
days, passes it long before the five-day deadline. Screenshots go to build/screenshots/
(``SAMLAD_SCREENSHOTS`` moves them, as `make screenshots` does for the README's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from services.cli.testing import clean_env

from .conftest import running_samlad
from .system import SCREENSHOTS, Agencies, Samlad, log_in
from .test_case_worker_ui import wait_for_case

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWERED = 8


@pytest.fixture(scope="module")
def samlad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Samlad]:
    data_dir = tmp_path_factory.mktemp("board") / "samlad"
    with running_samlad(data_dir, clean_env(SAMLAD_EARLY_WARNING_SECONDS="1")) as running:
        yield running


@pytest.fixture(scope="module")
def waiting(agencies: Agencies) -> str:
    """The person whose hand-off waits longer than the pair's answered ones took."""
    for _ in range(ANSWERED):
        _, ref = agencies.enrol("Lund", 30)
        hand_off_id = agencies.hand_off(ref, "kommun", "af", "Matchning", 20)
        agencies.accept(ref, "af", hand_off_id, days=19)
    _, ref = agencies.enrol("Lund", 10)
    agencies.hand_off(ref, "kommun", "af", "Redo för matchning", 2)
    return ref


def test_a_case_worker_sees_an_early_warning_on_the_case_and_in_the_caseload(
    page: Any,
    samlad: Samlad,
    waiting: str,
) -> None:
    from playwright.sync_api import expect

    log_in(page, samlad, "kommun")
    wait_for_case(page, samlad, waiting, "Tidiga signaler")
    warning = page.locator("#tidiga-signaler")
    expect(warning).to_contain_text("längre än 90 %")
    expect(warning).to_contain_text("Signalen om obesvarad överlämning kommer")
    expect(page.locator("#signaler")).to_contain_text("Inga öppna signaler")
    page.screenshot(path=str(SCREENSHOTS / "early-warning.png"), full_page=True)

    page.goto(samlad.ui)
    expect(page.locator(f"tr[data-ref='{waiting}']")).to_contain_text("1 tidig signal")


def test_the_board_tries_a_shorter_answer_time_on_the_history_then_decides_it(
    page: Any,
    samlad: Samlad,
    waiting: str,
) -> None:
    from playwright.sync_api import expect

    del waiting  # the history the board replays
    page.goto(f"{samlad.ui}/login")
    page.get_by_label("Myndighet").select_option("")
    page.get_by_label("Roll").select_option("styrelse")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/ui/regler$"))
    expect(page.get_by_role("heading", name="Regler och tänk-om")).to_be_visible()
    expect(page.get_by_role("link", name="Ärendelista")).to_have_count(0)

    page.get_by_label("Obesvarad överlämning, dagar").fill("2")
    page.get_by_role("button", name="Jämför med historiken").click()
    row = page.locator("#jamforelse tr[data-rule='hand_off_unanswered']")
    expect(row).to_contain_text("5 → 2")
    expect(row.locator("td.alerts")).to_have_text(re.compile(r"^0 → [1-9]"))
    page.screenshot(path=str(SCREENSHOTS / "what-if.png"), full_page=True)

    page.get_by_label("Beslut (paragraf, datum)").fill("Styrelsebeslut 2026-12-02 § 4")
    page.get_by_role("button", name="Besluta de prövade gränserna").click()
    expect(page.get_by_role("heading", name="Regelverket som gäller (version 1)")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Styrelsebeslut 2026-12-02 § 4")

    # The board reads no case.
    assert page.goto(f"{samlad.ui}/cases/{'p' + 'a' * 26}").status == 403
