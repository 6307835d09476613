"""Refuse what the OpenAPI document refuses: JSON bodies and date-time queries, strictly.

Litestar converts a handler's arguments with msgspec in lax mode (``strict=False``), which
query strings need ("5" → 5) but which also reads a number as Unix time where a date-time
is expected (``{"effective_at": 0.0}``, ``?raised_before=0.5``) and a string as a number in
a JSON body. The document promises RFC 3339 strings and JSON types, so before a handler's
arguments are parsed, ``refuse_lax_input`` (the app's ``before_request`` hook) walks a
JSON body along the handler's ``data`` type for those coercions and reads each date-time
query parameter strictly; what fails answers 400 problem+json like any validation error.
(An integral float such as ``3.0`` stays accepted for an integer: JSON Schema counts it
as one.)
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Union, get_args, get_origin
from uuid import UUID

import msgspec
import msgspec.inspect as mi
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import (
    BodyKwarg,
    CookieParameter,
    HeaderParameter,
    ParameterKwarg,
    PathParameter,
)
from litestar.typing import FieldDefinition

__all__ = ["datetime_queries", "json_body_type", "lax_coercions", "refuse_lax_input"]


def json_body_type(handler: BaseRouteHandler) -> Any | None:
    """The type of the handler's JSON ``data`` argument, or None when it takes none."""
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return None
    kwarg = data.kwarg_definition
    if isinstance(kwarg, BodyKwarg) and kwarg.media_type is not RequestEncodingType.JSON:
        return None  # a form (the UI's): Litestar reads it field by field
    return data.annotation


def _is_datetime(field: FieldDefinition) -> bool:
    annotation = field.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        return datetime in get_args(annotation)
    return annotation is datetime


def datetime_queries(handler: BaseRouteHandler) -> list[str]:
    """The query keys (aliases included) the handler reads as date-times."""
    keys = []
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        elsewhere = isinstance(kwarg, PathParameter | HeaderParameter | CookieParameter) or (
            isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie)
        )
        if elsewhere or not _is_datetime(field):
            continue
        keys.append(kwarg.query if isinstance(kwarg, ParameterKwarg) and kwarg.query else name)
    return keys


# Values JSON carries as strings; lax mode also reads them from numbers and numeric text.
_TEXT_VALUES: dict[type[mi.Type], type] = {
    mi.DateTimeType: datetime,
    mi.DateType: date,
    mi.TimeType: time,
    mi.UUIDType: UUID,
    mi.DecimalType: Decimal,
}


def lax_coercions(kind: mi.Type, value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Where ``value`` (parsed JSON) leans on a lax conversion the schema does not allow.

    Only the coercions lax mode adds are looked for: a number or bool sent as a string,
    a bool sent as 0 or 1, a date-time sent as a number. Everything else (constraints,
    unknown fields, missing fields) is left to Litestar's own validation, which reports
    it the usual way.
    """
    problem = _coerced(kind, value)
    if problem is not None:
        yield where, problem
        return
    for inner, item, at in _children(kind, value, where):
        yield from lax_coercions(inner, item, at)


def _coerced(kind: mi.Type, value: Any) -> str | None:
    text = _TEXT_VALUES.get(type(kind))
    if text is not None:
        if not isinstance(value, str):
            return f"Expected a `str` ({text.__name__}), got `{type(value).__name__}`"
        try:
            msgspec.convert(value, text, strict=True)
        except msgspec.ValidationError as error:
            return str(error)
    if isinstance(kind, mi.IntType | mi.FloatType) and isinstance(value, str | bool):
        return f"Expected a JSON number, got `{type(value).__name__}`"
    if isinstance(kind, mi.BoolType) and not isinstance(value, bool):
        return f"Expected a JSON boolean, got `{type(value).__name__}`"
    return None


def _children(kind: mi.Type, value: Any, where: str) -> Iterator[tuple[mi.Type, Any, str]]:
    if isinstance(kind, mi.Metadata):
        yield kind.type, value, where
    elif isinstance(kind, mi.StructType | mi.DataclassType | mi.TypedDictType) and isinstance(
        value, dict
    ):
        for field in kind.fields:
            if field.encode_name in value:
                yield field.type, value[field.encode_name], f"{where}.{field.encode_name}"
    elif isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType) and (
        isinstance(value, list)
    ):
        for index, item in enumerate(value):
            yield kind.item_type, item, f"{where}[{index}]"
    elif isinstance(kind, mi.DictType) and isinstance(value, dict):
        for key, item in value.items():
            yield kind.value_type, item, f"{where}.{key}"
    elif isinstance(kind, mi.UnionType) and value is not None:
        options = [t for t in kind.types if not isinstance(t, mi.NoneType)]
        if len(options) == 1:
            yield options[0], value, where


class _Expectations:
    """Per handler, once: the body's type (as msgspec sees it) and the date-time query keys."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[mi.Type | None, list[str]]] = {}

    def of(self, handler: BaseRouteHandler) -> tuple[mi.Type | None, list[str]]:
        key = id(handler)
        if key not in self._known:
            body = json_body_type(handler)
            kind = None if body is None else mi.type_info(body)
            self._known[key] = (kind, datetime_queries(handler))
        return self._known[key]


def _invalid(
    request: Request[Any, Any, Any], message: str, source: str, key: str
) -> ValidationException:
    item = {"message": message, "source": source}
    if key:
        item["key"] = key
    return ValidationException(
        detail=f"Validation failed for {request.method} {request.url.path}", extra=[item]
    )


def refuse_lax_input() -> Any:
    """The ``before_request`` hook: strict JSON bodies and RFC 3339 date-time queries."""
    expectations = _Expectations()

    async def before_request(request: Request[Any, Any, Any]) -> None:
        kind, date_keys = expectations.of(request.route_handler)
        for key in date_keys:
            for raw in request.query_params.getall(key, []):
                try:
                    msgspec.convert(raw, datetime, strict=True)
                except msgspec.ValidationError as error:
                    raise _invalid(request, str(error), "query", key) from None
        if kind is None:
            return
        try:
            value = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            return  # not JSON: Litestar refuses it in its own words
        for where, message in lax_coercions(kind, value):
            raise _invalid(request, message, "body", where.lstrip("."))

    return before_request
