"""A neutral view of a result: labelled fields, tables, notes.

Each result type has one `report_*` builder here; the rich, plain and LaTeX
renderers draw any Report, so a command's output is described once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

import sympy as sp

from calctool.core.results.base import Result


@dataclass
class Field:
    label: str
    value: Any  # a sympy expression (math) or a str (text)
    approx: str | None = None  # a decimal shown after an exact value: "≈ 0.7071"
    # A Hessian's variables: a terminal too narrow for the matrix lists its entries.
    names: tuple[str, ...] = ()


@dataclass
class StepLine:
    """One line of a derivation: a numbered rule application, or a heading.

    `parts` are equal to each other, left to right: what is differentiated
    (d/dx(...), an unevaluated sympy Derivative, after a `Rate` du/dx for the
    chain rule's inner part), the rule written out, the result; sympy
    expressions, drawn by `linear`. `substitution` is the chain rule's (u, inner).
    """

    depth: int  # 0 for a top-level step
    number: str  # "1", "1.2"; "" for a heading
    title: str  # the rule's name, or a heading's text
    parts: list[Any] = field(default_factory=list)
    note: str | None = None
    substitution: tuple[Any, Any] | None = None
    heading: bool = False
    # Variables whose derivatives here are partial (∂/∂x): the function has others.
    partial: frozenset[Any] = frozenset()


class Alert(str):
    """A note that is the point of the output (gradcheck's "∂f/∂x is wrong ..."): shown
    as a note everywhere, and on a terminal in bold, not dimmed like the others."""

    __slots__ = ()


@dataclass(frozen=True)
class Rate:
    """du/dx as a part of a step line (the chain rule's inner derivative)."""

    top: Any
    bottom: Any


@dataclass
class TableView:
    columns: list[str]
    rows: list[list[Any]]  # cells: str or sympy expressions
    title: str | None = None
    note: str | None = None
    numeric_columns: frozenset[int] = frozenset()
    csv: bool = False  # data rather than a display: plain output writes it as CSV
    # Columns a terminal too narrow for the table may leave out (said in its caption).
    droppable: frozenset[int] = frozenset()


@dataclass
class Report:
    title: str  # "{f}" in it stands for `subject`, drawn in the renderer's math style
    fields: list[Field] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    primary: Any = None  # the answer on one line (batch mode): expression or text
    latex: list[str] = field(default_factory=list)
    plots: list[Any] = field(default_factory=list)
    steps: list[StepLine] = field(default_factory=list)  # a derivation (diff --steps)
    subject: Any = None  # the expression the title names

    def heading(self, draw: Callable[[Any], str]) -> str:
        """The title with the subject drawn by `draw` (unicode or ASCII math)."""
        if self.subject is None:
            return self.title
        return self.title.replace("{f}", draw(self.subject))


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

    def is_simple_subs(e: sp.Basic) -> bool:
        # f'(a) as sympy writes it for a non-symbol a: Subs(Derivative(f(t), t), t, a)
        return (isinstance(e, sp.Subs) and len(e.variables) == 1
                and isinstance(e.expr, sp.Derivative) and is_simple(e.expr)
                and e.expr.expr.args[0] == e.variables[0])

    def primed_subs(e: sp.Subs) -> sp.Expr:
        f = primed(e.expr)
        return f.func(e.point[0])

    if not expr.has(sp.Derivative):
        return expr
    if expr.has(sp.Subs):
        expr = expr.replace(is_simple_subs, primed_subs)
    return expr.replace(lambda e: isinstance(e, sp.Derivative) and is_simple(e), primed)


def linear(value: Any, *, unicode: bool = True, partial: frozenset[Any] = frozenset()) -> str:
    """Math on one line, derivatives included: d/dx(x³)·cos(x) (unicode), or
    d/dx(x**3)*cos(x) (ASCII, otherwise sympy's own text); ∂/∂x in unicode for
    the variables in `partial`.

    Sums and products that contain an unevaluated derivative keep their order,
    so a rule written out reads as the rule: d/dx(f)·g + f·d/dx(g).
    """
    from calctool.render.math import _minus, oneline

    if isinstance(value, Rate):
        d = "∂" if unicode and value.bottom in partial else "d"
        return f"{d}{value.top}/{d}{value.bottom}"
    if isinstance(value, sp.MatrixBase) and not unicode:
        return oneline(value)
    if not isinstance(value, (sp.Basic, sp.MatrixBase)):
        return str(value)
    text = _step_printer(unicode)({"order": None, "partial": partial}).doprint(value)
    return _minus(text) if unicode else str(text)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@lru_cache(maxsize=2)
def _step_printer(unicode: bool) -> type:
    from sympy.printing.precedence import PRECEDENCE
    from sympy.printing.str import StrPrinter

    from calctool.render.math import UnicodePrinter

    base: Any = UnicodePrinter if unicode else StrPrinter

    class StepPrinter(base):
        _default_settings: ClassVar[dict[str, Any]] = {**base._default_settings,
                                                        "partial": frozenset()}

        def _in_order(self, expr: sp.Basic, method: Any) -> str:
            saved = self._settings.get("order")
            self._settings["order"] = "none" if expr.has(sp.Derivative) else None
            try:
                return str(method(expr))
            finally:
                self._settings["order"] = saved

        def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
            return self._in_order(expr, super()._print_Add)

        def _print_Mul(self, expr: sp.Mul) -> str:
            text = self._in_order(expr, super()._print_Mul)
            return re.sub(r"(?<=\d)([d∂])/", r"·\1/", text) if unicode else text

        def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
            if unicode and expr.exp == -1:  # UnicodePrinter would write 1/x^1
                return "1/" + self.parenthesize(expr.base, PRECEDENCE["Mul"], strict=True)
            return str(super()._print_Pow(expr, rational))

        def _print_Integral(self, expr: sp.Integral) -> str:
            """∫ x² dx (unicode) or int(x**2) dx: an integration step's left side."""
            body = self._in_order(expr.function, self._print)
            if isinstance(expr.function, sp.Add):
                body = f"({body})"
            var = self._print(expr.limits[0][0])
            return f"∫ {body} d{var}" if unicode else f"int({body}) d{var}"

        def _print_Derivative(self, expr: sp.Derivative) -> str:
            ops = []
            for v, n in expr.variable_count:
                name = self._print(v)
                k = str(n).translate(_SUPERSCRIPTS) if unicode else f"^{n}"
                d = "∂" if unicode and v in self._settings["partial"] else "d"
                ops.append(f"{d}/{d}{name}" if n == 1 else f"{d}{k}/{d}{name}{k}")
            return "".join(reversed(ops)) + f"({self._in_order(expr.expr, self._print)})"

    return StepPrinter


def function_label(variables: list[sp.Symbol], name: str = "f") -> str:
    return name + "(" + ", ".join(str(v) for v in variables) + ")"


def derivative_label(sequence: tuple[sp.Symbol, ...], n_vars: int, *, unicode: bool = True,
                     name: str = "f") -> str:
    """f'(x), f''(x), f⁽⁴⁾(x) for one variable; ∂²f/∂y∂x for partials."""
    if n_vars <= 1 and len(set(sequence)) == 1:
        var, k = sequence[0], len(sequence)
        marks = "'" * k if k <= 3 else f"^({k})"
        return f"{name}{marks}({var})"
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
    return f"{d}{power_of(len(sequence))}{name}/{bottom}"


def build_report(result: Result) -> Report:
    """The Report for any result, from the view module named after its command."""
    import importlib

    # A result may have a view of its own (implicit differentiation answers diff and tangent).
    view = getattr(result, "view", result.command)
    module = importlib.import_module(f"calctool.render.views.{view}")
    return module.report(result)


# Errors in tables (gradcheck's components, hessian's finite differences); numbers are
# results.base.number.


def err(v: float) -> str:
    """An error: one or two significant digits are all it has."""
    if math.isnan(v):
        return "nan"
    if v == 0:
        return "0"
    return f"{v:.1e}"
