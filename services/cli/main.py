"""``samlad`` — run, serve, provision and inspect Samlad."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

import msgspec

from services.settings import DEFAULT_PORTS, SERVICES, Settings

MODULE_COMMANDS = ("token", "person", "audit", "report", "outbox", "deadletter")
"""Subcommands in their own module ``services/cli/<name>.py``: ``add_parser`` and ``run``."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    settings = Settings.from_env(**overrides)
    ports = dict(settings.ports)
    for service in SERVICES:
        port = getattr(args, f"{service}_port", None)
        if port:
            ports[service] = port
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
    up.add_argument("--services", default=",".join(SERVICES),
                    help="comma-separated subset to start (default: all)")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from adapters.telemetry.logging import configure_logging

    # Logs go to stderr as JSON; stdout carries only the command's own output. `up`
    # keeps the terminal for its URLs: the services' logs are in <data-dir>/logs.
    default_level = "WARNING" if args.command == "up" else "INFO"
    configure_logging(os.environ.get("SAMLAD_LOG_LEVEL", default_level),
                      json=os.environ.get("SAMLAD_LOG_FORMAT", "json") == "json")
    if args.command == "up":
        from services.cli.up import up

        return up(
            _settings(args), demo=args.demo, demo_persons=args.demo_persons,
            services=tuple(s for s in args.services.split(",") if s),
            checkpoint_every=args.checkpoint_every,
        )
    if args.command == "serve":
        from services.cli.serve import serve

        serve(args.service, _settings(args))
        return 0
    if args.command == "provision":
        from services.cli.serve import provision

        provision(_settings(args).nats)
        return 0
    if args.command in MODULE_COMMANDS:
        module = importlib.import_module(f"services.cli.{args.command}")
        return int(module.run(args, _settings(args)))
    if args.command == "contracts":
        from contracts.schema import DEFAULT_NATS_URL, export

        nats_url = args.nats_url or os.environ.get("SAMLAD_NATS_URL") or DEFAULT_NATS_URL
        for path in export(args.dir, nats_url=nats_url):
            print(path)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
