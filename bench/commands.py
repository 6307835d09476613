"""Agency commands per second over HTTP: one kommun service under 32 concurrent clients.

Beside it, from the same run and the same load generator (``bench.http_load``):

- a trivial Litestar endpoint (a sync handler in a thread, as the commands run, no store,
  no token) in its own uvicorn process: what HTTP alone allows on this machine;
- the batched eventsourcing save on the same kind of store (aggregates of one event in
  saves of 500): what the store alone allows.

The kommun runs as ``samlad serve kommun`` (its own embedded nats-server, outbox relay
included) on SQLite, then on PostgreSQL (``--database-url``, own schemas, dropped after).
Workloads: enrolment (``POST /persons``), then ``POST /persons/{ref}/interventions`` spread
over the enrolled persons, closed loop; then the same at a fixed offered rate (500/s).

    python -m bench commands
    python -m bench.commands --stores sqlite --requests 6000

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import msgspec
import psycopg
from litestar import Litestar, post

from adapters.auth.principal import Role
from adapters.auth.tokens import auth_headers
from adapters.nats.server import free_port
from adapters.store.testing import DEFAULT_POSTGRES_URL
from adapters.telemetry.logging import configure_logging
from bench.http_load import LoadResult, Request, closed_loop, open_loop
from bench.ingest import drop_schemas, save_rate
from services.cli.supervisor import ProcessChild
from services.cli.testing import clean_env
from services.cli.up import wait_healthy
from services.demo.personnummer import personnummer
from services.settings import Settings

HOST = "127.0.0.1"
START_SECONDS = 60.0


class Echo(msgspec.Struct):
    ok: bool


def trivial_app() -> Litestar:
    """The baseline: a command-shaped endpoint that does nothing."""

    @post("/echo", status_code=201, sync_to_thread=True)
    def echo(data: dict[str, object]) -> Echo:
        return Echo(ok=bool(data))

    return Litestar(route_handlers=[echo])


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
    try:
        yield child
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def watched(name: str, child: subprocess.Popen[bytes]) -> ProcessChild:
    """``child`` as ``wait_healthy`` watches it: it reads only ``alive`` and ``exit_code``."""
    watching = ProcessChild(name, [], {}, Path(os.devnull))
    watching.process = child
    return watching


def enrolment(number: int) -> Request:
    day = date(1960, 1, 1) + timedelta(days=number // 1000)
    body = {"personnummer": personnummer(day, number % 1000), "kommun": "Lund",
            "gender": "kvinna", "birth_year": day.year}
    return "POST", "/persons", json.dumps(body).encode()


def intervention(refs: list[str]) -> Callable[[int], Request]:
    body = json.dumps({"intervention_type": "matchning"}).encode()
    paths = [f"/persons/{ref}/interventions" for ref in refs]

    def make(number: int) -> Request:
        return "POST", paths[number % len(paths)], body

    return make


@contextmanager
def profiled(pid: int, output: Path | None) -> Iterator[None]:
    """py-spy (``pip install py-spy``) samples ``pid`` meanwhile: collapsed stacks, all threads."""
    if output is None:
        yield
        return
    spy = subprocess.Popen(["py-spy", "record", "--pid", str(pid), "--rate", "200",
                            "--format", "raw", "--output", str(output), "--nonblocking",
                            "--idle"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


async def measure_kommun(
    settings: Settings, port: int, persons: int, requests: int, clients: int, rate: float,
    seconds: float, pid: int, profile: Path | None,
) -> dict[str, LoadResult]:
    headers = auth_headers(settings, "kommun", Role.SYSTEM, subject="bench-commands")
    results: dict[str, LoadResult] = {}
    enrolled = await closed_loop(HOST, port, headers, enrolment, clients=clients,
                                 requests=persons, keep_answers=True)
    results["enrol (POST /persons)"] = enrolled
    refs = [json.loads(answer)["person_ref"] for answer in enrolled.answers]
    with profiled(pid, profile):
        results["start intervention"] = await closed_loop(
            HOST, port, headers, intervention(refs), clients=clients, requests=requests)
    results[f"start intervention at {rate:.0f}/s offered"] = await open_loop(
        HOST, port, headers, intervention(refs), rate=rate, seconds=seconds,
        connections=clients)
    return results


def run_store(
    data_dir: Path, store: str, database_url: str, args: argparse.Namespace,
) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}_"
    env = clean_env(SAMLAD_DATA_DIR=str(data_dir), SAMLAD_LOG_FORMAT="console")
    overrides: dict[str, object] = {"data_dir": data_dir}
    if store == "postgres":
        env |= {"SAMLAD_DATABASE_URL": database_url, "SAMLAD_DATABASE_NAMESPACE": namespace}
        overrides |= {"database_url": database_url, "database_namespace": namespace}
    settings = Settings.from_env({}, **overrides)
    auth_headers(settings, "kommun")  # creates the data dir's signing key before the service
    port = free_port()
    try:
        with process([sys.executable, "-m", "services.cli.main", "serve", "kommun",
                      "--port", str(port)], env, data_dir / "kommun.log") as kommun:
            wait_healthy("kommun", f"http://{HOST}:{port}", watched("kommun", kommun),
                         time.monotonic() + START_SECONDS, stopping=lambda: False)
            results = asyncio.run(measure_kommun(
                settings, port, args.persons, args.requests, args.clients, args.rate,
                args.seconds, kommun.pid,
                args.profile / f"kommun-{store}.txt" if args.profile else None))
        saved = save_rate(settings, persons=args.requests, per_person=1)
    finally:
        drop_schemas(settings)
    label = "PostgreSQL" if store == "postgres" else "SQLite"
    print(f" kommun on {label}, {args.clients} clients:")
    for name, result in results.items():
        print(result.line(name))
    commands = results["start intervention"].rate
    print(f"  eventsourcing batch save          {saved:9.0f} events/s")
    print(f"  commands / trivial endpoint       {commands / TRIVIAL[0]:9.2f}")
    print(f"  commands / batch save             {commands / saved:9.3f}")


TRIVIAL: list[float] = [float("nan")]


def run_trivial(data_dir: Path, args: argparse.Namespace) -> None:
    port = free_port()
    with process([sys.executable, "-m", "uvicorn", "bench.commands:trivial_app", "--factory",
                  "--host", HOST, "--port", str(port), "--log-level", "warning",
                  "--no-access-log"], clean_env(), data_dir / "trivial.log") as child:
        wait_ready(port, child)
        body = json.dumps({"intervention_type": "matchning"}).encode()
        result = asyncio.run(closed_loop(
            HOST, port, {}, lambda _: ("POST", "/echo", body), clients=args.clients,
            requests=args.requests))
    TRIVIAL[0] = result.rate
    print(result.line("trivial Litestar endpoint"))


def wait_ready(port: int, child: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and child.poll() is None:
        try:
            httpx.post(f"http://{HOST}:{port}/echo", json={"a": 1}, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the trivial endpoint did not start")


def postgres_reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.commands", description=__doc__)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=8000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--profile", type=Path, default=None,
                        help="a directory: py-spy's collapsed stacks of the kommun per store")
    parser.add_argument("--database-url", default=os.environ.get(
        "SAMLAD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    print(f"commands benchmark: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"{platform.machine()} {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="samlad-bench-") as tmp:
        run_trivial(Path(tmp), args)
        for store in args.stores.split(","):
            if store == "postgres" and not postgres_reachable(args.database_url):
                print(f" PostgreSQL unreachable at {args.database_url}: skipped")
                continue
            run_store(Path(tmp) / store, store, args.database_url, args)


if __name__ == "__main__":
    main()
