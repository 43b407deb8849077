"""How a series result reads: the series, what kind it is, its remainder and its evidence."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.expr.points import show_coordinate
from calctool.core.results.series import SeriesResult
from calctool.render.report import Field, Report, TableView, function_label, prime_notation

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
LONG = 60  # a derivative longer than this is not written out in the --steps table


def report(r: SeriesResult) -> Report:
    assert r.point is not None and r.shown is not None
    where = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in r.point.items())
    rep = Report(title=f"{r.kind_name} of {{f}} about {where}", subject=r.expression)
    rep.fields.append(Field(function_label(list(r.variables)), r.expression))
    rep.fields.append(Field("kind", _kind(r)))
    if r.multivariable:
        _several(r, rep)
    else:
        _one(r, rep)
    rep.fields.append(Field("check", _check(r)))
    rep.primary = r.series_text()
    rep.latex.append(_latex(r))
    rep.notes.extend(r.notes)
    if r.plot is not None:
        rep.plots.append(r.plot)
    return rep


def _kind(r: SeriesResult) -> str:
    if r.kind == "laurent":
        return f"Laurent series (f has a pole of order {r.pole_order} here)"
    if r.kind == "puiseux":
        return "Puiseux series (f has a branch point here: fractional powers)"
    if r.kind == "log":
        return "logarithmic expansion (no power series: log terms)"
    name = "Maclaurin series (Taylor about 0)" if r.maclaurin else "Taylor series"
    return name + (" of the continuous extension" if r.removable else "")


def _one(r: SeriesResult, rep: Report) -> None:
    assert r.point is not None and r.shown is not None
    x = r.variable
    n = r.order
    rep.fields.append(Field("series", _with_order(r)))
    if r.kind == "taylor":
        rep.fields.append(Field(f"P{str(n).translate(_SUB)}({x})", r.shown))
    if r.kind == "laurent":
        principal = sp.Add(*(t.coefficient * r.base ** t.exponent
                             for t in r.terms if t.exponent < 0))
        rep.fields.append(Field("principal part", principal))
    if r.remainder is not None:
        rep.fields.append(Field(f"remainder R{str(n).translate(_SUB)}({x})",
                                prime_notation(r.remainder)))
    if r.derivatives:
        rows = [[str(d.k), d.derivative if len(sp.sstr(d.derivative)) <= LONG else
                 f"({len(sp.sstr(d.derivative))} characters: see --json)", d.value,
                 d.coefficient] for d in r.derivatives]
        a = sp.sstr(r.point[x])
        rep.tables.append(TableView(["k", f"f⁽ᵏ⁾({x})", f"f⁽ᵏ⁾({a})", "coefficient f⁽ᵏ⁾(a)/k!"],
                                    rows, title="Taylor coefficients from the derivatives"))
    _evaluation(r, rep)


def _several(r: SeriesResult, rep: Report) -> None:
    assert r.gradient is not None
    rep.fields.append(Field("f(a)", r.value))
    rep.fields.append(Field("∇f(a)", sp.Matrix(r.gradient).T))
    if r.hessian is not None:
        rep.fields.append(Field("Hessian H(a)", r.hessian,
                                names=tuple(str(v) for v in r.variables)))
    n = r.order
    rep.fields.append(Field(f"P{str(n).translate(_SUB)}({', '.join(map(str, r.variables))})",
                            r.shown))
    _evaluation(r, rep)


def _evaluation(r: SeriesResult, rep: Report) -> None:
    ev = r.evaluation
    if ev is None:
        return
    at = ", ".join(show_coordinate(v) for v in ev.at.values())
    n = str(r.order).translate(_SUB)
    rep.fields.append(Field(f"P{n}({at})", ev.approximation, _approx(ev.approximation, r)))
    rep.fields.append(Field(f"f({at})", _decimal(ev.true_value, r.digits)))
    rep.fields.append(Field(f"error f - P{n}", _decimal(ev.error, 3)))
    if ev.bound is not None:
        rep.fields.append(Field("Lagrange bound |R|", f"≤ {_decimal(ev.bound, 3)}"))
    if r.table:
        rows = [[str(row.order), _decimal(row.approximation, r.digits),
                 _decimal(row.error, 3)] for row in r.table]
        rep.tables.append(TableView(["order", f"P({at})", f"error f({at}) - P({at})"], rows,
                                    title=f"Error at {at} against the order",
                                    numeric_columns=frozenset({0, 1, 2})))


def _with_order(r: SeriesResult) -> Any:
    return sp.Add(r.shown, r.big_o(), evaluate=False) if r.shown is not None else None


def _check(r: SeriesResult) -> str:
    """One line of evidence: how the error shrank as h halved."""
    orders = [o for c in r.checks for o in c.observed.values() if o is not None]
    digits = max((c.digits for c in r.checks), default=0)
    need = r.order + 1
    if orders:
        low = min(orders)
        shrink = f"error ~ h^{low:.2f} as h → 0 (needs ≥ {need})"
    else:
        shrink = "error below the working precision at every step"
    how = "along each axis and a diagonal" if r.multivariable else "at a ± h"
    return f"passed: {shrink}, f against the series {how}, {digits}-digit arithmetic"


def _latex(r: SeriesResult) -> str:
    assert r.shown is not None
    lhs = sp.latex(r.expression)
    tail = sp.latex(r.big_o()) if not r.multivariable else \
        f"O(\\lVert x - a \\rVert^{{{r.order + 1}}})"
    return f"{lhs} = {sp.latex(r.shown)} + {tail}"


def _decimal(v: sp.Expr, digits: int) -> str:
    return sp.sstr(sp.Float(v, digits), full_prec=False)


def _approx(v: sp.Expr, r: SeriesResult) -> str | None:
    if v.is_Float or (v.is_Integer and len(str(v)) <= r.digits):
        return None
    return _decimal(sp.N(v, r.digits + 5), r.digits)
