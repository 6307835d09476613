"""Valid, made-up personnummer (Luhn-checked), from a seeded random source.

Test and demo data only: the numbers are well-formed, so the agency edge accepts them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from adapters.pseudonym import luhn_check_digit


def personnummer(birth_date: date, serial: int) -> str:
    """``YYYYMMDD-NNNC`` for a birth date and a three-digit serial (födelsenummer).

    The serial's last digit is odd for men and even for women, as in the real register.
    """
    if not 0 <= serial <= 999:
        raise ValueError("the serial has three digits")
    nine = f"{birth_date:%y%m%d}{serial:03d}"
    return f"{birth_date:%Y%m%d}-{serial:03d}{luhn_check_digit(nine)}"


def random_personnummer(
    rng: random.Random, *, birth_year: int, woman: bool | None = None
) -> str:
    """A personnummer born in ``birth_year``; the sex digit follows ``woman`` when given."""
    day = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
    serial = rng.randrange(1000)
    if woman is not None and (serial % 2 == 0) != woman:
        serial = (serial + 1) % 1000
    return personnummer(day, serial)
