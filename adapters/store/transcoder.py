"""A msgspec transcoder for eventsourcing's stored events.

msgspec encodes UUIDs, datetimes, enums and Structs natively but decodes them as plain
strings and dicts. So the stored state is a pair: the event's attributes, and a small
type map naming the attributes that must be converted back (``uuid``, ``datetime``,
``date``, or the topic of a Struct). Only top-level attributes are tagged: a Struct's own
fields are typed by the Struct, so ``msgspec.convert`` restores them exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Transcoder
from eventsourcing.utils import get_topic, resolve_topic

_STRUCT = "s:"
_STRUCT_LIST = "l:"

_DECODERS: dict[str, Callable[[Any], Any]] = {
    "uuid": UUID,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
}


def _tag(value: object) -> str | None:
    if isinstance(value, UUID):
        return "uuid"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, msgspec.Struct):
        return _STRUCT + get_topic(type(value))
    if isinstance(value, list | tuple) and value and isinstance(value[0], msgspec.Struct):
        return _STRUCT_LIST + get_topic(type(value[0]))
    return None


class _Stored(msgspec.Struct, array_like=True):
    state: dict[str, Any]
    types: dict[str, str]


class MsgspecTranscoder(Transcoder):
    """Encodes an event's state with msgspec; no hand-written JSON."""

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(_Stored)
        self._struct_types: dict[str, type[Any]] = {}

    def encode(self, obj: Any) -> bytes:
        types = {key: tag for key, value in obj.items() if (tag := _tag(value)) is not None}
        return self._encoder.encode(_Stored(state=obj, types=types))

    def decode(self, data: bytes) -> Any:
        stored = self._decoder.decode(data)
        state = stored.state
        for key, tag in stored.types.items():
            state[key] = self._restore(tag, state[key])
        return state

    def _restore(self, tag: str, value: Any) -> Any:
        if tag.startswith(_STRUCT):
            return msgspec.convert(value, self._struct_type(tag[len(_STRUCT) :]))
        if tag.startswith(_STRUCT_LIST):
            cls = self._struct_type(tag[len(_STRUCT_LIST) :])
            return tuple(msgspec.convert(item, cls) for item in value)
        return _DECODERS[tag](value)

    def _struct_type(self, topic: str) -> type[Any]:
        cls = self._struct_types.get(topic)
        if cls is None:
            cls = self._struct_types[topic] = resolve_topic(topic)
        return cls
