"""What an early warning says to a case worker."""

from __future__ import annotations

from services.coordination.ui.labels import early_warning_text

ROW = {"started_at": "2026-11-30T00:00:00.000000Z", "due_at": "2026-12-05T00:00:00.000000Z",
       "percentile": 90, "norm_days": 1.5, "samples": 8}


def test_a_hand_off_warning_names_the_pair_its_norm_and_when_the_alert_comes() -> None:
    text = early_warning_text(ROW | {"kind": "hand_off", "wait_group": "kommun>af"})
    assert text.startswith("Överlämningen från kommunen till Arbetsförmedlingen väntar sedan")
    assert "längre än 90 %" in text
    assert "högst 1,5 dagar, 8 besvarade" in text
    assert "kommer 2026-12-05" in text


def test_a_next_step_warning_names_the_agency_whose_intervention_ended() -> None:
    text = early_warning_text(ROW | {"kind": "next_intervention", "wait_group": "region"})
    assert "efter en insats hos regionen" in text
    assert "8 fall" in text
