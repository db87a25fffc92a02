"""What the QUERY_LOG setting may say: a file path (SQLite), a PostgreSQL URL, or `off`.

Here, below the settings and the query log alike, so that both read the value
the same way; `QUERY_LOG=on` used to create a file named `on`.
"""

from __future__ import annotations

OFF = "off"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# Words people write for a switch: none of them is meant as a file name.
_SWITCH_WORDS = frozenset({"on", "true", "yes", "y", "1", "false", "no", "n", "0", "none", "null",
                           "enable", "enabled", "disable", "disabled"})
_HINT = "use a file path (SQLite), a postgresql:// URL, or off"


def is_off(value: str) -> bool:
    """The setting as validated (`off`), or empty: nothing is logged or kept."""
    return value.strip().casefold() in ("", OFF)


def is_postgres(value: str) -> bool:
    return value.strip().casefold().startswith(POSTGRES_SCHEMES)


def query_log_target(value: str) -> str:
    """The value in its canonical form (`off`, the URL, or the path), or
    ValueError with one line that never repeats a URL (it may hold a password)."""
    text = value.strip()
    folded = text.casefold()
    if folded == OFF:
        return OFF
    if is_postgres(text):
        return text
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise ValueError(f"{scheme}:// is not a supported query log: {_HINT}")
    if not text:
        raise ValueError(f"empty: {_HINT}")
    if folded in _SWITCH_WORDS:
        raise ValueError(f"{text!r} is not a query log: {_HINT}")
    return text
