"""The demo caseload: who the persons are (kommun, kön, ålder, målgrupp) and what happens.

Shares follow the FSLA final report in the domain notes (9 kommuner; of those exited,
about 40 % to work, 9 % to studies, 12 % to praktik; men more often to work, women more
often to studies). A few persons fall between the chairs on purpose, one gap each.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from services.demo.paths import GAPS, exited_path, gap_path, ongoing_path
from services.demo.personnummer import random_personnummer
from services.demo.story import Story

KOMMUNER = {  # roughly by population, so the larger kommuner have more participants
    "Falun": 59, "Borlänge": 52, "Ludvika": 26, "Avesta": 23, "Leksand": 15,
    "Hedemora": 15, "Säter": 11, "Smedjebacken": 11, "Gagnef": 10,
}
AGE_BANDS = {(18, 24): 0.27, (25, 34): 0.30, (35, 49): 0.28, (50, 64): 0.15}
WOMEN_SHARE = 0.52
EXITED_SHARE = 0.80
GAP_SHARE = 0.15
OUTCOMES = {  # of those exited, per kön
    "kvinna": {"arbete": 37, "studier": 11, "praktik": 12, "soker_arbete": 24, "annat": 16},
    "man": {"arbete": 44, "studier": 6, "praktik": 12, "soker_arbete": 23, "annat": 15},
}


def _pick(rng: random.Random, weights: dict[str, float] | dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def target_groups(rng: random.Random, age: int) -> list[str]:
    """Målgrupper: one or two, the way the projects describe their participants."""
    groups = {"ung"} if age < 25 else set()
    pool = {"langtidsarbetslos": 30, "nyanland": 15, "funktionsnedsattning": 15,
            "sjukskriven": 22, "utanfor_12_manader": 25}
    groups.add(_pick(rng, pool))
    if rng.random() < 0.35:
        groups.add(_pick(rng, pool))
    return sorted(groups)


def person_story(index: int, *, seed: int, now: datetime, used: set[str]) -> Story:
    """The deterministic story of person ``index`` in the caseload of ``seed``."""
    rng = random.Random(f"{seed}:{index}")
    woman = rng.random() < WOMEN_SHARE
    low, high = rng.choices(list(AGE_BANDS), weights=list(AGE_BANDS.values()))[0]
    age = rng.randint(low, high)
    birth_year = now.year - age
    while (pnr := random_personnummer(rng, birth_year=birth_year, woman=woman)) in used:
        pass
    used.add(pnr)
    gender = "kvinna" if woman else "man"
    groups = target_groups(rng, age)
    story = Story(personnummer=pnr, start=_start(rng, now), now=now, key=f"demo{index:04d}")
    story.enrol(0, kommun=_pick(rng, KOMMUNER), gender=gender, birth_year=birth_year,
                target_groups=groups)
    draw = rng.random()
    if draw < GAP_SHARE:
        gap_path(story, rng, GAPS[index % len(GAPS)], groups, age)
    elif draw < GAP_SHARE + (1 - GAP_SHARE) * EXITED_SHARE:
        exited_path(story, rng, groups, age, _pick(rng, OUTCOMES[gender]))
    else:
        ongoing_path(story, rng, groups, age)
    return story


def _start(rng: random.Random, now: datetime) -> datetime:
    """Inskrivning between four months and two years ago, during office hours."""
    day = now - timedelta(days=rng.randint(120, 700))
    return day.replace(hour=rng.randint(7, 15), minute=rng.choice((0, 15, 30, 45)),
                       second=0, microsecond=0)


def caseload(persons: int, *, seed: int, now: datetime) -> list[Story]:
    used: set[str] = set()
    return [person_story(i, seed=seed, now=now, used=used) for i in range(persons)]
