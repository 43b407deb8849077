"""The result of `tangent`: the tangent line (or plane), the normal, secant slopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.plotdata import PlotData
from calctool.core.engines.values import Value
from calctool.core.results.base import (
    Display,
    Result,
    Table,
    expr_number,
    expr_str,
    inline,
    json_number,
    latex_text,
    number,
    point_dict,
    point_math,
    table,
    tex,
)

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

    def latex(self) -> str:
        """`y = 6 x - 9` as LaTeX."""
        return f"{tex(self.lhs)} = {tex(self.rhs)}"

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


    def display(self) -> Display:
        assert self.point is not None and self.dependent is not None
        where = point_math(self.point)
        what = "Tangent plane" if self.multivariable else "Tangent"
        title = f"{what} to {inline(self.expression)} at {inline(where)}"
        coords = sp.Tuple(*[self.point[v] for v in self.variables], self.value_expr)
        fields: list[tuple[str, str]] = [("point", inline(coords))]
        notes: list[str] = []
        if self.line is not None:
            answer = self.line.latex()
        elif self.multivariable:
            answer = (latex_text("no tangent plane: ")
                      + f"\\frac{{\\partial f}}{{\\partial {tex(self.failed_variable)}}}"
                      + latex_text(f" does not exist ({self.kind})"))
        else:
            answer = (latex_text("no tangent at ") + f"{where}"
                      + latex_text(f" ({self.kind})"))
        if self.multivariable:
            if self.gradient is not None:
                fields.append(("∇f", inline(sp.Matrix(self.gradient).T)))
                fields.append(("tangent plane", inline(answer)))
                vector = self.normal_vector
                assert vector is not None
                t = sp.Symbol("t")
                base = [self.point[v] for v in self.variables] + [self.value_expr]
                coords = sp.Tuple(*self.variables, self.dependent)
                along = sp.Tuple(*[b + d * t for b, d in zip(base, vector)])
                fields.append(("normal line", inline(f"{tex(coords)} = {tex(along)}")))
            else:
                v = self.failed_variable
                fields.append((f"∂f/∂{v} from below", _side_math(self.left_slope)))
                fields.append((f"∂f/∂{v} from above", _side_math(self.right_slope)))
            if self.exists and self.kind != "smooth":
                notes.append("the partial derivatives exist here, but f is not smooth at this "
                             "point: partials alone do not guarantee a true tangent plane")
        else:
            x = self.variable
            if self.derivative is not None:
                fields.append((f"f'({x})", inline(self.derivative)))
            if self.exists or self.vertical:
                fields.append(("slope", _side_math(self.slope)))
            if self.intercept is not None:
                fields.append(("intercept", _side_math(self.intercept)))
            if self.line is not None:
                vertical = " (vertical)" if self.vertical else ""
                fields.append((f"tangent line{vertical}", inline(answer)))
            if self.normal is not None:
                fields.append(("normal line", inline(self.normal.latex())))
            if not self.exists:
                fields.append(("slope from below", _side_math(self.left_slope)))
                fields.append(("slope from above", _side_math(self.right_slope)))
                a = sp.sstr(self.point[x])
                kind = KIND_WORDS.get(self.kind, f"a {self.kind}")
                notes.append(f"no tangent: f has {kind} at {x} = {a}, so f'({a}) does not "
                             f"exist (slope {_side_text(self.left_slope)} from below, "
                             f"{_side_text(self.right_slope)} from above)")
        if self.numeric:
            notes.append("the symbolic engine could not take these limits, so the one-sided "
                         "slopes were estimated numerically")
        tables: tuple[Table, ...] = ()
        if self.secants:
            rows = [(number(r.h, 3), number(r.slope, 15), number(r.error, 3))
                    for r in self.secants]
            tables = (table(["h", "(f(a+h) - f(a))/h", "error"], rows,
                            title="secant slopes (float64)"),)
        return Display(title, answer, tuple(fields), tables, tuple(notes))


KIND_WORDS = {"corner": "a corner", "jump": "a jump", "cusp": "a cusp",
              "domain edge": "an edge of its domain"}


def _side_text(v: sp.Expr | None) -> str:
    if v is None:
        return "undefined"
    return {sp.oo: "∞", sp.S.NegativeInfinity: "-∞"}.get(v, sp.sstr(v))


def _side_math(v: sp.Expr | None) -> str:
    """A slope: exact, with a decimal when that says more; "none" when it does not exist."""
    if v is None:
        return "none"
    if v.is_number and not v.is_Rational and v.is_finite and not v.is_Float:
        return inline(f"{tex(v)} \\approx {number(float(sp.N(v, 17)))}")
    return inline(v)


def _slope_number(slope: sp.Expr | None, vertical: bool) -> float | str | None:
    if slope is None:
        return None
    if vertical:
        return "inf"  # SPEC: a vertical tangent has slope "inf" (its sign is in slope_exact)
    return expr_number(slope)


def _side_number(v: sp.Expr | None) -> float | str | None:
    return None if v is None else expr_number(v)
