"""Result objects: what each command computed, ready to render.

Each result is a frozen dataclass; `to_dict()` gives exactly the JSON keys of
SPEC section 3, with symbolic answers as sympy-parseable strings and
non-finite numbers as the strings "inf", "-inf", "nan".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import sympy as sp

from calctool.core.engines.values import Value

if TYPE_CHECKING:
    pass


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


