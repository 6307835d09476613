"""A synthetic kommun store load (benchmarks and tests): enrolled persons, interventions."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.pseudonym import new_person_ref
from domain.agencies import Gender, InterventionType
from domain.kommun.participant import Participant
from services.kommun.application import KommunApplication

PERSONS_PER_SAVE = 50


def save_enrolled_persons(app: KommunApplication, persons: int, per_person: int) -> None:
    """``persons`` enrolled, each with ``per_person - 1`` interventions started: per person
    one agency-local ``Opened`` and ``per_person`` contract events, saved in batches."""
    now = datetime.now(UTC)
    times = {"effective_at": now, "recorded_at": now}
    participants = []
    for _ in range(persons):
        participant = Participant(person_ref=new_person_ref(), **times)
        participant.enrol(kommun="Lund", gender=Gender.MAN, birth_year=1990, target_groups=[],
                          **times)
        for n in range(per_person - 1):
            participant.start_intervention(
                intervention_id=f"i{n}", intervention_type=InterventionType.WORK_PLACEMENT,
                **times,
            )
        participants.append(participant)
    for offset in range(0, persons, PERSONS_PER_SAVE):
        app.save(*participants[offset : offset + PERSONS_PER_SAVE])
