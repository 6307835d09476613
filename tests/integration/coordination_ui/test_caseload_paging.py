"""Finding 5: the caseload pages through every case and says how many there are."""

from __future__ import annotations

from .conftest import UI, enrolled

CASES = 105


def ref(n: int) -> str:
    """A person reference of its own (p + 26 base32 letters)."""
    letters = "abcdefghijklmnopqrstuvwxyz234567"
    return f"ppaging{'a' * 18}{letters[n // 32]}{letters[n % 32]}"


def test_the_caseload_shows_its_count_and_links_to_the_next_and_previous_page(ui: UI) -> None:
    for n in range(CASES):
        ui.record(ref(n), enrolled(n % 50, kommun="Paging"))
    with ui.client("kommun") as client:
        first = client.get("/ui", params={"kommun": "Paging"}).text
        assert f"Visar 1–100 av {CASES} ärenden" in first
        assert 'rel="next" href="/ui?kommun=Paging&amp;offset=100"' in first
        assert 'rel="prev"' not in first
        second = client.get("/ui", params={"kommun": "Paging", "offset": 100}).text
    assert f"Visar 101–{CASES} av {CASES} ärenden" in second
    assert 'rel="prev" href="/ui?kommun=Paging"' in second
    assert 'rel="next"' not in second
    shown = {ref(n) for n in range(CASES) if ref(n) in first or ref(n) in second}
    assert len(shown) == CASES
