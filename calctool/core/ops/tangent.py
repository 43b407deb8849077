"""The `tangent` operation: the tangent line (or plane) at a point, honestly.

The slope comes from `calculus.derivative_at`, which checks the definition
where f is not smooth: at a corner or a jump there is no tangent and the two
one-sided limits of the difference quotient are reported; where both are
+oo (or both -oo) the tangent is vertical, x = a.

The secant table is computed in float64 on purpose: it shows the secant
slopes converging to f'(a) as h shrinks, and then floating-point
cancellation in f(a+h) - f(a) taking over.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.engines.domain import require_inside
from calctool.core.engines.plotdata import PlotData, Series, parse_plot_range, sample
from calctool.core.engines.pointwise import PointDerivative, derivative_at
from calctool.core.engines.values import Value, evaluate
from calctool.core.errors import (
    KEYWORDS,
    ComputeError,
    DomainError,
    ParseError,
    Spelling,
    UsageError,
)
from calctool.core.expr.parse import free_variables, parse_input, symbol
from calctool.core.expr.points import (
    Point,
    PointLike,
    RangeLike,
    assignments,
    expression_text,
    resolve_point,
    show_point,
    whole_number,
)
from calctool.core.results.base import noting
from calctool.core.results.tangent import Line, SecantRow, TangentResult

if TYPE_CHECKING:
    from calctool.core.results.implicit import CurveTangentResult

DEFAULT_K_MAX = 8
MAX_K = 20  # h = 1e-20: far past where float64 has anything left to say


@noting
def tangent(f: str | sp.Expr, *, at: PointLike | None, secants: bool = False,
            k_max: int = DEFAULT_K_MAX, plot: bool = False,
            plot_range: RangeLike | None = None,
            timeout: float | None = DEFAULT_TIMEOUT, spelling: Spelling = KEYWORDS,
            variables: str | Sequence[str | sp.Symbol] | None = None,
            ylim: RangeLike | None = None) -> TangentResult | CurveTangentResult:
    """The tangent to the graph of `f` (text or a sympy expression) at the point `at`.

    `at`: "x=1", "3", "x=1,y=2", {"x": 1, "y": 2} or a bare number. Several
    variables give the tangent plane; an equation ("x^2 + y^2 = 25", with `at`
    a point on it) gives the tangent line to that curve, by implicit
    differentiation. `secants`: the table of secant slopes
    for h = ±10^-k, k = 0..k_max. `variables` ("x" or "x,y"): the variables of
    the graph (the tangent line or plane is over these); the other symbols are
    constants, fixed at their values in `at` (a*x^2 with a=2 is the curve
    2*x^2). `plot_range`: "a:b" or (a, b). The work
    stops after `timeout` seconds (None: no limit). Messages name the
    parameters as `spelling` does (the CLI passes its flags).
    """
    text = expression_text(f)
    k_max = whole_number(k_max, what=spelling.name("k_max"))
    with bounded(timeout, spelling=spelling):
        result = _tangent(text, at=at, secants=secants, k_max=k_max, plot=plot,
                          plot_range=plot_range, say=spelling, chosen=variables)
    if ylim is not None and isinstance(result, TangentResult) and result.plot is not None:
        from calctool.core.engines.plotdata import with_ylim

        result = replace(result, plot=with_ylim(result.plot, ylim, spelling=spelling))
    return result


def _tangent(text: str, *, at: PointLike | None, secants: bool, k_max: int, plot: bool,
             plot_range: RangeLike | None, say: Spelling,
             chosen: str | Sequence[str | sp.Symbol] | None = None
             ) -> TangentResult | CurveTangentResult:
    try:
        parsed = parse_input(text)
    except ParseError:
        # `y = x^2` and `f(x) = x^2` parse (definitions: the graph of a function); any
        # other equation (x^2 + y^2 = 25, y = x*y + 1) is a curve's, read as two sides
        from calctool.core.expr.curve import equals_sign

        if equals_sign(text) is None:
            raise
        return _curve_of_equation(text, at=at, secants=secants, plot=plot, say=say)
    expr = parsed.expr
    if at is None:
        raise UsageError(f"give the point of tangency with {say.name('at')}, e.g. "
                         f"{say.given('at', 'x=1')} (or {say.given('at', 1)})",
                         code="missing_option")
    if not 0 <= k_max <= MAX_K:
        raise UsageError(f"{say.name('k_max')} must be between 0 and {MAX_K}, not {k_max}",
                         code="bad_value")
    variables = free_variables(expr)
    if not variables:
        # A constant: its graph is still a curve over the variable `at` names.
        items = assignments(at, param="at", spelling=say)
        if len(items) != 1:
            raise UsageError(f"{say.name('at')}: the expression is a constant; give one value, "
                             f"e.g. {say.given('at', 'x=1')}", code="bad_value")
        variables = [symbol(items[0].name or "x")]
    point = resolve_point(at, variables, param="at", spelling=say, vanished=parsed.names)
    require_inside(parsed.conditions, point, show_point(point))
    if chosen is not None:
        # --vars: the graph is over these; the constants take their values from --at
        from calctool.core.expr.points import select_variables

        picked = select_variables(variables, chosen, param="variables", spelling=say)
        constants = {v: point[v] for v in variables if v not in picked}
        expr = expr.xreplace(constants)
        point = {v: point[v] for v in picked}
        variables = picked
    if len(variables) > 1:
        if secants:
            raise UsageError(f"{say.name('secants')} needs a function of one variable (the "
                             "tangent plane of a surface has no single slope)",
                             code="bad_option")
        if plot:
            raise UsageError(f"{say.name('plot')} draws a curve and its tangent line; a function "
                             "of several variables has a tangent plane, which is not plotted",
                             code="bad_option")
        return _plane(text, expr, variables, point)
    return _curve(text, expr, variables[0], point, secants=secants, k_max=k_max,
                  plot=plot, plot_range=plot_range, say=say)


# ---------------------------------------------------------------------------
# An equation: the tangent line to the curve, by implicit differentiation


def _curve_of_equation(text: str, *, at: PointLike | None, secants: bool, plot: bool,
                       say: Spelling) -> CurveTangentResult:
    from calctool.core.engines import implicit as engine
    from calctool.core.expr.curve import parse_equation
    from calctool.core.results.implicit import CurveTangentResult
    from calctool.core.results.series import ascending

    if secants or plot:
        flag = say.name("secants" if secants else "plot")
        raise UsageError(f"{flag} is for the graph of a function, not a curve given by an "
                         "equation", code="bad_option")
    equation = parse_equation(text)
    x, y = engine.curve_roles(equation)
    if at is None:
        raise UsageError(f"give the point on the curve with {say.name('at')}, e.g. "
                         f"{say.given('at', f'{x}=1,{y}=2')}", code="missing_option")
    point = resolve_point(at, [x, y], param="at", spelling=say)
    found = engine.derivatives(equation, x, y, 1)
    there = engine.at_point(found, point)
    x0, y0 = point[x], point[y]
    slope = intercept = line = normal = None
    if there.vertical:
        line, normal = Line(x, x0), Line(y, y0)
    elif not there.singular:
        slope = there.values[0]
        assert slope is not None
        intercept = _tidy(y0 - slope * x0)
        # y = m*x + b, in that order (sympy would write 25/4 - 3*x/4)
        line = Line(y, ascending([slope * x, intercept]) if intercept != 0 else slope * x)
        normal = Line(x, x0) if slope == 0 else Line(y, -x / slope + _tidy(y0 + x0 / slope))
    return CurveTangentResult(text, sp.Eq(equation.lhs, equation.rhs, evaluate=False),
                              equation=equation, found=found, point=point, at=there,
                              slope=slope, intercept=intercept, line=line, normal=normal,
                              notes=engine.notes(found, there))


# ---------------------------------------------------------------------------
# One variable: the tangent line


def _curve(text: str, expr: sp.Expr, var: sp.Symbol, point: Point, *, secants: bool,
           k_max: int, plot: bool, plot_range: RangeLike | None, say: Spelling) -> TangentResult:
    info = derivative_at(expr, var, point)  # DomainError when f(a) is undefined
    numeric = info.numeric
    info = _real_sides(expr, var, point, info)
    value = evaluate(expr, point)
    a = point[var]
    fa = _exact_or_float(value)
    y = sp.Symbol("z" if var.name == "y" else "y")
    derivative = sp.diff(expr, var)

    slope: sp.Expr | None = None
    intercept = line = normal = None
    if info.vertical:
        slope = info.value
        line = Line(var, a)
        normal = Line(y, fa)
    elif info.exists:
        slope = info.value if info.value is not None else _float_value(derivative, point)
        intercept = _tidy(fa - slope * a)
        line = Line(y, slope * var + intercept)
        # The normal is perpendicular: slope -1/m, or vertical when the tangent is flat.
        normal = Line(var, a) if slope == 0 else Line(y, -var / slope + _tidy(fa + a / slope))

    rows: tuple[SecantRow, ...] = ()
    best = None
    if secants:
        rows, best = _secant_table(expr, var, a, info, k_max)
    plot_data = _plot(expr, var, a, value, info, slope, plot_range, say) if plot else None
    return TangentResult(
        text, expr, variables=(var,), point=point, value=value, dependent=y,
        exists=info.exists, vertical=info.vertical, kind=info.kind, derivative=derivative,
        slope=slope, left_slope=info.left, right_slope=info.right, intercept=intercept,
        line=line, normal=normal, secants=rows, secant_turnover=best, plot=plot_data,
        numeric=numeric)


def _real_sides(expr: sp.Expr, var: sp.Symbol, point: Point,
                info: PointDerivative) -> PointDerivative:
    """Where f is not smooth, a side without real values has no slope (x^x left of 0).

    sympy computes one-sided limits in the complex plane, so a side where f is
    not real can still come back with a real-looking limit.
    """
    if info.kind == "smooth":
        return info
    from calctool.core.engines.one_sided import has_real_values

    a = point[var]
    left_ok = info.left is not None and has_real_values(expr, var, a, "-")
    right_ok = info.right is not None and has_real_values(expr, var, a, "+")
    if left_ok == (info.left is not None) and right_ok == (info.right is not None):
        return info
    if not (left_ok or right_ok):
        raise DomainError(f"{sp.sstr(expr)} has no real values on either side of "
                          f"{var} = {sp.sstr(a)}, so it has no tangent there", code="undefined")
    return PointDerivative(False, None, info.left if left_ok else None,
                           info.right if right_ok else None, "domain edge")


def _exact_or_float(value: Value) -> sp.Expr:
    if value.exact is not None:
        return value.exact
    assert value.number is not None
    if not math.isfinite(value.number):
        raise ComputeError("the function's value here is too large to work with "
                           f"(about {value.text})", code="resource_limit")
    return sp.Float(value.number, 15)


def _float_value(expr: sp.Expr, point: Point) -> sp.Expr:
    """A derivative too large to compute exactly, numerically."""
    v = evaluate(expr, point)
    if not v.ok or v.number is None:
        raise DomainError(f"the derivative has no finite value here ({v.problem})",
                          code="undefined")
    if not math.isfinite(v.number):
        raise ComputeError(f"the slope here is too large to work with (about {v.text})",
                           code="resource_limit")
    return sp.Float(v.number, 15)


def _tidy(e: sp.Expr) -> sp.Expr:
    """An intercept in a readable form: expanded, so y = m*x + b reads term by term."""
    return sp.expand(e) if e.is_number and not e.is_Float else e


def _secant_table(expr: sp.Expr, var: sp.Symbol, a: sp.Expr, info: PointDerivative,
                  k_max: int) -> tuple[tuple[SecantRow, ...], dict[str, float]]:
    """(f(a+h) - f(a))/h for h = ±10^-k in float64, with the error against f'(a)."""
    import numpy as np

    from calctool.core.engines.numeric import evaluate_many

    a_f = float(sp.N(a, 17))
    hs = np.array([10.0 ** -k for k in range(k_max + 1)])
    xs = np.concatenate(([a_f], a_f + hs, a_f - hs))
    ys = evaluate_many(expr, [var], [xs])
    n = len(hs)
    fa = ys[0]
    with np.errstate(all="ignore"):
        above = (ys[1:n + 1] - fa) / hs
        below = (ys[n + 1:] - fa) / (-hs)
    rows: list[SecantRow] = []
    best: dict[str, float] = {}
    for side, slopes, reference, sign in (("+", above, info.right, 1.0),
                                          ("-", below, info.left, -1.0)):
        ref = _finite_float(reference)
        errors = [float(s - ref) if ref is not None and math.isfinite(s) else None
                  for s in slopes]
        rows.extend(SecantRow(sign * float(h), float(s), e) for h, s, e in zip(hs, slopes, errors))
        turnover = _turnover([abs(e) if e is not None else None for e in errors])
        if turnover is not None:
            best[side] = float(hs[turnover])
    return tuple(rows), best


def _turnover(errors: Sequence[float | None]) -> int | None:
    """The first k from which the error never again shrinks in step with h.

    The truncation error of a secant falls like h (10x per row); rounding
    error in f(a+h) - f(a) grows like 1/h. From the row where the error stops
    falling by at least ~3x per row, and never resumes, rounding has won.
    """
    if len(errors) < 2 or any(e is None for e in errors):
        return None
    values = [float(e) for e in errors]  # type: ignore[arg-type]

    def stalled(j: int) -> bool:
        prev, cur = values[j - 1], values[j]
        return cur > 0.3 * prev if prev > 0 else cur > 0

    start = None
    for j in range(len(values) - 1, 0, -1):
        if not stalled(j):
            break
        start = j
    return start


def _finite_float(v: sp.Expr | None) -> float | None:
    if v is None or v in (sp.oo, sp.S.NegativeInfinity) or not v.is_number:
        return None
    try:
        f = float(sp.N(v, 17))
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _plot(expr: sp.Expr, var: sp.Symbol, a: sp.Expr, value: Value, info: PointDerivative,
          slope: sp.Expr | None, plot_range: RangeLike | None, say: Spelling) -> PlotData:
    """The curve, the tangent (or the two one-sided tangents at a corner) and the point."""
    import numpy as np

    a_f = float(sp.N(a, 17))
    fa = float(value.number)  # type: ignore[arg-type]
    lo, hi = parse_plot_range(plot_range, a_f, half_width=max(2.0, abs(a_f) / 2),
                              spelling=say)
    if not lo <= a_f <= hi:
        raise UsageError(f"{say.given('plot_range', plot_range)}: the point x = {a_f:g} is "
                         "outside the range", code="bad_value")
    mark = (f"({_short(a)}, {_short(_exact_or_float(value))})", a_f, fa)
    data = sample([(f"f({var})", expr)], var, lo, hi, title="Tangent to {f} "
                  f"at {var} = {_short(a)}", points=[mark], subject=expr, spelling=say)
    if info.kind == "jump":
        from calctool.core.engines.plotdata import break_at

        data = replace(data, series=(break_at(data.series[0], a_f),))
    xs = np.array(data.series[0].x)
    ylo, yhi = data.ylim if data.ylim else (fa - 1.0, fa + 1.0)
    if not info.exists and not info.vertical:
        # Room on the other side of the point, where the one-sided lines part from f.
        ylo, yhi = min(ylo, fa - (yhi - fa) / 2), max(yhi, fa + (fa - ylo) / 2)
        data = replace(data, ylim=(ylo, yhi))
    extra: list[Series] = []

    def ray(label: str, m: float, keep: np.ndarray) -> Series:
        ys = fa + m * (xs - a_f)
        ok = keep & (ys >= ylo) & (ys <= yhi)
        return Series(label, tuple(float(x) for x in xs),
                      tuple(float(v) if good else None for v, good in zip(ys, ok)))

    everywhere = np.ones_like(xs, dtype=bool)
    if info.vertical:
        n = len(xs)
        extra.append(Series(f"tangent {var} = {_short(a)}", (a_f,) * n,
                            tuple(float(v) for v in np.linspace(ylo, yhi, n))))
    elif info.exists and slope is not None:
        extra.append(ray("tangent", float(sp.N(slope, 17)), everywhere))
    else:
        left, right = _finite_float(info.left), _finite_float(info.right)
        # Whole lines through the point (an X at a corner), so that they show beside f.
        if left is not None:
            extra.append(ray("slope from below", left, everywhere))
        if right is not None:
            extra.append(ray("slope from above", right, everywhere))
    return replace(data, series=data.series + tuple(extra))


def _short(v: sp.Expr) -> str:
    """A coordinate for a label: exact when short, else 4 significant digits."""
    text = sp.sstr(v)
    if len(text) <= 8:
        return text
    return f"{float(sp.N(v, 17)):.4g}"


# ---------------------------------------------------------------------------
# Several variables: the tangent plane z = f(p) + grad f(p) . (x - p)


def _plane(text: str, expr: sp.Expr, variables: Sequence[sp.Symbol],
           point: Point) -> TangentResult:
    value = evaluate(expr, point)
    if not value.ok:
        where = ", ".join(f"{k}={sp.sstr(v)}" for k, v in point.items())
        raise DomainError(f"{sp.sstr(expr)} has no real value at {where} ({value.problem}), "
                          "so it has no tangent plane there", code="undefined")
    fa = _exact_or_float(value)
    names = {v.name for v in variables}
    z = sp.Symbol(next(n for n in ("z", "w", "u", "f", "F") if n not in names))
    partials: list[sp.Expr] = []
    smooth = True
    for v in variables:
        info = derivative_at(expr, v, point)
        if not info.exists or info.vertical:
            return TangentResult(
                text, expr, variables=tuple(variables), point=point, value=value, dependent=z,
                exists=False, vertical=False, kind=info.kind, left_slope=info.left,
                right_slope=info.right, failed_variable=v)
        smooth = smooth and info.kind == "smooth"
        d = info.value if info.value is not None else _float_value(sp.diff(expr, v), point)
        partials.append(d)
    intercept = _tidy(fa - sum(g * point[v] for g, v in zip(partials, variables)))
    rhs = sum((g * v for g, v in zip(partials, variables)), sp.Integer(0)) + intercept
    return TangentResult(
        text, expr, variables=tuple(variables), point=point, value=value, dependent=z,
        exists=True, vertical=False, kind="smooth" if smooth else "partials exist",
        intercept=intercept, line=Line(z, rhs), gradient=tuple(partials))
