"""How long ``samlad audit what-if`` takes on the demo caseload (target: < 10 s for 500).

Loads the demo as ``samlad up --demo`` does (all services, SQLite, embedded nats-server,
``load_demo`` through the agencies' APIs), waits until the shared case has applied
everything, stops the system, then times ``samlad audit what-if --rule
hand_off_answer_days=3`` on the stopped data dir as an auditor would run it, and prints
its comparison.

    python -m bench what_if
    python -m bench.what_if --persons 500 --rule hand_off_answer_days=3

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from adapters.telemetry.logging import configure_logging
from services.cli.testing import RunningSamlad, clean_env, demo_settled
from services.demo.loader import load_demo
from services.settings import Settings

TARGET_SECONDS = 10.0
SETTLE_SECONDS = 180.0


def demo_data_dir(data_dir: Path, persons: int) -> None:
    """A stopped data dir holding the demo of ``persons``, fully applied."""
    running = RunningSamlad(data_dir)
    try:
        urls = running.wait_until_up().urls
        ports = {name: urlsplit(url).port or 0 for name, url in urls.items() if name != "nats"}
        settings = msgspec.structs.replace(
            Settings(data_dir=data_dir), ports=ports, nats_url=urls.get("nats")
        )
        load_demo(settings, persons)
        deadline = time.monotonic() + SETTLE_SECONDS
        while not demo_settled(data_dir, settings) and time.monotonic() < deadline:
            time.sleep(0.2)
        running.stop()
    finally:
        running.kill()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.what_if", description=__doc__)
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--rule", action="append", default=None)
    parser.add_argument(
        "--data-dir", type=Path, help="keep the demo here, and reuse it if it is already there"
    )
    args = parser.parse_args(argv)
    rules = args.rule or ["hand_off_answer_days=3"]
    configure_logging("WARNING", json=False)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"what-if benchmark: {args.persons} persons, load average {load}", flush=True)
    with tempfile.TemporaryDirectory(prefix="samlad-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not (data_dir / "stores" / "coordination.sqlite").exists():
            demo_data_dir(data_dir, args.persons)
        command = [
            sys.executable,
            "-m",
            "services.cli.main",
            "audit",
            "what-if",
            "--data-dir",
            str(data_dir),
            *(f"--rule={rule}" for rule in rules),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, env=clean_env(), capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
    print(done.stdout, end="")
    if done.returncode:
        print(done.stderr, end="")
    print(
        f"  samlad audit what-if {' '.join(rules)}   {seconds:5.2f} s (exit "
        f"{done.returncode})   target < {TARGET_SECONDS:.0f} s: "
        f"{seconds / TARGET_SECONDS:.2f}×",
        flush=True,
    )


if __name__ == "__main__":
    main()
