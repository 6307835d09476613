"""One person through all four agencies on a running ``samlad up``, read back as one timeline.

FK ends sjukpenning at day 180 → AF registers the person → the kommun enrols them and
starts arbetsträning → they exit to work. The shared case shows each step, in business
time order, with the agency that recorded it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from adapters.auth.testing import auth_headers
from services.cli.testing import RunningSamlad
from services.demo.personnummer import personnummer
from services.settings import Settings

FOLD_SECONDS = 30.0


@pytest.fixture
def samlad(tmp_path: Path) -> Iterator[dict[str, str]]:
    running = RunningSamlad(tmp_path / "data")
    try:
        urls = running.wait_until_up().urls
        yield urls | {"data_dir": str(running.data_dir)}
        assert running.stop() == 0
    finally:
        running.kill()


def _ok(response: httpx.Response) -> dict[str, object]:
    assert response.is_success, f"{response.request.url}: {response.status_code} {response.text}"
    body: dict[str, object] = response.json()
    return body


def test_one_person_through_fk_af_and_kommun_to_work_on_one_timeline(
    samlad: dict[str, str],
) -> None:
    pnr = personnummer(datetime(1979, 5, 17).date(), 238)
    sick_from = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)

    def at(days: int) -> str:
        return (sick_from + timedelta(days=days)).isoformat()

    data_dir = Path(samlad["data_dir"])

    def client(service: str, agency: str | None = None) -> httpx.Client:
        # A case worker (handläggare) at each agency, signed with this data dir's key.
        headers = auth_headers(Settings(data_dir=data_dir), agency or service)
        return httpx.Client(base_url=samlad[service], timeout=10, headers=headers)

    with client("fk") as fk, client("af") as af, client("kommun") as kommun:
        ref = _ok(fk.post("/persons", json={"personnummer": pnr}))["person_ref"]
        _ok(fk.post(f"/persons/{ref}/sickness-benefits", json={
            "rehab_chain_day": 1, "benefit_id": "sp-1", "effective_at": at(0)}))
        _ok(fk.post(f"/persons/{ref}/sickness-benefits/sp-1/end", json={
            "rehab_chain_day": 180, "end_reason": "arbetsformaga_bedomd",
            "effective_at": at(179)}))

        assert _ok(af.post("/persons", json={"personnummer": pnr}))["person_ref"] == ref
        _ok(af.post(f"/persons/{ref}/registration", json={"effective_at": at(181)}))

        enrolled = _ok(kommun.post("/persons", json={
            "personnummer": pnr, "kommun": "Hedemora", "gender": "kvinna", "birth_year": 1979,
            "target_groups": ["sjukskriven"], "effective_at": at(185)}))
        assert enrolled["person_ref"] == ref
        _ok(kommun.post(f"/persons/{ref}/interventions", json={
            "intervention_type": "arbetstraning", "intervention_id": "at-1",
            "effective_at": at(186)}))
        _ok(kommun.post(f"/persons/{ref}/exit", json={
            "outcome": "arbete", "effective_at": at(198)}))

    expected = [
        ("fk", "BenefitStarted"), ("fk", "BenefitEnded"), ("af", "Registered"),
        ("kommun", "PersonEnrolled"), ("kommun", "InterventionStarted"), ("kommun", "Exited"),
    ]
    steps: list[tuple[str, str]] = []
    items: list[dict[str, str]] = []
    with client("coordination", "kommun") as coordination:
        deadline = time.monotonic() + FOLD_SECONDS
        while time.monotonic() < deadline:
            response = coordination.get(f"/cases/{ref}/timeline")
            if response.status_code == 200:
                items = response.json()["items"]
                # Alerts the coordination raised along the way are its own entries.
                steps = [(i["agency"], i["kind"]) for i in items
                         if i["agency"] in ("kommun", "af", "fk", "region")]
                if len(steps) >= len(expected):
                    break
            time.sleep(0.2)

    assert steps == expected
    by_kind = {item["kind"]: item for item in items}
    assert by_kind["BenefitEnded"]["summary"] == "Sjukpenning upphör (dag 180)"
    assert by_kind["Exited"]["summary"] == "Avslut: arbete"
