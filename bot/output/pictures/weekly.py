"""The gaps report's picture: questions per week, answered, unanswered and not found.

Stacked bars, one per week, so a maintainer sees at a glance whether the share
the base cannot answer shrinks as facts are added. Plain numbers in, PNG out:
the query log (bot.services) is read by the front end that asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.output.pictures.draw import _LOCK, DPI, INK, MUTED, WIDTH, _png, _quiet_glyphs
from bot.output.pictures.fonts import families

HEIGHT = 520
SERIES = (("answered", "#2b8a4b"), ("unanswered", "#b7791f"), ("not found", "#c0392b"))
MAX_WEEKS = 52


def render_weekly(weeks: Sequence[tuple[dt.date, int, int, int]], title: str = "") -> bytes:
    """(Monday, answered, unanswered, not found) per week, oldest first: the last
    MAX_WEEKS are drawn; no weeks draws an empty chart that says so."""
    with _LOCK, _quiet_glyphs():
        return _render(list(weeks)[-MAX_WEEKS:], title or "Questions per week")


def _render(weeks: list[tuple[dt.date, int, int, int]], title: str) -> bytes:
    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    family = families()
    ax = fig.add_axes((0.07, 0.16, 0.9, 0.72))
    fig.text(0.07, 0.93, title, fontsize=18, weight="bold", color=INK, family=family)
    x = np.arange(len(weeks))
    bottom = np.zeros(len(weeks))
    for i, (label, colour) in enumerate(SERIES, start=1):
        values = np.array([w[i] for w in weeks], dtype=float)
        ax.bar(x, values, bottom=bottom, color=colour, label=label, width=0.75)
        bottom += values
    if not weeks:
        ax.text(0.5, 0.5, "No questions logged yet", transform=ax.transAxes, ha="center",
                fontsize=14, color=MUTED, family=family)
    step = max(1, len(weeks) // 12)
    ax.set_xticks(x[::step], [w[0].isoformat() for w in weeks][::step], rotation=30,
                  ha="right", fontsize=10, family=family)
    ax.set_ylabel("questions", fontsize=11, color=MUTED, family=family)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.01), frameon=False, ncols=3,
              prop={"family": family, "size": 11})
    return _png(fig, canvas)
