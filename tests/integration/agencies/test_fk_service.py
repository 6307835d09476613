"""Försäkringskassan over HTTP: sjukpenning, aktivitetsersättning, kartläggning, avstämning."""

from __future__ import annotations

from .harness import Agencies, assert_problem

EFFECTIVE = "2026-03-02T08:00:00+00:00"


async def test_sickness_benefit_granted_and_ended_is_published_with_day_and_reason(
    agencies: Agencies,
) -> None:
    fk = agencies["fk"]
    ref = await agencies.person("fk")

    granted = await fk.post(f"/persons/{ref}/sickness-benefits",
                            json={"rehab_chain_day": 1, "benefit_id": "sp-1",
                                  "effective_at": EFFECTIVE})
    ended = await fk.post(f"/persons/{ref}/sickness-benefits/sp-1/end",
                          json={"rehab_chain_day": 180, "end_reason": "arbetsformaga_bedomd"})

    assert granted.status_code == 201, granted.text
    assert granted.json()["ids"] == {"benefit_id": "sp-1"}
    assert ended.status_code == 200, ended.text
    events = await agencies.published(ref).at_least(2)
    assert [e.spec.type for e in events] == [
        "se.samlad.fk.sickness-benefit-granted.v1", "se.samlad.fk.sickness-benefit-ended.v2",
    ]
    assert events[0].event.effective_at.isoformat() == EFFECTIVE
    assert events[1].event.rehab_chain_day == 180
    assert events[1].event.end_reason == "arbetsformaga_bedomd"
