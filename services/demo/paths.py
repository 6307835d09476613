"""What happens to one demo person: the tracks at each agency, an exit, or a gap.

Tracks run in parallel, as the BIP research recommends: a health track at the region
and FK, a work track at AF, the kommun's own insatser, with the kommun holding
samordningsansvar once two agencies are involved.
"""

from __future__ import annotations

import random

from services.demo.catalogue import HAND_OFF_OFFERINGS
from services.demo.story import Story

GAPS = ("hand_off_unanswered", "benefit_gap", "duplicated", "no_lead", "lost_contact",
        "no_next_step")
CHECKPOINTS = (90, 180, 365)  # rehabiliteringskedjan
AGENCIES = ["kommun", "af", "fk", "region"]
PROVIDERS = ["Lernia", "Jobbfabriken", "Dalarnas Arbetscenter"]


class Tracks:
    """Which agencies are involved and what runs, so the exit can wind everything down."""

    def __init__(self, story: Story, rng: random.Random) -> None:
        self.story = story
        self.rng = rng
        self.involved: dict[str, float] = {"kommun": 0.0}
        # What runs, with the day it started: an end never precedes its start.
        self.kommun_running: list[tuple[str, float]] = []
        self.referrals: list[tuple[str, float]] = []
        self.rehabilitations: list[tuple[str, float]] = []
        self.income_support: list[str] = []
        self.compensations: list[str] = []
        self.registered_at_af: float | None = None
        self.lead_at: float | None = None
        self.consent_id: str | None = None
        self.sickness: tuple[str, float] | None = None  # running sjukpenning, granted day

    def join(self, agency: str, day: float) -> None:
        self.involved.setdefault(agency, day)

    # The kommun
    def start_consent_and_assessment(self) -> float:
        story, rng = self.story, self.rng
        if rng.random() < 0.9:
            self.consent_id = story.new_id("samtycke")
            story.post("kommun", rng.uniform(0, 3), "/consents", consent_scope="alla",
                       to_agencies=AGENCIES, consent_id=self.consent_id)
        day = rng.uniform(7, 25)
        story.post("kommun", day, "/needs-assessments", further_support_needed=True,
                   summary="Kartläggning klar; behov av stöd mot arbete eller studier.")
        return day

    def kommun_intervention(self, day: float, kind: str) -> str:
        intervention_id = self.story.new_id("insats")
        self.story.post("kommun", day, "/interventions", intervention_type=kind,
                        intervention_id=intervention_id)
        self.kommun_running.append((intervention_id, day))
        return intervention_id

    def income_support_from(self, day: float) -> None:
        decision_id = self.story.new_id("fbs")
        self.story.post("kommun", day, "/income-support",
                        period_from=self.story.at(day)[:10], decision_id=decision_id)
        self.income_support.append(decision_id)

    def lead_when_shared(self, grace: float = 2.0) -> None:
        """The kommun takes samordningsansvar once a second agency is involved."""
        if len(self.involved) > 1 and self.lead_at is None:
            # Never before the kommun's own inskrivning (day 0).
            self.lead_at = max(sorted(self.involved.values())[1] + grace, 1.0)
            self.story.post("kommun", self.lead_at, "/lead/assume")

    # Arbetsförmedlingen
    def register_at_af(self, day: float) -> float:
        """Inskrivning (once); answers the day the person was registered."""
        if self.registered_at_af is None:
            self.join("af", day)
            self.story.post("af", day, "/registration")
            self.registered_at_af = day
        return self.registered_at_af

    def af_referral(self, day: float, kind: str) -> None:
        registered = self.register_at_af(day - 1)
        day = max(day, registered + 1)  # anvisning needs inskrivning first
        referral_id = self.story.new_id("anvisning")
        programme = {"matchning": "Rusta och matcha",
                     "arbetsmarknadsprogram": "Förberedande insatser"}.get(kind, "Arbetsträning")
        self.story.post("af", day, "/referrals", programme=programme,
                        provider=self.rng.choice(PROVIDERS),
                        intervention_type=kind, referral_id=referral_id)
        self.referrals.append((referral_id, day))

    # Försäkringskassan and the region: the health track
    def sick_track(self, last_day: float) -> float | None:
        """Sjukskrivning and sjukpenning from before the start; ends at a checkpoint.

        Returns the day the benefit ended (then AF takes over), or None while it runs.
        """
        story, rng = self.story, self.rng
        first = -rng.uniform(20, 120)
        self.join("fk", first)
        self.join("region", first)
        story.post("region", first, "/sick-leave-certificates", period_from=story.at(first)[:10],
                   period_to=story.at(first + 89)[:10], extent_percent=rng.choice([50, 100]),
                   certificate_id=story.new_id("intyg"))
        benefit_id = story.new_id("sjukpenning")
        story.post("fk", first + 1, "/sickness-benefits", rehab_chain_day=1,
                   benefit_id=benefit_id)
        rehab_id = story.new_id("rehab")
        story.post("region", first + 14, "/rehabilitations", rehabilitation_id=rehab_id,
                   rehabilitation_kind=rng.choice(["fysioterapi", "psykiatri", "mmr"]))
        self.rehabilitations.append((rehab_id, first + 14))
        if rng.random() < 0.5:
            story.post("fk", first + 60, "/reconciliation-meetings",
                       participants=["fk", "region", "kommun"], meeting_id=story.new_id("am"))
        reachable = [c for c in CHECKPOINTS if first + c < last_day]
        if not reachable:
            self.sickness = (benefit_id, first + 1)
            return None
        checkpoint = reachable[0] if rng.random() < 0.6 else reachable[-1]
        end = first + checkpoint
        story.post("fk", end, f"/sickness-benefits/{benefit_id}/end", rehab_chain_day=checkpoint,
                   end_reason="arbetsformaga_bedomd")
        hand_off_id = story.new_id("overlamning")
        story.post("fk", end, "/hand-offs", to_agency="af", hand_off_id=hand_off_id,
                   reason="Sjukpenningen upphör; behöver stöd att söka arbete.",
                   offering_id=HAND_OFF_OFFERINGS["af"])
        story.post("af", end + rng.uniform(0.5, 2.5), f"/hand-offs/{hand_off_id}/accept",
                   await_hand_off=hand_off_id)
        self.register_at_af(end + rng.uniform(0.5, 2.5))
        return end

    def activity_compensation(self, day: float) -> None:
        self.join("fk", day)
        compensation_id = self.story.new_id("ae")
        self.story.post("fk", day, "/activity-compensations", compensation_id=compensation_id,
                        period_from=self.story.at(day)[:10],
                        period_to=self.story.at(day + 364)[:10])
        self.compensations.append(compensation_id)

    def sip(self, day: float) -> None:
        """SIP: the kommun initiates it with the region, which confirms taking part."""
        self.join("region", day)
        sip_id = self.story.new_id("sip")
        self.story.post("kommun", day, "/sips", lead_agency="kommun", sip_id=sip_id)
        self.story.post("region", day + self.rng.uniform(2, 10), "/sip-participations",
                        sip_id=sip_id)

    # Avslut
    def exit_all(self, day: float, outcome: str, subsidy: bool) -> None:
        story, rng = self.story, self.rng
        def end_day(started: float, within: float) -> float:
            return max(started + 1, day - rng.uniform(1, within))

        for intervention_id, started in self.kommun_running:
            story.post("kommun", end_day(started, 10), f"/interventions/{intervention_id}/end",
                       further_support_needed=False)
        for referral_id, started in self.referrals:
            story.post("af", end_day(started, 10), f"/referrals/{referral_id}/end",
                       further_support_needed=False)
        for rehab_id, started in self.rehabilitations:
            story.post("region", end_day(started, 20), f"/rehabilitations/{rehab_id}/end",
                       further_support_needed=False)
        if self.sickness is not None:
            benefit_id, granted = self.sickness
            story.post("fk", day - 2, f"/sickness-benefits/{benefit_id}/end",
                       rehab_chain_day=max(1, round(day - 2 - granted) + 1),
                       end_reason="atergang_i_arbete" if outcome == "arbete" else "annat")
        for compensation_id in self.compensations:
            story.post("fk", day - 1, f"/activity-compensations/{compensation_id}/end")
        for decision_id in self.income_support:
            story.post("kommun", day, f"/income-support/{decision_id}/end")
        if "af" in self.involved and outcome == "arbete":
            employer = rng.choice(["Stora Enso Kvarnsveden", "Region Dalarna", "SSAB Borlänge",
                                   "ICA Maxi Falun", "Outokumpu Avesta", "Hitachi Ludvika"])
            if subsidy:
                story.post("af", day - 3, "/subsidies", subsidy_kind="lonestod",
                           employer=employer, period_from=story.at(day)[:10],
                           period_to=story.at(day + 364)[:10], subsidy_id=story.new_id("stod"))
            story.post("af", day, "/employment", employer=employer, subsidised=subsidy)
        if self.registered_at_af is not None:
            story.post("af", day, "/deregistration",
                       reason={"arbete": "Fått arbete", "studier": "Börjat studera"}.get(
                           outcome, "Avslut i samverkan"))
        for agency in self.involved:
            story.post(agency, day + 0.1, "/exit", outcome=outcome)


def _tracks_for(tracks: Tracks, groups: list[str], age: int, last_day: float) -> float:
    """Start the tracks the person's målgrupper call for; returns the first insats day."""
    rng = tracks.rng
    assessed = tracks.start_consent_and_assessment()
    first = assessed + rng.uniform(5, 30)
    kind = "arbetstraning"
    if "nyanland" in groups:
        kind = rng.choice(["validering", "arbetstraning", "studier"])
    elif "sjukskriven" in groups:
        kind = rng.choice(["halsospar", "arbetstraning"])
    elif "ung" in groups:
        kind = rng.choice(["praktik", "studier", "arbetstraning"])
    tracks.kommun_intervention(first, kind)
    if "sjukskriven" in groups:
        tracks.sick_track(last_day)
    if "funktionsnedsattning" in groups and age <= 29:
        tracks.activity_compensation(rng.uniform(0, 20))
    if {"langtidsarbetslos", "utanfor_12_manader", "nyanland"} & set(groups):
        tracks.af_referral(min(first + rng.uniform(3, 40), last_day - 5),
                           rng.choice(["matchning", "arbetsmarknadsprogram"]))
        if rng.random() < 0.4:
            tracks.income_support_from(rng.uniform(0, 5))
    if ("sjukskriven" in groups or "funktionsnedsattning" in groups) and rng.random() < 0.3:
        tracks.sip(min(first + rng.uniform(5, 30), last_day - 15))
    tracks.lead_when_shared()
    return first


def exited_path(
    story: Story, rng: random.Random, groups: list[str], age: int, outcome: str
) -> None:
    tracks = Tracks(story, rng)
    exit_day = min(story.days_until_now() - 2, rng.uniform(90, 420))
    _tracks_for(tracks, groups, age, exit_day - 10)
    if rng.random() < 0.05:  # the person disappears for a while, then comes back
        lost = rng.uniform(40, exit_day - 30)
        story.post("kommun", lost, "/contact/lost")
        story.post("kommun", lost + rng.uniform(3, 20), "/contact/resumed")
    tracks.exit_all(exit_day, outcome, subsidy="funktionsnedsattning" in groups)


def ongoing_path(story: Story, rng: random.Random, groups: list[str], age: int) -> None:
    tracks = Tracks(story, rng)
    now = story.days_until_now()
    first = _tracks_for(tracks, groups, age, now - 5)
    if now - first > 120 and rng.random() < 0.5:
        # One insats ended with needs left, and the next one followed within days.
        ended = rng.uniform(first + 60, now - 30)
        story.post("kommun", ended, f"/interventions/{tracks.kommun_running.pop(0)[0]}/end",
                   further_support_needed=True)
        tracks.kommun_intervention(ended + rng.uniform(1, 6),
                                   rng.choice(["praktik", "matchning", "validering"]))
    if tracks.consent_id is not None and rng.random() < 0.05:
        story.post("kommun", rng.uniform(10, now - 10),
                   f"/consents/{tracks.consent_id}/withdraw")


def gap_path(story: Story, rng: random.Random, gap: str, groups: list[str], age: int) -> None:
    """An open case with one thing that makes the person fall between the chairs."""
    tracks = Tracks(story, rng)
    now = story.days_until_now()
    ago = rng.uniform(10, 40)  # how long the gap has lasted: overdue for every rule
    assessed = tracks.start_consent_and_assessment()
    if gap == "no_next_step":
        intervention_id = tracks.kommun_intervention(assessed + 5, "arbetstraning")
        story.post("kommun", now - ago, f"/interventions/{intervention_id}/end",
                   further_support_needed=True)
        return
    tracks.kommun_intervention(assessed + rng.uniform(5, 20),
                               "matchning" if gap == "duplicated" else "arbetstraning")
    if gap == "hand_off_unanswered":
        to_agency = rng.choice(["af", "region"])
        story.post("kommun", now - ago, "/hand-offs", to_agency=to_agency,
                   hand_off_id=story.new_id("overlamning"),
                   reason="Behöver stöd som kommunen inte kan ge.",
                   offering_id=HAND_OFF_OFFERINGS[to_agency])
    elif gap == "benefit_gap":
        ended = now - ago
        tracks.join("fk", ended - 179)
        benefit_id = story.new_id("sjukpenning")
        story.post("fk", ended - 179, "/sickness-benefits", rehab_chain_day=1,
                   benefit_id=benefit_id)
        story.post("fk", ended, f"/sickness-benefits/{benefit_id}/end", rehab_chain_day=180,
                   end_reason="arbetsformaga_bedomd")
    elif gap == "duplicated":
        tracks.af_referral(assessed + rng.uniform(25, 40), "matchning")
    elif gap == "no_lead":
        tracks.register_at_af(assessed + 10)
        tracks.join("region", assessed + 12)
        story.post("region", assessed + 12, "/rehabilitations",
                   rehabilitation_id=story.new_id("rehab"), rehabilitation_kind="psykiatri")
        return  # nobody takes samordningsansvar
    elif gap == "lost_contact":
        story.post("kommun", now - ago, "/contact/lost")
    tracks.lead_when_shared()
