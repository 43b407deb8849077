"""The `jacobian` operation: the matrix of first partials of f: R^n -> R^m.

* Expressions "f1, f2, ..." (or a list): the symbolic Jacobian over the
  variables (`--vars` chooses and orders them; the other symbols are
  constants), its determinant when square; at a point, each entry's value
  (an entry at a kink does not exist: reported with its one-sided values,
  never as 0), det J there, and a finite-difference Jacobian of the same
  functions as independent evidence (a disagreement is said in a note).
* Python code (`--func FILE.py:NAME`, or a callable) returning m numbers:
  the finite-difference Jacobian with per-entry error estimates
  (`engines.fd_jacobian`, built on `engines.finite_diff`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded, time_limit
from calctool.core.errors import (
    KEYWORDS,
    ComputationTimeout,
    ComputeError,
    DomainError,
    ParseError,
    Spelling,
    UsageError,
)
from calctool.core.expr.parse import free_variables, parse_input
from calctool.core.results.base import noting
from calctool.core.results.jacobian import Entry, FDCheck, JacobianResult

if TYPE_CHECKING:
    import numpy as np

    from calctool.core.engines.usercode import UserCode, UserPoint
    from calctool.core.engines.values import Value

MAX_FUNCTIONS = 100  # an expression list: rows
MAX_FUNC_DIM = 2000  # Python code: columns
MAX_FUNC_ENTRIES = 1_000_000
SIMPLIFY_SECONDS = 1.0  # the determinant is simplified for at most this long
FD_AGREE = 10.0  # the finite-difference check agrees within this x its error estimate


@noting
def jacobian(f: Any, *, variables: Any = None, at: Any = None,
             timeout: float | None = DEFAULT_TIMEOUT, spelling: Spelling = KEYWORDS
             ) -> JacobianResult:
    """The Jacobian matrix J[i][j] = d f_i / d x_j.

    `f`: the functions as text ("x*y, x+y, sin(x)"), a list of strings or sympy
    expressions, or a Python callable taking a numpy array and returning m
    numbers. `variables` ("x,y" or a list): the columns, in this order
    (default: every symbol, sorted); the other symbols are constants, which
    need values in `at` when a number is asked for. `at`: a point ("x=1,y=2",
    {"x": 1, "y": 2}); for a callable, an array (required).

    `result.to_dict()` is the `--json` document. The work stops after
    `timeout` seconds (None: no limit).
    """
    with bounded(timeout, spelling=spelling):
        if callable(f) and not isinstance(f, (str, sp.Basic)):
            if variables is not None:
                raise UsageError(f"{spelling.name('variables')} names an expression's variables; "
                                 "a Python function's parameters are the entries of its array",
                                 code="bad_option")
            if at is None:
                raise UsageError(f"give the point: {spelling.name('at')}, an array with one "
                                 "number per parameter", code="missing_point")
            from calctool.core.engines import usercode as uc

            return jacobian_function(uc.from_callable(f, param="f"),
                                     uc.user_point(at, param=spelling.name("at")),
                                     spelling=spelling)
        return jacobian_expression(f, variables=variables, at=at, spelling=spelling)


# --------------------------------------------------------------------------- expressions


def _functions(f: Any) -> tuple[str, list[sp.Expr], list[Any]]:
    """The input text, the parsed functions and their domain conditions."""
    from calctool.core.expr.points import expression_text, split_top_level

    if isinstance(f, str):
        text = f
        pieces: list[tuple[int, Any]] = list(split_top_level(f))
    elif isinstance(f, sp.MatrixBase):
        pieces = [(0, e) for e in f]
        text = ", ".join(sp.sstr(e) for e in f)
    elif isinstance(f, Sequence) and not isinstance(f, sp.Basic):
        pieces = [(0, e) for e in f]
        text = ", ".join(p if isinstance(p, str) else sp.sstr(p) for p in f)
    elif isinstance(f, sp.Basic):
        pieces = [(0, f)]
        text = sp.sstr(f)
    else:
        raise UsageError(f"f must be the functions as text (\"x*y, x+y\"), a list of them, or a "
                         f"Python function, not a {type(f).__name__}", code="bad_value")
    if not pieces or (len(pieces) == 1 and not str(pieces[0][1]).strip()):
        raise UsageError("give the functions: \"f1, f2, ...\"", code="empty_input")
    if len(pieces) > MAX_FUNCTIONS:
        raise UsageError(f"{len(pieces)} functions is more than the {MAX_FUNCTIONS} supported",
                         code="bad_value")
    functions: list[sp.Expr] = []
    conditions: list[Any] = []
    for k, (offset, piece) in enumerate(pieces):
        piece_text = expression_text(piece, what=f"function {k + 1}")
        if not piece_text.strip():
            raise ParseError(f"function {k + 1} is empty (two commas, or a comma at the end)",
                             code="parse_error", position=offset, source=text)
        try:
            parsed = parse_input(piece_text.strip())
        except ParseError as exc:
            if len(pieces) > 1:
                exc.message = f"function {k + 1}: {exc.message}"
            if exc.position is not None and isinstance(f, str):
                exc.position += offset + (len(piece_text) - len(piece_text.lstrip()))
                exc.source = text
            raise
        if parsed.expr.has(sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan):
            raise DomainError(f"function {k + 1} ({sp.sstr(parsed.expr)}) is not finite, so it "
                              "has no derivative", code="undefined")
        functions.append(parsed.expr)
        conditions.extend(parsed.conditions)
    return text, functions, conditions


@noting
def jacobian_expression(f: Any, *, variables: Any = None, at: Any = None,
                        spelling: Spelling = KEYWORDS) -> JacobianResult:
    """The symbolic Jacobian of expressions, and its value at a point."""
    say = spelling
    text, functions, conditions = _functions(f)
    everything = free_variables(sp.Tuple(*functions))
    if variables is None:
        if not everything:
            raise UsageError("the functions have no variables, so the Jacobian is empty",
                             code="no_variable")
        chosen = everything
    else:
        from calctool.core.expr.points import select_variables

        chosen = select_variables(everything, variables, param="variables", spelling=say)
    matrix = sp.ImmutableMatrix([[sp.diff(fi, v) for v in chosen] for fi in functions])
    m, n = matrix.shape
    notes: list[str] = []
    constants = [v for v in everything if v not in chosen]
    if constants:
        notes.append("constants (not in the variables): " + ", ".join(v.name for v in constants))
    determinant = _determinant(matrix) if m == n else None
    if m != n:
        notes.append(f"J is {m}×{n}, not square: it has no determinant")
    rows = tuple(f"f{i + 1}" for i in range(m))
    base = {"input": text, "expression": sp.Tuple(*functions), "functions": tuple(functions),
            "variables": tuple(chosen), "names": tuple(v.name for v in chosen), "rows": rows,
            "matrix": matrix, "determinant": determinant}
    if at is None:
        return JacobianResult(**base, notes=tuple(notes))
    from calctool.core.engines.domain import require_inside
    from calctool.core.engines.parameters import require_values
    from calctool.core.expr.points import resolve_point, show_point

    point = resolve_point(at, everything, param="at", spelling=say, require_all=False)
    require_values(everything, chosen, point, at, spelling=say)
    require_inside(tuple(conditions), point, show_point(point))
    values, missing = _values(functions, chosen, point)
    det_value = None
    if determinant is not None and not missing:
        from calctool.core.engines.values import evaluate

        det_value = evaluate(determinant, point)
    for e in missing:
        notes.append(f"∂{rows[e.row]}/∂{chosen[e.column]} does not exist at {show_point(point)}"
                     f" ({e.kind}; from the left {_shown(e.left)}, from the right "
                     f"{_shown(e.right)})")
    check = _fd_check(functions, everything, chosen, point, values)
    if check is not None and not check.agrees:
        notes.append(f"finite differences disagree with these values by up to "
                     f"{check.max_abs_difference:.2g} (their error estimate "
                     f"{check.max_error_estimate:.2g}): treat the values with care")
    return JacobianResult(**base, point=point, values=values, determinant_value=det_value,
                          missing=tuple(missing), fd_check=check, notes=tuple(notes))


def _determinant(matrix: sp.ImmutableMatrix) -> sp.Expr:
    """det J, simplified when that makes it shorter without splitting it into cases."""
    det = sp.expand(matrix.det(method="berkowitz"))
    try:
        with time_limit(SIMPLIFY_SECONDS):
            simpler = sp.simplify(det)
    except ComputationTimeout:
        return det
    if simpler.has(sp.Piecewise) and not det.has(sp.Piecewise):
        return det
    return simpler if sp.count_ops(simpler) <= sp.count_ops(det) else det


def _shown(v: float | str | None) -> str:
    from calctool.core.results.base import number

    if v is None:
        return "undefined"
    return number(v) if isinstance(v, float) else str(v)


def _side(v: sp.Expr | None) -> float | str | None:
    from calctool.core.results.base import expr_number

    return None if v is None else expr_number(v)


def _values(functions: Sequence[sp.Expr], chosen: Sequence[sp.Symbol],
            point: dict[sp.Symbol, sp.Expr]
            ) -> tuple[tuple[tuple[Value | None, ...], ...], list[Entry]]:
    """Each entry at the point, checked from both sides (a kink is not 0)."""
    from calctool.core.engines.pointwise import derivative_value

    rows: list[tuple[Value | None, ...]] = []
    missing: list[Entry] = []
    for i, fi in enumerate(functions):
        row: list[Value | None] = []
        for j, v in enumerate(chosen):
            value, info = derivative_value(fi, [v], point)
            if value.ok:
                row.append(value)
                continue
            if info is not None and not info.exists:
                missing.append(Entry(i, j, info.kind, _side(info.left), _side(info.right)))
                row.append(None)
                continue
            from calctool.core.expr.points import show_point

            what = "infinite (a vertical tangent)" if info is not None and info.vertical \
                else f"undefined: {value.problem}"
            raise DomainError(f"∂f{i + 1}/∂{v} is {what} at {show_point(point)}",
                              code="infinite_derivative" if info is not None and info.vertical
                              else "undefined")
        rows.append(tuple(row))
    return tuple(rows), missing


def _fd_check(functions: Sequence[sp.Expr], everything: list[sp.Symbol],
              chosen: list[sp.Symbol], point: dict[sp.Symbol, sp.Expr],
              values: tuple[tuple[Value | None, ...], ...]) -> FDCheck | None:
    """The same Jacobian by central differences (compiled numpy, not sympy's derivative)."""
    import numpy as np

    from calctool.core.engines import fd_jacobian
    from calctool.core.engines.numeric import vector_function

    compiled = [vector_function(fi, everything, chosen, point) for fi in functions]
    x = compiled[0][1]

    def f(v: np.ndarray) -> np.ndarray:
        return np.array([float(np.real(g(v))) for g, _ in compiled])

    try:
        est = fd_jacobian.jacobian(f, x)
    except (DomainError, ComputeError, ArithmeticError, ValueError):
        return None
    exact = np.array([[np.nan if v is None or v.number is None else v.number for v in row]
                      for row in values])
    known = np.isfinite(exact) & np.isfinite(est.values)
    if not np.any(known):
        return None
    diff = np.abs(exact - est.values)[known]
    err = est.errors[known]
    scale = np.maximum(1.0, np.abs(exact[known]))
    agrees = bool(np.all(diff <= FD_AGREE * err + 1e-12 * scale))
    return FDCheck(float(np.max(diff)), float(np.max(err)), agrees, est.evaluations)


# --------------------------------------------------------------------------- Python code


def jacobian_function(f: Callable[[np.ndarray], Any] | UserCode,
                      x: UserPoint | np.ndarray | Sequence[float], *,
                      spelling: Spelling = KEYWORDS) -> JacobianResult:
    """The finite-difference Jacobian of Python code returning m numbers at `x`."""
    from calctool.core.engines import fd_jacobian
    from calctool.core.engines import usercode as uc

    code = uc.from_callable(f, param="f")
    point = uc.user_point(x, param=spelling.name("at"))
    values = point.values
    n = values.size
    if n > MAX_FUNC_DIM:
        raise UsageError(f"{n:,} parameters: the finite-difference Jacobian of "
                         f"{spelling.name('f')} takes at most {MAX_FUNC_DIM:,}",
                         code="bad_value")
    fn = _VectorFunction(code)
    base = uc.param_name(code.fn)
    with uc.redirected_stdout():
        first = fn(values.copy())
        if first.size * n > MAX_FUNC_ENTRIES:
            raise UsageError(f"a {first.size:,}×{n:,} Jacobian is more than the "
                             f"{MAX_FUNC_ENTRIES:,} entries supported", code="bad_value")
        est = fd_jacobian.jacobian(fn, values)
    m = est.values.shape[0]
    names = tuple(uc.component_name(base, j, values.shape) for j in range(n))
    rows = tuple(f"f[{i}]" for i in range(m))
    det = det_err = None
    notes = [f"central differences: {est.evaluations:,} evaluations of {code.label}; "
             "'errors' are conservative error estimates per entry"]
    if m == n:
        det, det_err = fd_jacobian.determinant(est.values, est.errors)
    else:
        notes.append(f"J is {m}×{n}, not square: it has no determinant")
    return JacobianResult(
        input=code.text, expression=None,
        names=names, rows=rows,
        numbers=tuple(tuple(float(v) for v in row) for row in est.values),
        errors=tuple(tuple(float(v) for v in row) for row in est.errors),
        determinant_number=det, determinant_error=det_err, func=code.text,
        point_source=point.source, coordinates=tuple(float(v) for v in values.reshape(-1)),
        f_value=tuple(float(v) for v in est.f0), evaluations=est.evaluations,
        notes=tuple(notes))


class _VectorFunction:
    """The user's f: array -> m numbers (a list, an array, an array-like), their errors
    reported as theirs."""

    def __init__(self, code: UserCode) -> None:
        from calctool.core.engines import usercode as uc

        self.inner = uc.UserFunction(code, what="f")
        self.label = code.label

    def __call__(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        from calctool.core.engines.arraylike import to_numpy

        value = self.inner._call(x)
        try:
            arr = np.asarray(to_numpy(value), dtype=np.float64)
        except (TypeError, ValueError, RuntimeError, BufferError):
            raise UsageError(f"{self.label} returned {type(value).__name__}; it must return "
                             "real numbers (a list or an array: the function's outputs)",
                             code="bad_output") from None
        return arr.reshape(-1)
