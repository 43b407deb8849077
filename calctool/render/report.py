"""A neutral view of a result: labelled fields, tables, notes.

Each result type has one `report_*` builder here; the rich, plain and LaTeX
renderers draw any Report, so a command's output is described once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from calctool.core.results import DiffResult, EvalResult, Result


@dataclass
class Field:
    label: str
    value: Any  # a sympy expression (math) or a str (text)
    approx: str | None = None  # a decimal shown after an exact value: "≈ 0.7071"


@dataclass
class TableView:
    columns: list[str]
    rows: list[list[Any]]  # cells: str or sympy expressions
    title: str | None = None
    note: str | None = None
    numeric_columns: frozenset[int] = frozenset()


@dataclass
class Report:
    title: str
    fields: list[Field] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    primary: Any = None  # the answer on one line (batch mode): expression or text
    latex: list[str] = field(default_factory=list)
    plots: list[Any] = field(default_factory=list)


def prime_notation(expr: sp.Expr) -> sp.Expr:
    """Derivative(f(u), u) -> f'(u), for display: f(g(x))' reads f'(g(x))·g'(x)."""
    from sympy.core.function import AppliedUndef

    def is_simple(d: sp.Derivative) -> bool:
        fn = d.expr
        return (isinstance(fn, AppliedUndef) and len(fn.args) == 1
                and all(v == fn.args[0] for v, _ in d.variable_count))

    def primed(d: sp.Derivative) -> sp.Expr:
        fn = d.expr
        k = sum(int(c) for _, c in d.variable_count)
        name = fn.func.__name__
        mark = "'" * k if k <= 3 else f"^({k})"
        return sp.Function(name + mark)(fn.args[0])

    if not expr.has(sp.Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Derivative) and is_simple(e), primed)


def function_label(variables: list[sp.Symbol]) -> str:
    return "f(" + ", ".join(str(v) for v in variables) + ")"


def derivative_label(sequence: tuple[sp.Symbol, ...], n_vars: int, *, unicode: bool = True) -> str:
    """f'(x), f''(x), f⁽⁴⁾(x) for one variable; ∂²f/∂y∂x for partials."""
    if n_vars <= 1 and len(set(sequence)) == 1:
        var, k = sequence[0], len(sequence)
        marks = "'" * k if k <= 3 else f"^({k})"
        return f"f{marks}({var})"
    d = "∂" if unicode else "d"

    def power_of(n: int) -> str:
        if n == 1:
            return ""
        return "²³⁴⁵⁶⁷⁸⁹"[n - 2] if unicode and n <= 9 else f"^{n}"

    groups: list[tuple[sp.Symbol, int]] = []
    for var in reversed(sequence):  # differentiated first = rightmost
        if groups and groups[-1][0] == var:
            groups[-1] = (var, groups[-1][1] + 1)
        else:
            groups.append((var, 1))
    bottom = "".join(f"{d}{v}{power_of(n)}" for v, n in groups)
    return f"{d}{power_of(len(sequence))}f/{bottom}"


def report_diff(r: DiffResult) -> Report:
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


def report_eval(r: EvalResult) -> Report:
    rep = Report(title=f"Value of {sp.sstr(r.expression)}")
    if r.single:
        p = r.points[0]
        where = ", ".join(f"{k}={sp.sstr(v)}" for k, v in p.point.items())
        rep.fields.append(Field(function_label(list(r.variables)) if r.variables else "value",
                                r.expression))
        label = f"at {where}" if where else "value"
        exact = p.value.exact
        if exact is not None and not exact.is_Number and sp.sstr(exact) != p.value.text:
            rep.fields.append(Field(label, exact, p.value.text))
        else:
            rep.fields.append(Field(label, p.value.text))
        rep.primary = p.value.text
        rep.latex.append(sp.latex(exact) if exact is not None else p.value.text)
        return rep
    names = [str(v) for v in r.variables]
    rows = []
    for p in r.points:
        cells = [_num(p.point[v]) for v in r.variables]
        cells.append(p.value.text if p.value.ok else f"undefined: {p.value.problem}")
        rows.append(cells)
    numeric = frozenset(range(len(names) + 1))
    rep.tables.append(TableView(names + ["value"], rows, numeric_columns=numeric))
    if r.undefined_count:
        rep.notes.append(f"{r.undefined_count} of {len(r.points)} points have no real value")
    rep.primary = "; ".join(row[-1] for row in rows[:20]) + (" ..." if len(rows) > 20 else "")
    rep.latex.append(sp.latex(r.expression))
    return rep


def _num(v: Any) -> str:
    if isinstance(v, sp.Basic):
        return sp.sstr(v)
    return repr(float(v)) if float(v) != int(v) or abs(v) >= 1e16 else str(int(v))


BUILDERS: dict[type, Callable[[Any], Report]] = {
    DiffResult: report_diff,
    EvalResult: report_eval,
}


def register(result_type: type, builder: Callable[[Any], Report]) -> None:
    BUILDERS[result_type] = builder


def build_report(result: Result) -> Report:
    return BUILDERS[type(result)](result)
