"""The `hessian` operation: the matrix of second derivatives and the second-derivative test.

* The symbolic Hessian of an expression over its variables (`--vars` chooses
  and orders them; other names stay symbolic parameters).
* At a point: the matrix's values, eigenvalues, determinant and the
  classification: local minimum (all eigenvalues > 0), local maximum (all
  < 0), saddle point (some > 0 and some < 0, whatever else), inconclusive
  (otherwise: an eigenvalue is 0). Signs are decided exactly when the matrix
  is rational: the characteristic polynomial of a symmetric matrix has only
  real roots, so Descartes' rule of signs counts its positive roots exactly.
  Otherwise an eigenvalue is zero within a tolerance scaled to the matrix
  (and, for a finite-difference matrix, to its estimated error).
* `critical`: solves grad f = 0 with sympy under a time limit, keeps the real
  solutions, reports parametric ones (infinitely many points) apart, and says
  when the answer may be incomplete (equations that are not polynomial).
* `numeric`: the finite-difference Hessian from `engines.finite_diff`, with
  its error estimated from a second one at twice the step, beside the
  symbolic one.

Two modes, each its own function: `hessian_expression` (all of the above)
and `hessian_function` (the finite-difference Hessian of Python code, a
callable or a `FILE.py:NAME` loaded by `engines.usercode`, classified with
the error estimate as tolerance). `hessian` is the Python API: it picks the
mode from what `f` is; the CLI picks it from its flags. Messages name
parameters as the caller spells them (`HessianOptions.spelling`).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded, time_limit
from calctool.core.engines import finite_diff as fd
from calctool.core.engines.domain import require_inside
from calctool.core.engines.numeric import vector_function
from calctool.core.engines.parameters import require_values
from calctool.core.engines.pointwise import is_smooth_at, one_sided_limit
from calctool.core.engines.values import evaluate, substitute
from calctool.core.errors import (
    KEYWORDS,
    ComputationTimeout,
    ComputeError,
    DomainError,
    Spelling,
    UsageError,
)
from calctool.core.expr.parse import free_variables, parse_input
from calctool.core.expr.points import (
    expression_text,
    resolve_point,
    select_variables,
    show_point,
)
from calctool.core.results.base import noting
from calctool.core.results.hessian import CriticalPoint, Curvature, HessianResult, NumericHessian
from calctool.core.results.hessian_hvp import HVPResult

if TYPE_CHECKING:
    from calctool.core.engines.usercode import UserCode, UserPoint

EPS = fd.EPS
MAX_EXACT_SIZE = 12  # exact sign decisions (characteristic polynomial) up to this size
MAX_EXACT_EIGENVALUES = 3  # closed-form eigenvalues shown up to this size
EIGEN_SECONDS = 2.0
MAX_CRITICAL_POINTS = 100
MAX_FUNC_DIM = 2000
HVP_TOL = 1e-10  # --hvp: relative residual of the largest Ritz values
HVP_MAX_ITER = 60
DEFAULT_SOLVE_SECONDS = 8.0

MINIMUM, MAXIMUM, SADDLE, INCONCLUSIVE = ("local minimum", "local maximum", "saddle point",
                                          "inconclusive")


@dataclass(frozen=True)
class HessianOptions:
    """What to compute beyond the symbolic matrix: `critical` solves grad f = 0 (for at
    most `solve_seconds`, default DEFAULT_SOLVE_SECONDS) and classifies each real
    solution; `numeric` adds the finite-difference Hessian at the point.
    `spelling` is how messages name the parameters."""

    critical: bool = False
    numeric: bool = False
    solve_seconds: float | None = None
    spelling: Spelling = KEYWORDS


@noting
def hessian(f: Any, *, variables: Any = None, at: Any = None, critical: bool = False,
            numeric: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
            grad: Any = None, hvp: bool = False, top: int = 3,
            max_iter: int = HVP_MAX_ITER) -> HessianResult | HVPResult:
    """The Hessian matrix, and what it says about a point.

    `f` an expression (a string such as "x^3 - 3*x + y^2", or a sympy
    expression): its symbolic Hessian over `variables` ("x,y" or a list;
    default all, sorted); with `at` ("x=1,y=2" or {"x": 1, "y": 2}) its value
    there, eigenvalues, determinant and classification (local minimum, local
    maximum, saddle point, inconclusive); with `critical` every critical point
    sympy finds, classified; with `numeric` the finite-difference Hessian
    beside it.

    `f` a Python callable taking a numpy array and returning a number: its
    finite-difference Hessian at `at` (an array), classified. With `hvp` and
    `grad` (the gradient callable), for large n: no matrix, the `top` largest
    and the smallest eigenvalues by Lanczos on Hessian-vector products
    (at most `max_iter`), an HVPResult (see `hessian_hvp`).

    `result.to_dict()` is the `--json` document. Raises a CalcError when there
    is no Hessian to give; the work stops after `timeout` seconds (None: no limit).
    """
    with bounded(timeout):
        if isinstance(f, (str, sp.Basic)) or not callable(f):
            options = HessianOptions(critical, numeric,
                                     solve_seconds=0.8 * timeout if timeout else None)
            return hessian_expression(f, variables=variables, at=at, options=options)
        if variables is not None:
            raise UsageError("variables names an expression's variables; a Python function's "
                             "parameters are the entries of its array", code="bad_option")
        if critical:
            raise UsageError("critical solves grad f = 0 symbolically: it needs an expression, "
                             "not a Python function", code="bad_option")
        if at is None:
            raise UsageError("give the point: at, an array with one number per parameter",
                             code="missing_point")
        from calctool.core.engines import usercode as uc

        if hvp:
            if grad is None:
                raise UsageError("hvp needs grad, the gradient function: each Hessian-vector "
                                 "product is a central difference of it", code="missing_argument")
            return hessian_hvp(f, grad, at, k=top, max_iter=max_iter)

        return hessian_function(uc.from_callable(f, param="f"), uc.user_point(at, param="at"),
                                budget=timeout)


@noting
def hessian_expression(expr: str | sp.Expr, *,
                       variables: str | Sequence[str | sp.Symbol] | None = None,
                       at: Any = None, options: HessianOptions = HessianOptions()
                       ) -> HessianResult:
    """The symbolic Hessian of an expression, at a point, at its critical points."""
    say = options.spelling
    text = expression_text(expr, what="f")
    parsed = parse_input(text)
    expr = parsed.expr
    chosen = _choose(expr, variables, say)
    all_vars = free_variables(expr)
    matrix = sp.ImmutableMatrix(sp.hessian(expr, chosen))
    names = tuple(str(v) for v in chosen)
    if options.numeric and at is None:
        listing = ",".join(f"{v}=..." for v in all_vars)
        raise UsageError(f"{say.name('numeric')} compares the matrices at a point: give "
                         f"{say.given('at', listing)}", code="missing_variable")
    if options.critical:
        params = [v for v in all_vars if v not in chosen]
        return _critical(text, expr, chosen, params, matrix, at, options)
    if at is None:
        return HessianResult(input=text, expression=expr, variables=tuple(chosen), names=names,
                             matrix=matrix)
    point = resolve_point(at, all_vars, param="at", spelling=say,
                          vanished=parsed.names, require_all=variables is None)
    if variables is not None:
        require_values(all_vars, chosen, point, at, spelling=say)
    require_inside(parsed.conditions, point, show_point(point))
    try:
        exact, floats, f_value = _at_point(expr, matrix, point)
    except DomainError as exc:
        if exc.code != "not_differentiable":
            raise
        # A proven fact (f jumps, a first derivative has a kink): an answer, not an error.
        return HessianResult(input=text, expression=expr, variables=tuple(chosen),
                             names=names, matrix=matrix, point=point, exists=False,
                             reason=exc.message, one_sided=exc.details or None)
    curvature = classify(exact, floats)
    gradient, is_critical = _gradient_at(expr, chosen, point)
    numeric_h = None
    if options.numeric:
        fn, x = vector_function(expr, all_vars, chosen, point)
        numeric_h = _finite_difference(fn, x, floats)
    return HessianResult(input=text, expression=expr, variables=tuple(chosen), names=names,
                         matrix=matrix, point=point, values=_rows(floats), values_exact=exact,
                         curvature=curvature, gradient=gradient, critical=is_critical,
                         numeric=numeric_h, f_value=f_value)


def _choose(expr: sp.Expr, names: str | Sequence[str | sp.Symbol] | None,
            say: Spelling) -> list[sp.Symbol]:
    all_vars = free_variables(expr)
    if names is None:
        if not all_vars:
            raise UsageError("the expression has no variables, so its Hessian is empty",
                             code="no_variable")
        return all_vars
    return select_variables(all_vars, names, spelling=say)


def _rows(m: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in m)



def _at_point(expr: sp.Expr, matrix: sp.Matrix, point: dict[sp.Symbol, sp.Expr]
              ) -> tuple[sp.Matrix | None, np.ndarray, float | None]:
    """The matrix at the point: exact (None if too large to compute exactly) and floats."""
    here = evaluate(expr, point)
    if not here.ok:
        raise DomainError(f"f has no real value at {show_point(point)} ({here.problem}), so it "
                          "has no Hessian there", code="undefined")
    if not is_smooth_at(expr, point):
        # floor(x)*y at x = 1: f jumps, though its second derivatives (0) do not show it
        _across_switch(expr, point, "f")
    n = matrix.rows
    floats = np.empty((n, n))
    exact_entries: list[sp.Expr] | None = []
    for i in range(n):
        for j in range(n):
            entry = matrix[i, j]
            if not is_smooth_at(entry, point):
                entry = _across_switch(entry, point, (i, j))
            value = evaluate(entry, point)
            if not value.ok or value.number is None:
                raise DomainError(f"the second derivative in row {i + 1}, column {j + 1} "
                                  f"({sp.sstr(matrix[i, j])}) is {value.problem} at "
                                  f"{show_point(point)}", code="undefined")
            floats[i, j] = value.number
            if exact_entries is not None:
                if value.exact is None:
                    exact_entries = None
                else:
                    exact_entries.append(value.exact)
    exact = sp.ImmutableMatrix(n, n, exact_entries) if exact_entries is not None else None
    return exact, floats, here.number


def _across_switch(entry: sp.Expr, point: dict[sp.Symbol, sp.Expr],
                   what: str | tuple[int, int]) -> sp.Expr:
    """A second derivative at a point where a kink function switches (relu, abs,
    heaviside): the value it tends to from both sides along each variable, or
    an error when the sides differ. Its formula's value there is a convention
    (heaviside(0) = 1/2 makes relu(x)^2 read f'' = 1/2 at 0, where f'' is 0
    from below and 2 from above)."""
    where = show_point(point)
    name = what if isinstance(what, str) else (f"the second derivative in row {what[0] + 1}, "
                                                f"column {what[1] + 1}")
    agreed: sp.Expr | None = None
    for v, a in point.items():
        if v not in entry.free_symbols:
            continue
        others = {k: val for k, val in point.items() if k != v}
        line = entry.xreplace(others)
        try:
            with time_limit(EIGEN_SECONDS, "the one-sided second derivatives"):
                below, above = (sp.simplify(one_sided_limit(line, v, a, d)) for d in ("-", "+"))
        except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
            raise DomainError(f"{name} ({sp.sstr(entry)}) switches at {where} and its "
                              "one-sided values could not be found", code="undefined") from None
        if below != above or not below.is_finite:
            sides = {"entry": name, "variable": str(v), "left": sp.sstr(below),
                     "right": sp.sstr(above)}
            raise DomainError(
                f"the Hessian does not exist at {where}: {name} is {sp.sstr(below)} as {v} → "
                f"{sp.sstr(a)} from below and {sp.sstr(above)} from above ("
                + ("f jumps there" if isinstance(what, str) else
                   "a first derivative has a kink there") + ")",
                code="not_differentiable", details=sides)
        if agreed is not None and agreed != below:
            raise DomainError(f"the Hessian does not exist at {where}: {name} depends on the "
                              "direction of approach",
                              code="not_differentiable")
        agreed = below
    return entry if agreed is None else agreed


def _gradient_at(expr: sp.Expr, chosen: Sequence[sp.Symbol], point: dict[sp.Symbol, sp.Expr]
                 ) -> tuple[tuple[float, ...], bool]:
    values = []
    zero = True
    for v in chosen:
        d = sp.diff(expr, v)
        exact = substitute(d, point)
        value = evaluate(d, point)
        number = value.number if value.number is not None else math.nan
        values.append(number)
        if exact is not None and exact.is_zero is not None:
            zero = zero and bool(exact.is_zero)
        else:
            zero = zero and abs(number) <= 1e-12
    return tuple(values), zero


# --------------------------------------------------------------------------- the test


def classify(exact: sp.Matrix | None, floats: np.ndarray, error: float = 0.0) -> Curvature:
    """Eigenvalues, determinant and the second-derivative test for a symmetric matrix.

    * Rational `exact` entries: signs decided exactly (characteristic
      polynomial and Descartes' rule), closed-form eigenvalues up to 3x3.
    * Other exact numbers (sqrt(2), exp(1/2)): eigenvalues in 50-digit
      arithmetic, an eigenvalue counting as zero below 1e-30 of the matrix's
      scale (an exact zero stays zero; rounding cannot reach 1e-30).
    * Floats: an eigenvalue counts as zero when |lambda| <= max(10 * error,
      64 n eps ||H||); `error` estimates ||H_numeric - H||_2, Weyl's bound on
      how far the eigenvalues can move.
    """
    n = floats.shape[0]
    if exact is not None and n <= MAX_EXACT_SIZE and all(e.is_Rational for e in exact):
        return _rational_curvature(exact, floats)
    if exact is not None and n <= MAX_EXACT_SIZE and all(e.is_number for e in exact):
        precise = _precise_curvature(exact)
        if precise is not None:
            return precise
    eig = np.linalg.eigvalsh(floats) if np.all(np.isfinite(floats)) else np.full(n, np.nan)
    norm = float(np.max(np.abs(eig))) if eig.size and np.all(np.isfinite(eig)) else 0.0
    tolerance = max(10.0 * error, 64.0 * n * EPS * norm)
    det = float(np.linalg.det(floats)) if np.all(np.isfinite(floats)) else math.nan
    return _curvature(eig, det, tolerance, exact=False)


def _curvature(eig: np.ndarray, det: float, tolerance: float, *, exact: bool,
               eigenvalues_exact: tuple[sp.Expr, ...] | None = None,
               determinant_exact: sp.Expr | None = None) -> Curvature:
    n = len(eig)
    positive = int(np.sum(eig > tolerance))
    negative = int(np.sum(eig < -tolerance))
    zero = n - positive - negative
    eig = np.where(np.abs(eig) <= tolerance, 0.0, eig) if exact else eig
    return Curvature(tuple(float(e) for e in eig), det, positive, negative, zero,
                     _classification(positive, negative, zero),
                     _definiteness(positive, negative, zero), exact,
                     None if exact else tolerance, eigenvalues_exact, determinant_exact)


def _rational_curvature(m: sp.Matrix, floats: np.ndarray) -> Curvature:
    """Exact signs: the characteristic polynomial of a real symmetric matrix has only
    real roots, so its lowest non-zero power counts the zero eigenvalues and
    Descartes' rule of signs counts the positive ones exactly."""
    n = m.rows
    coeffs = m.charpoly(sp.Dummy("lambda")).all_coeffs()
    signs = [int(sp.sign(c)) for c in coeffs]
    zero = 0
    while zero < n and signs[n - zero] == 0:
        zero += 1
    nonzero = [s for s in signs[: n + 1 - zero] if s != 0]
    positive = sum(1 for a, b in itertools.pairwise(nonzero) if a != b)
    negative = n - zero - positive
    eig = np.linalg.eigvalsh(floats)
    order = np.argsort(np.abs(eig), kind="stable")
    eig[order[:zero]] = 0.0  # the exact zeros, not rounding noise
    eig.sort()
    det_exact = m.det()
    exact_eigs = _exact_eigenvalues(m) if n <= MAX_EXACT_EIGENVALUES else None
    return Curvature(tuple(float(e) for e in eig), float(det_exact), positive, negative, zero,
                     _classification(positive, negative, zero),
                     _definiteness(positive, negative, zero), True, None, exact_eigs, det_exact)


PRECISE_DIGITS = 50
PRECISE_ZERO = 1e-30


def _precise_curvature(m: sp.Matrix) -> Curvature | None:
    """Eigenvalues of an exact (irrational) matrix in 50-digit arithmetic."""
    import mpmath

    n = m.rows
    try:
        with mpmath.workdps(PRECISE_DIGITS):
            a = mpmath.matrix(n, n)
            for i in range(n):
                for j in range(n):
                    value = sp.N(m[i, j], PRECISE_DIGITS)
                    if not value.is_real:
                        return None
                    a[i, j] = mpmath.mpf(str(value))
            eig = sorted(mpmath.eigsy(a, eigvals_only=True))
            det = mpmath.det(a)
            scale = max([mpmath.mpf(1)] + [abs(e) for e in eig])
            tolerance = PRECISE_ZERO * float(scale)
            values = np.array([float(e) for e in eig])
            det_float = float(det)
    except (TypeError, ValueError, ZeroDivisionError, mpmath.libmp.NoConvergence):
        return None
    small = sum(sp.count_ops(e) for e in m) <= 40
    exact_eigs = _exact_eigenvalues(m) if small and n <= 2 else None
    det_exact = _exact_det(m) if small and n <= 3 else None
    return _curvature(values, det_float, tolerance, exact=True, eigenvalues_exact=exact_eigs,
                      determinant_exact=det_exact)


def _classification(positive: int, negative: int, zero: int) -> str:
    if positive and negative:
        return SADDLE
    if zero:
        return INCONCLUSIVE
    return MINIMUM if positive else MAXIMUM


def _definiteness(positive: int, negative: int, zero: int) -> str:
    if positive and negative:
        return "indefinite"
    if not zero:
        return "positive definite" if positive else "negative definite"
    if positive:
        return "positive semidefinite"
    if negative:
        return "negative semidefinite"
    return "zero"


def _exact_eigenvalues(m: sp.Matrix) -> tuple[sp.Expr, ...] | None:
    """Closed forms for a small matrix, ascending; None when they would involve i."""
    try:
        with time_limit(EIGEN_SECONDS, "the eigenvalues"):
            found = m.eigenvals(multiple=True)
            values = [sp.nsimplify(v) if v.is_Rational else sp.radsimp(v) for v in found]
    except (ComputationTimeout, NotImplementedError, ValueError):
        return None
    if any(v.has(sp.I) or v.has(sp.CRootOf) for v in values):
        return None
    try:
        return tuple(sorted(values, key=lambda v: float(sp.N(v, 30))))
    except (TypeError, ValueError):
        return None


def _exact_det(m: sp.Matrix) -> sp.Expr | None:
    try:
        with time_limit(EIGEN_SECONDS, "the determinant"):
            return sp.simplify(m.det())
    except ComputationTimeout:
        return None


# --------------------------------------------------------------------------- critical points


def _critical(text: str, expr: sp.Expr, chosen: list[sp.Symbol], params: list[sp.Symbol],
              matrix: sp.Matrix, at: Any, options: HessianOptions) -> HessianResult:
    say = options.spelling
    critical, at_name, variables = say.name("critical"), say.name("at"), say.name("variables")
    if options.numeric:
        raise UsageError(f"{say.name('numeric')} compares at one point ({at_name}); with "
                         f"{critical} the critical points are classified from the exact "
                         "Hessian", code="bad_option")
    fixed: dict[sp.Symbol, sp.Expr] = {}
    if params:
        if at is None:
            names = ", ".join(str(p) for p in params)
            listing = ",".join(f"{p}=..." for p in params)
            raise UsageError(
                f"{critical} solves for {', '.join(str(v) for v in chosen)}; give values for "
                f"the other names ({names}) with {say.given('at', listing)}, or list them in "
                f"{variables}", code="missing_variable")
        fixed = resolve_point(at, params, param="at", spelling=say)
    elif at is not None:
        raise UsageError(f"{critical} finds the points itself: {at_name} only fixes names that "
                         f"are not in {variables}", code="bad_option")
    f = expr.xreplace(fixed) if fixed else expr
    h = matrix.xreplace(fixed) if fixed else matrix
    grad = [sp.diff(f, v) for v in chosen]
    polynomial = all(_polynomial_equation(g, chosen) for g in grad)
    seconds = options.solve_seconds if options.solve_seconds is not None \
        else DEFAULT_SOLVE_SECONDS
    start = time.monotonic()
    try:
        with time_limit(seconds, "solving ∇f = 0"):
            solutions = sp.solve(grad, chosen, dict=True)
    except ComputationTimeout:
        raise ComputationTimeout(
            f"solving ∇f = 0 took longer than {seconds:.3g} s, so the critical points are "
            "unknown", hint=f"raise the limit with {say.usage('timeout', 'SECONDS')}; "
            f"{say.given('at', 'x=...,y=...')} classifies one point") from None
    except (NotImplementedError, ValueError, TypeError, AttributeError,
            ArithmeticError) as exc:
        # sympy's solvers raise these when they give up midway (an erfinv outside
        # [-1, 1], a relational they cannot decide, a nan inside evalf): the
        # critical points are unknown.
        raise ComputeError(f"sympy cannot solve ∇f = 0 for this function ({exc})",
                           code="unsupported") from None
    note = None
    complete = polynomial
    families: list[str] = []
    if not polynomial:
        note = ("∇f = 0 is not polynomial: sympy's solve may miss solutions, and periodic "
                "functions have infinitely many")
        if len(chosen) == 1:
            family = _periodic_family(grad[0], chosen[0],
                                      max(0.1, seconds - (time.monotonic() - start)))
            if family is not None:
                families.append(family)
                note = "the table classifies the critical points of one period"
    points: list[CriticalPoint] = []
    complex_count = 0
    undefined = 0
    for sol in solutions:
        if set(sol) != set(chosen) or any(v.free_symbols & set(chosen) for v in sol.values()):
            families.append(_family(sol, chosen))
            continue
        point = {v: sol[v] for v in chosen}
        if any(_is_complex(v) for v in point.values()):
            complex_count += 1
            continue
        point = {k: _real_part(v) for k, v in point.items()}
        full = {**point, **fixed}
        try:
            exact, floats, value = _at_point(f, h, full)
        except DomainError:
            undefined += 1
            continue
        points.append(CriticalPoint(point, value, classify(exact, floats)))
        if len(points) >= MAX_CRITICAL_POINTS:
            complete = False
            note = f"only the first {MAX_CRITICAL_POINTS} critical points are listed"
            break
    points.sort(key=lambda c: tuple(float(sp.N(c.point[v], 17)) for v in chosen))
    if undefined:
        extra = (f"{undefined} solution{'s' if undefined > 1 else ''} of ∇f = 0 where f is "
                 "undefined left out")
        note = f"{note}; {extra}" if note else extra
    return HessianResult(input=text, expression=expr, variables=tuple(chosen),
                         names=tuple(str(v) for v in chosen), matrix=matrix,
                         critical_points=tuple(points), families=tuple(families),
                         complete=complete, solver_note=note, complex_solutions=complex_count,
                         parameters=fixed or None)


def _polynomial_equation(g: sp.Expr, chosen: Sequence[sp.Symbol]) -> bool:
    """Is g = 0 a polynomial equation, once factors that are never 0 (exp) are dropped?"""
    if g.is_polynomial(*chosen):
        return True
    try:
        with time_limit(EIGEN_SECONDS, "factoring"):
            factors = sp.Mul.make_args(sp.factor(g))
    except (ComputationTimeout, sp.PolynomialError, NotImplementedError):
        return False
    rest = [f for f in factors if not (isinstance(f, sp.exp) or (f.is_number and f != 0))]
    return all(f.is_polynomial(*chosen) for f in rest)


def _family(sol: dict[sp.Symbol, sp.Expr], chosen: Sequence[sp.Symbol]) -> str:
    """x = y (y any real number): a parametric solution, as text."""
    solved = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in sol.items())
    free = [v for v in chosen if v not in sol]
    if not free:
        return solved
    names = ", ".join(map(str, free))
    if len(free) == 1 and not all(v.is_extended_real for v in sol.values()):
        # y = sqrt(1 - x^2) is a critical point for |x| <= 1 only
        where = _real_domain(list(sol.values()), free[0])
        if where is not None:
            return f"{solved} ({names} in {where})"
        return f"{solved} (for each real {names} where this is real)"
    return f"{solved} ({names} any real number{'s' if len(free) > 1 else ''})"


def _real_domain(values: list[sp.Expr], x: sp.Symbol) -> str | None:
    """Where all `values` are real, as an interval in words: [-1, 1]; None if unknown."""
    from sympy.calculus.util import continuous_domain

    try:
        with time_limit(EIGEN_SECONDS, "the domain of a family of critical points"):
            domain = sp.S.Reals
            for v in values:
                domain = domain.intersect(continuous_domain(v, x, sp.S.Reals))
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
        return None
    if isinstance(domain, sp.Interval):
        left = "(" if domain.left_open else "["
        right = ")" if domain.right_open else "]"
        return f"{left}{sp.sstr(domain.start)}, {sp.sstr(domain.end)}{right}"
    return sp.sstr(domain)


def _is_complex(v: sp.Expr) -> bool:
    if v.is_real is not None:
        return not v.is_real
    value = complex(sp.N(v, 30))
    return abs(value.imag) > 1e-20 * max(1.0, abs(value.real))


def _real_part(v: sp.Expr) -> sp.Expr:
    if v.is_real or not v.has(sp.I):
        return v
    simpler = sp.re(sp.expand_complex(v))
    return simpler if not simpler.has(sp.I) else sp.Float(complex(sp.N(v, 30)).real, 30)


def _periodic_family(g: sp.Expr, x: sp.Symbol, seconds: float) -> str | None:
    """The general solution of g(x) = 0 when it is an infinite (periodic) set."""
    try:
        with time_limit(seconds, "solving ∇f = 0"):
            found = sp.solveset(g, x, domain=sp.S.Reals)
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
        return None
    if isinstance(found, sp.FiniteSet) or found is sp.S.EmptySet:
        return None
    if isinstance(found, sp.ConditionSet):
        return None
    n = sp.Symbol("n")
    parts = []
    for piece in (found.args if isinstance(found, sp.Union) else (found,)):
        if isinstance(piece, sp.ImageSet) and piece.base_set == sp.S.Integers:
            lam = piece.lamda
            parts.append(f"{x} = {sp.sstr(lam.expr.xreplace({lam.variables[0]: n}))}")
        elif isinstance(piece, sp.FiniteSet):
            parts.extend(f"{x} = {sp.sstr(v)}" for v in piece)
        else:
            return f"{x} in {sp.sstr(found)}"
    return " or ".join(parts) + " (n any integer)"


# --------------------------------------------------------------------------- numeric



def _finite_difference(f: Callable[[np.ndarray], Any], x: np.ndarray,
                       symbolic: np.ndarray | None) -> NumericHessian:
    """The finite-difference Hessian, its error (from a second one at twice the step)."""
    first = fd.hessian(f, x)
    second = fd.hessian(f, x, h=2.0 * np.asarray(first.steps))
    values = np.asarray(first.values)
    error = float(np.linalg.norm(np.asarray(second.values) - values, 2))
    max_diff = max_rel = None
    if symbolic is not None:
        diff = np.abs(values - symbolic)
        max_diff = float(np.max(diff))
        max_rel = float(np.max(diff / np.maximum(1.0, np.abs(symbolic))))
    return NumericHessian(_rows(values), error, first.evaluations + second.evaluations,
                          max_diff, max_rel)


@noting
def hessian_function(f: Callable[[np.ndarray], Any] | UserCode,
                     x: UserPoint | np.ndarray | Sequence[float], *,
                     budget: float | None = None, spelling: Spelling = KEYWORDS
                     ) -> HessianResult:
    """The finite-difference Hessian of Python code at `x`, and its classification.

    `f` takes a numpy array (of x's shape) and returns a number: a Python
    callable, or user code loaded with `engines.usercode` (an exception raised
    inside is reported as a UserCodeError with their traceback). `budget`
    (seconds) refuses a Hessian that would clearly take longer, before
    starting it.
    """
    from calctool.core.engines import usercode as uc

    code = uc.from_callable(f, param="f")
    point = uc.user_point(x, param="x")
    values = point.values
    n = values.size
    if n > MAX_FUNC_DIM:
        raise UsageError(f"the Hessian of {n:,} parameters has {n * n:,} entries; "
                         f"{spelling.name('f')} takes at most {MAX_FUNC_DIM:,} parameters",
                         code="bad_value")
    fn = uc.UserFunction(code, what="f")
    base = uc.param_name(fn.fn)
    names = tuple(uc.component_name(base, i, values.shape) for i in range(n))
    with uc.redirected_stdout():
        f0, seconds = uc.timed_call(fn, values.copy())
        uc.finite_or_raise(f0, f"{code.label}(x)")
        evaluations = 2 * (2 * n * n + 1) + 4 * n + 11
        if budget is not None and evaluations * seconds > 1.5 * budget:
            raise ComputeError(
                f"the finite-difference Hessian of {n:,} parameters needs about "
                f"{evaluations:,} evaluations of {code.label} (~{evaluations * seconds:,.0f} s), "
                f"more than {spelling.name('timeout')} {budget:g} s allows", code="too_slow",
                hint=f"raise the limit with {spelling.usage('timeout', 'SECONDS')}")
        numeric_h = _finite_difference(fn, values, None)
        grad = fd.gradient(fn, values)
    matrix = np.array(numeric_h.values)
    curvature = classify(None, matrix, numeric_h.error)
    g = np.asarray(grad.values, dtype=np.float64).reshape(-1)
    err = np.asarray(grad.error_estimates, dtype=np.float64).reshape(-1)
    is_critical = bool(np.all(np.abs(g) <= 10.0 * err))
    numeric_h = NumericHessian(numeric_h.values, numeric_h.error,
                               numeric_h.evaluations + grad.evaluations + 1)
    return HessianResult(input=code.text, expression=None, names=names,
                         coordinates=tuple(float(v) for v in values.reshape(-1)),
                         values=numeric_h.values, curvature=curvature,
                         gradient=tuple(float(v) for v in g), critical=is_critical,
                         numeric=numeric_h, func=code.text, point_source=point.source,
                         f_value=float(f0))


# --------------------------------------------------------------------------- --hvp


def hessian_hvp(f: Callable[[np.ndarray], Any] | UserCode | None,
                grad: Callable[[np.ndarray], Any] | UserCode,
                x: UserPoint | np.ndarray | Sequence[float], *, k: int = 3,
                max_iter: int = HVP_MAX_ITER, seed: int = 0,
                spelling: Spelling = KEYWORDS) -> HVPResult:
    """The extreme eigenvalues of the Hessian of Python code at `x`, for large n.

    No matrix: Lanczos (engines.lanczos) on Hessian-vector products, each a
    central difference of `grad` (2 evaluations), at most `max_iter` of them.
    `f` (optional) gives f(x). The k largest eigenvalues converge to a
    relative residual HVP_TOL; the smallest Ritz value is an upper bound of
    the smallest eigenvalue, so a negative one (beyond its residual) proves
    the point is not a minimum, and a positive one proves nothing unless it
    converged.
    """
    from calctool.core.engines import lanczos
    from calctool.core.engines import usercode as uc

    say = spelling
    if not 1 <= k <= 50:
        raise UsageError(f"{say.name('top')} must be between 1 and 50", code="bad_value")
    gcode = uc.from_callable(grad, param="grad")
    point = uc.user_point(x, param="x")
    values = point.values.reshape(-1)
    n = values.size
    g = uc.UserGradient(gcode)
    f_value = None
    with uc.redirected_stdout():
        if f is not None:
            fn = uc.UserFunction(uc.from_callable(f, param="f"), what="f")
            f_value = uc.finite_or_raise(fn(point.values.copy()), "f(x)")
        g0 = g(point.values.copy())
        shape = point.values.shape
        hvp, h = lanczos.fd_hvp(lambda v: g(v.reshape(shape)), values)
        ext = lanczos.extremes(hvp, n, k=min(k, n), max_iter=max_iter, tol=HVP_TOL, seed=seed,
                               step=h)
    grad_norm = float(np.linalg.norm(g0))
    low, low_res = ext.smallest[0], ext.smallest_residuals[0]
    notes = []
    if low + low_res < 0:
        classification = "negative curvature: not a minimum"
    elif low_res <= HVP_TOL * max(abs(v) for v in ext.largest + ext.smallest):
        classification = ("positive definite" if low > 0 else "singular or negative curvature")
    else:
        classification = "no negative curvature found (not a proof: see notes)"
        notes.append(f"the smallest Ritz value {low:.4g} (residual {low_res:.1g}) is an upper "
                     f"bound of the smallest eigenvalue after {ext.iterations} products; "
                     f"raise {say.name('max_iter')} to go on")
    if grad_norm > 0:
        notes.append(f"|∇f| = {grad_norm:.3g} here: a minimum, maximum or saddle needs ∇f = 0; "
                     "the eigenvalues say how f curves at this point")
    if not ext.converged:
        notes.append(f"stopped after {ext.iterations} products ({say.name('max_iter')}) "
                     "before every wanted Ritz value converged: the residuals say how far "
                     "each may be")
    return HVPResult(input=gcode.text, expression=None,
                     func=(uc.from_callable(f, param="f").text if f is not None else ""),
                     grad=gcode.text, point_source=point.source, n=n, largest=ext.largest,
                     largest_residuals=ext.largest_residuals, smallest=ext.smallest,
                     smallest_residuals=ext.smallest_residuals, iterations=ext.iterations,
                     gradient_evaluations=g.inner.calls, converged=ext.converged, step=h,
                     gradient_norm=grad_norm, f_value=f_value, classification=classification,
                     notes=tuple(notes))

