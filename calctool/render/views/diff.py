"""How a diff result reads: f, its derivative (primes for abstract functions), values."""

from __future__ import annotations

from typing import Any

import sympy as sp

from calctool.core.results import DiffResult
from calctool.render.report import (
    Field,
    Report,
    derivative_label,
    function_label,
    prime_notation,
)


def report(r: DiffResult) -> Report:
    variables = sorted(r.expression.free_symbols, key=str)
    f_label = function_label(variables or list(r.variables[:1]))
    rep = Report(title=f"Derivative of {sp.sstr(r.expression)}")
    rep.fields.append(Field(f_label, r.expression))
    if r.gradient is not None:
        rep.fields.append(Field("∇f", prime_notation(sp.Matrix(r.gradient).T)))
        for v, g in zip(r.variables, r.gradient):
            rep.fields.append(Field(derivative_label((v,), 2), prime_notation(g)))
        rep.primary = sp.Matrix(r.gradient).T
        rep.latex.append(r"\nabla f = " + sp.latex(sp.Matrix(r.gradient)))
    else:
        assert r.derivative is not None
        label = derivative_label(r.variables, len(variables))
        rep.fields.append(Field(label, prime_notation(r.derivative)))
        rep.primary = prime_notation(r.derivative)
        rep.latex.append(_leibniz_latex(r) + " = " + sp.latex(r.derivative))
    if r.point is not None:
        where = ", ".join(f"{k}={sp.sstr(v)}" for k, v in r.point.items())
        if r.gradient is not None:
            for v, val in zip(r.variables, r.values):
                rep.fields.append(Field(f"∂f/∂{v} at {where}", *_value_parts(val)))
        else:
            rep.fields.append(Field(f"value at {where}", *_value_parts(r.values[0])))
            rep.primary = r.values[0].text
    if r.plot is not None:
        rep.plots.append(r.plot)
    if r.expression.has(sp.Heaviside, sp.sign, sp.DiracDelta):
        rep.notes.append("sign, Heaviside and DiracDelta come from kinks and jumps: at those "
                         "points the derivative does not exist (ask with --at to check a point)")
    return rep


def _value_parts(val: Any) -> tuple[Any, str | None]:
    if val.exact is not None and not val.exact.is_Number:
        return val.exact, val.text
    return val.text, None


def _leibniz_latex(r: DiffResult) -> str:
    seq = r.variables
    k = len(seq)
    if len(set(seq)) == 1:
        v = sp.latex(seq[0])
        top = r"\frac{d}{d%s}" % v if k == 1 else r"\frac{d^{%d}}{d%s^{%d}}" % (k, v, k)
    else:
        top = r"\frac{\partial^{%d}}{%s}" % (k, " ".join(r"\partial %s" % sp.latex(v)
                                                         for v in reversed(seq)))
    return top + r"\left(" + sp.latex(r.expression) + r"\right)"
