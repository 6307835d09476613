"""Domain events from stored rows, as the application's mapper makes them, only faster.

The store's transcoder (adapters/store/transcoder.py) writes ``[state, types]``; its
decoder reads the state untyped and converts the tagged attributes afterwards. For a
replay of millions of events that second pass dominates, so this decoder learns, per
topic and type map, a msgspec struct for the state and decodes typed in one pass. The
type map sits at the end of every row (its ``{`` is the row's last one: values are
topics and tag names, never braces), so it is the cache key.

A row that does not fit what was learnt (another key, a missing one) falls back to the
mapper itself, and so does a mapper with a cipher or compressor. The result is the
mapper's own: ``object.__new__(cls)`` with the state as ``__dict__`` (tested equal).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import resolve_topic
from msgspec.structs import asdict

_TAG_TYPES: dict[str, Any] = {"uuid": UUID, "datetime": datetime, "date": date}


class _Shape(msgspec.Struct, frozen=True):
    cls: type[Any]
    decoder: msgspec.json.Decoder[Any] | None
    fields: tuple[str, ...]


class FastDecoder:
    """``decode(topic, originator_id, version, state)`` → the domain event."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self._mapper = mapper
        self._generic = bool(mapper.cipher or mapper.compressor)
        self._shapes: dict[tuple[str, bytes], _Shape] = {}
        self._classes: dict[str, type[Any]] = {}
        self.fallbacks = 0

    def decode(self, topic: str, originator_id: UUID, version: int, state: bytes) -> Any:
        if self._generic:
            return self._slow(topic, originator_id, version, state)
        key = (topic, state[state.rindex(b"{") :])
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = self._learn(topic, originator_id, version, state)
        if shape.decoder is None:
            return self._slow(topic, originator_id, version, state)
        try:
            values = shape.decoder.decode(state).state
        except (msgspec.ValidationError, msgspec.DecodeError):
            return self._slow(topic, originator_id, version, state)
        event_state = asdict(values)
        event_state["originator_id"] = originator_id
        event_state["originator_version"] = version
        event = object.__new__(shape.cls)
        object.__setattr__(event, "__dict__", event_state)
        return event

    def _slow(self, topic: str, originator_id: UUID, version: int, state: bytes) -> Any:
        self.fallbacks += 1
        return self._mapper.to_domain_event(StoredEvent(
            originator_id=originator_id, originator_version=version, topic=topic, state=state,
        ))

    def _learn(self, topic: str, originator_id: UUID, version: int, state: bytes) -> _Shape:
        cls = resolve_topic(topic)
        if getattr(cls, "class_version", 1) != 1:
            return _Shape(cls=cls, decoder=None, fields=())
        stored = msgspec.json.decode(state)
        if not (isinstance(stored, list) and len(stored) == 2):
            return _Shape(cls=cls, decoder=None, fields=())
        attributes, types = stored
        if "class_version" in attributes:
            return _Shape(cls=cls, decoder=None, fields=())
        fields = []
        for name in attributes:
            tag = types.get(name)
            if tag is None:
                kind: Any = Any
            elif tag in _TAG_TYPES:
                kind = _TAG_TYPES[tag]
            elif tag.startswith("s:"):
                kind = resolve_topic(tag[2:])
            elif tag.startswith("l:"):
                kind = tuple[resolve_topic(tag[2:]), ...]  # type: ignore[misc]
            else:
                return _Shape(cls=cls, decoder=None, fields=())
            fields.append((name, kind))
        struct = msgspec.defstruct(f"_{cls.__name__}State", fields, forbid_unknown_fields=True)
        row = msgspec.defstruct("_Row", [("state", struct), ("types", dict[str, str])],
                                array_like=True)
        return _Shape(cls=cls, decoder=msgspec.json.Decoder(row),
                      fields=tuple(name for name, _ in fields))
