"""The `plot` operation: graph one or several functions of one variable over a range.

The curves are sampled by the plotting engine (calctool.core.engines.plotdata):
adaptively, nothing where a function is undefined or not real (as written:
sqrt(x)^2 is drawn for x >= 0 only), cut at poles, jumps and domain edges. With
`derivative`, each f' is drawn too, only where its f is defined. With
`tangent_at`, the tangent to the first function at that point is drawn (at a
corner or a jump there is none: that is an error that names `tangent`, which
explains it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.engines.plotdata import (
    PlotData,
    Series,
    parse_plot_range,
    parse_ylim,
    sample,
    written_domain,
)
from calctool.core.errors import KEYWORDS, DomainError, ParseError, Spelling, UsageError
from calctool.core.expr.parse import free_variables, parse_input, symbol
from calctool.core.expr.points import RangeLike, expression_text
from calctool.core.results.base import noting
from calctool.core.results.plot import PlotResult, TangentLine

MAX_CURVES = 8


@noting
def plot(f: str | sp.Expr | Sequence[str | sp.Expr], *, plot_range: RangeLike | None = None,
         derivative: bool = False, tangent_at: str | float | sp.Expr | None = None,
         ylim: RangeLike | None = None, timeout: float | None = DEFAULT_TIMEOUT,
         spelling: Spelling = KEYWORDS) -> PlotResult:
    """Sample f (or several functions) of one variable for a plot.

    `plot_range`: "a:b" or (a, b), default -5:5 (around `tangent_at` when given).
    `ylim`: "a:b" or (a, b), the y-window (default: chosen from the values).
    `derivative`: draw f' too. `tangent_at`: draw the tangent to the first
    function at x = a. The result's `plot` holds the sampled series.
    """
    items = [f] if isinstance(f, str | sp.Expr) else list(f)
    if not items:
        raise UsageError("give at least one expression to plot", code="missing_argument")
    if len(items) > MAX_CURVES:
        raise UsageError(f"at most {MAX_CURVES} expressions in one plot, not {len(items)}",
                         code="bad_value")
    texts = [t if isinstance(t, str) else expression_text(t) for t in items]
    with bounded(timeout, spelling=spelling):
        return _plot(texts, plot_range=plot_range, derivative=derivative,
                     tangent_at=tangent_at, ylim=ylim, say=spelling)


def _plot(texts: list[str], *, plot_range: RangeLike | None, derivative: bool,
          tangent_at: str | float | sp.Expr | None, ylim: RangeLike | None,
          say: Spelling) -> PlotResult:
    parsed = [_parse(texts, k) for k in range(len(texts))]
    exprs = [p.expr for p in parsed]
    names: set[str] = set()
    for p in parsed:
        names |= {str(v) for v in free_variables(p.expr)} | set(p.names)
    if len(names) > 1:
        raise UsageError(f"plot draws functions of one variable; these use "
                         f"{', '.join(sorted(names))}", code="missing_variable")
    var = symbol(names.pop()) if names else symbol("x")
    a = _point(tangent_at, say) if tangent_at is not None else None
    a_f = float(sp.N(a, 17)) if a is not None else None
    lo, hi = parse_plot_range(plot_range, a_f, 5.0, spelling=say)
    if a_f is not None and not lo <= a_f <= hi:
        raise UsageError(f"{say.given('plot_range', plot_range)}: the point x = {a_f:g} is "
                         "outside the range", code="bad_value")
    window = parse_ylim(ylim, spelling=say)
    several = len(exprs) > 1
    curves: list[tuple[str, sp.Expr, sp.Expr | None]] = []
    derivatives: list[sp.Expr] = []
    for p in parsed:
        domain = written_domain(p.conditions)
        label = sp.sstr(p.expr) if several else f"f({var})"
        curves.append((label, p.expr, domain))
    if derivative:
        for (label, expr, _), p in zip(list(curves), parsed):
            d = sp.diff(expr, var)
            derivatives.append(d)
            d_label = f"d/d{var} {label}" if several else f"f'({var})"
            curves.append((d_label, d, written_domain(p.conditions, expr)))
    tangent = _tangent(exprs[0], parsed[0].conditions, var, a) if a is not None else None
    points = [(f"({_short(a)}, {_short(tangent.value)})", a_f, float(sp.N(tangent.value, 17)))] \
        if tangent is not None and a is not None and a_f is not None else []
    title = "{f}" if not several else ", ".join(sp.sstr(e) for e in exprs)
    data = sample(curves, var, lo, hi, title=title, points=points,
                  subject=exprs[0] if not several else None, ylim=window, spelling=say)
    if tangent is not None and a_f is not None:
        data = _with_tangent(data, tangent, a_f, lo, hi)
    return PlotResult("; ".join(texts), exprs[0] if not several else sp.Tuple(*exprs),
                      expressions=tuple(exprs), texts=tuple(texts), variable=var,
                      x_range=(lo, hi), derivatives=tuple(derivatives), tangent=tangent,
                      plot=data)


def _parse(texts: list[str], k: int) -> Any:
    """The k-th expression; a parse error in one of several says which, and points into
    them all as the input shows them ("sin(x); cos(x"), as in --json's `input`."""
    try:
        return parse_input(texts[k])
    except ParseError as exc:
        if len(texts) > 1:
            exc.message = f"expression {k + 1}: {exc.message}"
            if exc.position is not None:
                exc.position += sum(len(t) + 2 for t in texts[:k])
                exc.source = "; ".join(texts)
        raise


def _point(value: str | float | sp.Expr, say: Spelling) -> sp.Expr:
    from calctool.core.expr.parse import parse

    e = parse(value) if isinstance(value, str) else sp.sympify(value)
    if e.free_symbols or not e.is_number or e.is_extended_real is False \
            or not math.isfinite(float(sp.N(e, 17))):
        raise UsageError(f"{say.given('tangent_at', value)}: the point must be a finite real "
                         "number (pi/4 is fine)", code="bad_value")
    return e


def _tangent(expr: sp.Expr, conditions: Sequence[object], var: sp.Symbol,
             a: sp.Expr) -> TangentLine:
    from calctool.core.engines.domain import require_inside
    from calctool.core.engines.pointwise import derivative_at
    from calctool.core.engines.values import evaluate

    point = {var: a}
    require_inside(conditions, point, f"{var} = {_short(a)}")  # type: ignore[arg-type]
    info = derivative_at(expr, var, point)  # DomainError when f(a) is undefined
    value = evaluate(expr, point)
    if not value.ok or value.number is None:
        raise DomainError(f"f is undefined at {var} = {_short(a)}: {value.text}",
                          code="undefined")
    fa = value.exact if value.exact is not None else sp.Float(value.number)
    if info.vertical:
        return TangentLine(a, fa, None, vertical=True)
    if not info.exists:
        raise DomainError(f"f has no tangent at {var} = {_short(a)} ({info.kind}): the "
                          "one-sided slopes differ", code="no_tangent",
                          hint=f"calctool tangent \"{sp.sstr(expr)}\" --at {_short(a)} "
                               "shows both")
    slope = info.value if info.value is not None else sp.diff(expr, var).subs(var, a)
    return TangentLine(a, fa, sp.nsimplify(slope) if slope.is_Float else slope)


def _with_tangent(data: PlotData, t: TangentLine, a_f: float, lo: float,
                  hi: float) -> PlotData:
    from dataclasses import replace

    fa = float(sp.N(t.value, 17))
    if t.vertical or t.slope is None:
        y_lo, y_hi = data.ylim if data.ylim else (fa - 1, fa + 1)
        line = Series("tangent", (a_f, a_f), (y_lo, y_hi))
    else:
        m = float(sp.N(t.slope, 17))
        line = Series("tangent", (lo, hi), (fa + m * (lo - a_f), fa + m * (hi - a_f)))
    return replace(data, series=(*data.series, line))


def _short(v: sp.Expr) -> str:
    text = sp.sstr(v)
    return text if len(text) <= 12 else f"{float(sp.N(v, 17)):.4g}"
