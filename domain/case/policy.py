"""Thresholds of the gap rules (regelverkets tidsgränser): the one source of truth.

A frozen struct, passed to every evaluation, so the rules never consult global
configuration or constants of their own. ``THRESHOLDS`` documents each threshold (name,
unit, the rule it governs, its meaning in Swedish and English); ``GET /rules`` serves it
and docs/rules.md prints it. Which policy was in force when is kept as events
(domain/case/policy_log.py, ADR 0018).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import msgspec

from domain.errors import DomainError

__all__ = ["THRESHOLDS", "InvalidPolicyError", "RulePolicy", "Threshold"]


class InvalidPolicyError(DomainError):
    """A proposed policy names an unknown threshold or a value out of range."""


class RulePolicy(msgspec.Struct, frozen=True, kw_only=True):
    """How long each gap may last before it becomes an alert.

    Defaults follow what the projects report as tolerable: a hand-off should be answered
    within a working week; income must not stop for more than a few days.
    """

    hand_off_answer_days: int = 5
    """Rule 1: a hand-off (överlämning) unanswered this long is reported."""

    unheld_days: int = 14
    """Rule 2: nobody holds the case (ingen håller i ärendet) this long."""

    benefit_gap_days: int = 3
    """Rule 3: an FK benefit ended and no AF inskrivning within this many days."""

    lead_grace_days: int = 14
    """Rule 5: several agencies involved and nobody has samordningsansvar this long."""

    lost_contact_days: int = 7
    """Rule 6: an agency has lost contact with the person this long."""

    next_step_days: int = 10
    """Rule 7: an intervention ended needing further support, no next step this long."""

    early_warning_percentile: int = 90
    """Early warning (tidig signal): a wait longer than this percentile of the learned
    waits of its kind is flagged, before the rule's own deadline."""

    early_warning_min_samples: int = 5
    """Early warning: how many finished waits a pair must have before its percentile is
    trusted; with fewer, no early warning for that pair."""

    gap_benefit_kinds: tuple[str, ...] = ("sjukpenning", "aktivitetsersattning")
    """Rule 3: FK benefits whose end must be followed by registration at AF."""

    def days(self, count: int) -> timedelta:
        """A threshold as a duration; kept here so every rule counts whole days alike."""
        return timedelta(days=count)

    def thresholds(self) -> dict[str, int]:
        """Every numeric threshold by name, in the order of ``THRESHOLDS``."""
        return {t.name: int(getattr(self, t.name)) for t in THRESHOLDS}

    def with_thresholds(self, changes: Mapping[str, int]) -> RulePolicy:
        """This policy with some thresholds changed; ``InvalidPolicyError`` names a bad one."""
        known = {t.name: t for t in THRESHOLDS}
        for name, value in changes.items():
            threshold = known.get(name)
            if threshold is None:
                raise InvalidPolicyError(f"unknown threshold {name!r}; one of {', '.join(known)}")
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidPolicyError(f"{name} must be a whole number, not {value!r}")
            if not threshold.minimum <= value <= threshold.maximum:
                raise InvalidPolicyError(
                    f"{name} must lie between {threshold.minimum} and {threshold.maximum}"
                )
        return msgspec.structs.replace(self, **dict(changes))


class Threshold(msgspec.Struct, frozen=True, kw_only=True):
    """One documented threshold of the policy."""

    name: str
    rule: str
    unit: str
    minimum: int
    maximum: int
    meaning_sv: str
    meaning_en: str


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        name="hand_off_answer_days",
        rule="hand_off_unanswered",
        unit="days",
        minimum=1,
        maximum=365,
        meaning_sv="Dagar en överlämning får vänta på svar innan signalen "
        "”Obesvarad överlämning” går till avsändare och mottagare.",
        meaning_en="Days a hand-off may wait for an answer before the "
        "hand_off_unanswered alert goes to sender and receiver.",
    ),
    Threshold(
        name="unheld_days",
        rule="no_one_holds_case",
        unit="days",
        minimum=1,
        maximum=365,
        meaning_sv="Dagar ingen myndighet får hålla i personen (inget spår aktivt, ingen "
        "överlämning väntar) innan signalen ”Ingen håller i ärendet”.",
        meaning_en="Days no agency may hold the person (no lane holding, no hand-off "
        "pending) before the no_one_holds_case alert.",
    ),
    Threshold(
        name="benefit_gap_days",
        rule="benefit_gap",
        unit="days",
        minimum=1,
        maximum=365,
        meaning_sv="Dagar efter att sjukpenning eller aktivitetsersättning upphört som "
        "personen får stå utan inskrivning på Arbetsförmedlingen.",
        meaning_en="Days after sickness or activity compensation ended that the person "
        "may go without registration at Arbetsförmedlingen.",
    ),
    Threshold(
        name="lead_grace_days",
        rule="no_lead",
        unit="days",
        minimum=1,
        maximum=365,
        meaning_sv="Dagar två eller fler myndigheter får arbeta med personen utan att "
        "någon har samordningsansvaret.",
        meaning_en="Days two or more agencies may work with the person without anyone "
        "holding the lead (samordningsansvar).",
    ),
    Threshold(
        name="lost_contact_days",
        rule="lost_contact",
        unit="days",
        minimum=1,
        maximum=365,
        meaning_sv="Dagar en myndighet får ha tappat kontakten med personen innan de "
        "andra får veta.",
        meaning_en="Days an agency may have lost contact with the person before the "
        "others are told.",
    ),
    Threshold(
        name="next_step_days",
        rule="ended_without_next_step",
        unit="days",
        minimum=1,
        maximum=365,
        meaning_sv="Dagar efter en insats som avslutats med behov av fortsatt stöd "
        "innan ett nästa steg (insats, överlämning, inskrivning) ska ha tagits.",
        meaning_en="Days after an intervention ended needing further support within "
        "which a next step (intervention, hand-off, registration) must be taken.",
    ),
    Threshold(
        name="early_warning_percentile",
        rule="early_warning",
        unit="percentile",
        minimum=50,
        maximum=99,
        meaning_sv="Tidig signal: en väntan längre än denna percentil av hur länge "
        "samma slags väntan brukar ta flaggas, före den fasta tidsgränsen.",
        meaning_en="Early warning: a wait longer than this percentile of how long the "
        "same kind of wait usually takes is flagged, before the fixed deadline.",
    ),
    Threshold(
        name="early_warning_min_samples",
        rule="early_warning",
        unit="count",
        minimum=1,
        maximum=10_000,
        meaning_sv="Tidig signal: hur många avslutade väntetider ett par myndigheter "
        "måste ha innan percentilen används; med färre ges ingen tidig signal.",
        meaning_en="Early warning: how many finished waits a pair of agencies needs "
        "before its percentile is used; with fewer there is no early warning.",
    ),
)
"""Every numeric threshold of ``RulePolicy``, documented (tests check that all are)."""
