"""Result objects of `tangent` and `limit` (SPEC section 3), ready to render.

Kept apart from results.py so the two commands can grow without touching the
shared module. The same rules hold: frozen dataclasses, `to_dict()` with the
SPEC keys first, symbolic answers as sympy strings, numbers as JSON numbers
and non-finite numbers as "inf"/"-inf"/"nan".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.plotdata import PlotData
from calctool.core.results import Result, expr_number, expr_str, json_number, point_dict
from calctool.core.values import Value

# ---------------------------------------------------------------------------
# tangent


@dataclass(frozen=True)
class SecantRow:
    """One secant slope (f(a+h) - f(a))/h, computed in float64 on purpose."""

    h: float
    slope: float
    error: float | None  # slope minus the (one-sided) derivative; None when that is infinite

    def to_dict(self) -> dict[str, Any]:
        return {"h": self.h, "slope": json_number(self.slope), "error": json_number(self.error)}


@dataclass(frozen=True)
class Line:
    """A line `lhs = rhs`: y = m*x + b, or x = a for a vertical line."""

    lhs: sp.Symbol
    rhs: sp.Expr

    def text(self) -> str:
        return f"{self.lhs} = {expr_str(self.rhs)}"

    @property
    def expr(self) -> sp.Expr:
        """As an expression that is 0 on the line (for LaTeX and checks)."""
        return self.lhs - self.rhs


@dataclass(frozen=True)
class TangentResult(Result):
    """The tangent line (one variable) or tangent plane (several) at a point.

    One variable: `slope` is f'(a) (oo or -oo for a vertical tangent, None
    when there is no tangent), `left_slope`/`right_slope` the one-sided
    limits of the difference quotient. Several variables: `gradient` holds
    the partial derivatives at the point and `line` the tangent plane.
    """

    command: ClassVar[str] = "tangent"
    variables: tuple[sp.Symbol, ...] = ()
    point: dict[sp.Symbol, sp.Expr] | None = None
    value: Value | None = None  # f at the point
    dependent: sp.Symbol | None = None  # y for a curve, z for a surface
    exists: bool = True
    vertical: bool = False
    kind: str = "smooth"  # smooth, corner, jump, cusp, vertical, domain edge, ...
    derivative: sp.Expr | None = None  # f'(x), one variable
    slope: sp.Expr | None = None
    left_slope: sp.Expr | None = None
    right_slope: sp.Expr | None = None
    intercept: sp.Expr | None = None
    line: Line | None = None
    normal: Line | None = None
    gradient: tuple[sp.Expr, ...] | None = None
    failed_variable: sp.Symbol | None = None  # several variables: the partial that does not exist
    secants: tuple[SecantRow, ...] = ()
    secant_turnover: dict[str, float] | None = None  # side -> |h| from which rounding wins
    plot: PlotData | None = None
    numeric: bool = False  # the slopes were estimated numerically (sympy's limits gave up)

    @property
    def variable(self) -> sp.Symbol:
        return self.variables[0]

    @property
    def multivariable(self) -> bool:
        return len(self.variables) > 1

    @property
    def normal_vector(self) -> tuple[sp.Expr, ...] | None:
        """(f_x, f_y, ..., -1): normal to the surface z = f(x, y, ...)."""
        if self.gradient is None:
            return None
        return (*self.gradient, sp.Integer(-1))

    def normal_text(self) -> str | None:
        """The normal line: an equation for a curve, parametric for a surface."""
        if self.multivariable:
            vector = self.normal_vector
            if vector is None or self.point is None or self.value is None:
                return None
            t = sp.Symbol("t")
            base = [self.point[v] for v in self.variables] + [self.value_expr]
            coords = ", ".join(str(s) for s in (*self.variables, self.dependent))
            along = ", ".join(expr_str(b + d * t) for b, d in zip(base, vector))
            return f"({coords}) = ({along})"
        return self.normal.text() if self.normal is not None else None

    @property
    def value_expr(self) -> sp.Expr:
        assert self.value is not None
        if self.value.exact is not None:
            return self.value.exact
        return sp.Float(self.value.number, 15)

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        assert self.point is not None and self.value is not None and self.dependent is not None
        at = point_dict(self.point)
        fa = expr_number(self.value_expr)
        if self.multivariable:
            point = {**at, str(self.dependent): fa}
        else:
            point = {"x": at[str(self.variable)], "y": fa}
        out["point"] = point
        out["slope"] = _slope_number(self.slope, self.vertical)
        out["intercept"] = expr_number(self.intercept) if self.intercept is not None else None
        out["line"] = self.line.text() if self.line is not None else None
        out["normal"] = self.normal_text()
        out["exists"] = self.exists
        out["vertical"] = self.vertical
        if not self.multivariable:
            out["left_slope"] = _side_number(self.left_slope)
            out["right_slope"] = _side_number(self.right_slope)
        # Extra keys: what a script may want beyond the contract.
        out["kind"] = self.kind
        out["numeric"] = self.numeric
        out["variables"] = [str(v) for v in self.variables]
        out["at"] = at
        out["point_exact"] = {**{str(k): expr_str(v) for k, v in self.point.items()},
                              str(self.dependent): expr_str(self.value_expr)}
        if self.slope is not None:
            out["slope_exact"] = expr_str(self.slope)
        if self.intercept is not None:
            out["intercept_exact"] = expr_str(self.intercept)
        if self.derivative is not None:
            out["derivative"] = expr_str(self.derivative)
        if self.multivariable:
            out["plane"] = out["line"]
            pairs = list(zip(self.variables, self.gradient or ()))
            out["gradient"] = ({str(v): expr_number(g) for v, g in pairs}
                               if self.gradient is not None else None)
            out["gradient_exact"] = ({str(v): expr_str(g) for v, g in pairs}
                                     if self.gradient is not None else None)
            vector = self.normal_vector
            out["normal_vector"] = [expr_number(c) for c in vector] if vector else None
            if self.failed_variable is not None:
                out["failed_variable"] = str(self.failed_variable)
                out["left_slope"] = _side_number(self.left_slope)
                out["right_slope"] = _side_number(self.right_slope)
        if self.secants:
            out["secants"] = [row.to_dict() for row in self.secants]
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        return out


def _slope_number(slope: sp.Expr | None, vertical: bool) -> float | str | None:
    if slope is None:
        return None
    if vertical:
        return "inf"  # SPEC: a vertical tangent has slope "inf" (its sign is in slope_exact)
    return expr_number(slope)


def _side_number(v: sp.Expr | None) -> float | str | None:
    return None if v is None else expr_number(v)


# ---------------------------------------------------------------------------
# limit


@dataclass(frozen=True)
class LimitRow:
    """Numeric evidence: the distance from the target (or x itself for ±oo) and f there."""

    k: int
    step: sp.Expr  # h = 10^-k, or x = ±10^k when the target is infinite
    below: sp.Expr | str | None  # f(a - h) (a number, or why it has no value); None: not asked
    above: sp.Expr | str | None  # f(a + h)

    def to_dict(self, infinite_target: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"k": self.k}
        if infinite_target:
            out["x"] = expr_number(self.step)
            only = self.below if self.below is not None else self.above
            out["value"] = number_or_text(only) if only is not None else None
            return out
        out["h"] = expr_number(self.step)
        if self.below is not None:
            out["below"] = number_or_text(self.below)
        if self.above is not None:
            out["above"] = number_or_text(self.above)
        return out


def number_or_text(v: sp.Expr | str) -> float | str | None:
    """A table value for JSON: a number; a finite value beyond float range as its text."""
    if isinstance(v, str):
        return v
    number = expr_number(v)
    if isinstance(number, float) and math.isinf(number) and v not in (sp.oo, -sp.oo):
        return sp.sstr(sp.Float(v, 15), full_prec=False)
    return number


@dataclass(frozen=True)
class LimitResult(Result):
    """lim f(x) as x -> a: two-sided unless a direction was asked for.

    `left`/`right` are the one-sided limits (None when not computed, or when f
    has no real values on that side: `left_problem`/`right_problem` say why).
    `value` is the limit when it exists (possibly oo or -oo).
    """

    command: ClassVar[str] = "limit"
    variable: sp.Symbol | None = None
    target: sp.Expr = sp.S.Zero
    direction: str = "+-"  # "+-" two-sided, "+" from above, "-" from below
    exists: bool = False
    value: sp.Expr | None = None
    left: sp.Expr | None = None
    right: sp.Expr | None = None
    left_problem: str | None = None
    right_problem: str | None = None
    kind: str = "finite"  # finite, infinite, sides differ, oscillates, one side undefined
    reason: str | None = None  # why it does not exist, in words
    numeric: bool = False
    numeric_reason: str | None = None  # why the symbolic engine was not used
    guess: sp.Expr | None = None  # a closed form matching a numeric estimate
    table: tuple[LimitRow, ...] = ()
    table_auto: bool = False  # the table is there as evidence, not because --table asked
    plot: PlotData | None = None

    @property
    def infinite_target(self) -> bool:
        return self.target in (sp.oo, sp.S.NegativeInfinity)

    @property
    def infinite(self) -> bool:
        return self.exists and self.value in (sp.oo, sp.S.NegativeInfinity)

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["exists"] = self.exists
        out["result"] = _limit_text(self.value) if self.exists else None
        out["left"] = _limit_text(self.left)
        out["right"] = _limit_text(self.right)
        out["numeric"] = self.numeric
        out["variable"] = str(self.variable)
        out["to"] = expr_str(self.target)
        out["direction"] = {"+-": "both", "+": "+", "-": "-"}[self.direction]
        out["kind"] = self.kind
        out["infinite"] = self.infinite
        out["value"] = (expr_number(self.value)
                        if self.exists and self.value is not None else None)
        if self.reason:
            out["reason"] = self.reason
        if self.left_problem:
            out["left_problem"] = self.left_problem
        if self.right_problem:
            out["right_problem"] = self.right_problem
        if self.numeric_reason:
            out["numeric_reason"] = self.numeric_reason
        if self.guess is not None:
            out["guess"] = expr_str(self.guess)
        if self.table:
            out["table"] = [row.to_dict(self.infinite_target) for row in self.table]
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        return out


def _limit_text(v: sp.Expr | None) -> str | None:
    if v is None:
        return None
    if isinstance(v, sp.Float):
        return sp.sstr(sp.Float(v, 12), full_prec=False)
    return expr_str(v)
