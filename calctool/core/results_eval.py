"""Results of `eval`: one value, or a table of many points (numpy columns)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy as sp

from calctool.core.results import Result, expr_number, expr_str, json_number, json_value
from calctool.core.values import Value


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
