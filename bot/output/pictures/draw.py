"""Drawing pictures as PNG bytes: the landscape graph and the comparison card.

matplotlib's object API on the Agg canvas (no pyplot, no global backend, no
global rcParams), laid out in pixels: both pictures are WIDTH px wide, as tall
as they need, with fonts large enough to read on a phone. Drawing holds one
lock, since matplotlib's text machinery is not thread-safe.
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from dataclasses import dataclass

import networkx as nx
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Rectangle

from bot.core.answers import Answer
from bot.core.landscape import LandscapeGraph, MarketSignal, Node
from bot.core.wording import MAKER
from bot.output.pictures.fonts import families
from bot.shared.formats import plural

WIDTH = 1200
DPI = 100
PX = DPI / 72  # pixels per point
MARGIN = 36
INK = "#1f2328"
MUTED = "#5b6470"
_LOCK = threading.Lock()

SIGNAL_STYLE: dict[MarketSignal | None, tuple[str, str, str]] = {
    # signal -> (fill, border, legend label)
    MarketSignal.OUTPERFORMING: ("#bfe8c9", "#2b8a4b", "outperforming (shares up)"),
    MarketSignal.INVESTOR_CONFIDENCE: ("#c4e6f5", "#2a7fa8", "investor confidence"),
    MarketSignal.UNDERPERFORMING: ("#f7c6c2", "#c0392b", "underperforming (shares lag)"),
    MarketSignal.MIXED: ("#fbe3a6", "#b7791f", "mixed signals"),
    None: ("#f1f2f4", "#8a929c", "no market facts"),
}
EDGE_STYLE: dict[str, dict] = {
    # kind -> drawing style and legend label
    "maker": {"color": "#3d4450", "lw": 2.6, "ls": "-", "arrow": True, "label": "makes (maker → product)"},
    "rival": {"color": "#d1495b", "lw": 2.2, "ls": (0, (5, 3)), "arrow": False, "label": "rivals"},
    "peer": {"color": "#3a78c2", "lw": 2.0, "ls": "-", "arrow": False, "label": "peers"},
    "published_on": {"color": "#8e44ad", "lw": 2.0, "ls": "-", "arrow": True,
                     "label": "publishes on (→ platform)"},
    "part_of": {"color": "#a3abb5", "lw": 1.6, "ls": "-", "arrow": True, "label": "part of (→ group)"},
}


# --- text measuring and wrapping ------------------------------------------------


class _Text:
    """Measures text in pixels with the real renderer, caching word widths."""

    def __init__(self, canvas: FigureCanvasAgg) -> None:
        self.renderer = canvas.get_renderer()
        self.family = families()
        self._props: dict[tuple[float, str, str], FontProperties] = {}
        self._widths: dict[tuple[str, float, str, str], float] = {}

    def props(self, size: float, weight: str = "normal", style: str = "normal") -> FontProperties:
        k = (size, weight, style)
        if k not in self._props:
            self._props[k] = FontProperties(family=self.family, size=size, weight=weight, style=style)
        return self._props[k]

    def width(self, text: str, size: float, weight: str = "normal", style: str = "normal") -> float:
        k = (text, size, weight, style)
        if k not in self._widths:
            w, _, _ = self.renderer.get_text_width_height_descent(
                text, self.props(size, weight, style), ismath=False)
            self._widths[k] = w
        return self._widths[k]

    def wrap(self, text: str, max_px: float, size: float, weight: str = "normal",
             style: str = "normal") -> list[str]:
        """Greedy wrapping; a line's width is the sum of its words' (measured once
        each), so long texts cost little. Han characters may break anywhere, and
        a word too long for a line is broken by characters."""
        space = self.width("x x", size, weight, style) - self.width("xx", size, weight, style)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for gap, word in _WORD_RE.findall(paragraph):
                word_w = self.width(word, size, weight, style)
                add = space if gap and line else 0.0
                if line and line_w + add + word_w > max_px:
                    lines.append(line)
                    line, line_w, add = "", 0.0, 0.0
                if word_w > max_px:
                    *full, word = self._break(word, max_px, size, weight, style)
                    lines.extend(full)
                    word_w = self.width(word, size, weight, style)
                line += (" " if add else "") + word
                line_w += add + word_w
            lines.append(line)
        return lines

    def _break(self, word: str, max_px: float, size: float, weight: str, style: str) -> list[str]:
        parts, part = [], ""
        for ch in word:
            if part and self.width(part + ch, size, weight, style) > max_px:
                parts.append(part)
                part = ""
            part += ch
        return [*parts, part]


_HAN_CLASS = "\u3000-\u9fff\uf900-\ufaff\uff00-\uffef"
_WORD_RE = re.compile(rf"(\s*)([{_HAN_CLASS}]|[^\s{_HAN_CLASS}]+)")


def _figure(height_px: float = 800) -> tuple[Figure, FigureCanvasAgg]:
    fig = Figure(figsize=(WIDTH / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    return fig, FigureCanvasAgg(fig)


def _stack(ax, lines: list[str], y: float, size: float, leading: float, family: str, *,
           color: str = INK, weight: str = "normal") -> float:
    """Draw lines top-down at the left margin from y; returns the y below them."""
    for line in lines:
        ax.text(MARGIN, y, line, fontsize=size, weight=weight, color=color, va="top", family=family)
        y += size * PX * leading
    return y


def _page_axes(fig: Figure, height: float):
    """One axes over the whole figure, in pixels, y growing downwards."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    return ax


def _png(fig: Figure, canvas: FigureCanvasAgg) -> bytes:
    buf = io.BytesIO()
    canvas.print_png(buf, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    fig.clear()
    return buf.getvalue()


class _quiet_glyphs(warnings.catch_warnings):
    """Without a CJK font, matplotlib warns once per missing glyph; the font
    module has already said so once, so those are silenced."""

    def __enter__(self):
        result = super().__enter__()
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        return result


# --- the landscape ------------------------------------------------------------------


@dataclass(slots=True)
class _Box:
    node: Node
    name_lines: list[str]
    chinese_lines: list[str]
    w: float
    h: float


NAME_EMS = 14.4
"""a box's name wraps beyond this many font sizes of width (about 16 letters)"""


def _font_size(n: int) -> float:
    return 15 if n <= 16 else 13 if n <= 30 else 11 if n <= 60 else 9


def _boxes(graph: LandscapeGraph, t: _Text, fs: float) -> list[_Box]:
    pad = 0.7 * fs * PX
    boxes = []
    for node in graph.nodes:
        name_lines = t.wrap(node.name, NAME_EMS * fs * PX, fs, "bold")
        chinese_lines = t.wrap(node.chinese_name, NAME_EMS * fs * PX, fs) if node.chinese_name else []
        widths = [t.width(line, fs, "bold") for line in name_lines]
        widths += [t.width(line, fs) for line in chinese_lines]
        widths.append(t.width(node.kind, 0.75 * fs, style="italic"))
        rows = len(name_lines) + len(chinese_lines)
        w = max(widths) + 2 * pad
        h = rows * 1.3 * fs * PX + 1.2 * 0.75 * fs * PX + 2 * pad
        boxes.append(_Box(node, name_lines, chinese_lines, w, h))
    return boxes


def _layout(graph: LandscapeGraph, boxes: list[_Box], width: float) -> tuple[np.ndarray, float]:
    """Centres of the boxes and the height they need, in pixels.

    Linked entities (and those with layout hints) get a spring layout, seeded so
    the same base gives the same picture, stretched to the width and pushed apart
    until no two boxes overlap; entities with nothing to tie them go in rows below.
    """
    g = nx.Graph()
    g.add_nodes_from(graph.ids)
    for e in graph.edges:
        w = 3.0 if e.kind == MAKER else 1.0
        if g.has_edge(e.source, e.target):
            w += g[e.source][e.target]["weight"]
        g.add_edge(e.source, e.target, weight=w)
    for a, b in graph.hints:
        if not g.has_edge(a, b):
            g.add_edge(a, b, weight=0.5)
    w = np.array([b.w for b in boxes])
    h = np.array([b.h for b in boxes])
    gap = 44.0 if len(boxes) <= 20 else 30.0
    tied = [i for i, b in enumerate(boxes) if g.degree(b.node.id) > 0]
    loose = [i for i, b in enumerate(boxes) if g.degree(b.node.id) == 0]
    centres = np.zeros((len(boxes), 2))
    bottom = 0.0
    if tied:
        xy = _spread(g.subgraph([boxes[i].node.id for i in tied]), [boxes[i] for i in tied],
                     w[tied], h[tied], width, gap)
        centres[tied] = xy
        bottom = float((xy[:, 1] + h[tied] / 2).max()) + gap
    x = 0.0
    row_h = 0.0
    for i in loose:  # rows, left to right
        if x and x + w[i] > width:
            bottom += row_h + gap
            x, row_h = 0.0, 0.0
        centres[i] = (x + w[i] / 2, bottom + h[i] / 2)
        x += w[i] + gap
        row_h = max(row_h, h[i])
    if loose:
        bottom += row_h
    else:
        bottom -= gap
    return centres, bottom


def _spread(g: nx.Graph, boxes: list[_Box], w: np.ndarray, h: np.ndarray, width: float,
            gap: float) -> np.ndarray:
    n = len(boxes)
    if n == 1:
        return np.array([[width / 2, h[0] / 2]])
    pos = nx.spring_layout(g, seed=7, weight="weight", iterations=150, k=1.5 / math.sqrt(n))
    xy = np.array([pos[b.node.id] for b in boxes], dtype=float)
    area = float(((w + 2 * gap) * (h + 2 * gap)).sum())
    used = min(width, max(2.0 * math.sqrt(area), 2 * float(w.max()) + gap))  # few boxes: not stretched
    height = max(min(1.25 * area / used, 4000.0), 1.5 * float(h.max()) + gap)
    span = np.ptp(xy, axis=0)
    span[span == 0] = 1
    xy = (xy - xy.min(axis=0)) / span
    x = (width - used) / 2 + w / 2 + xy[:, 0] * (used - w)
    y = h / 2 + xy[:, 1] * (height - h)
    order = np.arange(n)
    for step in range(800):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        ox = (w[:, None] + w[None, :]) / 2 + gap - np.abs(dx)
        oy = (h[:, None] + h[None, :]) / 2 + gap - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        tie = np.sign(order[:, None] - order[None, :]).astype(float)
        sx = np.where(dx != 0, np.sign(dx), tie)
        sy = np.where(dy != 0, np.sign(dy), tie)
        # sideways first (height is what makes a picture long); if that has not
        # settled it, only downwards, which always ends
        along_x = hit & (ox < 1.5 * oy) if step < 400 else np.zeros_like(hit)
        along_y = hit & ~along_x
        count = np.maximum(hit.sum(axis=1), 1)
        x = np.clip(x + 0.6 * np.where(along_x, ox * sx, 0).sum(axis=1) / count, w / 2, width - w / 2)
        y = y + 0.6 * np.where(along_y, oy * sy, 0).sum(axis=1) / count
    y = y - float((y - h / 2).min())
    return np.column_stack([x, y])


def _clip(centre: np.ndarray, other: np.ndarray, w: float, h: float, pad: float = 5) -> np.ndarray:
    """Where the ray from centre towards other leaves the box (w x h) around centre,
    plus pad: arrows start and end at the box's edge, not under it."""
    d = other - centre
    if not d.any():
        return centre
    sx = (w / 2 + pad) / abs(d[0]) if d[0] else math.inf
    sy = (h / 2 + pad) / abs(d[1]) if d[1] else math.inf
    return centre + d * min(sx, sy)


def _control(a: np.ndarray, b: np.ndarray, rad: float) -> np.ndarray:
    """The control point matplotlib's arc3 uses, in our y-down pixel coordinates."""
    d = b - a
    return (a + b) / 2 + rad * np.array([-d[1], d[0]])


_T = np.linspace(0.08, 0.92, 24)[:, None]


def _curve(a: np.ndarray, b: np.ndarray, rad: float) -> np.ndarray:
    """Points along the arc3 curve from a to b (a quadratic Bezier)."""
    c = _control(a, b, rad)
    return (1 - _T) ** 2 * a + 2 * (1 - _T) * _T * c + _T**2 * b


def _clear_bend(a: np.ndarray, b: np.ndarray, others: list[tuple[np.ndarray, _Box]],
                drawn: list[np.ndarray]) -> float:
    """The least bend (arc3 rad) at which the link from a to b crosses no other
    box: straight when nothing is in the way; of two bends as strong, the one
    further from links already drawn; the least obstructed when none is clear."""
    if not others:
        return 0.0
    centres = np.array([c for c, _ in others])
    half = np.array([(box.w / 2 + 8, box.h / 2 + 8) for _, box in others])
    crowd_at = np.concatenate(drawn) if drawn else np.zeros((0, 2))
    best: tuple[int, float, int] | None = None
    best_rad = 0.0
    for level in ((0.0,), (0.2, -0.2), (0.35, -0.35), (0.5, -0.5)):
        scored = []
        for rad in level:
            points = _curve(a, b, rad)
            inside = (np.abs(points[:, None, :] - centres[None, :, :]) < half[None, :, :]).all(axis=2)
            middle = points[5:-5]
            crowd = 0
            if len(crowd_at):
                near = np.hypot(*(middle[:, None, :] - crowd_at[None, :, :]).transpose(2, 0, 1)) < 14
                crowd = int(near.any(axis=1).sum())
            scored.append(((int(inside.sum()), abs(rad), crowd), rad))
        score, rad = min(scored)
        if score[0] == 0:
            return rad
        if best is None or score < best:
            best, best_rad = score, rad
    return best_rad


def render_landscape(graph: LandscapeGraph) -> bytes:
    """The landscape as a PNG: boxes coloured by market signal, links styled by
    kind, a legend for both and a caption naming the sources."""
    with _LOCK, _quiet_glyphs():
        return _render_landscape(graph)


def _render_landscape(graph: LandscapeGraph) -> bytes:
    fig, canvas = _figure()
    t = _Text(canvas)
    fs = _font_size(len(graph.nodes))
    inner = WIDTH - 2 * MARGIN
    header = 30
    title_lines = t.wrap(graph.title, inner, 24, "bold")
    summary_lines = t.wrap(graph.summary, inner, 14)
    header += len(title_lines) * 24 * PX * 1.25 + len(summary_lines) * 14 * PX * 1.35 + 20

    boxes = _boxes(graph, t, fs)
    if boxes:
        centres, graph_h = _layout(graph, boxes, inner)
    else:
        centres, graph_h = np.zeros((0, 2)), 80.0
    legend_top = header + graph_h + 30
    legend_rows = 1 + max(len(_signals_shown(graph)), len(_kinds_shown(graph)))
    legend_h = legend_rows * 13 * PX * 1.62 + 14
    caption = _landscape_caption(graph)
    caption_lines = [line for text in caption for line in t.wrap(text, inner, 12.5)]
    height = legend_top + legend_h + len(caption_lines) * 12.5 * PX * 1.4 + 30

    fig.set_size_inches(WIDTH / DPI, height / DPI)
    ax = _page_axes(fig, height)
    fam = t.family
    y = _stack(ax, title_lines, 30.0, 24, 1.25, fam, weight="bold")
    _stack(ax, summary_lines, y, 14, 1.35, fam, color=MUTED)

    origin = np.array([MARGIN, header])
    place = {b.node.id: (origin + c, b) for b, c in zip(boxes, centres, strict=True)}
    pair_count: dict[frozenset, int] = {}
    drawn: list[np.ndarray] = []
    for e in graph.edges:
        (a, box_a), (b, box_b) = place[e.source], place[e.target]
        pair = frozenset((e.source, e.target))
        nth = pair_count.get(pair, 0)
        pair_count[pair] = nth + 1
        if nth:  # a second link between the same two: bend it away from the first
            rad = 0.25 * (1 if nth % 2 else -1) * ((nth + 1) // 2)
        else:
            others = [(c, box) for k, (c, box) in place.items() if k not in pair]
            rad = _clear_bend(a, b, others, drawn)
        drawn.append(_curve(a, b, rad)[5:-5])
        control = _control(a, b, rad) if rad else None
        style = EDGE_STYLE[e.kind]
        start = _clip(a, b if control is None else control, box_a.w, box_a.h)
        end = _clip(b, a if control is None else control, box_b.w, box_b.h)
        ax.add_patch(FancyArrowPatch(
            tuple(start), tuple(end), arrowstyle="-|>" if style["arrow"] else "-",
            mutation_scale=20, color=style["color"], lw=style["lw"], linestyle=style["ls"],
            connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0, zorder=1,
            joinstyle="miter", capstyle="butt"))

    for node_id, (c, box) in place.items():
        node = box.node
        fill, border, _ = SIGNAL_STYLE[node.signal]
        focus = node_id == graph.focus
        ax.add_patch(FancyBboxPatch(
            (c[0] - box.w / 2, c[1] - box.h / 2), box.w, box.h,
            boxstyle=f"round,pad=0,rounding_size={min(12, box.h / 3)}", fc=fill, ec=INK if focus else border,
            lw=4 if focus else 2, zorder=2))
        yy = c[1] - box.h / 2 + 0.7 * fs * PX
        for line in box.name_lines:
            ax.text(c[0], yy, line, fontsize=fs, weight="bold", color=INK, ha="center", va="top",
                    family=fam, zorder=3)
            yy += 1.3 * fs * PX
        for line in box.chinese_lines:
            ax.text(c[0], yy, line, fontsize=fs, color=INK, ha="center", va="top",
                    family=fam, zorder=3)
            yy += 1.3 * fs * PX
        ax.text(c[0], yy + 0.1 * fs * PX, node.kind, fontsize=0.75 * fs, color=MUTED, style="italic",
                ha="center", va="top", family=fam, zorder=3)

    _landscape_legend(fig, graph, legend_top, height, t)
    _stack(ax, caption_lines, legend_top + legend_h, 12.5, 1.4, fam, color=MUTED)
    return _png(fig, canvas)


def _signals_shown(graph: LandscapeGraph) -> list[MarketSignal | None]:
    """Every signal but `mixed`, which is listed only when some box has it."""
    present = {n.signal for n in graph.nodes}
    return [s for s in SIGNAL_STYLE if s is not MarketSignal.MIXED or s in present]


def _kinds_shown(graph: LandscapeGraph) -> list[str]:
    return [k for k in EDGE_STYLE if any(e.kind == k for e in graph.edges)] or list(EDGE_STYLE)


def _landscape_legend(fig: Figure, graph: LandscapeGraph, top: float, height: float, t: _Text) -> None:
    signals = _signals_shown(graph)
    handles = [Patch(fc=SIGNAL_STYLE[s][0], ec=SIGNAL_STYLE[s][1], lw=2, label=SIGNAL_STYLE[s][2])
               for s in signals]
    kinds = _kinds_shown(graph)
    lines = [Line2D([], [], color=EDGE_STYLE[k]["color"], lw=EDGE_STYLE[k]["lw"] + 0.6,
                    linestyle=EDGE_STYLE[k]["ls"], label=EDGE_STYLE[k]["label"]) for k in kinds]
    anchor_y = 1 - top / height
    common = {"loc": "upper left", "frameon": False, "prop": t.props(13),
              "title_fontproperties": t.props(14, "bold"), "alignment": "left",
              "handlelength": 2.6, "handleheight": 1.1, "labelspacing": 0.45}
    fig.legend(handles=handles, title="Market signal (box colour)",
               bbox_to_anchor=(MARGIN / WIDTH - 0.005, anchor_y), **common)
    fig.legend(handles=lines, title="Links", bbox_to_anchor=(0.5, anchor_y), **common)


def _landscape_caption(graph: LandscapeGraph) -> list[str]:
    out = []
    if graph.truncated:
        where = " around the focus" if graph.focus else ""
        whole = f" ({graph.total_entities:,} in the fact base)" if graph.focus else ""
        out.append(f"Showing the {plural(len(graph.nodes), 'entity', 'entities')} with the most facts, of "
                   f"{graph.candidates:,}{where}{whole}.")
    focus = "; a thick dark border marks the focus" if graph.focus else ""
    out.append("Market signal: read from each company's market facts and market summary "
               f"(words such as “underperform”, “lag”, “confidence”, “doubled”){focus}.")
    shown = list(graph.sources[:4])
    more = len(graph.sources) - len(shown)
    label = "Source" if len(graph.sources) == 1 else "Sources"
    text = f"{label}: " + "; ".join(s.label for s in shown) if shown else "Sources: none cited."
    if more > 0:
        text += f"; and {more} more"
    out.append(text)
    return out


# --- the comparison card -------------------------------------------------------------


def _card_sizes(columns: int) -> tuple[float, float]:
    """(body, header) font sizes in points: larger for fewer columns."""
    body = {1: 20, 2: 19, 3: 16.5}.get(columns, 15)
    return body, body + 3


@dataclass(slots=True)
class _CardRow:
    label: list[str]
    cells: list[list[str]]
    muted: list[bool]
    height: float


def render_compare_card(answer: Answer) -> bytes:
    """A comparison Answer's table as a PNG card: a column per entity (name and
    Chinese name), a row per attribute, wrapped text, and its sources."""
    if not answer.columns or not answer.rows:
        raise ValueError("a compare card needs an answer with columns and rows")
    with _LOCK, _quiet_glyphs():
        return _render_compare_card(answer)


def _render_compare_card(answer: Answer) -> bytes:
    fig, canvas = _figure()
    t = _Text(canvas)
    k = len(answer.columns)
    body, head = _card_sizes(k)
    pad = 12.0
    inner = WIDTH - 2 * MARGIN
    words = [w for row in answer.rows for w in row.label.split()]
    label_w = max((t.width(w, body - 1, "bold") for w in words), default=0.0) + 2 * pad
    label_w = min(max(label_w, 170.0), 260.0)
    col_w = (inner - label_w) / k
    line_h = body * PX * 1.32

    title_lines = t.wrap(answer.title, inner, 28, "bold")
    headers = [(c.name, c.chinese_name) for c in answer.columns]
    head_lines = [t.wrap(name, col_w - 2 * pad, head, "bold") for name, _ in headers]
    head_rows = max(len(n) + (1 if zh else 0) for n, (_, zh) in zip(head_lines, headers, strict=True))
    head_h = head_rows * head * PX * 1.3 + 2 * pad

    rows = []
    for row in answer.rows:
        label = t.wrap(row.label, label_w - 2 * pad, body - 1, "bold")
        cells, muted = [], []
        for cell in row.cells:
            quiet = not cell.facts and cell.text == "not covered by the sources"
            cells.append(t.wrap(cell.text, col_w - 2 * pad, body, style="italic" if quiet else "normal"))
            muted.append(quiet)
        n_lines = max(len(label), *(len(c) for c in cells))
        rows.append(_CardRow(label, cells, muted, n_lines * line_h + 2 * pad))

    notes: list[tuple[str, str]] = []
    for section in answer.sections:
        notes.append((section.title, "bold"))
        notes.extend(("• " + line, "normal") for line in section.lines)
    note_lines = [(weight, line) for text, weight in notes
                  for line in t.wrap(text, inner, body - 2, weight)]
    sources = answer.sources
    if sources:
        label = "Source" if len(sources) == 1 else "Sources"
        cite_text = f"{label}: " + "; ".join(c.source_label for c in sources[:4])
        if len(sources) > 4:
            cite_text += f"; and {len(sources) - 4} more"
        cite_text += (f". {plural(len(answer.facts), 'fact')} cited; the text answer lists "
                      f"{'it' if len(answer.facts) == 1 else 'each one'}.")
    else:
        cite_text = "No facts cited."
    cite_lines = t.wrap(cite_text, inner, 12.5)

    title_h = len(title_lines) * 28 * PX * 1.25
    table_top = 30 + title_h + 18
    table_h = head_h + sum(r.height for r in rows)
    notes_top = table_top + table_h + 24
    notes_h = len(note_lines) * (body - 2) * PX * 1.4
    cite_top = notes_top + notes_h + (16 if note_lines else 0)
    height = cite_top + len(cite_lines) * 12.5 * PX * 1.4 + 28

    fig.set_size_inches(WIDTH / DPI, height / DPI)
    ax = _page_axes(fig, height)
    fam = t.family
    _stack(ax, title_lines, 30.0, 28, 1.25, fam, weight="bold")

    x_cols = [MARGIN + label_w + i * col_w for i in range(k)]
    ax.add_patch(Rectangle((MARGIN, table_top), inner, head_h, fc="#24324a", ec="none", zorder=0))
    for x, lines, (_, zh) in zip(x_cols, head_lines, headers, strict=True):
        yy = table_top + pad
        for line in lines:
            ax.text(x + pad, yy, line, fontsize=head, weight="bold", color="white", va="top", family=fam)
            yy += head * PX * 1.3
        if zh:
            ax.text(x + pad, yy, zh, fontsize=head, color="#d8e1f0", va="top", family=fam)
    y = table_top + head_h
    for i, row in enumerate(rows):
        ax.add_patch(Rectangle((MARGIN, y), inner, row.height, fc="#f3f5f8" if i % 2 == 0 else "white",
                               ec="none", zorder=0))
        yy = y + pad
        for line in row.label:
            ax.text(MARGIN + pad, yy, line, fontsize=body - 1, weight="bold", color="#34435e",
                    va="top", family=fam)
            yy += line_h
        for x, lines, quiet in zip(x_cols, row.cells, row.muted, strict=True):
            yy = y + pad
            for line in lines:
                ax.text(x + pad, yy, line, fontsize=body, color=MUTED if quiet else INK,
                        style="italic" if quiet else "normal", va="top", family=fam)
                yy += line_h
        y += row.height
    for x in x_cols:
        ax.add_line(Line2D([x, x], [table_top + head_h, y], color="#d5dae1", lw=1.2))
    ax.add_patch(Rectangle((MARGIN, table_top), inner, y - table_top, fc="none", ec="#c5ccd6", lw=1.5))

    y = notes_top
    for weight, line in note_lines:
        ax.text(MARGIN, y, line, fontsize=body - 2, weight=weight,
                color=INK, va="top", family=fam)
        y += (body - 2) * PX * 1.4
    _stack(ax, cite_lines, cite_top, 12.5, 1.4, fam, color=MUTED)
    return _png(fig, canvas)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header, without decoding it."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
