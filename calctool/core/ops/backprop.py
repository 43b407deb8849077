"""The `backprop` operation: the chain rule as backpropagation, node by node.

The expression's computational graph at a point (`engines.graph`): each
node's forward value and its adjoint ∂f/∂node from a reverse sweep. The
adjoints of the parameters (`variables`) are the gradient; they are checked
against central differences of compiled numpy (`engines.finite_diff`), as
independent evidence, and a disagreement is said in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.errors import KEYWORDS, DomainError, Spelling, UsageError
from calctool.core.expr.parse import free_variables, parse_input
from calctool.core.results.backprop import BackpropResult, FDGradientCheck
from calctool.core.results.base import noting

FD_AGREE = 10.0  # the adjoints agree with finite differences within 10x their error estimate


@noting
def backprop(f: Any, *, variables: str | Sequence[str | sp.Symbol] | None = None,
             at: Any = None, timeout: float | None = DEFAULT_TIMEOUT,
             spelling: Spelling = KEYWORDS) -> BackpropResult:
    """Backpropagation through `f` (text such as "(sigmoid(w*x+b) - t)^2", or a sympy
    expression) at the point `at` ("w=0.5,b=0.1,x=2,t=0.8" or a dict).

    `variables` ("w,b"): the parameters, whose adjoints are the gradient
    (default: every symbol); the other symbols are constants (data) and need
    values in `at` too. `result.to_dict()` is the `--json` document. The work
    stops after `timeout` seconds (None: no limit).
    """
    from calctool.core.expr.points import expression_text

    text = expression_text(f)
    with bounded(timeout, spelling=spelling):
        return _backprop(text, variables, at, spelling)


def _backprop(text: str, variables: Any, at: Any, say: Spelling) -> BackpropResult:
    from calctool.core.engines.domain import require_inside
    from calctool.core.engines.graph import backpropagate
    from calctool.core.engines.parameters import require_values
    from calctool.core.engines.pointwise import is_smooth_at
    from calctool.core.expr.points import resolve_point, select_variables, show_point

    parsed = parse_input(text)
    expr = parsed.expr
    everything = free_variables(expr)
    if not everything:
        raise UsageError("the expression has no variables: there is nothing to backpropagate",
                         code="no_variable")
    chosen = everything if variables is None else select_variables(
        everything, variables, param="variables", spelling=say)
    if at is None:
        listing = ",".join(f"{v}=..." for v in [*chosen, *(v for v in everything
                                                             if v not in chosen)])
        raise UsageError(f"backpropagation runs at a point: give {say.given('at', listing)}",
                         code="missing_variable")
    point = resolve_point(at, everything, param="at", spelling=say, require_all=False,
                          vanished=parsed.names)
    require_values(everything, chosen, point, at, spelling=say)
    where = show_point(point)
    require_inside(parsed.conditions, point, where)
    if not is_smooth_at(expr, point):
        raise DomainError(f"f has a kink or a jump at {where} (abs, relu, max, ... at its "
                          "switch point): the derivative may not exist there, and a reverse "
                          "sweep would only show one convention; ask calctool diff --at",
                          code="not_differentiable")
    nodes = backpropagate(expr, {v: point[v] for v in everything}, order=chosen)
    constants = [v for v in everything if v not in chosen]
    notes = []
    if constants:
        notes.append("constants (data, not in the parameters): "
                     + ", ".join(v.name for v in constants)
                     + "; their adjoints are shown but are not part of the gradient")
    check = _fd_check(expr, everything, chosen, point, nodes)
    if check is not None and not check.agrees:
        notes.append(f"finite differences disagree with the adjoints by up to "
                     f"{check.max_abs_difference:.2g} (error estimate "
                     f"{check.max_error_estimate:.2g})")
    return BackpropResult(input=text, expression=expr, variables=tuple(chosen),
                          constants=tuple(constants), point=point, nodes=tuple(nodes),
                          fd_check=check, notes=tuple(notes))


def _fd_check(expr: sp.Expr, everything: list[sp.Symbol], chosen: list[sp.Symbol],
              point: dict[sp.Symbol, sp.Expr], nodes: Sequence[Any]) -> FDGradientCheck | None:
    """The gradient over the parameters by central differences (compiled numpy)."""
    import numpy as np

    from calctool.core.engines import finite_diff as fd
    from calctool.core.engines.numeric import vector_function
    from calctool.core.errors import ComputeError

    fn, x = vector_function(expr, everything, chosen, point)
    try:
        est = fd.gradient(lambda v: float(np.real(fn(v))), x)
    except (DomainError, ComputeError, ArithmeticError, ValueError):
        return None
    by_name = {n.name: float(n.adjoint) for n in nodes}
    adj = np.array([by_name[v.name] for v in chosen])
    values = np.asarray(est.values, dtype=float).reshape(-1)
    errors = np.asarray(est.error_estimates, dtype=float).reshape(-1)
    diff = np.abs(adj - values)
    agrees = bool(np.all(diff <= FD_AGREE * errors + 1e-12 * np.maximum(1.0, np.abs(adj))))
    return FDGradientCheck(tuple(float(v) for v in values), float(np.max(diff)),
                           float(np.max(errors)), agrees, est.evaluations)
