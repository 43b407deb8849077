"""Pictures for homework: a plot's data written as SVG, PNG or PDF with matplotlib.

matplotlib is an optional extra (`pip install 'calctool[figures]'`), imported
only here and only when a picture is asked for. The picture follows the same
data and rules as the terminal plot: the same samples (nothing where f is
undefined, no line across a break), the same windows and round ticks, vertical
asymptotes dotted, holes as open circles, series told apart by line style as
well as colour.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from calctool.core.errors import CalcError, ExitStatus, UsageError

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData

FORMATS = ("svg", "png", "pdf")
INSTALL = "pip install 'calctool[figures]'"
# Colour-blind-safe, readable on white paper; the same order as the terminal's.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9")
LINESTYLES = {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-."}
SIZE_INCHES = (6.4, 4.2)  # half a page wide at 11 pt


class FigureWriteError(CalcError):
    """The picture could not be written (no such directory, disk full)."""

    code = "io_error"
    exit_status = ExitStatus.IO_ERROR


def check_target(path: str, flag: str = "--save") -> str:
    """The format of `path` (svg, png or pdf); a usage error (exit 2) for another
    suffix or when matplotlib is not installed. Called before any work is done."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UsageError(f"{flag} {path}: the file must end in .svg, .png or .pdf",
                         code="bad_value")
    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"{flag} needs matplotlib, which is not installed",
                         code="missing_extra", hint=f"install it with: {INSTALL}")
    return suffix


def save(data: PlotData, path: str, *, title: str | None = None) -> None:
    """Write the plot to `path` (its suffix says the format)."""
    fmt = check_target(path)
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from calctool.core.engines.plotdata import nice_ticks
    from calctool.render.math import unicode_linear

    x_lo, x_hi = data.x_window()
    y_lo, y_hi = data.ylim if data.ylim else (-1.0, 1.0)
    with matplotlib.rc_context({"font.size": 11, "svg.fonttype": "none",
                                "svg.hashsalt": "calctool", "path.simplify": False}):
        fig, ax = plt.subplots(figsize=SIZE_INCHES, layout="constrained")
        try:
            ax.set_xlim(x_lo, x_hi)
            ax.set_ylim(y_lo, y_hi)
            ax.set_xticks(nice_ticks(x_lo, x_hi, 8))
            ax.set_yticks(nice_ticks(y_lo, y_hi, 6))
            if y_lo < 0 < y_hi:
                ax.axhline(0, color="0.6", linewidth=0.8, zorder=1)
            if x_lo < 0 < x_hi:
                ax.axvline(0, color="0.6", linewidth=0.8, zorder=1)
            for a in data.asymptotes:
                ax.axvline(a, color="0.4", linewidth=0.9, linestyle=":", zorder=1)
            n = len(data.series)
            for i, s in enumerate(data.series):
                ys = [float("nan") if y is None else y for y in s.y]
                if data.style(i) == "area":  # the signed area between f and y = 0, shaded
                    import numpy as np

                    y = np.asarray(ys, dtype=float)
                    for sign, tone, where in (("+", COLORS[i % len(COLORS)], y >= 0),
                                              ("−", "0.55", y < 0)):
                        if where.any():
                            ax.fill_between(s.x, 0.0, y, where=where, interpolate=True,
                                            color=tone, alpha=0.3, linewidth=0,
                                            label=f"{s.label}, {sign}", zorder=2 + n - i)
                    continue
                ax.plot(s.x, ys, color=COLORS[i % len(COLORS)], label=s.label,
                        linestyle=LINESTYLES.get(data.style(i), "-"), linewidth=1.8,
                        zorder=2 + n - i)  # the function on top, as in the terminal
            labelled: set[str] = set()
            for p in data.points:
                label = p.label + (" (hole)" if p.open else "")
                ax.plot([p.x], [p.y], marker="o", markersize=7, linestyle="none",
                        markerfacecolor="white" if p.open else "black",
                        markeredgecolor="black", zorder=3 + n,
                        label=label if label not in labelled else "_nolegend_")
                labelled.add(label)  # several points of one kind: one legend entry
            ax.set_xlabel(data.xlabel)
            ax.set_title(title if title is not None else data.heading(unicode_linear))
            ax.grid(True, color="0.9", linewidth=0.6, zorder=0)
            # Outside the axes, under them: a legend that never covers a curve or a point.
            entries = len(ax.get_legend_handles_labels()[1])
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16),
                      ncol=min(3, max(1, entries)), frameon=False)
            fig.savefig(path, format=fmt, metadata=_metadata(fmt))
        except OSError as exc:
            raise FigureWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        finally:
            plt.close(fig)


def _metadata(fmt: str) -> dict[str, str | None]:
    """No dates or versions in the file: the same data writes the same picture."""
    if fmt == "svg":
        return {"Date": None, "Creator": "calctool"}
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "calctool", "Producer": "calctool"}
    return {"Software": "calctool"}
