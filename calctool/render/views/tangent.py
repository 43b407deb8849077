"""How a tangent result reads: the point, the slope, the lines, or why there is no tangent."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.expr.points import show_coordinate
from calctool.core.results.tangent import KIND_WORDS, TangentResult
from calctool.render.report import Field, Report, TableView, function_label


def report(r: TangentResult) -> Report:
    assert r.point is not None and r.value is not None
    where = ", ".join(f"{k} = {coord(v)}" for k, v in r.point.items())
    what = "Tangent plane" if r.multivariable else "Tangent"
    rep = Report(title=f"{what} to {{f}} at {where}", subject=r.expression)
    rep.fields.append(Field(function_label(list(r.variables)), r.expression))
    coords = sp.Tuple(*[as_typed(c) for c in (*[r.point[v] for v in r.variables],
                                               r.value_expr)])
    rep.fields.append(Field("point", coords, _approx_tuple(coords)))
    if r.multivariable:
        _plane(r, rep)
    else:
        _line(r, rep)
    if r.numeric:
        rep.notes.append("the symbolic engine could not take these limits, so the one-sided "
                         "slopes were estimated numerically (30-digit values at h = ±10^-k)")
    if r.secants:
        _secants(r, rep)
    if r.plot is not None:
        rep.plots.append(r.plot)
    return rep


def _line(r: TangentResult, rep: Report) -> None:
    x = r.variable
    a = coord(r.point[x]) if r.point else "a"
    if r.derivative is not None:
        rep.fields.append(Field(f"f'({x})", r.derivative))
    slope_label = f"slope f'({a})"
    if r.vertical:
        rep.fields.append(Field(slope_label, r.slope))
    elif r.exists:
        rep.fields.append(Field(slope_label, as_typed(r.slope), _approx(r.slope)))
        rep.fields.append(Field("y-intercept", as_typed(r.intercept), _approx(r.intercept)))
    if r.line is not None:
        vertical = " (vertical)" if r.vertical else ""
        rep.fields.append(Field(f"tangent line{vertical} {r.line.lhs}", r.line.rhs,
                                _approx_line(r)))
        if r.normal is not None:
            rep.fields.append(Field(f"normal line {r.normal.lhs}", r.normal.rhs))
        rep.primary = r.line.text()
        rep.latex.append(r.line.latex())
    if r.vertical:
        direction = "up" if r.slope == sp.oo else "down"
        rep.notes.append(f"the difference quotient (f({a}+h) - f({a}))/h tends to "
                         f"{words(r.slope)} from both sides: the curve goes straight "
                         f"{direction} through the point, so the tangent is the vertical "
                         f"line {r.line.text() if r.line else ''}")
    if not r.exists:
        if r.kind == "domain edge":
            none = f"none: {x} = {a} is an edge of the domain of f"
        else:
            none = f"none: f has {KIND_WORDS.get(r.kind, 'a ' + r.kind)} at {x} = {a}"
        rep.fields.append(Field("tangent line", none))
        rep.fields.append(Field("slope from below (h → 0⁻)", _side(r.left_slope)))
        rep.fields.append(Field("slope from above (h → 0⁺)", _side(r.right_slope)))
        rep.primary = (f"no tangent ({r.kind}): slope {_plain(r.left_slope)} from below, "
                       f"{_plain(r.right_slope)} from above")
        rep.latex.append(r"\text{no tangent at } %s = %s \text{ (%s)}"
                         % (sp.latex(x), sp.latex(r.point[x]) if r.point else a, r.kind))
        rep.notes.append(_why_none(r, a))


def _why_none(r: TangentResult, a: str) -> str:
    quotient = f"(f({a}+h) - f({a}))/h"
    left, right = _side_text(r.left_slope), _side_text(r.right_slope)
    if r.kind == "jump":
        return (f"f jumps at {r.variable} = {a}: it is not continuous there, so {quotient} "
                f"blows up on at least one side (from below: {left}, from above: {right}). "
                "Derivatives are undefined at jumps: no tangent")
    if r.kind == "domain edge":
        return (f"f has real values on one side of {r.variable} = {a} only, so only a one-sided "
                f"slope can exist (from below: {left}, from above: {right}); there is no "
                "two-sided tangent")
    if r.kind == "cusp":
        return (f"{quotient} tends to {left} from below and {right} from above: a cusp, "
                "so there is no tangent line")
    return (f"f'({a}) does not exist: {quotient} tends to {left} as h → 0 from below "
            f"and to {right} from above. The limit must be the same from both sides; "
            "derivatives are undefined at corners and jumps")


def _plane(r: TangentResult, rep: Report) -> None:
    variables = list(r.variables)
    if r.exists and r.gradient is not None and r.line is not None:
        rep.fields.append(Field("∇f", sp.Matrix(r.gradient).T, _approx_tuple(r.gradient)))
        rep.fields.append(Field(f"tangent plane {r.line.lhs}", r.line.rhs))
        vector = r.normal_vector
        if vector is not None and r.point is not None:
            t = sp.Symbol("t")
            base = [r.point[v] for v in variables] + [r.value_expr]
            coords = ", ".join(str(s) for s in (*variables, r.dependent))
            rep.fields.append(Field(f"normal line ({coords})",
                                    sp.Tuple(*[b + d * t for b, d in zip(base, vector)])))
        rep.primary = r.line.text()
        rep.latex.append(r.line.latex())
        names = ", ".join(str(v) for v in variables)
        rep.notes.append(f"the tangent plane is {r.dependent} = f(p) + ∇f(p)·(({names}) - p); "
                         "the normal line runs along (∇f(p), -1)")
        if r.kind != "smooth":
            rep.notes.append("the partial derivatives exist here, but f is not smooth at this "
                             "point: partials alone do not guarantee a true tangent plane")
        return
    v = r.failed_variable
    kind = KIND_WORDS.get(r.kind, f"a {r.kind}")
    rep.fields.append(Field("tangent plane", f"none: ∂f/∂{v} does not exist ({kind})"))
    rep.fields.append(Field(f"∂f/∂{v} from below", _side(r.left_slope)))
    rep.fields.append(Field(f"∂f/∂{v} from above", _side(r.right_slope)))
    rep.primary = f"no tangent plane: df/d{v} does not exist ({r.kind})"
    rep.latex.append(r"\text{no tangent plane (}\partial f/\partial %s\text{ does not exist)}"
                     % sp.latex(v))


def _secants(r: TangentResult, rep: Report) -> None:
    a = coord(r.point[r.variable]) if r.point else "a"
    above = [row for row in r.secants if row.h > 0]
    below = [row for row in r.secants if row.h < 0]
    rows = []
    for up, down in zip(above, below):
        rows.append([f"{up.h:.0e}", _num(up.slope), _err(up.error),
                     _num(down.slope), _err(down.error)])
    ref = _side_text(r.slope) if r.exists and not r.vertical else None
    title = f"Secant slopes (f({a}+h) - f({a}))/h"
    if ref is not None:
        title += f" → f'({a}) = {ref}"
    rep.tables.append(TableView(["|h|", "h > 0", "error", "h < 0", "error"], rows,
                                title=title, numeric_columns=frozenset(range(5)),
                                droppable=frozenset({2, 4})))
    rep.notes.append("secant slopes are computed in float64 on purpose, as a program would; "
                     "error = secant slope - the one-sided slope")
    turnover = r.secant_turnover or {}
    smallest_h = min(abs(row.h) for row in r.secants)
    errors = [row.error for row in r.secants]
    if turnover:
        h = max(turnover.values())
        rep.notes.append(f"from |h| = {h:.0e} on, the error no longer shrinks with h: "
                         f"f({a}+h) - f({a}) cancels most of its digits, and rounding error "
                         "(about 1e-16·|f|/h) takes over from the truncation error (about h)")
    elif errors and all(e == 0 for e in errors):
        rep.notes.append("every secant slope equals the one-sided slope exactly: f is a "
                         "straight line on each side of the point")
    elif any(e is not None for e in errors):
        rep.notes.append(f"the error still shrinks with h at |h| = {smallest_h:.0e}; try "
                         "--k-max 16 to watch floating-point cancellation take over")


def coord(v: sp.Expr) -> str:
    """A coordinate for a label or title: as typed (0.3, not 3/10), exact when short
    (pi/4), else 6 digits."""
    text = show_coordinate(v)
    return text if len(text) <= 16 else sp.sstr(sp.N(v, 6))


def as_typed(v: sp.Expr) -> sp.Expr:
    """A number with a short exact decimal (3/10, 9/100) as that decimal, so that a point
    typed as 0.3 reads (0.3, 0.09); 1/3 and pi/4 stay exact."""
    if isinstance(v, sp.Rational) and not v.is_Integer:
        shown = show_coordinate(v)
        if shown != sp.sstr(v):
            return sp.Float(shown, len(shown.lstrip("-").replace(".", "").lstrip("0")) or 1)
    return v


def _plain(v: sp.Expr | None) -> str:
    if isinstance(v, sp.Float):
        return _short_float(v)
    return "undefined" if v is None else sp.sstr(v)


def _short_float(v: sp.Expr) -> str:
    return sp.sstr(sp.Float(v, 10), full_prec=False)


def _side(v: sp.Expr | None) -> Any:
    if isinstance(v, sp.Float):
        return _short_float(v)
    return "undefined (no real values)" if v is None else v


def _side_text(v: sp.Expr | None) -> str:
    return "undefined" if v is None else words(v)


def words(v: sp.Expr | None) -> str:
    """A value inside a sentence: ∞ rather than oo."""
    if v is sp.oo:
        return "∞"
    if v is sp.S.NegativeInfinity:
        return "-∞"
    if isinstance(v, sp.Float):
        return _short_float(v)
    return sp.sstr(v)


def _approx(v: sp.Expr | None) -> str | None:
    if v is None or not v.is_number or v.is_Rational or v in (sp.oo, -sp.oo) or v.is_Float:
        return None
    return f"{float(sp.N(v, 17)):.10g}"


def _approx_tuple(values: Any) -> str | None:
    items = list(values)
    if all(v.is_Rational or v.is_Float for v in items):
        return None
    return "(" + ", ".join(f"{float(sp.N(v, 17)):.6g}" for v in items) + ")"


def _approx_line(r: TangentResult) -> str | None:
    if r.slope is None or r.intercept is None:
        return None
    if _approx(r.slope) is None and _approx(r.intercept) is None:
        return None
    m, b = float(sp.N(r.slope, 17)), float(sp.N(r.intercept, 17))
    if b == 0:
        return f"{m:.6g}·{r.variable}"
    sign = "-" if b < 0 else "+"
    return f"{m:.6g}·{r.variable} {sign} {abs(b):.6g}"


def _num(v: float) -> str:
    return f"{v:.10g}"


def _err(v: float | None) -> str:
    return "—" if v is None else f"{v:+.1e}"
