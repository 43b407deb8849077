"""Result objects: what each command computed, ready to render.

Each result is a frozen dataclass; `to_dict()` gives exactly the JSON keys of
SPEC section 3, with symbolic answers as sympy-parseable strings and
non-finite numbers as the strings "inf", "-inf", "nan".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import sympy as sp

from calctool.core.values import Value

if TYPE_CHECKING:
    from calctool.core.plotdata import PlotData
    from calctool.core.steps import Step


def json_number(x: float | None) -> float | str | None:
    """A float for JSON: finite numbers as numbers, others as "inf"/"-inf"/"nan"."""
    if x is None:
        return None
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def json_value(v: Value) -> float | str | None:
    """A Value for JSON: its float; a finite value too large for a float as its text."""
    if v.number is not None and math.isinf(v.number) and v.problem is None:
        return v.text
    return json_number(v.number)


def expr_str(e: sp.Expr) -> str:
    return sp.sstr(e)


def expr_number(e: sp.Expr) -> float | str | None:
    """An exact constant as a JSON number ("inf" for oo)."""
    if e in (sp.oo, sp.S.NegativeInfinity):
        return "inf" if e is sp.oo else "-inf"
    try:
        return json_number(float(sp.N(e, 17)))
    except (TypeError, ValueError):
        return expr_str(e)


def point_dict(point: dict[sp.Symbol, sp.Expr]) -> dict[str, Any]:
    return {str(k): expr_number(v) for k, v in point.items()}


@dataclass(frozen=True)
class Result:
    """Fields every result has (SPEC section 3)."""

    command: ClassVar[str] = ""
    input: str
    expression: sp.Expr

    def base_dict(self) -> dict[str, Any]:
        return {"ok": True, "command": self.command, "input": self.input,
                "expression": expr_str(self.expression)}

    def to_dict(self) -> dict[str, Any]:
        return self.base_dict()


@dataclass(frozen=True)
class DiffResult(Result):
    """A derivative, partial, mixed partial or gradient; with `steps`, its derivation.

    JSON `steps` (only with --steps) is a tree of nodes, each
    {"rule", "expression", "variable", "result", "substeps": [...]} with
    sympy-parseable strings, plus when they apply "note" (text),
    "substitution" ({"variable": "u", "expression": "x**3"}: the chain rule's
    u = inner), "applied" (the rule written out with the pieces' derivatives
    unevaluated, as Derivative(...); for the chain rule the outer derivative
    is in terms of u) and "variables". A node means
    d/d(variable) expression = result. The root:

    * one differentiation: rule "differentiate"; substeps: the derivation
      tree (rule "product", "chain", ...) and, when its result is written
      differently from `result`, a last "rewrite" step (or "simplify" with
      --simplify) whose "expression" is the derivation's result and whose
      "result" is exactly `result`;
    * n-th derivative or mixed partial: rule "repeated" with "variables" (the
      sequence); substeps: one "differentiate" node per differentiation, each
      differentiating the previous one's result, the last ending as above;
    * gradient: rule "gradient" with "variables"; substeps: one
      "differentiate" node per component, each ending in that component.

    The root's "result" is always this result's `result` string.
    """

    command: ClassVar[str] = "diff"
    # The differentiation sequence, or the gradient's variables.
    variables: tuple[sp.Symbol, ...] = ()
    derivative: sp.Expr | None = None  # None for a gradient
    gradient: tuple[sp.Expr, ...] | None = None
    point: dict[sp.Symbol, sp.Expr] | None = None
    values: tuple[Value, ...] = ()  # one per gradient component, or one
    simplified: bool = False
    plot: PlotData | None = None
    steps: Step | None = None  # the derivation (diff --steps)

    @property
    def is_gradient(self) -> bool:
        return self.gradient is not None

    @property
    def answer(self) -> sp.Expr:
        """The derivative, or the gradient as a list."""
        if self.gradient is not None:
            return sp.Matrix(self.gradient).T
        assert self.derivative is not None
        return self.derivative

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        if self.gradient is not None:
            out["result"] = "[" + ", ".join(expr_str(g) for g in self.gradient) + "]"
            out["latex"] = sp.latex(sp.Matrix(self.gradient))
            out["gradient"] = {str(v): expr_str(g) for v, g in zip(self.variables, self.gradient)}
        else:
            assert self.derivative is not None
            out["result"] = expr_str(self.derivative)
            out["latex"] = sp.latex(self.derivative)
        out["variables"] = [str(v) for v in self.variables]
        if self.point is not None:
            out["at"] = point_dict(self.point)
            if self.gradient is not None:
                out["value"] = {str(v): json_value(val)
                                for v, val in zip(self.variables, self.values)}
            else:
                out["value"] = json_value(self.values[0])
                if self.values[0].exact is not None:
                    out["value_exact"] = expr_str(self.values[0].exact)
                out["value_text"] = self.values[0].text
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        if self.steps is not None:
            out["steps"] = self.steps.to_dict()
        return out


@dataclass(frozen=True)
class EvalPoint:
    point: dict[sp.Symbol, sp.Expr | float]
    value: Value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            str(k): (expr_number(v) if isinstance(v, sp.Basic) else json_number(v))
            for k, v in self.point.items()
        }
        out["value"] = json_value(self.value)
        if self.value.problem:
            out["error"] = self.value.problem
        return out


@dataclass(frozen=True)
class PointTable:
    """Many points and their values, column by column (numpy arrays, or lists for a few)."""

    names: tuple[str, ...]
    columns: tuple[Any, ...]
    values: Any  # floats; nan where undefined
    problems: dict[int, str] = field(default_factory=dict)  # row -> why it has no value
    texts: tuple[str, ...] | None = None  # values to more than float precision (--digits)

    def __len__(self) -> int:
        return len(self.values)

    def row(self, i: int) -> dict[str, Any]:
        out: dict[str, Any] = {n: json_number(float(c[i]))
                               for n, c in zip(self.names, self.columns)}
        problem = self.problems.get(i)
        value = float(self.values[i])
        # An undefined point has no value (null), except a signed infinity (log at 0: -inf).
        out["value"] = None if problem and not math.isinf(value) else json_number(value)
        if problem:
            out["error"] = problem
        elif self.texts is not None:
            out["value_text"] = self.texts[i]
        return out

    def summary(self) -> dict[str, Any]:
        import numpy as np

        values = np.asarray(self.values, dtype=float)
        good = values[np.isfinite(values)]
        stats = ({"min": float(good.min()), "max": float(good.max()),
                  "mean": float(good.mean())} if good.size else
                 {"min": None, "max": None, "mean": None})
        return {"count": len(values), "undefined": len(self.problems), **stats}


@dataclass(frozen=True)
class EvalResult(Result):
    """One value (`single`), or a table of points."""

    command: ClassVar[str] = "eval"
    variables: tuple[sp.Symbol, ...] = ()
    point: EvalPoint | None = None
    table: PointTable | None = None
    digits: int = 15
    summary_only: bool = False
    output: str | None = None  # the file the points were written to

    @property
    def single(self) -> bool:
        return self.point is not None

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["variables"] = [str(v) for v in self.variables]
        if self.point is not None:
            p = self.point
            out["at"] = {k: v for k, v in p.to_dict().items() if k not in ("value", "error")}
            out["value"] = json_value(p.value)
            out["value_text"] = p.value.text
            if p.value.exact is not None:
                out["value_exact"] = expr_str(p.value.exact)
            out["digits"] = self.digits
            return out
        assert self.table is not None
        summary = self.table.summary()
        if not self.summary_only and self.output is None:
            out["points"] = [self.table.row(i) for i in range(len(self.table))]
        out["count"] = summary["count"]
        out["undefined"] = summary["undefined"]
        out["summary"] = summary
        if self.output is not None:
            out["output"] = self.output
        return out
