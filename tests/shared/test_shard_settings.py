"""SHARD_COUNT, SHARD_IDS and REDIS_URL as people write them in the environment or .env."""

from __future__ import annotations

import pytest

from bot.shared.settings import Settings, SettingsError


def load(monkeypatch: pytest.MonkeyPatch, tmp_path, **env: str) -> Settings:
    """Settings.load() as at start-up, from the environment only (no .env here)."""
    monkeypatch.chdir(tmp_path)
    for name in ("SHARD_COUNT", "SHARD_IDS", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.load()


@pytest.mark.parametrize(("ids", "expected"), [("0,2", (0, 2)), ("0-3", (0, 1, 2, 3)),
                                               ("1-2, 5", (1, 2, 5)), ("3,1,1", (1, 3))])
def test_shard_ids_take_lists_and_ranges(monkeypatch, tmp_path, ids: str, expected: tuple[int, ...]) -> None:
    settings = load(monkeypatch, tmp_path, SHARD_COUNT="6", SHARD_IDS=ids)
    assert settings.shard_ids == expected and settings.shard_count == 6


@pytest.mark.parametrize(("env", "line"), [
    ({"SHARD_IDS": "0-1"}, "SHARD_IDS: needs SHARD_COUNT: set how many shards the whole bot has, "
                           "e.g. SHARD_COUNT=4 with SHARD_IDS=0-1"),
    ({"SHARD_COUNT": "4", "SHARD_IDS": "2,4"},
     "SHARD_IDS: each shard id must be from 0 to SHARD_COUNT - 1 (3)"),
    ({"SHARD_COUNT": "4", "SHARD_IDS": "one"}, "SHARD_IDS: use numbers and ranges, e.g. 0,2 or 0-3"),
    ({"REDIS_URL": "localhost:6379"}, "REDIS_URL: must start with redis://, rediss:// or unix://"),
])
def test_bad_shard_and_redis_settings_get_one_clear_line(monkeypatch, tmp_path, env: dict, line: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load(monkeypatch, tmp_path, **env)
    assert caught.value.lines == [line]


def test_unset_means_one_process_as_before(tmp_path) -> None:
    env = tmp_path / ".env"
    env.write_text("SHARD_COUNT=\nSHARD_IDS=\nREDIS_URL=\n")
    settings = Settings(_env_file=env)
    assert (settings.shard_count, settings.shard_ids, settings.redis_url) == (None, None, None)
