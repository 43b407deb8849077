"""Parameters and constants (`--vars w,b`): which symbols a command works over.

Shared by diff, hessian and gradcheck so that a missing value reads the same
everywhere: the parameters named by --vars, then the constants (data), each
group named, exit 2.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from calctool.core.errors import KEYWORDS, Spelling, UsageError


def require_values(free: Sequence[sp.Symbol], parameters: Sequence[sp.Symbol],
                   point: dict[sp.Symbol, sp.Expr], at: object, *,
                   spelling: Spelling = KEYWORDS) -> None:
    """A number needs every symbol's value: the parameters' and the constants'.

    `free`: the expression's variables; `parameters`: those named by --vars;
    `point`: what --at gave (`at`, as the user wrote it, shapes the example).
    Raises a UsageError (missing_variable) naming the missing parameters and
    the missing constants apart.
    """
    say = spelling
    missing = [v for v in free if v not in point]
    if not missing:
        return
    params = [v for v in parameters if v in missing]
    constants = [v for v in missing if v not in parameters]
    parts = []
    if params:
        parts.append(f"the parameter{'s' if len(params) > 1 else ''} "
                     f"{', '.join(v.name for v in params)}")
    if constants:
        parts.append(f"the constant{'s' if len(constants) > 1 else ''} "
                     f"{', '.join(v.name for v in constants)} (not in {say.name('variables')})")
    ordered = [*parameters, *(v for v in free if v not in parameters)]
    example = (",".join(f"{v.name}=..." for v in ordered) if isinstance(at, str)
               else "{" + ", ".join(f"{v.name!r}: ..." for v in ordered) + "}")
    raise UsageError(f"{say.name('at')}: no value for {' and '.join(parts)}; a number needs "
                     f"them all: {say.given('at', example)}", code="missing_variable")
