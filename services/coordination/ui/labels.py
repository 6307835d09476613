"""Swedish words for the UI: statuses, rules and what to do about each alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.agencies import Agency
from domain.case.alerts import Rule
from domain.case.state import HandOffStatus, LaneStatus
from services.coordination.ui.viewer import AGENCY_NAMES, AGENCY_SHORT

LANE_STATUS = {
    LaneStatus.PLANNED: "Planerad – överlämning väntar på svar",
    LaneStatus.WAITING: "Väntar på insats",
    LaneStatus.ACTIVE: "Aktiv",
    LaneStatus.ON_HOLD: "Vilande – kontakten förlorad",
    LaneStatus.FINISHED: "Avslutad",
}
HAND_OFF_STATUS = {
    HandOffStatus.REQUESTED: "Väntar på svar",
    HandOffStatus.ACCEPTED: "Accepterad",
    HandOffStatus.REJECTED: "Avböjd",
}
RULES = {
    Rule.HAND_OFF_UNANSWERED: "Obesvarad överlämning",
    Rule.NO_ONE_HOLDS_CASE: "Ingen håller i ärendet",
    Rule.BENEFIT_GAP: "Glapp i ersättningen",
    Rule.DUPLICATED_INTERVENTION: "Dubbelarbete",
    Rule.NO_LEAD: "Inget samordningsansvar",
    Rule.LOST_CONTACT: "Tappad kontakt",
    Rule.ENDED_WITHOUT_NEXT_STEP: "Avslutad utan nästa steg",
}
ACTIONS = {
    Rule.HAND_OFF_UNANSWERED: "Mottagaren bekräftar eller avböjer överlämningen; "
    "avsändaren kontaktar mottagaren.",
    Rule.NO_ONE_HOLDS_CASE: "Kom överens om vem som tar ansvar för personen, "
    "eller avsluta personen.",
    Rule.BENEFIT_GAP: "Arbetsförmedlingen skriver in personen; Försäkringskassan ser till "
    "att personen vet om det.",
    Rule.DUPLICATED_INTERVENTION: "Stäm av vem av er som fortsätter insatsen.",
    Rule.NO_LEAD: "Bestäm vem som har samordningsansvaret, till exempel i en SIP.",
    Rule.LOST_CONTACT: "Den som har kontakt hör av sig; annars gör ni ett gemensamt "
    "försök att nå personen.",
    Rule.ENDED_WITHOUT_NEXT_STEP: "Planera nästa insats eller lämna över till en "
    "annan myndighet.",
}
OUTCOMES = {"arbete": "Arbete", "studier": "Studier", "praktik": "Praktik",
            "soker_arbete": "Söker arbete", "annat": "Annat"}
SAMORDNING = "samordning"

try:
    LOCAL = ZoneInfo("Europe/Stockholm")
except ZoneInfoNotFoundError:  # no tz database: show UTC rather than fail
    LOCAL = ZoneInfo("UTC")


def agency_name(value: object) -> str:
    try:
        return AGENCY_NAMES[Agency(str(value))]
    except ValueError:
        return "Samordning" if value == SAMORDNING else str(value)


def agency_short(value: object) -> str:
    try:
        return AGENCY_SHORT[Agency(str(value))]
    except ValueError:
        return str(value)


def rule_label(value: object) -> str:
    try:
        return RULES[Rule(str(value))]
    except ValueError:
        return str(value)


def rule_action(value: object) -> str:
    try:
        return ACTIONS[Rule(str(value))]
    except ValueError:
        return ""


def day(value: datetime | str | None) -> str:
    """A date as case workers read it (Swedish local date)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(LOCAL).strftime("%Y-%m-%d")


def moment(value: datetime | None) -> str:
    """Date and local time, the time left out at midnight (most facts are whole days)."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL)
    if (local.hour, local.minute) == (0, 0) or value.astimezone(UTC).time() == datetime.min.time():
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M")


def duration(span: timedelta) -> str:
    """How long something has lasted, in the unit a case worker would say."""
    days = span.days
    if days >= 1:
        return "1 dag" if days == 1 else f"{days} dagar"
    hours = int(span.total_seconds() // 3600)
    if hours >= 1:
        return "1 timme" if hours == 1 else f"{hours} timmar"
    return "mindre än en timme"


def _mid_sentence(agency: str) -> str:
    """An agency named mid-sentence: "kommunen", but "Arbetsförmedlingen"."""
    name = agency_name(agency)
    return name.lower() if agency in (Agency.KOMMUN, Agency.REGION) else name


def early_warning_text(row: dict[str, object]) -> str:
    """What an early warning (tidig signal) says, from its read-model row."""
    started, due = day(str(row["started_at"])), day(str(row["due_at"]))
    share = f"{row['percentile']} %"
    norm = f"{float(str(row['norm_days'])):.1f}".replace(".", ",")
    if row["kind"] == "hand_off":
        sender, receiver = str(row["wait_group"]).split(">")
        return (
            f"Överlämningen från {_mid_sentence(sender)} till {_mid_sentence(receiver)} "
            f"väntar sedan {started}, längre än {share} av de besvarade överlämningarna "
            f"mellan er fick vänta (högst {norm} dagar, {row['samples']} besvarade). "
            f"Signalen om obesvarad överlämning kommer {due}; hör av er redan nu."
        )
    return (
        f"Personen väntar sedan {started} på nästa steg efter en insats hos "
        f"{_mid_sentence(str(row['wait_group']))}, längre än {share} av dem som väntat "
        f"så fick vänta (högst {norm} dagar, {row['samples']} fall). Signalen om att "
        f"inget nästa steg tagits kommer {due}."
    )
