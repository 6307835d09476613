"""``samlad audit``: replay, rebuild, verify, checkpoint, as-of and what-if, for auditors.

Read-only on every store (the rebuild writes only into a fresh store of its own).
Results go to stdout, progress bars to stderr; a failed check exits with 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from services.settings import SERVICES, Settings


def add_parser(commands: Any) -> None:
    audit = commands.add_parser("audit", help="replay, rebuild, verify and question the logs")
    sub = audit.add_subparsers(dest="audit_command", required=True)

    replay = sub.add_parser("replay", help="replay a store's full event log, or the stream")
    source = replay.add_mutually_exclusive_group(required=True)
    source.add_argument("--service", choices=SERVICES)
    source.add_argument("--stream", action="store_true", help="SAMLAD_EVENTS from JetStream")
    replay.add_argument("--data-dir")

    rebuild = sub.add_parser("rebuild", help="rebuild the coordination projections and diff")
    rebuild.add_argument("--into", type=Path, help="keep the fresh store here (default: temp)")
    rebuild.add_argument("--data-dir")

    verify = sub.add_parser("verify", help="check every hash chain, and the checkpoints")
    verify.add_argument("--service", choices=SERVICES, help="one store (default: all)")
    verify.add_argument("--no-checkpoints", action="store_true",
                        help="ignore the signed checkpoints (files and NATS)")
    verify.add_argument("--data-dir")

    checkpoint = sub.add_parser(
        "checkpoint", help="sign chain heads: into <data-dir>/checkpoints, and onto NATS if up")
    checkpoint.add_argument("--service", choices=SERVICES, help="one store (default: all)")
    checkpoint.add_argument("--every", type=float,
                            help="keep publishing every this many seconds")
    checkpoint.add_argument("--data-dir")

    as_of = sub.add_parser("as-of", help="a case as it stood at an instant")
    as_of.add_argument("person_ref")
    as_of.add_argument("--at", required=True, type=datetime.fromisoformat,
                       help="ISO 8601 instant with a zone, e.g. 2025-03-01T12:00:00+01:00")
    as_of.add_argument("--data-dir")

    what_if = sub.add_parser(
        "what-if", help="replay the history under other thresholds and compare the alerts")
    what_if.add_argument("--rule", action="append", default=[], metavar="NAME=DAYS",
                         help="a threshold to change, e.g. hand_off_answer_days=3 (repeat)")
    what_if.add_argument("--until", type=datetime.fromisoformat,
                         help="replay up to this instant with a zone (default: now)")
    what_if.add_argument("--json", action="store_true", help="the comparison as JSON")
    what_if.add_argument("--data-dir")


def _print(value: Any) -> None:
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def replay(args: argparse.Namespace, settings: Settings) -> int:
    from services.audit.progress import Progress
    from services.audit.replay import replay_store, replay_stream
    from services.audit.stores import open_store

    if args.stream:
        result = asyncio.run(replay_stream(settings.nats, progress=Progress("SAMLAD_EVENTS",
                                                                             None)))
    else:
        app = open_store(settings, args.service)
        try:
            total = app.recorder.max_notification_id() or 0
            result = replay_store(app, source=args.service,
                                  progress=Progress(args.service, total))
        finally:
            app.close()
    print(f"{result.source}: {result.events} events of {result.aggregates} "
          f"{'subjects' if args.stream else 'aggregates'} in {result.seconds:.2f} s "
          f"({result.rate:,.0f} events/s)")
    for name, count in result.by_type.items():
        print(f"  {name}: {count}")
    for problem in result.problems:
        print(f"  PROBLEM {problem}")
    return 0 if result.ok else 1


def rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.store.application import open_application
    from adapters.store.settings import StoreSettings
    from services.audit.rebuild import rebuild_and_diff
    from services.audit.stores import open_store
    from services.coordination.application import CoordinationApplication
    from services.coordination.recorders import recorder_env

    live = open_store(settings, "coordination")
    with tempfile.TemporaryDirectory(prefix="samlad-rebuild-") as tmp:
        into = args.into or Path(tmp)
        if (into / "coordination.sqlite").exists():
            print(f"samlad audit rebuild: {into} already holds a store", file=sys.stderr)
            return 1
        fresh = open_application(CoordinationApplication, StoreSettings(data_dir=into),
                                 "coordination", init=None, **recorder_env(False))
        try:
            report = rebuild_and_diff(live, fresh)
        finally:
            fresh.close()
            live.close()
    print(f"rebuilt {report.cases} cases from {report.events} events")
    for table, rows in report.rows.items():
        print(f"  {table}: {rows} rows")
    for difference in report.differences:
        columns = ", ".join(f"{name}: rebuilt {ours!r} live {theirs!r}"
                            for name, (ours, theirs) in difference.columns.items())
        print(f"DIFF {difference.table} {difference.key} {difference.kind} {columns}".rstrip())
    if report.ok:
        print("projections match a full replay")
        return 0
    print(f"{report.total_differences} differences")
    return 1


def _on_bus(settings: Settings) -> Settings:
    """``settings`` with the running system's NATS url if one is found, else as given.

    ``SAMLAD_NATS_URL`` wins; otherwise the embedded server's url file in the data dir
    (left only while it runs). No url means offline: the stores and the checkpoint
    files beside them are all there is to check.
    """
    from adapters.nats.server import running_url

    if settings.nats_url is not None:
        return settings
    url = running_url(settings.nats)
    return settings if url is None else msgspec.structs.replace(settings, nats_url=url)


def verify(args: argparse.Namespace, settings: Settings) -> int:
    from services.audit.checkpoints import latest_checkpoints, verify_service

    settings = _on_bus(settings)
    services = [args.service] if args.service else list(SERVICES)
    checkpoints = {} if args.no_checkpoints else asyncio.run(
        latest_checkpoints(settings, services))
    failed = False
    for service in services:
        verdict = verify_service(settings, service, checkpoints.get(service))
        if verdict.note and verdict.ok:
            print(f"{service}: SKIPPED ({verdict.note})")
            continue
        if verdict.ok:
            through = (f", through checkpoint {verdict.checkpoint}"
                       if verdict.checkpoint is not None else ", no checkpoint published")
            print(f"{service}: OK {verdict.events_verified} events, head "
                  f"{verdict.head}{through}")
            continue
        failed = True
        if verdict.failure:
            f = verdict.failure
            print(f"{service}: FAILED {f['check']} at notification {f['notification_id']} "
                  f"({f['originator_id']} v{f['originator_version']}): {f['detail']}; "
                  f"verified up to {f['after_notification_id']}")
        else:
            print(f"{service}: FAILED {verdict.note}")
    return 1 if failed else 0


def checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    from services.audit.checkpoints import publish_checkpoints, publish_periodically

    settings = _on_bus(settings)
    services = [args.service] if args.service else list(SERVICES)
    if args.every:
        async def forever() -> None:
            await publish_periodically(settings, args.every, asyncio.Event(), services)

        try:
            asyncio.run(forever())
        except KeyboardInterrupt:
            return 0
        return 0
    where = "on NATS and " if settings.nats_url else ""
    for signed in asyncio.run(publish_checkpoints(settings, services)):
        print(f"{signed.store}: checkpoint at {signed.notification_id} {signed.store_hash} "
              f"({where}in {settings.data_dir / 'checkpoints'})")
    if settings.nats_url is None:
        print("NATS is not running here: checkpoints written beside the stores only",
              file=sys.stderr)
    return 0


def as_of(args: argparse.Namespace, settings: Settings) -> int:
    from services.audit.stores import open_store
    from services.coordination.as_of import case_as_of

    if args.at.utcoffset() is None:
        print("samlad audit as-of: --at needs a time zone", file=sys.stderr)
        return 2
    app = open_store(settings, "coordination")
    try:
        view = case_as_of(app, args.person_ref, args.at)
    finally:
        app.close()
    if view is None:
        print(f"no case for {args.person_ref} at {args.at.isoformat()}", file=sys.stderr)
        return 1
    _print(view)
    return 0


def what_if(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.store.application import open_application
    from domain.case.policy import InvalidPolicyError
    from services.audit.progress import Progress
    from services.audit.stores import store_exists
    from services.audit.what_if import format_report
    from services.audit.what_if import what_if as replay_what_if
    from services.coordination.application import CoordinationApplication
    from services.coordination.recorders import recorder_env
    from services.runtime.clock import utc_now

    changes: dict[str, int] = {}
    for text in args.rule:
        name, _, value = text.partition("=")
        if not value.strip().isdigit():
            print(f"samlad audit what-if: --rule {text!r} is not NAME=DAYS", file=sys.stderr)
            return 2
        changes[name.strip()] = int(value)
    until = args.until or utc_now()
    if until.utcoffset() is None:
        print("samlad audit what-if: --until needs a time zone", file=sys.stderr)
        return 2
    if not store_exists(settings, "coordination"):
        print(f"samlad audit what-if: no store for coordination under "
              f"{settings.store.data_dir}", file=sys.stderr)
        return 1
    # The application alone, without the service's web and bus wiring: a quicker start.
    app = open_application(CoordinationApplication, settings.store, "coordination",
                           init=None, **recorder_env(settings.store.is_postgres))
    try:
        total = app.process_recorder.max_notification_id() or 0
        report = replay_what_if(app, changes, until, reading=Progress("events", total),
                                replaying=Progress("cases", None))
    except InvalidPolicyError as error:
        print(f"samlad audit what-if: {error}", file=sys.stderr)
        return 2
    finally:
        app.close()
    if args.json:
        _print(report)
    else:
        print(format_report(report))
    return 0


COMMANDS = {"replay": replay, "rebuild": rebuild, "verify": verify, "checkpoint": checkpoint,
            "as-of": as_of, "what-if": what_if}


def run(args: argparse.Namespace, settings: Settings) -> int:
    return COMMANDS[args.audit_command](args, settings)
