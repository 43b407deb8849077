"""Plot data: sampled series, computed in the core; drawing is the renderer's job."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from calctool.core.errors import KEYWORDS, Spelling, UsageError

SAMPLES = 400
# How sample() names `plot` and `at` when the caller gives no spelling: as
# flags, as it did before operations passed their own (limit still relies on it).


@dataclass(frozen=True)
class Series:
    label: str
    x: tuple[float, ...]
    y: tuple[float | None, ...]  # None where undefined (a gap in the curve)


@dataclass(frozen=True)
class PlotData:
    title: str
    xlabel: str
    series: tuple[Series, ...]
    points: tuple[tuple[str, float, float], ...] = ()  # marked points: label, x, y
    ylim: tuple[float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    subject: Any = None  # the expression "{f}" in the title stands for

    def heading(self, draw: Callable[[Any], str] = sp.sstr) -> str:
        """The title, its expression drawn by `draw` (the renderer's math style)."""
        return self.title if self.subject is None else self.title.replace("{f}", draw(self.subject))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.heading(),
            "x_label": self.xlabel,
            "series": [{"label": s.label, "x": list(s.x), "y": list(s.y)} for s in self.series],
            "points": [{"label": lbl, "x": x, "y": y} for lbl, x, y in self.points],
            "ylim": list(self.ylim) if self.ylim else None,
        }


def parse_plot_range(text: str | Sequence[Any] | None, center: float | None = None,
                     half_width: float = 5.0, *,
                     spelling: Spelling = KEYWORDS) -> tuple[float, float]:
    """`a:b` (or a tuple (a, b)) as floats; the default is center ± half_width (or -5:5).

    Messages name the range `plot_range` as `spelling` does.
    """
    if not text:
        c = 0.0 if center is None else center
        return c - half_width, c + half_width
    from calctool.core.expr.points import to_range

    grid = to_range(text, param="plot_range", spelling=spelling)
    lo, hi = float(sp.N(grid.start)), float(sp.N(grid.stop))
    return lo, hi


def sample(curves: Sequence[tuple[str, sp.Expr]], var: sp.Symbol, lo: float, hi: float,
           *, title: str, points: Sequence[tuple[str, float, float]] = (),
           n: int = SAMPLES, subject: Any = None, spelling: Spelling = KEYWORDS) -> PlotData:
    """The curves sampled at n points from lo to hi; messages name `plot` and `at` as
    `spelling` does."""
    import numpy as np

    from calctool.core.engines.numeric import evaluate_many

    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        raise UsageError("the plot range must be finite, with its end after its start",
                         code="bad_value")
    xs = np.linspace(lo, hi, n)
    series = []
    finite_values = []
    for label, expr in curves:
        extra = expr.free_symbols - {var}
        if extra:
            names = ", ".join(sorted(map(str, extra)))
            raise UsageError(f"{spelling.name('plot')} draws functions of one variable; fix "
                             f"{names} with {spelling.name('at')}", code="missing_variable")
        ys = evaluate_many(expr, [var], [xs])
        ok = np.isfinite(ys)
        finite_values.append(ys[ok])
        series.append(Series(label, tuple(float(x) for x in xs),
                             tuple(float(y) if good else None for y, good in zip(ys, ok))))
    values = np.concatenate(finite_values + [np.array([p[2] for p in points], dtype=float)])
    return PlotData(title, str(var), tuple(series), tuple(points), _robust_ylim(values),
                    subject=subject)


def _robust_ylim(values: Any) -> tuple[float, float] | None:
    """A y range that shows the shape, not the spikes near a pole."""
    import numpy as np

    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    lo, hi = np.percentile(values, [2, 98])
    full_lo, full_hi = float(values.min()), float(values.max())
    span = hi - lo
    # Keep the full range unless a few points are far outside the bulk.
    if full_hi - full_lo <= 4 * span or span == 0:
        lo, hi = full_lo, full_hi
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    return float(lo - pad), float(hi + pad)

def break_at(series: Series, x0: float) -> Series:
    """The series with a gap at x0 (the plot draws no line across it)."""
    if not series.x[0] < x0 < series.x[-1]:
        return series
    i = next(j for j, x in enumerate(series.x) if x >= x0)
    return Series(series.label, (*series.x[:i], x0, *series.x[i:]),
                  (*series.y[:i], None, *series.y[i:]))
