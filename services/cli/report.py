"""``samlad report``: the follow-up indicators of the coordination store, CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from services.settings import Settings


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="follow-up indicators (SUS-like) as CSV/JSON")
    report.add_argument("--format", choices=("csv", "json"), default="csv")
    report.add_argument("--out", type=Path, help="write here instead of stdout")
    report.add_argument("--data-dir")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from services.audit.stores import open_store
    from services.coordination.indicators import get_indicators, to_csv, to_json

    app = open_store(settings, "coordination")
    try:
        indicators = get_indicators(app.process_recorder)
    finally:
        app.close()
    data = to_json(indicators) + b"\n" if args.format == "json" else to_csv(indicators).encode()
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
