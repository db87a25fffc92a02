"""QUERY_LOG is a file path, a PostgreSQL URL or `off`; anything else is one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.shared.settings import Settings, SettingsError
from tests.paths import ROOT


@pytest.mark.parametrize(("value", "kept"), [
    ("data/queries.sqlite3", "data/queries.sqlite3"),
    ("/var/lib/bot/log.db", "/var/lib/bot/log.db"),
    ("OFF", "off"),
    (" off ", "off"),
    ("postgresql://bot:pw@db.internal:5432/bot", "postgresql://bot:pw@db.internal:5432/bot"),
    ("postgres://bot@db/bot", "postgres://bot@db/bot"),
])
def test_accepted_values(monkeypatch, value: str, kept: str) -> None:
    monkeypatch.setenv("QUERY_LOG", value)
    assert Settings.load().query_log == kept


def test_empty_means_the_default(monkeypatch) -> None:
    monkeypatch.setenv("QUERY_LOG", "")
    assert Settings.load().query_log == "data/queries.sqlite3"


@pytest.mark.parametrize("value", ["on", "true", "yes", "TRUE", "1", "false", "none"])
def test_switch_words_are_refused(monkeypatch, value: str) -> None:
    monkeypatch.setenv("QUERY_LOG", value)
    with pytest.raises(SettingsError) as raised:
        Settings.load()
    (line,) = raised.value.lines
    assert line == (f"QUERY_LOG: {value!r} is not a query log: use a file path (SQLite), "
                    "a postgresql:// URL, or off")


def test_another_database_url_is_refused_without_showing_it(monkeypatch) -> None:
    monkeypatch.setenv("QUERY_LOG", "mysql://bot:s3cret@db/bot")
    with pytest.raises(SettingsError) as raised:
        Settings.load()
    (line,) = raised.value.lines
    assert line.startswith("QUERY_LOG: mysql:// is not a supported query log")
    assert "s3cret" not in line


def test_on_is_one_line_at_start_and_creates_no_file(tmp_path) -> None:
    """What used to happen: QUERY_LOG=on quietly logged to a file named `on`."""
    result = subprocess.run([sys.executable, "-m", "bot", "query", "about deepseek"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={**os.environ, "QUERY_LOG": "on", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Bad setting (environment or .env): QUERY_LOG: 'on' is not a query log: use a file path "
        "(SQLite), a postgresql:// URL, or off"]
    assert not (tmp_path / "on").exists()
