"""Is a point inside the domain the input was written with?

sympy simplifies as it builds: sqrt(x)^2 becomes x and x/x becomes 1, which
would give sqrt(x)^2 the value -4 at x = -4 and x/x the value 1 at x = 0. The
parser keeps the conditions such simplification erased (`ParsedInput`); a
command checks a point against them before it reports a value there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from calctool.core.engines.values import substitute
from calctool.core.errors import DomainError
from calctool.core.expr.parse import Condition

NEEDS = {"nonzero": "≠ 0", "nonneg": "≥ 0", "positive": "> 0"}


def violation(conditions: Iterable[Condition], point: dict[sp.Symbol, sp.Expr]) -> str | None:
    """Why the point is outside the input's domain, or None when it is not (or
    when that cannot be decided: the point does not fix every variable)."""
    for c in conditions:
        if not c.arg.free_symbols <= point.keys():
            continue
        value = substitute(c.arg, point)
        if value is None:
            continue
        value = sp.sympify(value)
        try:
            number = complex(sp.N(value, 30))
        except (TypeError, ValueError, ArithmeticError):
            continue
        if number.imag != 0:
            ok = False
        elif c.kind == "nonzero":
            ok = number.real != 0
        elif c.kind == "nonneg":
            ok = number.real >= 0
        else:
            ok = number.real > 0
        if not ok:
            return (f"{c.shown} needs {sp.sstr(c.arg)} {NEEDS[c.kind]}, and {sp.sstr(c.arg)} = "
                    f"{sp.sstr(sp.nsimplify(value) if value.is_Float else value)} here")
    return None


def mark_outside(conditions: Iterable[Condition], order: list[sp.Symbol],
                 columns: list[Any]) -> dict[int, str]:
    """Rows of a vectorised table outside the input's domain: row -> why."""
    import numpy as np

    from calctool.core.engines.numeric import evaluate_many

    outside: dict[int, str] = {}
    for c in conditions:
        if not c.arg.free_symbols <= set(order):
            continue
        values = evaluate_many(c.arg, order, columns)
        with np.errstate(invalid="ignore"):
            bad = {"nonzero": values == 0, "nonneg": values < 0,
                   "positive": values <= 0}[c.kind]
        why = f"outside the domain as written: {c.shown} needs {sp.sstr(c.arg)} {NEEDS[c.kind]}"
        for i in np.flatnonzero(bad):
            outside.setdefault(int(i), why)
    return outside


def require_inside(conditions: Iterable[Condition], point: dict[sp.Symbol, sp.Expr],
                   where: str) -> None:
    """Raise DomainError (exit 3) when the point is outside the input's domain."""
    why = violation(conditions, point)
    if why is not None:
        raise DomainError(f"f is undefined at {where}: {why} (as written, before "
                          "simplification)", code="undefined")
