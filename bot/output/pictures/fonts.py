"""Finding a font with Han glyphs, so Chinese names are drawn and not boxes.

Looked for, in order: a known CJK family matplotlib already knows; a known
CJK font file in the usual font directories (added to matplotlib, whose font
list may predate the font's installation); any font fontconfig lists for
Chinese. The first that really has Han glyphs wins. Without one, pictures use
the default font, Han glyphs become boxes, and one warning is logged.

`python -m bot.output.pictures.fonts` prints the font found, or exits 1 (the Makefile
uses it to decide whether to install one).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
"""Latin text; matplotlib ships it, so it is always there."""

PREFERRED = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR",
    "Source Han Sans SC", "Source Han Sans CN", "Source Han Sans",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans SC", "Noto Sans TC",
    "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC",
    "Arial Unicode MS",
)
_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "droidsansfallback",
               "uming", "ukai", "notosanssc")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
              "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")
_HAN = ord("中")


def _has_han(path: str) -> bool:
    from matplotlib import ft2font

    try:
        return ft2font.FT2Font(path).get_char_index(_HAN) != 0
    except Exception:  # an unreadable font file is just not a candidate
        return False


def _add(path: str) -> str | None:
    """Register a font file with matplotlib; its family name if it has Han glyphs."""
    from matplotlib import font_manager

    if not _has_han(path):
        return None
    try:
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name()
    except Exception:
        return None


def _candidate_files() -> list[str]:
    found = []
    for root in _FONT_DIRS:
        base = Path(root).expanduser()
        if not base.is_dir():
            continue
        for dirpath, _, names in os.walk(base):
            for name in sorted(names):
                flat = name.casefold().replace("-", "").replace("_", "")
                if flat.endswith((".ttf", ".otf", ".ttc")) and any(h in flat for h in _FILE_HINTS):
                    found.append(os.path.join(dirpath, name))
    return found


def _fontconfig_files() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())


@functools.cache
def cjk_family() -> str | None:
    """The family name of a font with Han glyphs, or None (warned about once)."""
    try:
        from matplotlib import font_manager

        known = {f.name: f.fname for f in font_manager.fontManager.ttflist}
        for name in PREFERRED:
            if name in known and _has_han(known[name]):
                return name
        for path in (*_candidate_files(), *_fontconfig_files()):
            name = _add(path)
            if name:
                return name
    except Exception:  # a font problem must never stop a picture
        log.exception("looking for a CJK font failed")
    log.warning("No font with Chinese (Han) glyphs found: pictures will show Chinese names as "
                "boxes. Install one, e.g. `apt-get install fonts-wqy-microhei` or fonts-noto-cjk.")
    return None


class _NoWeightFallbackNoise(logging.Filter):
    """Most CJK fonts have no bold face; matplotlib then draws Han glyphs at the
    regular weight (fine) and says so for every bold text: drop that message."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("findfont: Failed to find font weight")


@functools.cache
def _quiet_weight_fallback() -> None:
    logging.getLogger("matplotlib.font_manager").addFilter(_NoWeightFallbackNoise())


def families() -> list[str]:
    """The font list for every text in a picture: Latin first, then Han fallback."""
    cjk = cjk_family()
    if cjk is None:
        return [BASE_FAMILY]
    _quiet_weight_fallback()
    return [BASE_FAMILY, cjk]


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    family = cjk_family()
    print(family or "no CJK font found")
    sys.exit(0 if family else 1)
