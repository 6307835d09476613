"""Browser tests: Playwright driving Debian's chromium against a running `samlad up`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.store.testing import missing, opted_out

from .system import Agencies, Samlad

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True, scope="module")
def _chromium() -> None:
    """Without chromium the browser tier fails under ``make test`` (or skips by choice)."""
    if opted_out("browser"):
        missing("browser", "browser tests opted out")
    if not CHROMIUM.exists():
        missing("browser", f"no chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def samlad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Samlad]:
    running = Samlad(tmp_path_factory.mktemp("ui") / "samlad")
    try:
        running.wait_until_up()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def agencies(samlad: Samlad) -> Iterator[Agencies]:
    apis = Agencies(samlad)
    yield apis
    apis.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


LIVE_TIMEOUT_MS = 15_000
"""How long a page waits for what travels over NATS first (live news, new facts)."""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=LIVE_TIMEOUT_MS)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    opened = context.new_page()
    opened.set_default_timeout(LIVE_TIMEOUT_MS)
    yield opened
    context.close()  # also closes the page's EventSource, so nothing reconnects
