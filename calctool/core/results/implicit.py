"""Results of implicit differentiation: `diff EQ --implicit y` and `tangent EQ --at x=..,y=..`.

Both are rendered by render/views/implicit.py (their `view`); their JSON is
that of the command they answer (`command` diff or tangent), with the keys
that command documents plus those of the equation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.implicit import AtPoint, ImplicitDerivatives, prime
from calctool.core.expr.curve import Equation
from calctool.core.results.base import (
    Display,
    Result,
    expr_number,
    expr_str,
    inline,
    latex_text,
    point_dict,
    tex,
)
from calctool.core.results.tangent import Line


class Equals(sp.Expr):
    """`lhs = rhs` as every printer writes an equation (sympy's own prints Eq(lhs, rhs))."""

    def _sympystr(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} = {printer._print(self.args[1])}"

    _unicodestr = _sympystr

    def _latex(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} = {printer._print(self.args[1])}"


def derivative_symbol(y: sp.Symbol, x: sp.Symbol, k: int) -> str:
    return f"d{y}/d{x}" if k == 1 else f"d^{k}{y}/d{x}^{k}"


def derivative_latex(y: sp.Symbol, x: sp.Symbol, k: int) -> str:
    if k == 1:
        return f"\\frac{{d{tex(y)}}}{{d{tex(x)}}}"
    return f"\\frac{{d^{{{k}}}{tex(y)}}}{{d{tex(x)}^{{{k}}}}}"


@dataclass(frozen=True)
class ImplicitDiffResult(Result):
    """dy/dx (to order n) of y defined by an equation in x and y."""

    command: ClassVar[str] = "diff"
    view: ClassVar[str] = "implicit"
    equation: Equation | None = None
    found: ImplicitDerivatives | None = None
    order: int = 1
    point: dict[sp.Symbol, sp.Expr] | None = None
    at: AtPoint | None = None
    steps: bool = False
    notes: tuple[str, ...] = ()

    @property
    def answer(self) -> sp.Expr:
        assert self.found is not None
        reduced = self.found.on_curve[self.order - 1]
        return reduced if reduced is not None else self.found.derivatives[self.order - 1]

    def to_dict(self) -> dict[str, Any]:
        assert self.equation is not None and self.found is not None
        out = self.base_dict()
        x, y = self.found.x, self.found.y
        out["result"] = expr_str(self.answer)
        out["latex"] = tex(self.answer)
        out["variables"] = [str(x)] * self.order
        out["implicit"] = str(y)
        out["equation"] = self.equation.text()
        out["derivatives"] = [expr_str(d) for d in self.found.derivatives]
        reduced = [expr_str(d) if d is not None else None for d in self.found.on_curve]
        if any(r is not None for r in reduced):
            out["on_curve"] = reduced
        if self.point is not None and self.at is not None:
            out["at"] = point_dict(self.point)
            v = self.at.values[self.order - 1]
            out["value"] = expr_number(v) if v is not None else (
                "inf" if self.at.vertical and self.order == 1 else None)
            out["value_exact"] = expr_str(v) if v is not None else None
            out["vertical"] = self.at.vertical
            out["singular"] = self.at.singular
            if self.at.numeric_slope is not None:
                out["numeric_slope"] = expr_number(self.at.numeric_slope)
        if self.steps:
            out["implicit_steps"] = [{"title": s.title, "lhs": expr_str(s.lhs),
                                      "rhs": expr_str(s.rhs)} for s in self.found.steps]
        out["notes"] = self.all_notes()
        return out

    def display(self) -> Display:
        assert self.equation is not None and self.found is not None
        x, y = self.found.x, self.found.y
        eq = tex(self.equation.lhs) + " = " + tex(self.equation.rhs)
        title = f"Implicit derivative on {inline(eq)}"
        answer = f"{derivative_latex(y, x, self.order)} = {tex(self.answer)}"
        fields = [(derivative_symbol(y, x, k), inline(d))
                  for k, d in enumerate(self.found.derivatives, 1)]
        return Display(title, answer, tuple(fields), (), self.notes)


@dataclass(frozen=True)
class CurveTangentResult(Result):
    """The tangent line to a curve F(x, y) = G(x, y) at a point on it."""

    command: ClassVar[str] = "tangent"
    view: ClassVar[str] = "implicit"
    equation: Equation | None = None
    found: ImplicitDerivatives | None = None
    point: dict[sp.Symbol, sp.Expr] | None = None
    at: AtPoint | None = None
    slope: sp.Expr | None = None
    intercept: sp.Expr | None = None
    line: Line | None = None
    normal: Line | None = None
    notes: tuple[str, ...] = ()

    @property
    def exists(self) -> bool:
        return self.line is not None

    @property
    def kind(self) -> str:
        assert self.at is not None
        if self.at.singular:
            return "singular point"
        return "vertical" if self.at.vertical else "smooth"

    def to_dict(self) -> dict[str, Any]:
        assert self.equation is not None and self.found is not None
        assert self.point is not None and self.at is not None
        out = self.base_dict()
        x, y = self.found.x, self.found.y
        out["point"] = {"x": expr_number(self.point[x]), "y": expr_number(self.point[y])}
        out["slope"] = "inf" if self.at.vertical else (
            expr_number(self.slope) if self.slope is not None else None)
        out["intercept"] = expr_number(self.intercept) if self.intercept is not None else None
        out["line"] = self.line.text() if self.line is not None else None
        out["normal"] = self.normal.text() if self.normal is not None else None
        out["exists"] = self.exists
        out["vertical"] = self.at.vertical
        out["kind"] = self.kind
        out["numeric"] = False
        out["variables"] = [str(x), str(y)]
        out["at"] = point_dict(self.point)
        out["point_exact"] = {str(k): expr_str(v) for k, v in self.point.items()}
        if self.slope is not None:
            out["slope_exact"] = expr_str(self.slope)
        if self.intercept is not None:
            out["intercept_exact"] = expr_str(self.intercept)
        out["derivative"] = expr_str(self.found.derivatives[0])
        out["equation"] = self.equation.text()
        out["implicit"] = str(y)
        out["gradient_form"] = (f"{expr_str(self.at.fx)}*({expr_str(x - self.point[x])}) + "
                                f"{expr_str(self.at.fy)}*({expr_str(y - self.point[y])}) = 0")
        if self.at.numeric_slope is not None:
            out["numeric_slope"] = expr_number(self.at.numeric_slope)
        out["notes"] = self.all_notes()
        return out

    def display(self) -> Display:
        assert self.equation is not None and self.point is not None
        eq = tex(self.equation.lhs) + " = " + tex(self.equation.rhs)
        title = f"Tangent to the curve {inline(eq)}"
        answer = self.line.latex() if self.line is not None else \
            latex_text("no tangent line: a singular point of the curve")
        fields = [("point", inline(sp.Tuple(*self.point.values())))]
        if self.normal is not None:
            fields.append(("normal line", inline(self.normal.latex())))
        return Display(title, answer, tuple(fields), (), self.notes)


__all__ = ["CurveTangentResult", "Equals", "ImplicitDiffResult", "derivative_latex",
           "derivative_symbol", "prime"]
