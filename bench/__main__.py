"""``python -m bench`` runs every benchmark: each ``bench/<name>.py`` with a ``main()``.

``python -m bench ingest timeline`` runs only those named. Each ``main()`` is called
without arguments, with ``sys.argv`` holding only its own name, so a benchmark's
argparse sees its defaults.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def benchmarks() -> list[str]:
    """Modules of this package that define ``main()``, in name order."""
    names = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        if callable(getattr(importlib.import_module(f"bench.{module.name}"), "main", None)):
            names.append(module.name)
    return sorted(names)


def main(argv: list[str]) -> int:
    available = benchmarks()
    chosen = argv or available
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}",
              file=sys.stderr)
        return 2
    for name in chosen:
        print(f"== bench.{name}", flush=True)
        sys.argv = [f"bench.{name}"]
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
