"""The result of `diff`: a derivative, partial, mixed partial or gradient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import sympy as sp

from calctool.core.engines.values import Value
from calctool.core.results.base import (
    Display,
    Result,
    expr_number,
    expr_str,
    inline,
    json_value,
    latex_text,
    point_dict,
    point_math,
    tex,
    text,
    value_math,
)

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
    from calctool.core.engines.steps import Step


# How each kind of point where a derivative does not exist reads in a sentence.
KIND_WORDS = {"corner": "a corner", "jump": "a jump", "cusp": "a cusp",
              "vertical": "a vertical tangent (an infinite slope)",
              "domain edge": "an edge of its domain"}


@dataclass(frozen=True)
class OneSided:
    """Why a derivative does not exist at a point: the kind of point and the one-sided
    limits of the difference quotient (None where f has no values on that side)."""

    kind: str  # "corner", "jump", "cusp", "vertical", "domain edge"
    left: sp.Expr | None
    right: sp.Expr | None
    numeric: bool = False  # the one-sided slopes were estimated from 30-digit values

    def to_dict(self, name: str = "the derivative") -> dict[str, Any]:
        return {"kind": self.kind, "left_slope": _side(self.left),
                "right_slope": _side(self.right), "reason": self.reason(name)}

    def reason(self, name: str = "the derivative") -> str:
        """The proof in one sentence, as tangent says it."""
        left, right = _side_text(self.left), _side_text(self.right)
        if self.kind == "vertical":
            return (f"{name} is infinite: the difference quotient tends to {right} from both "
                    "sides (a vertical tangent), so it has no real value")
        if self.kind == "domain edge":
            return (f"{name} does not exist: f has real values on one side only (slope from "
                    f"below {left}, from above {right})")
        return (f"{name} does not exist: the difference quotient tends to {left} from below "
                f"and to {right} from above; the two sides must agree "
                f"({KIND_WORDS.get(self.kind, 'a ' + self.kind)})")


def _side(v: sp.Expr | None) -> float | str | None:
    return None if v is None else expr_number(v)


def _side_text(v: sp.Expr | None) -> str:
    if v is None:
        return "undefined"
    if v in (sp.oo, sp.S.NegativeInfinity):
        return "∞" if v is sp.oo else "-∞"
    return f"{float(v):.12g}" if v.is_Float else expr_str(v)


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
    # Aligned with values: None where the derivative exists, else why it does not.
    missing: tuple[OneSided | None, ...] = ()
    simplified: bool = False
    plot: PlotData | None = None
    steps: Step | None = None  # the derivation (diff --steps)
    function: str = "f"  # its name: g in `g(x) = ...`, y in `y = ...`

    @property
    def exists(self) -> bool:
        """Does the derivative (every gradient component) exist at the point?"""
        return all(m is None for m in self.missing)

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
            out["latex"] = self.answer_math()
            out["gradient"] = {str(v): expr_str(g) for v, g in zip(self.variables, self.gradient)}
        else:
            assert self.derivative is not None
            out["result"] = expr_str(self.derivative)
            out["latex"] = self.answer_math()
        out["variables"] = [str(v) for v in self.variables]
        out["function"] = self.function
        if self.point is not None:
            out["at"] = point_dict(self.point)
            out["exists"] = self.exists
            missing = self.missing or (None,) * len(self.values)
            if self.gradient is not None:
                out["value"] = {str(v): None if m is not None else json_value(val)
                                for v, val, m in zip(self.variables, self.values, missing)}
                if not self.exists:
                    out["one_sided"] = {str(v): m.to_dict(f"∂f/∂{v}")
                                        for v, m in zip(self.variables, missing)
                                        if m is not None}
            elif missing[0] is not None:
                out["value"] = None
                out.update(missing[0].to_dict())
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

    def answer_math(self) -> str:
        """The answer as LaTeX: the derivative, or the gradient as a column (JSON "latex")."""
        if self.gradient is not None:
            return tex(sp.Matrix(self.gradient))
        assert self.derivative is not None
        return tex(self.derivative)

    def leibniz(self, *, partial: bool | None = None) -> str:
        """The derivative asked for, in Leibniz notation: \\frac{d}{dx}\\left(f\\right).

        A mixed partial is written with ∂. By one variable: with ∂ when `partial`
        says so; None decides by f (several variables: ∂), False writes d/dx
        whatever f has (the notation of --latex).
        """
        seq = self.variables
        k = len(seq)
        if partial is None:
            partial = len(self.expression.free_symbols) > 1
        partial = partial or len(set(seq)) > 1
        d = "\\partial" if partial else "d"
        by = "\\partial " if partial else "d"  # \\partial x, dx
        if len(set(seq)) == 1:
            v = tex(seq[0])
            top = (f"\\frac{{{d}}}{{{by}{v}}}" if k == 1
                   else f"\\frac{{{d}^{{{k}}}}}{{{by}{v}^{{{k}}}}}")
        else:
            below = " ".join(f"{by}{tex(v)}" for v in reversed(seq))
            top = f"\\frac{{{d}^{{{k}}}}}{{{below}}}"
        return f"{top}\\left({tex(self.expression)}\\right)"

    def equation(self, *, partial: bool | None = None) -> str:
        """d/dx(f) = f' as LaTeX (`partial` as for `leibniz`); not for a gradient."""
        return f"{self.leibniz(partial=partial)} = {self.answer_math()}"

    def display(self) -> Display:
        names = ", ".join(str(v) for v in sorted(self.expression.free_symbols, key=str)) or \
            (str(self.variables[0]) if self.variables else "x")
        fields = [(f"f({names})", inline(self.expression))]
        if self.gradient is not None:
            answer = f"\\nabla\\left({tex(self.expression)}\\right) = {self.answer_math()}"
            for v, g in zip(self.variables, self.gradient):
                fields.append((f"∂f/∂{v}", inline(g)))
            if self.point is not None:
                fields.append(("at", inline(point_math(self.point))))
                missing = self.missing or (None,) * len(self.values)
                for v, val, m in zip(self.variables, self.values, missing):
                    fields.append((f"∂f/∂{v} there", inline(value_math(val)) if m is None
                                   else text(m.reason(f"∂f/∂{v}"))))
            title = f"Gradient of {inline(self.expression)}"
        else:
            assert self.derivative is not None
            answer = self.equation()
            fields.append(("derivative", inline(self.derivative)))
            fields.append(("differentiated by", ", ".join(str(v) for v in self.variables)))
            if self.point is not None:
                where = point_math(self.point)
                why = self.missing[0] if self.missing else None
                value = (value_math(self.values[0]) if why is None
                         else latex_text(f"does not exist ({why.kind})"))
                answer += f" \\qquad \\text{{at }} {where}\\text{{: }} {value}"
                fields.append(("at", inline(where)))
                fields.append(("value there", inline(value)))
            title = f"Derivative of {inline(self.expression)}"
        if self.simplified:
            fields.append(("simplified", "yes"))
        notes = []
        if self.steps is not None:
            notes.append(f"the derivation has {self.steps.count()} steps, rule by rule: "
                         "to_dict()['steps'] has them")
        return Display(title, answer, tuple(fields), notes=tuple(notes))
