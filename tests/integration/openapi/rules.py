"""The rules the documents state in words, taught to schemathesis' generator, as an
integrator would teach their own tool: a personnummer's check digit (``format:
personnummer``) and ``period_to`` on or after ``period_from``."""

from __future__ import annotations

from datetime import date
from typing import Any

import schemathesis
from hypothesis import strategies as st

from services.demo.personnummer import personnummer

schemathesis.openapi.format(
    "personnummer",
    st.builds(personnummer, st.dates(date(1900, 1, 1), date(2025, 12, 31)), st.integers(0, 999)),
)


def taught(schema: Any) -> Any:
    """``schema`` with the period rule applied to the bodies it generates."""

    def map_body(_: Any, body: Any) -> Any:
        if (
            isinstance(body, dict)
            and isinstance(body.get("period_to"), str)
            and isinstance(body.get("period_from"), str)
            and body["period_to"] < body["period_from"]
        ):
            return body | {"period_from": body["period_to"], "period_to": body["period_from"]}
        return body

    schema.hook(map_body)
    return schema
