"""One command can be followed from the agency API into the shared case."""

from __future__ import annotations

import secrets
from pathlib import Path

from litestar.testing import AsyncTestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.auth.testing import auth_headers
from adapters.nats.testing import running_nats
from adapters.telemetry.tracing import configure_tracing
from services.coordination.service import create_app as create_coordination
from services.kommun.app import create_app as create_kommun
from services.settings import Settings
from tests.waiting import eventually


async def test_trace_of_an_agency_command_continues_in_the_coordination_service(
    tmp_path: Path,
) -> None:
    configure_tracing("test")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"

    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url, log_json=False)
        async with (
            AsyncTestClient(create_kommun(settings)) as kommun,
            AsyncTestClient(create_coordination(settings)) as coordination,
        ):
            kommun.headers.update(auth_headers(settings, "kommun"))
            coordination.headers.update(auth_headers(settings, None, "auditor"))
            enrolled = await kommun.post(
                "/persons",
                json={"personnummer": "19811218-9876", "kommun": "Falun",
                      "gender": "man", "birth_year": 1981},
                headers={"traceparent": traceparent},
            )
            assert enrolled.status_code == 201, enrolled.text
            person_ref = enrolled.json()["person_ref"]

            async def case_exists() -> bool:
                return (await coordination.get(f"/cases/{person_ref}")).status_code == 200

            assert await eventually(case_exists)

    applied = [
        span for span in exporter.get_finished_spans() if span.name == "coordination.apply"
    ]
    assert any(format(span.context.trace_id, "032x") == trace_id for span in applied)
