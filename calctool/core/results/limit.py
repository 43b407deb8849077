"""The result of `limit`: one- and two-sided limits with their numeric evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.one_sided import DIGITS, NUMERIC_KS
from calctool.core.engines.plotdata import PlotData
from calctool.core.results.base import (
    Display,
    Result,
    Table,
    expr_number,
    expr_str,
    inline,
    latex_text,
    number,
    table,
    tex,
    text,
)


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
class LimitCase:
    """The limit under one condition on a parameter (a > 0)."""

    exists: bool
    value: sp.Expr | None
    kind: str

    def to_dict(self, condition: str) -> dict[str, Any]:
        return {"condition": condition, "exists": self.exists,
                "result": _limit_text(self.value) if self.exists else None, "kind": self.kind}


@dataclass(frozen=True)
class LimitResult(Result):
    """lim f(x) as x -> a: two-sided unless a direction was asked for.

    `left`/`right` are the one-sided limits (None when not computed, or when f
    has no real values on that side: `left_problem`/`right_problem` say why).
    `value` is the limit when it exists (possibly oo or -oo).
    """

    # How numeric values are computed (the view explains the evidence with them).
    digits: ClassVar[int] = DIGITS
    sample_ks: ClassVar[range] = NUMERIC_KS

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
    kind: str = "finite"  # finite, infinite, sides differ, oscillates, unbounded,
    # one side undefined
    reason: str | None = None  # why it does not exist, in words
    numeric: bool = False
    numeric_reason: str | None = None  # why the symbolic engine was not used
    error: sp.Expr | None = None  # a numeric estimate's error bound: its digits are all sure
    guess: sp.Expr | None = None  # a closed form matching a numeric estimate
    table: tuple[LimitRow, ...] = ()
    table_auto: bool = False  # the table is there as evidence, not because --table asked
    plot: PlotData | None = None
    cases: tuple[tuple[str, LimitCase], ...] = ()  # kind "cases": by the sign of a parameter
    notes: tuple[str, ...] = ()  # what was assumed

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
        if self.numeric and self.error is not None and self.exists:
            out["error_estimate"] = expr_number(self.error)
        if self.guess is not None:
            out["guess"] = expr_str(self.guess)
        if self.table:
            out["table"] = [row.to_dict(self.infinite_target) for row in self.table]
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        if self.cases:
            out["cases"] = [case.to_dict(condition) for condition, case in self.cases]
        out["notes"].extend(self.notes)
        return out


    def display(self) -> Display:
        x = self.variable
        direction = "+-" if self.direction == "+-" or self.infinite_target else self.direction
        lim = tex(sp.Limit(self.expression, x, self.target, direction))
        if self.exists and self.value is not None:
            relation = "\\approx" if self.numeric else "="
            answer = f"{lim} {relation} {_value_math(self.value)}"
        else:
            answer = lim + latex_text(" does not exist")
        side = {"+-": "", "+": " from above", "-": " from below"}[direction]
        arrow = f"{tex(x)} \\to {tex(self.target)}"
        title = f"Limit of {inline(self.expression)} as {inline(arrow)}{side}"
        fields: list[tuple[str, str]] = []
        if not self.infinite_target:
            for sign, value, problem in (("-", self.left, self.left_problem),
                                         ("+", self.right, self.right_problem)):
                if direction in ("+-", sign):
                    words = "from below" if sign == "-" else "from above"
                    fields.append((words, _side_markdown(value, problem)))
        if self.exists and self.value is not None:
            estimate = " (numeric estimate)" if self.numeric else ""
            fields.append(("limit", inline(_value_math(self.value)) + estimate))
        else:
            fields.append(("limit", f"does not exist ({text(self.kind)})"))
        notes: list[str] = []
        if self.infinite:
            notes.append("the limit is infinite: f grows without bound. As a real number the "
                         "limit does not exist; lim = ±∞ says how it fails")
        if self.reason:
            notes.append(self.reason)
        if self.numeric:
            notes.append(f"numeric: {self.numeric_reason}; the answer is estimated from values "
                         f"of f near the target in {self.digits}-digit arithmetic")
            if self.guess is not None:
                notes.append(f"the estimate matches {sp.sstr(self.guess)} to 10 digits")
        tables: tuple[Table, ...] = ()
        if self.table:
            tables = (self._table(),)
        return Display(title, answer, tuple(fields), tables, tuple(notes))

    def _table(self) -> Table:
        a = sp.sstr(self.target)
        x = self.variable
        if self.infinite_target:
            pairs = [(number(float(row.step), 3),
                      _cell(row.below if row.below is not None else row.above))
                     for row in self.table]
            return table([str(x), f"f({x})"], pairs, title=f"f({x}) as {x} → {a}")
        columns = ["h"]
        if self.direction in ("+-", "-"):
            columns.append(f"f({a} - h)")
        if self.direction in ("+-", "+"):
            columns.append(f"f({a} + h)")
        rows: list[list[str]] = []
        for row in self.table:
            cells = [number(float(row.step), 3)]
            if self.direction in ("+-", "-"):
                cells.append(_cell(row.below))
            if self.direction in ("+-", "+"):
                cells.append(_cell(row.above))
            rows.append(cells)
        return table(columns, rows, title=f"f near {x} = {a}")


def _value_math(v: sp.Expr) -> str:
    """A limit as LaTeX: exact, with a decimal when that says more; an estimate to 12 digits."""
    if isinstance(v, sp.Float):
        return tex(sp.Float(v, 12))
    if v.is_number and v.is_finite and not v.is_Rational:
        return f"{tex(v)} \\approx {number(float(sp.N(v, 17)))}"
    return tex(v)


def _side_markdown(value: sp.Expr | None, problem: str | None) -> str:
    if problem:
        return f"undefined: f is {text(problem)}"
    if value is None:
        return "not computed"
    if isinstance(value, sp.AccumBounds):
        if value.min is sp.S.NegativeInfinity and value.max is sp.oo:
            return "none: unbounded"
        return (f"none: oscillates between {inline(value.min)} and {inline(value.max)}")
    return inline(_value_math(value))


def _cell(v: sp.Expr | str | None) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return text(v)
    if v in (sp.oo, sp.S.NegativeInfinity):
        return inline(v)
    return number(float(sp.N(v, 17)), 15)


def _limit_text(v: sp.Expr | None) -> str | None:
    if v is None:
        return None
    if isinstance(v, sp.Float):
        return sp.sstr(sp.Float(v, 12), full_prec=False)
    return expr_str(v)
