"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.shared.logtarget import query_log_target

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
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None
    """the shards of SHARD_COUNT this process runs (`0,2`, `0-3`); unset: all of them"""
    redis_url: str | None = None
    """shared state for several processes (bot.services.fleet); unset: one process, as before"""
    cache_dir: Path | None = PROJECT_ROOT / "data" / "cache"
    """where the start-up cache lives (bot.core.startup); `off`: build on every start"""
    query_log: str = "data/queries.sqlite3"
    """anonymous query statistics (bot.services.querylog): a SQLite file, a postgresql:// URL, or `off`"""

    @field_validator("maintainer_user_ids", "maintainer_role_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        """Accept `1,2,3` (what people write in .env) as well as a list."""
        if isinstance(value, str):
            return frozenset(int(v) for v in value.replace(" ", ",").split(",") if v)
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object, info: ValidationInfo) -> object:
        """`0,2` or `0-3` (ranges included) as well as a list; each below SHARD_COUNT."""
        if value is None or "shard_count" not in info.data:
            return None  # unset, or SHARD_COUNT itself is wrong and says so
        count = info.data["shard_count"]
        if count is None:
            raise PydanticCustomError("shard_ids", "needs SHARD_COUNT: set how many shards the "
                                      "whole bot has, e.g. SHARD_COUNT=4 with SHARD_IDS=0-1")
        if isinstance(value, str):
            ids: list[int] = []
            for part in value.replace(" ", "").split(","):
                first, dash, last = part.partition("-")
                if not (first.isdigit() and (not dash or last.isdigit())):
                    raise PydanticCustomError("shard_ids", "use numbers and ranges, e.g. 0,2 or 0-3")
                ids.extend(range(int(first), int(last or first) + 1))
            value = ids
        ids = sorted(set(value))  # type: ignore[call-overload]
        if not ids or ids[-1] >= count:
            raise PydanticCustomError("shard_ids", "each shard id must be from 0 to SHARD_COUNT - 1 "
                                      "({last})", {"last": count - 1})
        return tuple(ids)

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise PydanticCustomError("redis_url", "must start with redis://, rediss:// or unix://")
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

    @field_validator("query_log")
    @classmethod
    def _query_log_target(cls, value: str) -> str:
        """`QUERY_LOG=on` must not quietly log to a file named `on`."""
        try:
            return query_log_target(value)
        except ValueError as exc:
            raise PydanticCustomError("query_log", str(exc)) from None
