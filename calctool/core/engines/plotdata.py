"""Plot data: sampled series, computed in the core; drawing is the renderer's job.

One engine for every command that plots. `sample` evaluates each curve on a
grid and refines it where the picture needs it:

- where the curve bends (midpoints off the chord by more than a fraction of
  the y-window), a few levels deep;
- where the curve meets the edge of its domain (a value on one side, nothing
  real on the other), by bisection, so the curve runs up to the edge;
- where it jumps (a step, a pole), by bisection towards the jump. A jump that
  stays as large when its interval is halved again and again is a break: the
  curve is cut there and never joined across it. A break with a side running
  far out of the y-window is a vertical asymptote.

Nothing is drawn where the curve (or its `domain` expression, for a derivative
drawn under its function) is undefined or not real: those samples are None.
The y-window is robust (the bulk of the values on the uniform grid, grown to
hold the points of interest), or the caller's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sympy as sp

from calctool.core.errors import KEYWORDS, Spelling, UsageError

SAMPLES = 401         # the uniform grid (odd: the middle of the range is on it)
BEND_LEVELS = 5       # refinements where the curve bends
MAX_SUSPECTS = 8      # intervals bisected towards a jump or an edge, per curve
EDGE_LEVELS = 30      # bisections towards a jump or a domain edge (to 1e-7 of the range)
MAX_POINTS = 6000     # per curve, whatever the bend refinement wants
BEND_TOLERANCE = 1 / 300   # off the chord by this fraction of the window: refine
JUMP_TOLERANCE = 1 / 100   # a jump this large (fraction of the window) after bisection: break
STYLES = ("solid", "dashed", "dotted", "dashdot")


class Point(NamedTuple):
    """A marked point; `open` draws it as a hole (the function is not that value there)."""

    label: str
    x: float
    y: float
    open: bool = False


@dataclass(frozen=True)
class Series:
    label: str
    x: tuple[float, ...]
    y: tuple[float | None, ...]  # None where undefined or broken (a gap in the curve)
    style: str = ""              # solid, dashed, dotted, dashdot, area; "" = by position
    # "area": the region between the curve and y = 0 is shaded (an integral's signed area)

    def breaks(self) -> list[float]:
        """Where the curve is cut: the middle of each run of None between two values."""
        out: list[float] = []
        last: float | None = None   # x of the last value before a gap
        gap = False
        for x, y in zip(self.x, self.y):
            if y is None:
                gap = last is not None or gap
                continue
            if gap and last is not None:
                out.append((last + x) / 2)
            gap, last = False, x
        return out


@dataclass(frozen=True)
class PlotData:
    title: str
    xlabel: str
    series: tuple[Series, ...]
    points: tuple[Point, ...] = ()
    ylim: tuple[float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    subject: Any = None  # the expression "{f}" in the title stands for
    xlim: tuple[float, float] | None = None
    asymptotes: tuple[float, ...] = ()  # x = a, vertical

    def heading(self, draw: Callable[[Any], str] = sp.sstr) -> str:
        """The title, its expression drawn by `draw` (the renderer's math style)."""
        return self.title if self.subject is None else self.title.replace("{f}", draw(self.subject))

    def style(self, i: int) -> str:
        s = self.series[i].style
        return s or STYLES[i % len(STYLES)]

    def x_window(self) -> tuple[float, float]:
        if self.xlim is not None:
            return self.xlim
        xs = [x for s in self.series for x in s.x] + [p.x for p in self.points]
        return (min(xs), max(xs)) if xs else (-1.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.heading(),
            "x_label": self.xlabel,
            "series": [{"label": s.label, "style": self.style(i), "x": list(s.x),
                        "y": list(s.y), "breaks": s.breaks()}
                       for i, s in enumerate(self.series)],
            "points": [{"label": p.label, "x": p.x, "y": p.y, "open": p.open}
                       for p in self.points],
            "asymptotes": list(self.asymptotes),
            "xlim": list(self.x_window()),
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


def parse_ylim(text: str | Sequence[Any] | None, *,
               spelling: Spelling = KEYWORDS) -> tuple[float, float] | None:
    """`A:B` (or a tuple) as the y-window; None when not given."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    from calctool.core.expr.points import to_range

    grid = to_range(text, param="ylim", spelling=spelling)
    lo, hi = float(sp.N(grid.start)), float(sp.N(grid.stop))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise UsageError(f"{spelling.given('ylim', text)}: the y-window must be finite",
                         code="bad_value")
    return lo, hi


Curve = tuple[str, sp.Expr] | tuple[str, sp.Expr, sp.Expr | None]


def sample(curves: Sequence[Curve], var: sp.Symbol, lo: float, hi: float,
           *, title: str, points: Sequence[tuple[Any, ...]] = (),
           n: int = SAMPLES, subject: Any = None, ylim: tuple[float, float] | None = None,
           spelling: Spelling = KEYWORDS) -> PlotData:
    """The curves, sampled adaptively from lo to hi; messages name `plot` and `at` as
    `spelling` does.

    A curve is (label, expr) or (label, expr, domain): with a domain expression,
    the curve is drawn only where the domain expression is real (a derivative
    is drawn only where its function is defined). `points` are (label, x, y) or
    (label, x, y, open). `ylim` overrides the robust y-window.
    """
    import numpy as np

    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        raise UsageError("the plot range must be finite, with its end after its start",
                         code="bad_value")
    marks = tuple(Point(*p) for p in points)
    functions = []
    for curve in curves:
        label, expr = curve[0], curve[1]
        domain = curve[2] if len(curve) > 2 else None
        for e in (expr, domain):
            extra = (e.free_symbols - {var}) if e is not None else set()
            if extra:
                names = ", ".join(sorted(map(str, extra)))
                raise UsageError(f"{spelling.name('plot')} draws functions of one variable; "
                                 f"fix {names} with {spelling.name('at')}",
                                 code="missing_variable")
        fast = _vectorised(expr, domain, var)
        functions.append((label, fast, _precise(expr, domain, var, fast)))
    grid = np.linspace(lo, hi, n)
    first = [(label, fn, exact, fn(grid)) for label, fn, exact in functions]
    window = ylim if ylim is not None else joint_window(
        [ys for *_, ys in first], [p.y for p in marks])
    series = []
    asymptotes: list[float] = []
    for label, fn, exact, ys in first:
        xs, ys, poles = refine(fn, grid, ys, window, exact)
        asymptotes.extend(poles)
        series.append(Series(label, tuple(float(x) for x in xs),
                             tuple(float(y) if math.isfinite(y) else None for y in ys)))
    return PlotData(title, str(var), tuple(series), marks, window, subject=subject,
                    xlim=(lo, hi), asymptotes=_merge(asymptotes, (hi - lo) * 1e-6))


def _vectorised(expr: sp.Expr, domain: sp.Expr | None,
                var: sp.Symbol) -> Callable[[Any], Any]:
    """expr as a numpy function, compiled once: nan where it (or domain) is not real."""
    import numpy as np

    from calctool.core.engines.numeric import compile_numpy

    compiled = [compile_numpy(e, [var]) for e in (expr, domain) if e is not None]

    def real(c: Callable[..., Any], xs: Any) -> Any:
        with np.errstate(all="ignore"):
            v = np.asarray(c(xs))
            if np.iscomplexobj(v):
                bad = np.abs(v.imag) > 1e-12 * np.maximum(1.0, np.abs(v.real))
                v = np.where(bad, np.nan, v.real)
            v = np.array(np.broadcast_to(np.asarray(v, dtype=float), xs.shape))
        v[~np.isfinite(v)] = np.nan
        return v

    def fn(xs: Any) -> Any:
        xs = np.asarray(xs, dtype=float)
        ys = real(compiled[0], xs)
        if len(compiled) > 1:
            ys[np.isnan(real(compiled[1], xs))] = np.nan
        return ys

    return fn


def _precise(expr: sp.Expr, domain: sp.Expr | None, var: sp.Symbol,
             fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """expr at a few points with 30 digits (mpmath): where float64 cancels
    ((1 - cos x)/x^2 near 0), a jump or a pole must not be made of rounding."""
    import mpmath
    import numpy as np

    try:
        compiled = [sp.lambdify([var], e, modules="mpmath")
                    for e in (expr, domain) if e is not None]
    except (NameError, TypeError, ValueError, KeyError, AttributeError,
            sp.SympifyError):  # a function mpmath lacks: float64 it is
        return fallback

    def one(c: Callable[..., Any], x: float) -> float:
        try:
            v = c(mpmath.mpf(x))
            if isinstance(v, mpmath.mpc):
                if abs(v.imag) > 1e-12 * max(1, abs(v.real)):
                    return math.nan
                v = v.real
            out = float(v)
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError,
                NameError, AttributeError):
            return math.nan
        return out if math.isfinite(out) else math.nan

    def fn(xs: Any) -> Any:
        xs = np.asarray(xs, dtype=float)
        with mpmath.workdps(30):
            ys = np.array([one(compiled[0], float(x)) for x in xs], dtype=float)
            if len(compiled) > 1:
                bad = np.array([math.isnan(one(compiled[1], float(x))) for x in xs],
                               dtype=bool)
                ys[bad] = np.nan
        return ys

    return fn


def refine(fn: Callable[[Any], Any], xs: Any, ys: Any, window: tuple[float, float] | None,
           precise: Callable[[Any], Any] | None = None) -> tuple[Any, Any, list[float]]:
    """The samples refined where the curve bends, jumps or ends; nan at each break.

    Returns the x's, the y's (nan: nothing drawn) and the x of each vertical asymptote.
    `precise` (a slower, more exact fn) evaluates the few points of the bisections.
    """
    import numpy as np

    lo_y, hi_y = window if window is not None else (-1.0, 1.0)
    height = max(hi_y - lo_y, 1e-300)
    span = float(xs[-1] - xs[0])
    # 1. Jumps and domain edges: bisect each suspect interval towards the trouble.
    y0, y1 = ys[:-1], ys[1:]
    f0, f1 = np.isfinite(y0), np.isfinite(y1)
    edge = f0 != f1
    with np.errstate(all="ignore"):
        step = np.where(f0 & f1, np.abs(y1 - y0), 0.0)
    # A jump stands out of its neighbours' steps; a pole's neighbours are watched too.
    padded = np.concatenate([[0.0], step, [0.0]])
    peak = (step > JUMP_TOLERANCE * height) & (step >= padded[:-2]) & (step >= padded[2:])
    near = peak.copy()
    near[1:] |= peak[:-1]
    near[:-1] |= peak[1:]
    suspects = np.flatnonzero(edge | (near & (step > JUMP_TOLERANCE * height)))
    breaks: list[float] = []
    cut: list[tuple[float, float]] = []  # the last interval of each break: nothing drawn inside
    poles: list[float] = []
    exact = precise or fn
    if suspects.size > MAX_SUSPECTS:
        # Edges first, then the largest steps (sin(1/x) has a jump-like step everywhere).
        rank = np.where(edge[suspects], np.inf, step[suspects])
        suspects = np.sort(suspects[np.argsort(-rank, kind="stable")[:MAX_SUSPECTS]])
    if suspects.size:
        a, b = xs[suspects].copy(), xs[suspects + 1].copy()
        start_a, start_b = a.copy(), b.copy()
        fa, fb = ys[suspects].copy(), ys[suspects + 1].copy()
        new_x: list[Any] = []
        new_y: list[Any] = []
        ratio = np.ones_like(a)
        middle = (lo_y + hi_y) / 2
        for _ in range(EDGE_LEVELS):
            m = (a + b) / 2
            q1, q3 = (a + m) / 2, (m + b) / 2
            f3 = exact(np.concatenate([m, q1, q3]))
            fm, f1, f2 = np.split(f3, 3)
            new_x += [m, q1, q3]
            new_y += [fm, f1, f2]
            with np.errstate(all="ignore"):
                parent = np.abs(fb - fa)
                left_size, right_size = np.abs(fm - fa), np.abs(fb - fm)
                # Near a pole the values run away: follow the side that runs further.
                left_far = np.fmax(np.abs(fa - middle), np.abs(f1 - middle))
                right_far = np.fmax(np.abs(fb - middle), np.abs(f2 - middle))
            left_edge = np.isfinite(fa) != np.isfinite(fm)
            right_edge = np.isfinite(fm) != np.isfinite(fb)
            runaway = np.fmax(left_far, right_far) > 10 * height
            go_left = np.where(left_edge | right_edge, left_edge,
                               np.where(runaway, left_far >= right_far,
                                        left_size >= right_size))
            b, fb = np.where(go_left, m, b), np.where(go_left, fm, fb)
            a, fa = np.where(go_left, a, m), np.where(go_left, fa, fm)
            with np.errstate(all="ignore"):
                size = np.abs(fb - fa)
                ratio = np.where(np.isfinite(parent) & (parent > 0),
                                 size / np.where(parent > 0, parent, 1.0), 0.0)
            if np.all(b - a < 1e-7 * max(span, 1e-300)):
                break
        xs, ys = _insert(xs, ys, np.concatenate(new_x), np.concatenate(new_y))
        middle = (lo_y + hi_y) / 2
        for k in range(a.size):
            ok_a, ok_b = bool(np.isfinite(fa[k])), bool(np.isfinite(fb[k]))
            if ok_a and ok_b:
                size = abs(fb[k] - fa[k])
                near_end = min(a[k] - xs[0], xs[-1] - b[k]) < 1e-6 * span
                # Both sides huge (a pole) counts, unless the bisection ran to a sample
                # it started from: then the pole is in the next interval, not here.
                runs_away = min(abs(fa[k] - middle), abs(fb[k] - middle)) > 1e3 * height \
                    and a[k] != start_a[k] and b[k] != start_b[k]
                if near_end or not (size > JUMP_TOLERANCE * height
                                    and (ratio[k] > 0.8 or runs_away)):
                    continue  # steep, but continuous: the line drawn is the curve
                breaks.append(float((a[k] + b[k]) / 2))
                cut.append((float(a[k]), float(b[k])))
            elif not (ok_a or ok_b):
                continue
            # A break or the edge of the domain: an asymptote if f runs away there.
            sides = [(a[k], -1.0)] if ok_a else []
            sides += [(b[k], 1.0)] if ok_b else []
            for x_near, away in sides:
                y_near, y_far = exact(np.array([x_near, x_near + away * 1e-2 * span]))
                d_near, d_far = abs(y_near - middle), abs(y_far - middle)
                if d_near > height and (not np.isfinite(d_far) or d_near > 2 * d_far):
                    poles.append(float((a[k] + b[k]) / 2))
                    break
    breaks = list(_merge(breaks, 1e-12 * span))
    if cut:
        inside = np.zeros(xs.shape, dtype=bool)
        for lo_x, hi_x in cut:
            inside |= (xs > lo_x) & (xs < hi_x)
        xs, ys = xs[~inside], ys[~inside]
    xs, first = np.unique(xs, return_index=True)
    ys = ys[first]
    if breaks:
        xs, ys = _insert(xs, ys, np.array(breaks), np.full(len(breaks), np.nan))
    # 2. Bends: midpoints where the chord misses the curve, a few levels deep.
    for _ in range(BEND_LEVELS):
        if xs.size >= MAX_POINTS:
            break
        y0, y1 = ys[:-1], ys[1:]
        both = np.isfinite(y0) & np.isfinite(y1)
        inside = both & (np.minimum(y0, y1) < hi_y + height) & (np.maximum(y0, y1) > lo_y - height)
        # Not into the slivers the bisections left: float64 may cancel there.
        inside &= (xs[1:] - xs[:-1]) > 1e-5 * span
        mids = (xs[:-1] + xs[1:]) / 2
        cand = np.flatnonzero(inside)
        if cand.size == 0:
            break
        ym = fn(mids[cand])
        off = np.abs(ym - (y0[cand] + y1[cand]) / 2)
        bend = ~np.isfinite(ym) | (np.clip(off, 0, 10 * height) > BEND_TOLERANCE * height)
        keep = cand[bend]
        if keep.size == 0:
            break
        room = MAX_POINTS - xs.size
        keep, ym = keep[:room], ym[bend][:room]
        xs, ys = _insert(xs, ys, mids[keep], ym)
    return xs, ys, list(_merge(poles, 1e-6 * span))


def _insert(xs: Any, ys: Any, new_x: Any, new_y: Any) -> tuple[Any, Any]:
    import numpy as np

    allx = np.concatenate([xs, new_x])
    ally = np.concatenate([ys, new_y])
    order = np.argsort(allx, kind="stable")
    return allx[order], ally[order]


def _merge(values: list[float], tol: float) -> tuple[float, ...]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return tuple(out)


def joint_window(values: Sequence[Any], must_show: Sequence[float] = ()) -> tuple[float, float]:
    """One y-window for several curves: the first curve's (the function's), widened for
    the others by at most its own height on each side, then around the points."""
    windows = [robust_window([v]) for v in values if _any_finite(v)]
    if not windows:
        return robust_window([], must_show)
    lo, hi = windows[0]
    room = (hi - lo) / 2
    for w_lo, w_hi in windows[1:]:
        lo, hi = min(lo, max(w_lo, lo - room)), max(hi, min(w_hi, hi + room))
    shown = [v for v in must_show if math.isfinite(v)]
    return robust_window([], [lo, hi, *shown]) if shown else (lo, hi)


def _any_finite(v: Any) -> bool:
    import numpy as np

    return bool(np.isfinite(np.asarray(v, dtype=float)).any())


def robust_window(values: Sequence[Any], must_show: Sequence[float] = ()) -> tuple[float, float]:
    """A y-window that shows the shape, not the spikes near a pole.

    The values are taken on a uniform x grid. The window is the full range when
    no few values stand far out of the bulk (the 10th to 90th percentile);
    otherwise the bulk, widened by half its height on each side. Points of
    interest are always inside.
    """
    import numpy as np

    parts = [np.asarray(v, dtype=float) for v in values]
    allv = np.concatenate(parts) if parts else np.array([])
    allv = allv[np.isfinite(allv)]
    shown = [float(v) for v in must_show if math.isfinite(v)]
    if allv.size == 0 and not shown:
        return (-1.0, 1.0)
    if allv.size:
        q_lo, q_hi = (float(v) for v in np.percentile(allv, [10, 90]))
        full_lo, full_hi = float(allv.min()), float(allv.max())
        bulk = q_hi - q_lo
        if full_hi - full_lo <= 3 * bulk or (bulk == 0 and full_hi == full_lo):
            lo, hi = full_lo, full_hi
        else:
            lo, hi = max(full_lo, q_lo - bulk / 2), min(full_hi, q_hi + bulk / 2)
            # A bulk flat next to its spikes (x^1000 on 0:1.1): a window of height 1
            # at least, where the values go, not one of 10^-5.
            scale = max(1.0, abs(q_lo), abs(q_hi))
            if hi - lo < 1e-3 * scale:
                lo, hi = max(full_lo, q_lo - scale), min(full_hi, q_hi + scale)
    else:
        lo = hi = shown[0]
    lo, hi = min([lo, *shown]), max([hi, *shown])
    if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        pad = max(1.0, abs(lo) * 0.1)
        return (lo - pad, hi + pad)
    pad = 0.05 * (hi - lo)
    return (lo - pad, hi + pad)


def with_ylim(data: PlotData | None, ylim: str | Sequence[Any] | None, *,
               spelling: Spelling = KEYWORDS) -> PlotData | None:
    """The plot with the caller's y-window (`ylim` "a:b" or (a, b)), when one is given."""
    window = parse_ylim(ylim, spelling=spelling)
    if data is None or window is None:
        return data
    from dataclasses import replace

    return replace(data, ylim=window)


def break_at(series: Series, x0: float) -> Series:
    """The series with a gap at x0 (the plot draws no line across it)."""
    if not series.x[0] < x0 < series.x[-1]:
        return series
    i = next(j for j, x in enumerate(series.x) if x >= x0)
    return Series(series.label, (*series.x[:i], x0, *series.x[i:]),
                  (*series.y[:i], None, *series.y[i:]), series.style)


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Ticks at multiples of 1, 2 or 5 × 10^k inside [lo, hi], about `target` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    step = nice_step(hi - lo, max(target, 2))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 12) + 0.0 for k in range(first, last + 1)]


def nice_step(span: float, target: int) -> float:
    """The 1, 2 or 5 × 10^k step that cuts `span` into the count nearest `target`."""
    exp = math.floor(math.log10(span / target))
    steps = [m * 10.0 ** e for e in (exp - 1, exp, exp + 1) for m in (1, 2, 5)]
    return min(steps, key=lambda st: abs(math.log(span / st / target)))


def written_domain(conditions: Sequence[Any], *also: sp.Expr | None) -> sp.Expr | None:
    """An expression that is real exactly where the input, as written, is defined.

    The parser's conditions (what simplification erased: sqrt(x)^2 is x only for
    x >= 0) become terms that are not real outside their domain (sqrt(u) for
    u >= 0, log(u) for u > 0, 1/u for u != 0); `also` adds expressions (f, for
    a curve drawn under f). None when there is nothing to check.
    """
    terms: list[sp.Expr] = []
    for c in conditions:
        u = c.arg
        terms.append({"nonneg": sp.sqrt(u), "positive": sp.log(u)}.get(c.kind, 1 / u))
    terms.extend(e for e in also if e is not None)
    if not terms:
        return None
    # 0 * t is not simplified away for a t that may be undefined: keep the terms apart.
    return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
