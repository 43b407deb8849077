"""A neutral view of a result: labelled fields, tables, notes.

Each result type has one `report_*` builder here; the rich, plain and LaTeX
renderers draw any Report, so a command's output is described once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from calctool.core.results import Result


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
    csv: bool = False  # data rather than a display: plain output writes it as CSV


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


def build_report(result: Result) -> Report:
    """The Report for any result, from the view module named after its command."""
    import importlib

    module = importlib.import_module(f"calctool.render.views.{result.command}")
    return module.report(result)  # type: ignore[no-any-return]
