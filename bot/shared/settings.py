"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(Exception):
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("; ".join(lines))


class Settings(BaseSettings):
    """The token is a SecretStr so that printing the settings, or a traceback
    holding them, shows ********** instead of it."""

    # An empty value (`SHARD_COUNT=` as .env.example ships it) means "not set".
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    discord_token: SecretStr | None = None
    bot_prefix: str = "!"
    maintainer_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    maintainer_role_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    log_level: str = "INFO"
    shard_count: int | None = Field(default=None, ge=1)
    cache_dir: Path | None = PROJECT_ROOT / "data" / "cache"
    """where the start-up cache lives (bot.core.startup); `off`: build on every start"""
    query_log: str = "data/queries.sqlite3"
    """SQLite file of anonymous query statistics (bot.services.querylog); `off` disables it"""

    @field_validator("maintainer_user_ids", "maintainer_role_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        """Accept `1,2,3` (what people write in .env) as well as a list."""
        if isinstance(value, str):
            return frozenset(int(v) for v in value.replace(" ", ",").split(",") if v)
        return value

    @classmethod
    def load(cls) -> Settings:
        """The settings from the environment and `.env`, or SettingsError with one
        line per bad value (never the value itself: it may be the token)."""
        try:
            return cls()
        except ValidationError as exc:
            lines = [f"{'.'.join(map(str, e['loc'])).upper() or 'settings'}: {e['msg']}"
                     for e in exc.errors(include_input=False)]
            raise SettingsError(lines) from None

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _cache_off(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in {"off", "none"} else value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value
