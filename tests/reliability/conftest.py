"""The reliability tests reuse the end-to-end `world` (the real bot against the loopback
Discord stub) and report their figures once the run is over."""

from __future__ import annotations

import pytest

from tests.frontends.discord.conftest import world  # noqa: F401  (the fixture, shared)
from tests.reliability.limits import FAULTS, FIGURES, OUT


def _faults_table() -> str:
    rows = ["| fault | the reload's message | facts still served |", "|---|---|---|"]
    rows += [f"| {fault} | {message.replace('|', '/')} | {served} |"
             for fault, message, served in FAULTS]
    return "\n".join(rows) + "\n"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    measured = {k: v for k, v in FIGURES.items() if v}
    if not measured and not FAULTS:
        return
    OUT.mkdir(parents=True, exist_ok=True)
    write = terminalreporter.write_line
    terminalreporter.section("reliability figures")
    for name, value in measured.items():
        write(f"{name}: {value}")
    if FIGURES["fuzz_inputs"]:
        (OUT / "fuzz_count.txt").write_text(f"{FIGURES['fuzz_inputs']}\n")
    if FAULTS:
        (OUT / "faults.md").write_text(_faults_table())
        write(f"faults: {len(FAULTS)} rows in {OUT / 'faults.md'}")
