"""Searching the raw bytes of every file under a data dir (stores, WAL files, JetStream)."""

from __future__ import annotations

from pathlib import Path


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def holding(root: Path, needles: list[bytes], *, skip: tuple[str, ...] = ()) -> list[str]:
    """``file: needle`` for each needle found in a file under ``root``."""
    hits = []
    for path in files_under(root):
        if any(part in skip for part in path.relative_to(root).parts):
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue  # a running server's temporary file (e.g. o.dat.tmp), renamed away
        hits += [f"{path.relative_to(root)}: {needle!r}" for needle in needles if needle in data]
    return hits


def spellings(text: str) -> list[bytes]:
    """``text`` as UTF-8 and as UTF-16 (either byte order)."""
    return [text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")]


def personnummer_spellings(pnr: str) -> list[bytes]:
    """Every way a personnummer is written: 12 or 10 digits, with or without - + or space."""
    digits = pnr.replace("-", "").replace("+", "")
    long_date, short_date, serial = digits[:8], digits[2:8], digits[8:]
    forms = {long_date + serial, short_date + serial}
    for date_part in (long_date, short_date):
        forms |= {f"{date_part}{sep}{serial}" for sep in "-+ "}
    return [spelled for form in sorted(forms) for spelled in spellings(form)]
