"""Follow-up indicators (SUS-like): a per-case projection and the figures built on it.

Two read-model tables, written with the case events in the same transaction (as every
coordination read model): ``indicator_case`` holds one row per case with what the
follow-up splits by (gender, kommun, age band, target groups) and its milestones
(enrolled, first intervention, exit and outcome); ``indicator_hand_off`` one row per
hand-off with its request and answer. Both rows are pure functions of the case's state,
so a full replay gives the same rows (``samlad audit rebuild`` checks that).

``compute_indicators`` folds those rows (and ``alert_index``) into flat figures, each
``(indicator, dimension, group, value)``: easy to export as CSV or JSON and to compare.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import msgspec

from adapters.store.read_models import Change, Table, Upsert
from domain.agencies import Outcome
from domain.case.state import CaseState
from services.coordination.instants import instant, parse_instant

INDICATOR_CASES = Table(
    name="indicator_case",
    columns={
        "case_id": "TEXT", "person_ref": "TEXT", "kommun": "TEXT", "gender": "TEXT",
        "age_band": "TEXT", "target_groups": "TEXT", "enrolled_at": "TEXT",
        "first_intervention_at": "TEXT", "exit_outcome": "TEXT", "exited_at": "TEXT",
    },
    key="case_id",
    indexes=(("kommun",),),
)
INDICATOR_HAND_OFFS = Table(
    name="indicator_hand_off",
    columns={
        "hand_off_key": "TEXT", "case_id": "TEXT", "from_agency": "TEXT", "to_agency": "TEXT",
        "requested_at": "TEXT", "status": "TEXT", "answered_at": "TEXT",
    },
    key="hand_off_key",
    indexes=(("case_id",),),
)
TABLES = (INDICATOR_CASES, INDICATOR_HAND_OFFS)

# Age at enrolment (years), as the reports band it; reckoned from the enrolment date so
# the projection never reads the clock.
AGE_BANDS = ((0, 15, "<16"), (16, 24, "16-24"), (25, 29, "25-29"), (30, 39, "30-39"),
             (40, 49, "40-49"), (50, 64, "50-64"), (65, 200, "65+"))
DIMENSIONS = ("total", "gender", "kommun", "age_band", "target_group")
WORK_OR_STUDIES = (Outcome.WORK.value, Outcome.STUDIES.value)
NO_VALUE = "okänd"
NO_TARGET_GROUP = "ingen"
SECONDS_PER_DAY = 86_400


def _instant(value: datetime | None) -> str | None:
    return instant(value) if value else None


def age_band(birth_year: int | None, enrolled_at: datetime | None) -> str | None:
    if birth_year is None or enrolled_at is None:
        return None
    age = enrolled_at.year - birth_year
    return next((band for low, high, band in AGE_BANDS if low <= age <= high), None)


def indicator_changes(case_id: str, person_ref: str, state: CaseState) -> list[Change]:
    """The indicator rows of one case in ``state``."""
    starts = [i.started_at for i in state.interventions if i.started_at is not None]
    changes: list[Change] = [Upsert(INDICATOR_CASES.name, {
        "case_id": case_id, "person_ref": person_ref, "kommun": state.kommun,
        "gender": str(state.gender) if state.gender else None,
        "age_band": age_band(state.birth_year, state.enrolled_at),
        "target_groups": "," + ",".join(sorted(state.target_groups)) + ",",
        "enrolled_at": _instant(state.enrolled_at),
        "first_intervention_at": _instant(min(starts, default=None)),
        "exit_outcome": str(state.exit.outcome) if state.exit else None,
        "exited_at": _instant(state.exit.exited_at) if state.exit else None,
    })]
    for hand_off in state.hand_offs:
        changes.append(Upsert(INDICATOR_HAND_OFFS.name, {
            "hand_off_key": f"{case_id}:{hand_off.hand_off_id}", "case_id": case_id,
            "from_agency": str(hand_off.from_agency), "to_agency": str(hand_off.to_agency),
            "requested_at": _instant(hand_off.requested_at), "status": str(hand_off.status),
            "answered_at": _instant(hand_off.answered_at),
        }))
    return changes


class IndicatorRow(msgspec.Struct, frozen=True, kw_only=True):
    """One figure: e.g. ``exits.arbete`` for ``gender`` = ``kvinna`` is 12."""

    indicator: str
    dimension: str
    group: str
    value: float | int | None


class Indicators(msgspec.Struct, frozen=True, kw_only=True):
    rows: list[IndicatorRow]

    def value(self, indicator: str, dimension: str = "total", group: str = "alla") -> Any:
        for row in self.rows:
            if (row.indicator, row.dimension, row.group) == (indicator, dimension, group):
                return row.value
        return None


def _groups(case: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    yield "total", "alla"
    yield "gender", case["gender"] or NO_VALUE
    yield "kommun", case["kommun"] or NO_VALUE
    yield "age_band", case["age_band"] or NO_VALUE
    groups = [g for g in (case["target_groups"] or "").split(",") if g]
    for group in groups or [NO_TARGET_GROUP]:
        yield "target_group", group


def _days(start: str, end: str) -> float:
    return max(0.0, (parse_instant(end) - parse_instant(start)).total_seconds() / SECONDS_PER_DAY)


def _spread(name: str, dimension: str, group: str, values: list[float]) -> list[IndicatorRow]:
    mean = round(statistics.fmean(values), 2) if values else None
    median = round(statistics.median(values), 2) if values else None
    return [
        IndicatorRow(indicator=f"{name}.n", dimension=dimension, group=group, value=len(values)),
        IndicatorRow(indicator=f"{name}.median", dimension=dimension, group=group, value=median),
        IndicatorRow(indicator=f"{name}.mean", dimension=dimension, group=group, value=mean),
    ]


def _participant_rows(cases: Iterable[Mapping[str, Any]]) -> list[IndicatorRow]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits: dict[tuple[str, str], list[float]] = defaultdict(list)
    for case in cases:
        if not case["enrolled_at"]:
            continue  # opened by an agency's event, never enrolled: no participant (yet)
        for key in _groups(case):
            bucket = counts[key]
            bucket["participants"] += 1
            if case["exit_outcome"]:
                bucket["exited"] += 1
                bucket[f"exits.{case['exit_outcome']}"] += 1
            if case["first_intervention_at"]:
                waits[key].append(_days(case["enrolled_at"], case["first_intervention_at"]))
    rows: list[IndicatorRow] = []
    for (dimension, group), bucket in sorted(counts.items(), key=lambda kv: _order(kv[0])):
        def add(name: str, value: float | int | None, d: str = dimension, g: str = group) -> None:
            rows.append(IndicatorRow(indicator=name, dimension=d, group=g, value=value))

        add("participants", bucket["participants"])
        add("exited", bucket["exited"])
        for outcome in Outcome:
            add(f"exits.{outcome.value}", bucket[f"exits.{outcome.value}"])
        to_work_or_studies = sum(bucket[f"exits.{o}"] for o in WORK_OR_STUDIES)
        share = round(to_work_or_studies / bucket["exited"], 4) if bucket["exited"] else None
        add("share_work_or_studies", share)
        rows.extend(_spread("days_to_first_intervention", dimension, group,
                            waits[(dimension, group)]))
    return rows


def _order(key: tuple[str, str]) -> tuple[int, str]:
    return DIMENSIONS.index(key[0]), key[1]


def _hand_off_rows(hand_offs: Iterable[Mapping[str, Any]]) -> list[IndicatorRow]:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    waits: dict[tuple[str, str], list[float]] = defaultdict(list)
    for hand_off in hand_offs:
        for key in (("total", "alla"), ("to_agency", hand_off["to_agency"])):
            counts[key][0] += 1
            if hand_off["answered_at"]:
                waits[key].append(_days(hand_off["requested_at"], hand_off["answered_at"]))
            else:
                counts[key][1] += 1
    rows: list[IndicatorRow] = []
    for (dimension, group), (total, pending) in sorted(counts.items()):
        rows.append(IndicatorRow(indicator="hand_offs", dimension=dimension, group=group,
                                 value=total))
        rows.append(IndicatorRow(indicator="hand_offs_pending", dimension=dimension,
                                 group=group, value=pending))
        rows.extend(_spread("hand_off_wait_days", dimension, group, waits[(dimension, group)]))
    return rows


def _alert_rows(alerts: Iterable[Mapping[str, Any]]) -> list[IndicatorRow]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for alert in alerts:
        for group in ("alla", alert["rule"]):
            counts[group][0] += 1
            counts[group][1] += alert["resolved_at"] is None
    rows: list[IndicatorRow] = []
    for group, (raised, open_) in sorted(counts.items()):
        dimension = "total" if group == "alla" else "rule"
        rows.append(IndicatorRow(indicator="alerts_raised", dimension=dimension, group=group,
                                 value=raised))
        rows.append(IndicatorRow(indicator="alerts_open", dimension=dimension, group=group,
                                 value=open_))
    return rows


def compute_indicators(
    cases: Iterable[Mapping[str, Any]],
    hand_offs: Iterable[Mapping[str, Any]],
    alerts: Iterable[Mapping[str, Any]],
) -> Indicators:
    """Every figure from the projection's rows (pure: no I/O, no clock)."""
    return Indicators(rows=[
        *_participant_rows(cases), *_hand_off_rows(hand_offs), *_alert_rows(alerts),
    ])


def get_indicators(recorder: Any) -> Indicators:
    """The figures of a coordination store (its ReadModelRecorder)."""
    return compute_indicators(
        recorder.query("SELECT * FROM {indicator_case}"),
        recorder.query("SELECT * FROM {indicator_hand_off}"),
        recorder.query("SELECT rule, resolved_at FROM {alert_index}"),
    )


CSV_COLUMNS = ("indicator", "dimension", "group", "value")


def to_csv(indicators: Indicators) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in indicators.rows:
        writer.writerow((row.indicator, row.dimension, row.group,
                         "" if row.value is None else row.value))
    return out.getvalue()


def to_json(indicators: Indicators) -> bytes:
    return msgspec.json.format(msgspec.json.encode(indicators), indent=2)
