"""The fault campaign's counts in pytest's terminal summary, with or without ``-s``."""

from __future__ import annotations

import pytest

from .test_fault_campaign import SUMMARIES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in SUMMARIES:
        terminalreporter.write_line(line, bold=True)
