"""Dead letters (parkerade meddelanden): what a consumer could never take, and its replay.

A dead letter is the original message (payload and headers, so a binary-mode CloudEvent
stays whole) on ``samlad.deadletter.<agency>.<parked_by>`` with the reason and where it came from.
After a fix, ``replay`` publishes it again on its original subject, and the consumers,
which apply by event id, take it once. A replay is recorded on
``samlad.deadletter.replayed.<agency>`` so the same letter is not replayed twice by
accident (``force`` does it anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from adapters.nats.names import DEADLETTER_STREAM, PUBLISHED_TOKENS, ROOT
from adapters.nats.publisher import BatchPublisher, OutgoingMessage

REASON = "Samlad-Reason"
ORIGINAL_SUBJECT = "Samlad-Original-Subject"
ORIGINAL_SEQUENCE = "Samlad-Original-Sequence"
ORIGINAL_MSG_ID = "Samlad-Original-Msg-Id"
CONSUMER = "Samlad-Consumer"
REPLAY_OF = "Samlad-Replay-Of"
_OWN_HEADERS = (REASON, ORIGINAL_SUBJECT, ORIGINAL_SEQUENCE, ORIGINAL_MSG_ID, CONSUMER)
MAX_REASON = 1000


def replayed_subject(agency: str) -> str:
    """Where replays of ``agency``'s dead letters are recorded."""
    return f"{ROOT}.deadletter.replayed.{agency}"


def dead_letter(message: Msg, reason: str, subject: str, *, consumer: str) -> OutgoingMessage:
    """``message`` parked on ``subject`` by ``consumer`` because of ``reason``."""
    sequence = message.metadata.sequence.stream
    original = {k: v for k, v in (message.headers or {}).items() if not k.startswith("Nats-")}
    headers = original | {
        # One letter per message and consumer: two consumers parking the same message
        # (coordination and an agency's inbound) must not drop each other's letter.
        "Nats-Msg-Id": f"deadletter:{consumer}:{sequence}",
        REASON: reason[:MAX_REASON],
        ORIGINAL_SUBJECT: message.subject,
        ORIGINAL_SEQUENCE: str(sequence),
        CONSUMER: consumer,
    }
    msg_id = (message.headers or {}).get("Nats-Msg-Id")
    if msg_id:
        headers[ORIGINAL_MSG_ID] = msg_id
    return OutgoingMessage(subject, message.data, headers)


class DeadLetterView(msgspec.Struct, frozen=True, kw_only=True):
    """One dead letter as ``samlad deadletter list`` shows it; ``id`` is its sequence."""

    id: int
    agency: str
    reason: str
    original_subject: str | None
    original_sequence: int | None
    consumer: str | None
    parked_at: datetime | None
    replayed: bool

    @property
    def replayable(self) -> bool:
        """Only a message taken from the bus goes back there; an event the outbox could
        not publish is fixed in its store (``samlad outbox republish``)."""
        return self.original_subject is not None


class DeadLetters:
    """Reads and replays the dead-letter stream (the ``admin`` identity may do both)."""

    def __init__(self, js: JetStreamContext) -> None:
        self._js = js

    async def list(
        self, *, agency: str | None = None, progress: Callable[[int, int], None] | None = None
    ) -> list[DeadLetterView]:
        """Every dead letter (of ``agency``), oldest first, with whether it was replayed."""
        info = await self._js.stream_info(DEADLETTER_STREAM)
        first, last = info.state.first_seq or 1, info.state.last_seq
        letters: list[tuple[RawStreamMsg, int]] = []
        replayed: set[int] = set()
        for sequence in range(first, last + 1):
            if progress is not None:
                progress(sequence - first + 1, last - first + 1)
            stored = await self._get(sequence)
            if stored is None or stored.subject is None:
                continue
            headers = stored.headers or {}
            if stored.subject.startswith(replayed_subject("")):
                replayed.add(int(headers.get(REPLAY_OF, "0")))
            else:
                letters.append((stored, sequence))
        views = [_view(stored, sequence, sequence in replayed) for stored, sequence in letters]
        return [v for v in views if agency is None or v.agency == agency]

    async def replay(self, letter: DeadLetterView) -> None:
        """Publish ``letter`` again on its original subject and record that it was."""
        if not letter.replayable or letter.original_subject is None:
            raise ValueError(f"dead letter {letter.id} was not taken from the bus: "
                             "fix the event in its store and republish it")
        stored = await self._get(letter.id)
        if stored is None:
            raise ValueError(f"dead letter {letter.id} is no longer in {DEADLETTER_STREAM}")
        headers = {k: v for k, v in (stored.headers or {}).items()
                   if k not in _OWN_HEADERS and not k.startswith("Nats-")}
        # Not the original Nats-Msg-Id: within the stream's duplicate window that id is
        # still known and the replay would be dropped as a duplicate. One id per letter
        # keeps an accidental second replay a duplicate instead. The event's own id (in
        # the CloudEvent) is unchanged, so consumers still apply it once.
        headers |= {"Nats-Msg-Id": f"replay:{letter.id}", REPLAY_OF: str(letter.id)}
        await BatchPublisher(self._js).publish([
            OutgoingMessage(published_subject(letter.original_subject), stored.data or b"",
                            headers),
        ])
        await BatchPublisher(self._js).publish([OutgoingMessage(
            replayed_subject(letter.agency), b"",
            {"Nats-Msg-Id": f"replayed:{letter.id}", REPLAY_OF: str(letter.id)},
        )])

    async def _get(self, sequence: int) -> RawStreamMsg | None:
        try:
            return await self._js.get_msg(DEADLETTER_STREAM, seq=sequence)
        except NotFoundError:
            return None


def published_subject(stored: str) -> str:
    """The subject as published: the stream appends a partition token, drop it so the
    stream's transform partitions the replay as it did the original."""
    tokens = stored.split(".")
    if len(tokens) == PUBLISHED_TOKENS + 1 and tokens[-1].isdigit():
        return ".".join(tokens[:-1])
    return stored


def _view(stored: RawStreamMsg, sequence: int, replayed: bool) -> DeadLetterView:
    headers: Mapping[str, str] = stored.headers or {}
    subject = stored.subject or ""
    original_sequence = headers.get(ORIGINAL_SEQUENCE)
    return DeadLetterView(
        id=sequence,
        # samlad.deadletter.<agency>.<parked_by>
        agency=subject.split(".")[2] if subject.count(".") >= 2 else "",
        reason=headers.get(REASON, ""),
        original_subject=headers.get(ORIGINAL_SUBJECT),
        original_sequence=int(original_sequence) if original_sequence else None,
        consumer=headers.get(CONSUMER),
        parked_at=stored.time,
        replayed=replayed,
    )
