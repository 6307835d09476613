"""``samlad`` — run, serve, provision and inspect Samlad."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

import msgspec

from services.settings import DEFAULT_PORTS, SERVICES, Settings

MODULE_COMMANDS = (
    "token", "person", "audit", "report", "outbox", "deadletter", "deploy", "connection",
)
"""Subcommands in their own module ``services/cli/<name>.py``: ``add_parser`` and ``run``."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    settings = Settings.from_env(None, **overrides)
    ports = dict(settings.ports)
    for service in SERVICES:
        port = getattr(args, f"{service}_port", None)
        if port:
            ports[service] = port
    if getattr(args, "coordination_b_port", None):
        ports["coordination-b"] = args.coordination_b_port
    if getattr(args, "port", None) and getattr(args, "service", None):
        ports[args.service] = args.port
    host = getattr(args, "host", None) or settings.host
    return msgspec.structs.replace(settings, ports=ports, host=host)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samlad", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="start nats-server and every service")
    up.add_argument("--data-dir", help="where stores, NATS and keys live (default .samlad)")
    up.add_argument("--demo", action="store_true", help="load a demo caseload")
    up.add_argument("--demo-persons", type=int, default=500)
    up.add_argument("--host", default=None)
    up.add_argument("--checkpoint-every", type=float, default=60.0,
                    help="seconds between signed chain-head checkpoints (0: none)")
    up.add_argument("--cluster", action="store_true",
                    help="production topology: 3 NATS nodes with TLS, PostgreSQL "
                         "(SAMLAD_DATABASE_URL), two coordination replicas")
    up.add_argument("--coordination-b-port", type=int, default=None,
                    help="--cluster: the second coordination replica (default 9100)")
    up.add_argument("--services", default=",".join(SERVICES),
                    help="comma-separated subset to start (default: all; none: NATS only)")
    for service in SERVICES:
        up.add_argument(f"--{service}-port", type=int, default=None,
                        help=f"default {DEFAULT_PORTS[service]}")

    serve = commands.add_parser("serve", help="run one service in this process")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--data-dir")
    serve.add_argument("--port", type=int)
    serve.add_argument("--host", default=None)

    provision = commands.add_parser("provision", help="create or update streams and consumers")
    provision.add_argument("--data-dir")

    contracts = commands.add_parser("contracts", help="event contracts")
    contracts_sub = contracts.add_subparsers(dest="contracts_command", required=True)
    export = contracts_sub.add_parser("export", help="write JSON Schemas and AsyncAPI")
    export.add_argument("dir", type=Path)
    export.add_argument(
        "--nats-url", default=None,
        help="the NATS server(s) the AsyncAPI document names (default: $SAMLAD_NATS_URL, "
        "else nats://localhost:4222)",
    )

    for name in MODULE_COMMANDS:
        importlib.import_module(f"services.cli.{name}").add_parser(commands)
    return parser


def _up(args: argparse.Namespace) -> int:
    from services.cli.up import parse_services

    services = parse_services(args.services)
    if args.cluster:
        from services.cli.cluster import ClusterModeError, up_cluster

        try:
            return up_cluster(_settings(args), services=services)
        except ClusterModeError as error:
            print(f"samlad up --cluster: {error}", file=sys.stderr)
            return 2
    from services.cli.up import up

    return up(
        _settings(args), demo=args.demo, demo_persons=args.demo_persons,
        services=services, checkpoint_every=args.checkpoint_every,
    )


def _provision(args: argparse.Namespace) -> int:
    from adapters.nats.connection import NatsConnectError
    from services.cli.serve import provision

    try:
        provision(_settings(args).nats)
    except NatsConnectError as error:
        print(f"samlad provision: {error}", file=sys.stderr)
        return 1
    return 0


def _module_command(args: argparse.Namespace) -> int:
    from services.audit.stores import StoreMissing

    module = importlib.import_module(f"services.cli.{args.command}")
    try:
        return int(module.run(args, _settings(args)))
    except StoreMissing as error:  # the one answer to a data dir without that store
        words = [args.command, getattr(args, f"{args.command}_command", None)]
        print(f"samlad {' '.join(w for w in words if w)}: {error}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from adapters.telemetry.logging import configure_logging

    # Logs go to stderr as JSON; stdout carries only the command's own output. `up`
    # keeps the terminal for its URLs: the services' logs are in <data-dir>/logs.
    default_level = "WARNING" if args.command == "up" else "INFO"
    configure_logging(os.environ.get("SAMLAD_LOG_LEVEL", default_level),
                      json=os.environ.get("SAMLAD_LOG_FORMAT", "json") == "json")
    if args.command == "up":
        return _up(args)
    if args.command == "serve":
        from services.cli.serve import serve

        serve(args.service, _settings(args))
        return 0
    if args.command == "provision":
        return _provision(args)
    if args.command in MODULE_COMMANDS:
        return _module_command(args)
    if args.command == "contracts":
        from contracts.schema import DEFAULT_NATS_URL, export

        nats_url = args.nats_url or os.environ.get("SAMLAD_NATS_URL") or DEFAULT_NATS_URL
        for path in export(args.dir, nats_url=nats_url):
            print(path)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
