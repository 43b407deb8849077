"""How implicit differentiation reads: the equation, dy/dx, the derivation, the tangent."""

from __future__ import annotations

import sympy as sp

from calctool.core.expr.points import show_coordinate
from calctool.core.results.implicit import (
    CurveTangentResult,
    Equals,
    ImplicitDiffResult,
    derivative_latex,
)
from calctool.render.report import Field, Report, StepLine

_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def report(r: ImplicitDiffResult | CurveTangentResult) -> Report:
    if isinstance(r, CurveTangentResult):
        return _tangent(r)
    return _diff(r)


def _label(y: sp.Symbol, x: sp.Symbol, k: int) -> str:
    if k == 1:
        return f"d{y}/d{x}"
    power = str(k).translate(_SUPER)
    return f"d{power}{y}/d{x}{power}"


def _numeric(vertical: bool, x: sp.Symbol, y: sp.Symbol, value: sp.Expr) -> str:
    what = f"d{x}/d{y}" if vertical else f"d{y}/d{x}"
    return f"{what} ≈ {float(value):.12g} (the curve solved near the point)"


def _where(point: dict[sp.Symbol, sp.Expr]) -> str:
    return "(" + ", ".join(show_coordinate(v) for v in point.values()) + ")"


def _diff(r: ImplicitDiffResult) -> Report:
    assert r.equation is not None and r.found is not None
    x, y = r.found.x, r.found.y
    rep = Report(title=f"Implicit derivative: {y} as a function of {x} on {{f}}",
                 subject=Equals(r.equation.lhs, r.equation.rhs))
    for k, (d, reduced) in enumerate(zip(r.found.derivatives, r.found.on_curve), 1):
        if k < r.order and k > 1:
            continue
        rep.fields.append(Field(_label(y, x, k), d))
        if reduced is not None:
            rep.fields.append(Field(f"{_label(y, x, k)} on the curve", reduced))
    rep.primary = r.answer
    rep.latex.append(f"{derivative_latex(y, x, r.order)} = {sp.latex(r.answer)}")
    if r.point is not None and r.at is not None:
        where = _where({x: r.point[x], y: r.point[y]})
        if len(r.point) > 2:  # the constants' values too: (1, 0) with a=1
            where += " with " + ", ".join(f"{k}={show_coordinate(v)}" for k, v in r.point.items()
                                          if k not in (x, y))
        v = r.at.values[r.order - 1]
        label = f"{_label(y, x, r.order)} at {where}"
        if v is not None:
            approx = None if v.is_Rational else f"{float(sp.N(v, 17)):.10g}"
            rep.fields.append(Field(label, v, approx))
            rep.primary = sp.sstr(v)
        elif r.at.singular:
            rep.fields.append(Field(label, "none: a singular point of the curve"))
            rep.primary = "none (singular point)"
        else:
            rep.fields.append(Field(label, "infinite (vertical tangent)"))
            rep.primary = "inf (vertical tangent)"
        if r.at.numeric_slope is not None:
            rep.fields.append(Field("numeric check", _numeric(r.at.vertical, x, y,
                                                              r.at.numeric_slope)))
    if r.steps:
        for i, step in enumerate(r.found.steps, 1):
            rep.steps.append(StepLine(0, str(i), step.title, [step.lhs, step.rhs]))
    rep.notes.extend(r.notes)
    return rep


def _tangent(r: CurveTangentResult) -> Report:
    assert r.equation is not None and r.found is not None
    assert r.point is not None and r.at is not None
    x, y = r.found.x, r.found.y
    rep = Report(title=f"Tangent to the curve {{f}} at {_where(r.point)}",
                 subject=Equals(r.equation.lhs, r.equation.rhs))
    rep.fields.append(Field("point", sp.Tuple(r.point[x], r.point[y])))
    rep.fields.append(Field(f"d{y}/d{x}", r.found.derivatives[0]))
    if r.at.singular:
        rep.fields.append(Field("slope", "none: ∂F/∂x = ∂F/∂y = 0 (a singular point)"))
    elif r.at.vertical:
        rep.fields.append(Field("slope", "infinite (vertical tangent)"))
    else:
        assert r.slope is not None
        approx = None if r.slope.is_Rational else f"{float(sp.N(r.slope, 17)):.10g}"
        rep.fields.append(Field("slope", r.slope, approx))
    if r.line is not None:
        vertical = " (vertical)" if r.at.vertical else ""
        rep.fields.append(Field(f"tangent line{vertical} {r.line.lhs}", r.line.rhs))
        rep.primary = r.line.text()
        rep.latex.append(r.line.latex())
    else:
        rep.fields.append(Field("tangent line", "none: a singular point of the curve"))
        rep.primary = "no tangent (singular point)"
        rep.latex.append(r"\text{no tangent line (singular point)}")
    if r.normal is not None:
        rep.fields.append(Field(f"normal line {r.normal.lhs}", r.normal.rhs))
    if r.at.numeric_slope is not None:
        rep.fields.append(Field("numeric check", _numeric(r.at.vertical, x, y,
                                                          r.at.numeric_slope)))
    rep.notes.extend(r.notes)
    return rep
