"""Lättläst: the words of the person's own view, short sentences in everyday Swedish.

The case workers' words (ui/labels.py) name statuses and rules; a participant needs to
hear who does what for them and what happens next, with no office words.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.agencies import Agency, InterventionType
from domain.case.scopes import AGENCY_SCOPE
from domain.case.state import LaneStatus

AGENCY = {
    Agency.KOMMUN: "Kommunen",
    Agency.AF: "Arbetsförmedlingen",
    Agency.FK: "Försäkringskassan",
    Agency.REGION: "Vården (regionen)",
}

LANE = {
    LaneStatus.PLANNED: "{name} har fått en fråga om att hjälpa dig. De har inte svarat än.",
    LaneStatus.WAITING: "{name} har skrivit in dig. Du väntar på att något ska börja där.",
    LaneStatus.ACTIVE: "{name} arbetar med dig nu.",
    LaneStatus.ON_HOLD: "{name} har inte fått kontakt med dig. Hör av dig till dem.",
    LaneStatus.FINISHED: "{name} är klar med sin del.",
}
ENROLLED = "{name} har skrivit in dig."

LEAD = "{name} har huvudansvaret. De ser till att allt hänger ihop för dig."
NO_LEAD = "Ingen har huvudansvaret ännu. Fråga den du träffar oftast."

INTERVENTION = {
    InterventionType.WORK_TRAINING: "Arbetsträning",
    InterventionType.WORK_PLACEMENT: "Praktik",
    InterventionType.VALIDATION: "Validering – att visa vad du redan kan",
    InterventionType.MATCHING: "Hjälp att hitta ett jobb",
    InterventionType.STUDIES: "Studier",
    InterventionType.HEALTH_TRACK: "Hälsospår – stöd för din hälsa",
    InterventionType.REHABILITATION: "Rehabilitering – stöd för att må bättre",
    InterventionType.EMPLOYMENT_PROGRAMME: "Arbetsmarknadsprogram",
}
SOME_INTERVENTION = "En insats"
BENEFIT = {
    "sjukpenning": "Sjukpenning – pengar när du är sjuk",
    "aktivitetsersattning": "Aktivitetsersättning – pengar när du inte kan arbeta",
    "forsorjningsstod": "Försörjningsstöd – pengar till det du behöver varje dag",
}

RUNNING = "Pågår sedan {day}."
ENDED = "Klar {day}."
WAITING_FOR_ANSWER = "{to} ska svara om de kan hjälpa dig. {sender} frågade dem {day}."
WAITING_FOR_START = "{name} ska börja något med dig. Du väntar på det."
WAITING_FOR_YOU = "{name} väntar på att du hör av dig."

STEP = {
    "needs_assessment": "{name} och du har pratat om vad du behöver (kartläggning).",
    "sip": "{name} gör en gemensam plan med dig (SIP).",
    "subsidy": "{name} har bestämt om ett stöd till dig.",
    "employment": "Du har fått ett arbete.",
    "joint_assessment": "{name} vill att flera myndigheter tittar på din situation tillsammans.",
    "reconciliation_meeting": "Du har haft ett möte med {name} (avstämningsmöte).",
    "sick_leave": "{name} har skrivit ett intyg om att du är sjukskriven.",
}
"""What has happened (Noted facts, by topic), as the person would say it."""

SCOPE = {
    AGENCY_SCOPE[Agency.KOMMUN]: "Det kommunen gör för dig, och försörjningsstöd",
    AGENCY_SCOPE[Agency.AF]: "Det Arbetsförmedlingen gör för dig",
    AGENCY_SCOPE[Agency.FK]: "Dina pengar från Försäkringskassan",
    AGENCY_SCOPE[Agency.REGION]: "Din hälsa och vård, till exempel sjukskrivning",
    "alla": "Allt om dig som myndigheterna har skrivit här",
}
"""The scopes a person can consent to on their page, in the order shown."""

CONSENT = "{names} får se: {what}."
GIVEN_BY_YOU = "Du sa ja själv {day}."
GIVEN_AT_AGENCY = "{name} skrev upp ditt ja {day}."


def agency(value: Agency) -> str:
    return AGENCY[value]


def agencies(values: list[Agency]) -> str:
    """``Kommunen, Arbetsförmedlingen och Vården``: a list as it is said."""
    names = [AGENCY[value] for value in values]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} och {names[-1]}"


def scope(value: str) -> str:
    return SCOPE.get(value, value)


MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

try:
    LOCAL = ZoneInfo("Europe/Stockholm")
except ZoneInfoNotFoundError:  # no tz database: say the UTC date rather than fail
    LOCAL = ZoneInfo("UTC")


def day(value: datetime | None) -> str:
    """A date as it is said: ``2 december 2026`` (the Swedish local date)."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"
