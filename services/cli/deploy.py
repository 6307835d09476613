"""``samlad deploy``: render `deploy/`, generate secrets and certificates, share partitions.

- ``render DIR``: the NATS node configs and example accounts under DIR (the repository's
  ``deploy/`` is this command's output; a test keeps them equal).
- ``secrets DIR``: nkey seeds, accounts.conf, TLS, the shared pseudonym key, the token
  keys (see ``services.deploy.secrets``). Idempotent: existing secrets are kept.
- ``certs DIR``: only the TLS material (CA, server, route with clientAuth).
- ``check``: every stream at its replicas (R3 on the cluster), all replicas current.
- ``partitions``: the partitions a coordination replica owns, from its ordinal or its
  StatefulSet pod name (what Kubernetes' entrypoint exports as SAMLAD_PARTITIONS_OWNED).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from services.settings import Settings


def add_parser(commands: Any) -> None:
    deploy = commands.add_parser("deploy", help="production files, secrets and partitions")
    sub = deploy.add_subparsers(dest="deploy_command", required=True)

    render = sub.add_parser("render", help="write the NATS node configs under DIR")
    render.add_argument("dir", type=Path)

    secrets = sub.add_parser("secrets", help="generate every secret a deployment needs")
    secrets.add_argument("dir", type=Path)
    secrets.add_argument("--host", action="append", dest="hosts",
                         help="a name or IP the NATS nodes are dialled by (repeatable; "
                              "default: nats-1..3, localhost, 127.0.0.1)")

    certs = sub.add_parser("certs", help="generate the NATS TLS material into DIR")
    certs.add_argument("dir", type=Path)
    certs.add_argument("--host", action="append", dest="hosts")

    check = sub.add_parser("check", help="every stream at its replicas, all current")
    check.add_argument("--timeout", type=float, default=30.0,
                       help="seconds to wait for the replicas to catch up")

    partitions = sub.add_parser("partitions", help="the partitions one coordination "
                                                   "replica owns, comma-separated")
    which = partitions.add_mutually_exclusive_group(required=True)
    which.add_argument("--ordinal", type=int)
    which.add_argument("--pod-name", help="a StatefulSet pod name ending in -<ordinal>")
    partitions.add_argument("--replicas", type=int, required=True)


def _check(settings: Settings, timeout: float) -> int:
    import asyncio

    from services.deploy.check import wait_healthy

    health = asyncio.run(wait_healthy(settings.nats, timeout))
    for stream in health:
        state = "OK" if stream.ok else "NOT OK"
        print(f"{stream.stream}: {state} R{stream.replicas} leader {stream.leader}, "
              f"current {','.join(stream.current) or '-'}"
              + (f", lagging {','.join(stream.lagging)}" if stream.lagging else "")
              + (f" ({stream.problem})" if stream.problem else ""))
    return 0 if all(stream.ok for stream in health) else 1


def run(args: argparse.Namespace, settings: Settings) -> int:
    from services.deploy.secrets import DEFAULT_HOSTS

    hosts = tuple(getattr(args, "hosts", None) or DEFAULT_HOSTS)
    if args.deploy_command == "render":
        from services.deploy.layout import rendered_files

        for name, text in rendered_files(settings.partitions).items():
            path = args.dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(path)
        return 0
    if args.deploy_command == "secrets":
        from services.deploy.secrets import write_secrets

        for path in write_secrets(args.dir, partitions=settings.partitions, hosts=hosts):
            print(path)
        return 0
    if args.deploy_command == "certs":
        from adapters.nats.tls import write_certificates

        for path in write_certificates(args.dir, hosts):
            print(path)
        return 0
    if args.deploy_command == "check":
        return _check(settings, args.timeout)
    from services.deploy.partitions import ordinal_of, owned_by_replica

    try:
        ordinal = args.ordinal if args.pod_name is None else ordinal_of(args.pod_name)
        owned = owned_by_replica(ordinal, args.replicas, settings.partitions)
    except ValueError as error:
        raise SystemExit(f"samlad deploy partitions: {error}") from None
    print(",".join(str(p) for p in owned))
    return 0
