"""Terminal plots with plotext, sized to the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
    from calctool.render.output import Output

COLORS = ("blue", "red", "green", "magenta", "cyan")
# Without colour, series tell themselves apart by their marker.
PLAIN_MARKERS = ("braille", "•", "x", "+", "*")
ASCII_MARKERS = (".", "x", "+", "*", "#")


_BOX_TO_ASCII = str.maketrans("─│┌┐└┘┤├┬┴┼", "-|+++++++++")


def build(data: PlotData, *, width: int, height: int, color: bool,
          ascii: bool = False) -> str:
    """The plot as text (ANSI colour codes only when `color`; only ASCII when `ascii`)."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("pro" if color else "clear")
    for i, s in enumerate(data.series):
        segments = _segments(s.x, s.y)
        for j, (xs, ys) in enumerate(segments):
            plt.plot(xs, ys, label=s.label if j == 0 else None,
                     color=COLORS[i % len(COLORS)], marker=_marker(i, color=color, ascii=ascii))
    for label, x, y in data.points:
        # A marked point in a colour that shows on dark and light terminals alike.
        plt.scatter([x], [y], label=label, color="orange" if color else None,
                    marker="o" if ascii else "●")
    if data.ylim:
        plt.ylim(*data.ylim)
    from calctool.render.math import oneline, unicode_linear

    plt.title(data.heading(oneline if ascii else unicode_linear))
    plt.xlabel(data.xlabel)
    out = plt.build()
    plt.clear_figure()
    out = out if color else _strip_ansi(out)
    if ascii:
        from calctool.render.ascii import text

        out = text(out.translate(_BOX_TO_ASCII))
    return out


Segment = tuple[list[float], list[float]]


def _marker(i: int, *, color: bool, ascii: bool) -> str:
    if ascii:
        return ASCII_MARKERS[i % len(ASCII_MARKERS)]
    return "braille" if color else PLAIN_MARKERS[i % len(PLAIN_MARKERS)]


def _segments(xs: Sequence[float], ys: Sequence[float | None]) -> list[Segment]:
    """Split a series at its gaps so no line is drawn across a pole."""
    out: list[Segment] = []
    cur_x: list[float] = []
    cur_y: list[float] = []
    for x, y in zip(xs, ys):
        if y is None:
            if cur_x:
                out.append((cur_x, cur_y))
            cur_x, cur_y = [], []
        else:
            cur_x.append(x)
            cur_y.append(y)
    if cur_x:
        out.append((cur_x, cur_y))
    return out


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
