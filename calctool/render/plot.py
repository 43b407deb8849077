"""Terminal plots with plotext, sized to the terminal.

The data comes sampled (calctool.core.engines.plotdata); here it is only drawn.
Before plotext sees it, every curve is clipped to the window (so plotext never
draws lines thousands of rows long) and thinned to what the canvas can show.
Series differ by line style (solid, dashed, dotted), not only by colour;
colours are 256-colour mid tones that read on dark and light backgrounds.
The legend goes under the plot, so it never covers a curve or a point.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
    from calctool.render.output import Output

# 256-colour codes: blue 33, orange 202, green 34, magenta 163, teal 37.
COLORS = (33, 202, 34, 163, 37)
AXIS_COLOR = 244  # grey
POINT_COLOR = "default"  # the terminal's own foreground: readable on any theme
ASCII_MARKERS = (".", "x", "+", "*", "#")
# Pixels on, pixels off along a curve (braille canvas: 2 x 4 pixels a cell).
DASHES = {"solid": None, "dashed": (8.0, 5.0), "dotted": (1.0, 4.0), "dashdot": (8.0, 3.0)}
LEGEND_SAMPLE = {"solid": "───", "dashed": "╌╌╌", "dotted": "┈┈┈", "dashdot": "─┈─",
                 "area": "▒▒▒"}
LEGEND_ASCII = {"solid": "---", "dashed": "- -", "dotted": "...", "dashdot": "-.-",
                "area": "|||"}
AREA_EVERY = 3  # an area is shaded by a vertical line every AREA_EVERY pixel columns

_BOX_TO_ASCII = str.maketrans("─│┌┐└┘┤├┬┴┼┊", "-|+++++++++:")

Segment = tuple[list[float], list[float]]


def build(data: PlotData, *, width: int, height: int, color: bool,
          ascii: bool = False) -> str:
    """The plot as text (ANSI colour codes only when `color`; only ASCII when `ascii`)."""
    import plotext as plt

    from calctool.core.engines.plotdata import nice_ticks
    from calctool.render.math import oneline, unicode_linear

    x_lo, x_hi = data.x_window()
    y_lo, y_hi = data.ylim if data.ylim else (-1.0, 1.0)
    y_ticks = nice_ticks(y_lo, y_hi, max(3, min(8, (height - 6) // 3)))
    x_ticks = nice_ticks(x_lo, x_hi, max(3, min(10, width // 12)))
    # Canvas size in pixels, roughly: the frame and tick labels take ~10 columns, 5 rows.
    px = (max(10, width - 10) * 2, max(4, height - 6) * 4)

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.xlim(x_lo, x_hi)
    plt.ylim(y_lo, y_hi)
    plt.xticks(x_ticks, [tick_label(t) for t in x_ticks])
    plt.yticks(y_ticks, [tick_label(t) for t in y_ticks])
    axis = AXIS_COLOR if color else "default"
    if y_lo < 0 < y_hi:
        plt.plot([x_lo, x_hi], [0.0, 0.0], marker="-" if ascii else "─", color=axis)
    # An asymptote on the y-axis (1/x) is drawn as the asymptote, not as a second line.
    column = (x_hi - x_lo) / max(1, px[0] // 2)
    if x_lo < 0 < x_hi and not any(abs(a) < column for a in data.asymptotes):
        plt.plot([0.0, 0.0], [y_lo, y_hi], marker="|" if ascii else "│", color=axis)
    for a in data.asymptotes:
        a = 0.0 if abs(a) < column else a
        if x_lo < a < x_hi:
            plt.plot([a, a], [y_lo, y_hi], marker=":" if ascii else "┊", color=axis)
    # The first series (the function) is drawn last, on top of the others.
    for i in reversed(range(len(data.series))):
        s = data.series[i]
        style = data.style(i)
        marker = ASCII_MARKERS[i % len(ASCII_MARKERS)] if ascii else "braille"
        if style == "area":
            for xs, ys in hatch(s.x, s.y, (x_lo, x_hi), (y_lo, y_hi), px[0]):
                plt.plot(xs, ys, marker=marker, color=_color(i, color))
            continue
        for xs, ys in curve_pieces(s.x, s.y, (x_lo, x_hi), (y_lo, y_hi), px,
                                   DASHES.get(style) if not ascii else None):
            plt.plot(xs, ys, marker=marker, color=_color(i, color))
    for p in data.points:
        if x_lo <= p.x <= x_hi and y_lo <= p.y <= y_hi:
            mark = ("o" if p.open else "*") if ascii else ("○" if p.open else "●")
            plt.scatter([p.x], [p.y], marker=mark, color=POINT_COLOR)
    plt.title(data.heading(oneline if ascii else unicode_linear))
    plt.xlabel(data.xlabel)
    out = plt.build()
    plt.clear_figure()
    out = out if color else _strip_ansi(out)
    out = out.rstrip("\n") + "\n" + legend(data, color=color, ascii=ascii, width=width)
    if ascii:
        from calctool.render.ascii import text

        out = text(out.translate(_BOX_TO_ASCII))
    return out


def hatch(x: Sequence[float], y: Sequence[float | None], xwin: tuple[float, float],
          ywin: tuple[float, float], width_px: int) -> list[Segment]:
    """Vertical strokes from y = 0 to the curve, every AREA_EVERY pixel columns, clipped to
    the window: the shading of a signed area (above the axis where f > 0, below where f < 0).
    Nothing where the curve has no value."""
    import bisect

    x_lo, x_hi = xwin
    y_lo, y_hi = ywin
    step = (x_hi - x_lo) * AREA_EVERY / max(1, width_px)
    known = [(a, b) for a, b in zip(x, y) if b is not None and math.isfinite(b)]
    if len(known) < 2 or step <= 0:
        return []
    xs = [a for a, _ in known]
    out: list[Segment] = []
    at = max(x_lo, xs[0])
    while at <= min(x_hi, xs[-1]):
        k = bisect.bisect_left(xs, at)
        k = min(max(k, 1), len(xs) - 1)
        (x0, y0), (x1, y1) = known[k - 1], known[k]
        # only between neighbouring samples of one piece (not across a gap in the curve)
        if x0 <= at <= x1 and _adjacent(x, x0, x1):
            t = 0.0 if x1 == x0 else (at - x0) / (x1 - x0)
            v = y0 + t * (y1 - y0)
            lo, hi = sorted((0.0, v))
            lo, hi = max(lo, y_lo), min(hi, y_hi)
            if hi > lo:
                out.append(([at, at], [lo, hi]))
        at += step
    return out


def _adjacent(x: Sequence[float], a: float, b: float) -> bool:
    """Whether a and b are consecutive samples (no gap, no None, between them)."""
    import bisect

    i = bisect.bisect_left(x, a)
    return i + 1 < len(x) and x[i + 1] == b


def _color(i: int, color: bool) -> int | str:
    return COLORS[i % len(COLORS)] if color else "default"


def legend(data: PlotData, *, color: bool, ascii: bool, width: int) -> str:
    """One entry a series or point, wrapped to the width: the style sample, then the label."""
    samples = LEGEND_ASCII if ascii else LEGEND_SAMPLE
    entries: list[tuple[str, str]] = []
    for i, s in enumerate(data.series):
        sample = samples[data.style(i)]
        if ascii:
            sample = ASCII_MARKERS[i % len(ASCII_MARKERS)] * 3
        if color:
            sample = f"\x1b[38;5;{COLORS[i % len(COLORS)]}m{sample}\x1b[0m"
        entries.append((sample, s.label))
    for p in data.points:
        mark = ("o" if p.open else "*") if ascii else ("○" if p.open else "●")
        entry = (f" {mark} ", p.label + (" (hole)" if p.open else ""))
        if entry not in entries:  # several points of one kind: one entry
            entries.append(entry)
    if data.asymptotes:
        entries.append((" : " if ascii else " ┊ ", "vertical asymptote"))
    lines: list[str] = []
    line, used = "", 0
    for sample, label in entries:
        size = 3 + 1 + len(label) + 3
        if used and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line += f"{sample} {label}   "
        used += size
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)


def tick_label(t: float) -> str:
    """A tick as short as it can be: 2, 0.5, -1e+06."""
    if t == 0:
        return "0"
    text = f"{t:.6g}"
    return text


def curve_pieces(xs: Sequence[float], ys: Sequence[float | None],
                 x_win: tuple[float, float], y_win: tuple[float, float],
                 pixels: tuple[int, int], dash: tuple[float, float] | None,
                 ) -> list[Segment]:
    """The curve cut at its gaps, clipped to the window (crossings on the frame),
    thinned to about one point a pixel, and dashed when `dash` is (on, off) pixels."""
    x_lo, x_hi = x_win
    y_lo, y_hi = y_win
    sx = pixels[0] / (x_hi - x_lo) if x_hi > x_lo else 1.0
    sy = pixels[1] / (y_hi - y_lo) if y_hi > y_lo else 1.0
    pieces: list[Segment] = []
    for run in _runs(xs, ys):
        for piece in _clip(run, y_lo, y_hi):
            piece = [(x, y) for x, y in piece if x_lo <= x <= x_hi]
            thin = _thin(piece, sx, sy)
            if dash is None:
                if thin:
                    pieces.append(([p[0] for p in thin], [p[1] for p in thin]))
            else:
                pieces.extend(_dashes(thin, sx, sy, dash))
    if dash is not None and len(pieces) > 2 * pixels[0] / sum(dash):
        # A dense curve (sin(1/x)'s derivative) would become thousands of dashes, each a
        # plotext call: measured along x instead, a dash may run up and down.
        pieces = [d for run in _runs(xs, ys) for piece in _clip(run, y_lo, y_hi)
                  for d in _dashes(_thin([(x, y) for x, y in piece if x_lo <= x <= x_hi],
                                         sx, sy), sx, 0.0, dash)]
    return pieces


def _runs(xs: Sequence[float], ys: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    out: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    for x, y in zip(xs, ys):
        if y is None or not math.isfinite(y):
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append((x, y))
    if cur:
        out.append(cur)
    return out


def _clip(run: list[tuple[float, float]], lo: float, hi: float) -> list[list[tuple[float, float]]]:
    """The parts of a polyline inside lo <= y <= hi, with the crossing points added."""
    out: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    prev: tuple[float, float] | None = None
    for x, y in run:
        inside = lo <= y <= hi
        if prev is not None:
            py_ = prev[1]
            was_inside = lo <= py_ <= hi
            if was_inside and not inside:
                cur.append(_cross(prev, (x, y), hi if y > hi else lo))
                out.append(cur)
                cur = []
            elif not was_inside and inside:
                cur = [_cross(prev, (x, y), hi if py_ > hi else lo)]
            elif not was_inside and not inside and (py_ > hi) != (y > hi):
                # From above the window to below it (or back) in one step.
                a = _cross(prev, (x, y), hi if py_ > hi else lo)
                b = _cross(prev, (x, y), hi if y > hi else lo)
                out.append([a, b])
        if inside:
            cur.append((x, y))
        prev = (x, y)
    if cur:
        out.append(cur)
    return out


def _cross(p: tuple[float, float], q: tuple[float, float], level: float) -> tuple[float, float]:
    (x0, y0), (x1, y1) = p, q
    t = (level - y0) / (y1 - y0) if y1 != y0 else 0.0
    return (x0 + t * (x1 - x0), level)


def _thin(piece: list[tuple[float, float]], sx: float, sy: float) -> list[tuple[float, float]]:
    """At most four points a pixel column (its first, lowest, highest and last, in
    order), and none less than half a pixel from the last one kept: what the canvas
    can show, so plotext never draws thousands of lines into one column."""
    if len(piece) <= 2:
        return piece
    out: list[tuple[float, float]] = []
    x0 = piece[0][0]
    i = 0
    while i < len(piece):
        column = int((piece[i][0] - x0) * sx)
        j = i
        while j + 1 < len(piece) and int((piece[j + 1][0] - x0) * sx) == column:
            j += 1
        group = piece[i:j + 1]
        if len(group) <= 4:
            keep = group
        else:
            low = min(range(len(group)), key=lambda k: group[k][1])
            high = max(range(len(group)), key=lambda k: group[k][1])
            keep = [group[k] for k in sorted({0, low, high, len(group) - 1})]
        for x, y in keep:
            if not out or abs(x - out[-1][0]) * sx >= 0.5 or abs(y - out[-1][1]) * sy >= 0.5:
                out.append((x, y))
        i = j + 1
    if out[-1] != piece[-1]:
        out.append(piece[-1])
    return out


def _dashes(piece: list[tuple[float, float]], sx: float, sy: float,
            dash: tuple[float, float]) -> list[Segment]:
    """The piece cut into dashes by its length on the canvas, in pixels."""
    on, off = dash
    period = on + off
    out: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    phase = 0.0  # distance into the current on+off period
    if piece:
        cur.append(piece[0])
    for (x0, y0), (x1, y1) in itertools.pairwise(piece):
        length = math.hypot((x1 - x0) * sx, (y1 - y0) * sy)
        done = 0.0
        while length - done > 1e-9:
            drawing = phase < on
            to_edge = (on - phase) if drawing else (period - phase)
            step = min(to_edge, length - done)
            done += step
            phase = (phase + step) % period if step == to_edge else phase + step
            t = done / length
            point = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
            if drawing:
                cur.append(point)
                if step == to_edge:  # the dash ends here
                    out.append(cur)
                    cur = []
            elif step == to_edge:  # the gap ends here: a dash starts
                cur = [point]
    if len(cur) > 1:
        out.append(cur)
    return [([p[0] for p in d], [p[1] for p in d]) for d in out if len(d) > 1]


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def render_plots(plots: Sequence[PlotData], output: Output) -> None:
    """Each plot, sized to the terminal (40 to 160 columns, 12 to 30 lines)."""
    width = max(40, min(output.width, 160))
    height = max(12, min(output.height - 4, 30))
    for data in plots:
        output.stdout.write(build(data, width=width, height=height, color=output.color,
                                  ascii=not output.unicode) + "\n")
