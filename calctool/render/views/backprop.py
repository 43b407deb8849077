"""How backpropagation reads: the graph as a table in topological order (forward pass
top to bottom, backward pass bottom to top), then the gradient over the parameters."""

from __future__ import annotations

import sympy as sp

from calctool.core.expr.points import show_point
from calctool.core.results.backprop import BackpropResult, node_role
from calctool.core.results.base import number, point_math, tex
from calctool.render.report import Field, Report, TableView, err

DIGITS = 8  # significant digits in the table; --json has full floats


def report(r: BackpropResult) -> Report:
    where = show_point(r.point)
    rep = Report(title=f"Backpropagation through {{f}} at {where}", subject=r.expression)
    params = {v.name for v in r.variables}
    forward = []
    for n in r.nodes:
        if n.is_input:
            computes: object = "parameter" if n.name in params else "constant (data)"
        else:
            computes = n.formula
        forward.append([n.name, computes, number(float(n.value), DIGITS)])
    rep.tables.append(TableView(["node", "computes", "value"], forward,
                                title="forward pass, top to bottom",
                                numeric_columns=frozenset({2})))
    backward = []
    for n in reversed(r.nodes):
        local = ", ".join(f"∂/∂{i} = {number(float(d), DIGITS)}"
                          for i, d in zip(n.inputs, n.local))
        backward.append([n.name, number(float(n.adjoint), DIGITS), local])
    rep.tables.append(TableView(["node", "adjoint ∂f/∂node", "local derivatives"], backward,
                                title="backward pass, output to inputs",
                                numeric_columns=frozenset({1})))
    rep.fields.append(Field(f"f at {where}", number(float(r.output.value), 12)))
    grad = r.gradient()
    label = "∇f over (" + ", ".join(grad) + ")"
    shown = "[" + ", ".join(number(g, 12) for g in grad.values()) + "]"
    rep.fields.append(Field(label, shown))
    if r.fd_check is not None:
        c = r.fd_check
        verdict = "agree" if c.agrees else "DISAGREE"
        rep.fields.append(Field("finite differences",
                                f"{verdict}: max |difference| {err(c.max_abs_difference)}, "
                                f"error estimate {err(c.max_error_estimate)}"))
    rep.notes.append("the output's adjoint is 1; each node's adjoint is the sum, over the "
                     "nodes that read it, of their adjoint times their local derivative by "
                     "it; the parameters' adjoints are the gradient")
    rep.notes.extend(r.notes)
    rep.primary = shown
    rep.latex.append(_latex(r))
    return rep


def _latex(r: BackpropResult) -> str:
    params = {v.name for v in r.variables}
    lines = [r"\begin{array}{llrr}",
             r"\text{node} & \text{computes} & \text{value} & \bar{v} = "
             r"\partial f/\partial v \\ \hline"]
    for n in r.nodes:
        name = tex(sp.Symbol(n.name))
        what = (r"\text{%s}" % node_role(n, params)) if n.is_input else tex(n.formula)
        lines.append(f"{name} & {what} & {number(float(n.value), DIGITS)} & "
                     f"{number(float(n.adjoint), DIGITS)} \\\\")
    lines.append(r"\end{array}")
    grad = r.gradient()
    lines.append(f"\\qquad \\nabla_{{{', '.join(tex(v) for v in r.variables)}}} f\\big|_"
                 f"{{{point_math(r.point)}}} = \\begin{{bmatrix}}"
                 + r" \\ ".join(number(g, 12) for g in grad.values()) + r"\end{bmatrix}")
    return "\n".join(lines)
