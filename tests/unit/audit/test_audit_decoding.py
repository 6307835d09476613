"""The replay's decoder rebuilds exactly the events the application's mapper rebuilds."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import Mapper

from adapters.store.transcoder import MsgspecTranscoder
from domain.agencies import Agency
from domain.case.aggregate import Case
from domain.case.facts import ConsentGiven, Noted
from domain.case.policy import RulePolicy
from services.audit.decoding import FastDecoder

AT = datetime(2024, 5, 1, 8, tzinfo=UTC)


def test_fast_decoding_equals_the_mapper_for_every_case_event() -> None:
    mapper: Mapper[UUID] = Mapper(transcoder=MsgspecTranscoder())
    case = Case(person_ref="p" + "a" * 26)
    case.record(Noted(event_id="n1", agency=Agency.KOMMUN, effective_at=AT, recorded_at=AT,
                      summary="möte", topic="mote", details={"plats": "Lund"}))
    case.record(ConsentGiven(event_id="c1", agency=Agency.KOMMUN, effective_at=AT,
                             recorded_at=AT, summary="samtycke", consent_id="c1",
                             consent_scope="alla", to_agencies=(Agency.AF, Agency.FK)))
    case.review(datetime(2025, 1, 1, tzinfo=UTC), RulePolicy())
    stored = [mapper.to_stored_event(e) for e in case.collect_events()]
    decoder = FastDecoder(mapper)

    for _ in range(2):  # the first pass learns each shape, the second uses it
        for row in stored:
            assert isinstance(row.originator_id, UUID)
            fast = decoder.decode(row.topic, row.originator_id, row.originator_version,
                                  row.state)
            slow = mapper.to_domain_event(row)
            assert type(fast) is type(slow)
            assert fast.__dict__ == slow.__dict__
    assert decoder.fallbacks == 0
