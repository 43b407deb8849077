"""The result of `plot`: the functions, and their sampled series for drawing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.plotdata import PlotData
from calctool.core.results.base import Display, Result, expr_number, expr_str, inline, tex


@dataclass(frozen=True)
class TangentLine:
    """The tangent to the first function at x = a: y = f(a) + slope (x - a)."""

    at: sp.Expr
    value: sp.Expr
    slope: sp.Expr | None  # None when vertical
    vertical: bool = False

    def line(self, var: sp.Symbol) -> sp.Expr | None:
        if self.slope is None:
            return None
        return sp.expand(self.value + self.slope * (var - self.at))

    def to_dict(self, var: sp.Symbol) -> dict[str, Any]:
        line = self.line(var)
        return {"at": expr_number(self.at), "value": expr_number(self.value),
                "slope": expr_number(self.slope) if self.slope is not None else "inf",
                "vertical": self.vertical,
                "line": f"{var} = {expr_str(self.at)}" if line is None else
                f"y = {expr_str(line)}"}


@dataclass(frozen=True)
class PlotResult(Result):
    command: ClassVar[str] = "plot"
    expressions: tuple[sp.Expr, ...] = ()
    texts: tuple[str, ...] = ()
    variable: sp.Symbol = field(default_factory=lambda: sp.Symbol("x"))
    x_range: tuple[float, float] = (-5.0, 5.0)
    derivatives: tuple[sp.Expr, ...] = ()
    tangent: TangentLine | None = None
    plot: PlotData | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["expressions"] = [expr_str(e) for e in self.expressions]
        out["variable"] = str(self.variable)
        out["range"] = list(self.x_range)
        out["derivatives"] = [expr_str(d) for d in self.derivatives]
        out["tangent"] = self.tangent.to_dict(self.variable) if self.tangent else None
        out["plot"] = self.plot.to_dict() if self.plot is not None else None
        out["notes"] = self.all_notes()
        return out

    def display(self) -> Display:
        x = self.variable
        lo, hi = self.x_range
        fields = [(f"d/d{x}", inline(d)) for d in self.derivatives]
        if self.tangent is not None:
            line = self.tangent.line(x)
            fields.append(("tangent", inline(line) if line is not None
                           else inline(sp.Eq(x, self.tangent.at))))
        answer = ",\\quad ".join(tex(e) for e in self.expressions)
        return Display(f"plot of {', '.join(inline(e) for e in self.expressions)} "
                       f"for {lo:g} ≤ {x} ≤ {hi:g}", answer, tuple(fields))
