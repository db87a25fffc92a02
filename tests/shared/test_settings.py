from __future__ import annotations

from bot.shared.settings import Settings


def test_settings_read_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MAINTAINER_USER_IDS", "11, 22")
    monkeypatch.setenv("MAINTAINER_ROLE_IDS", "33")
    monkeypatch.setenv("BOT_PREFIX", "?")
    settings = Settings(_env_file=None)
    assert settings.maintainer_user_ids == {11, 22}
    assert settings.maintainer_role_ids == {33}
    assert settings.bot_prefix == "?"


def test_the_token_never_shows_in_text(monkeypatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token-value")
    settings = Settings(_env_file=None)
    assert settings.discord_token.get_secret_value() == "super-secret-token-value"
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert "super-secret-token-value" not in text


def test_blank_token_means_no_token(monkeypatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    assert Settings(_env_file=None).discord_token is None


def test_token_from_dotenv(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=from-dotenv\n")
    assert Settings(_env_file=env).discord_token.get_secret_value() == "from-dotenv"


def test_empty_values_mean_not_set(tmp_path) -> None:
    env = tmp_path / ".env"
    env.write_text("SHARD_COUNT=\nBOT_PREFIX=\nMAINTAINER_USER_IDS=\n")
    settings = Settings(_env_file=env)
    assert settings.shard_count is None
    assert settings.bot_prefix == "!"
    assert settings.maintainer_user_ids == frozenset()
