"""The `gradcheck` operation: analytic gradients against finite differences.

Two modes, each its own function, one rule for passing:

* `gradcheck_expression`: sympy's gradient of an expression at a point
  against finite differences of the expression (compiled with numpy),
  component by component (a demonstration); or, given `grad`, the user's
  hand-derived gradient against finite differences AND against sympy's exact
  derivative, with a diagnosis of a wrong component (sign error, missing
  factor, dropped term);
* `gradcheck_function`: Python code, numpy arrays in and out (a callable, or
  a `FILE.py:NAME` loaded by `engines.usercode`): all components (the worst
  shown when there are many), K random components (`Sampling.points`), or K
  random directional derivatives (`Sampling.fast`).

`gradcheck` is the Python API: it picks the mode from what `f` is. The CLI
picks it from its flags and calls the mode function itself.

A component passes when |analytic - numeric| <= tolerance, where

    tolerance = KAPPA * (error estimate of the finite difference
                         + 4 eps (|analytic| + RMS(analytic)))
                + atol + rtol * max(|analytic|, |numeric|)

The error estimate comes from the engine (`engines.finite_diff`): rounding
from the *measured* noise of f, plus the truncation measured by the stencil;
the second term is the rounding of the analytic gradient itself. So the test
is as tight as float64 allows, with no loose fixed rtol (rtol and atol
default to 0 and only loosen it). KAPPA = 10: on correct gradients
|error| / estimate stays below ~2 (see bench/bench_gradcheck.py), so false
alarms need a 5x outlier.

Except where the difference means nothing: when a kink or jump of an
expression (abs, relu, heaviside, floor, max, ... switching) lies within the
points a component's stencil evaluated, the difference mixes two slopes (or
divides a jump by h), and its error estimate is as meaningless as its value
(it used to widen the tolerance until anything passed). Such a component is
a `KinkComponent`: not checkable there, so not passed (exit status 1, as for
a failed check: a check that could not be made is no evidence that the
gradient is right), with a diagnosis saying which function switches and what
to do instead.

Messages name parameters as the caller spells them (`CheckOptions.spelling`):
keywords for Python, flags when the CLI passes its own.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded, time_limit
from calctool.core.engines import finite_diff as fd
from calctool.core.engines import usercode as uc
from calctool.core.engines.numeric import compile_numpy, vector_function
from calctool.core.engines.parameters import require_values
from calctool.core.engines.pointwise import (
    derivative_value,
    switch_kind,
    switch_where,
    switch_within,
)
from calctool.core.engines.values import evaluate
from calctool.core.errors import (
    KEYWORDS,
    CalcError,
    ComputationTimeout,
    ComputeError,
    DomainError,
    ParseError,
    Spelling,
    UsageError,
)
from calctool.core.expr.parse import free_variables, parse
from calctool.core.expr.points import (
    expression_text,
    resolve_point,
    select_variables,
    show_point,
    split_top_level,
)
from calctool.core.results.base import expr_number, noting
from calctool.core.results.gradcheck import Component, GradcheckResult, KinkComponent

KAPPA = 10.0
DEFAULT_DIRECTIONS = 8
DEFAULT_METHOD: fd.Method = "central"
# Fast mode compares u.g with a derivative along u, where one wrong component moves
# u.g by only ~delta/sqrt(n): the finite difference's error sets what can be
# seen. At n = 10^6 a component off by 1e-3 x RMS(g) exceeds the tolerance
# 4-7x with central differences and 1000-2000x with richardson, which also
# still sees 0.1 x RMS when f is computed in float32 (central sees nothing
# there), for 59 evaluations of f instead of 43 (bench/bench_gradcheck.py).
DEFAULT_FAST_METHOD: fd.Method = "richardson"
SHOW_ALL_UP_TO = 30  # more components than this: the worst WORST_SHOWN are shown
WORST_SHOWN = 10
MAX_POINTS = 10_000
EPS = fd.EPS
# Evaluations of f per component of a full check (with the error estimate).
PER_COMPONENT = {"forward": 2, "central": 4, "richardson": 6, "complex": 1}
# Resolution (--func): the smallest relative error of a component the check is sure
# to detect, (1 + 1/KAPPA) x tolerance / max(|g_i|, RESOLUTION_FLOOR x RMS(g)): an
# error that large exceeds the tolerance even after the finite difference's own
# error (its estimate is tolerance / KAPPA) is taken off (components far
# below the gradient's RMS are judged against that floor, where a relative error
# means little). A PASS whose worst resolution is above the threshold is
# INCONCLUSIVE (exit 1): noise (float32 code) hid what the check should see.
DEFAULT_RESOLUTION = 1e-3
RESOLUTION_FLOOR = 1e-2
# Seconds allowed for each diagnosis of a wrong hand-written component.
DIAGNOSIS_SECONDS = 1.0

Progress = Callable[[int, int], None]
# A hand-written gradient: "g1, g2" or one string or sympy expression per variable.
HandGradient = str | Sequence[str | sp.Expr]


@dataclass(frozen=True)
class CheckOptions:
    """How a gradient is compared with finite differences, in either mode.

    `method` None is central differences, or richardson for fast mode (see
    DEFAULT_FAST_METHOD); `eps` None is the engine's scaled step; `rtol` and
    `atol` only loosen the tolerance. `spelling` is how messages name these.
    `resolution`: the weakest resolution (--func) a PASS may have; worse is
    INCONCLUSIVE (see DEFAULT_RESOLUTION).
    """

    method: str | None = None
    eps: float | None = None
    rtol: float = 0.0
    atol: float = 0.0
    spelling: Spelling = KEYWORDS
    resolution: float = DEFAULT_RESOLUTION

    def __post_init__(self) -> None:
        say = self.spelling
        if self.method is not None and self.method not in fd.METHODS:
            raise UsageError(f"{say.given('method', self.method)}: expected one of "
                             f"{', '.join(fd.METHODS)}", code="bad_value")
        if self.eps is not None and not (self.eps > 0 and math.isfinite(self.eps)):
            raise UsageError(f"{say.name('eps')} must be a positive number (the "
                             "finite-difference step)", code="bad_value")
        if not self.resolution > 0:
            raise UsageError(f"{say.name('resolution')} must be a positive number (a relative "
                             "error, e.g. 1e-3; inf accepts any)", code="bad_value")
        for name, value in (("rtol", self.rtol), ("atol", self.atol)):
            if not (value >= 0 and math.isfinite(value)):
                raise UsageError(f"{say.name(name)} must be a number >= 0", code="bad_value")

    def method_for(self, *, fast: bool = False) -> fd.Method:
        """The method used: the one given, else the mode's default."""
        if self.method is not None:
            return self.method  # type: ignore[return-value]  # checked above: in fd.METHODS
        return DEFAULT_FAST_METHOD if fast else DEFAULT_METHOD

    def tolerance(self, analytic: np.ndarray, numeric: np.ndarray, error: np.ndarray,
                  rms: float) -> np.ndarray:
        rounding = 4.0 * EPS * (np.abs(analytic) + rms)
        scale = np.maximum(np.abs(analytic), np.abs(numeric))
        with np.errstate(invalid="ignore"):
            return KAPPA * (error + rounding) + self.atol + self.rtol * scale


@dataclass(frozen=True)
class Sampling:
    """Which parts of a Python function's gradient are checked.

    Every component (the default); `points` K random components; or, with
    `fast`, `points` (default DEFAULT_DIRECTIONS) random directional
    derivatives u.g, O(1) evaluations of f whatever n is. `seed` draws them.
    """

    fast: bool = False
    points: int | None = None
    seed: int = 0

    def check(self, spelling: Spelling = KEYWORDS) -> Sampling:
        """These options, if valid (messages in `spelling`); a UsageError if not."""
        if self.points is not None and not 1 <= self.points <= MAX_POINTS:
            raise UsageError(f"{spelling.name('points')} must be between 1 and {MAX_POINTS}",
                             code="bad_value")
        return self


# --------------------------------------------------------------------------- the API


@noting
def gradcheck(f: Any, grad: Any = None, *, at: Any = None, variables: Any = None,
              method: str | None = None, eps: float | None = None, rtol: float = 0.0,
              atol: float = 0.0, fast: bool = False, points: int | None = None, seed: int = 0,
              dim: int | None = None, timeout: float | None = DEFAULT_TIMEOUT,
              resolution: float = DEFAULT_RESOLUTION, takes: str | None = None,
              vjp: Any = None) -> GradcheckResult:
    """Check a gradient against finite differences, component by component.

    `f` an expression (a string such as "(sigmoid(w*x+b) - t)^2", or a sympy
    expression): sympy's gradient at `at` ("w=0.5,b=0.1" or {"w": 0.5, "b":
    0.1}), or your hand-derived `grad` ("g1, g2" or a list of strings or sympy
    expressions, one per variable in sorted order or the order of
    `variables`) against finite differences and sympy's derivative.

    `f` a Python callable taking a numpy array and returning a number: `grad`
    (a callable returning the gradient array) is checked at `at` (an array)
    or at a random standard normal point of `dim` parameters (`seed`); all
    components, `points` random ones, or with `fast` random directional
    derivatives (n up to 10^6).

    A check of a callable reports its resolution, the smallest relative
    error per component it could have detected; a pass whose resolution is
    worse than `resolution` (default 1e-3) is INCONCLUSIVE, not passed.
    `vjp` instead of `grad`: `f` returns m numbers and vjp(x, u) returns
    J(x)^T u, checked as the gradient of u·f for a random unit u (see
    `gradcheck_vjp`).
    `takes` ("torch", "jax"): the callables are given that framework's array
    instead of a numpy one; what they return may be a numpy, torch or JAX
    array (or number) either way.

    `result.passed` is the verdict; `result.to_dict()` is the `--json`
    document. Raises a CalcError (UsageError, DomainError, ComputeError, ...)
    when no check can be made; the work stops after `timeout` seconds (None:
    no limit), and a full check of a callable that would clearly take longer
    is refused before it starts.
    """
    options = CheckOptions(method, eps, rtol, atol, resolution=resolution)
    with bounded(timeout):
        if isinstance(f, (str, sp.Basic)) or not callable(f):
            for name, given in (("fast", fast), ("points", points is not None),
                                ("dim", dim is not None), ("takes", takes is not None)):
                if given:
                    raise UsageError(f"{name} is for a Python function of many parameters; an "
                                     "expression's gradient is checked component by component "
                                     "at `at`", code="bad_option")
            return gradcheck_expression(f, grad=grad, at=at, variables=variables,
                                        options=options)
        if variables is not None:
            raise UsageError("variables names an expression's variables; a Python function's "
                             "parameters are the entries of its array", code="bad_option")
        if grad is None and vjp is None:
            raise UsageError("grad is missing: the function returning the gradient to check",
                             code="missing_argument")
        if grad is not None and vjp is not None:
            raise UsageError("give grad (a gradient) or vjp (a vector-Jacobian product), not "
                             "both", code="bad_option")
        if at is not None and dim is not None:
            raise UsageError("give the point one way: at or dim", code="bad_option")
        if at is None and dim is None:
            raise UsageError("give the point: at (an array, one number per parameter) or dim "
                             "(a random standard normal point of dim parameters, with seed)",
                             code="missing_point")
        if at is not None:
            x = uc.user_point(at, param="at")
        else:
            assert dim is not None
            x = uc.UserPoint(uc.random_point(dim, seed), f"dim={dim}, seed={seed} "
                             "(standard normal)", seed)
        if vjp is not None:
            return gradcheck_vjp(f, vjp, x, options, Sampling(fast, points, seed),
                                 budget=timeout)
        return gradcheck_function(uc.converted(uc.from_callable(f, param="f"), takes,
                                               option="takes"),
                                  uc.converted(uc.from_callable(grad, param="grad"), takes,
                                               option="takes"), x, options,
                                  Sampling(fast, points, seed), budget=timeout)


def _rel(abs_error: np.ndarray, a: np.ndarray, n: np.ndarray) -> np.ndarray:
    scale = np.maximum(np.abs(a), np.abs(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(scale > 0, abs_error / np.where(scale > 0, scale, 1.0), 0.0)
    return np.where(np.isnan(abs_error), np.nan, rel)


def _max(values: np.ndarray) -> float:
    """The largest value, nan when any is nan (a nan error is the worst error)."""
    if values.size == 0:
        return 0.0
    if np.any(np.isnan(values)):
        return math.nan
    return float(np.max(values))


# --------------------------------------------------------------------------- expressions


@noting
def gradcheck_expression(expr: str | sp.Expr, *, grad: HandGradient | None = None,
                         at: Any = None, variables: str | Sequence[str | sp.Symbol] | None = None,
                         options: CheckOptions = CheckOptions()) -> GradcheckResult:
    """An expression's gradient at `at` against finite differences: sympy's (`grad`
    None), or the hand-written `grad`, which is also compared with sympy's exact
    derivative. `variables` chooses and orders the components (default: all,
    sorted); the other names are constants, fixed by `at`."""
    say = options.spelling
    method = options.method_for()
    text = expression_text(expr, what="f")
    expr = parse(text)
    chosen, order = _choose_variables(expr, variables, say)
    all_vars = free_variables(expr)
    if at is None:
        listing = ",".join(f"{v}=..." for v in all_vars)
        raise UsageError(f"give the point to check at: {say.given('at', listing)}",
                         code="missing_variable")
    point = resolve_point(at, all_vars, param="at", spelling=say,
                          require_all=variables is None)
    if variables is not None:
        require_values(all_vars, chosen, point, at, spelling=say)
    hand = _hand_gradient(grad, chosen, order, all_vars, say) if grad is not None else None
    truth_exprs = [sp.diff(expr, v) for v in chosen]
    truth = np.array([_true_derivative(expr, v, point) for v in chosen])
    f, x = vector_function(expr, all_vars, chosen, point)
    _check_step(options.eps, x, [str(v) for v in chosen], say)
    fdres = fd.gradient(f, x, method=method, h=options.eps)
    numeric = np.asarray(fdres.values, dtype=np.float64).reshape(-1)
    error = np.asarray(fdres.error_estimates, dtype=np.float64).reshape(-1)
    steps = np.asarray(fdres.steps, dtype=np.float64).reshape(-1)
    spans = (np.zeros((len(chosen), 2)) if fdres.spans is None
             else np.asarray(fdres.spans, dtype=np.float64).reshape(-1, 2))
    floats = {v: float(sp.N(point[v], 17)) for v in all_vars}
    kinks = [switch_within(expr, v, floats, float(spans[i, 0]), float(spans[i, 1]))
             for i, v in enumerate(chosen)]
    if hand is None:
        analytic = truth
    else:
        analytic = np.array([_hand_value(g, v, point) for g, v in zip(hand, chosen)])
    rms = float(np.sqrt(np.mean(analytic * analytic))) if np.all(np.isfinite(analytic)) else 0.0
    tol = options.tolerance(analytic, numeric, error, rms)
    abs_err = np.abs(analytic - numeric)
    rel_err = _rel(abs_err, analytic, numeric)
    ok_numeric = abs_err <= tol
    refined = []
    if options.eps is None and method != "complex":
        # Only where the finite difference disagrees with sympy's exact derivative
        # too: then it is the difference that is in doubt, not the gradient.
        doubtful = ~ok_numeric & (np.abs(truth.astype(np.float64) - numeric) > tol)
        for k in np.flatnonzero(doubtful):
            i = int(k)
            if kinks[i] is not None:
                continue
            better = _smaller_steps(f, x, i, float(steps[i]), float(analytic[i]), options.atol)
            if better is not None:
                numeric[i], error[i], steps[i] = better
                abs_err[i] = abs(analytic[i] - numeric[i])
                rel_err[i] = _rel(abs_err[i:i + 1], analytic[i:i + 1], numeric[i:i + 1])[0]
                tol[i] = options.tolerance(analytic[i:i + 1], numeric[i:i + 1],
                                           error[i:i + 1], rms)[0]
                ok_numeric[i] = abs_err[i] <= tol[i]
                refined.append(f"∂f/∂{chosen[i]}: the default step was too coarse for f here "
                               f"(it varies faster than the step); with h = {steps[i]:.1e} "
                               f"the central difference settles at {numeric[i]:.10g}")
    components = []
    for i, var in enumerate(chosen):
        extra: dict[str, Any] = {}
        passed = bool(ok_numeric[i])
        if hand is not None:
            exact_tol = options.atol + max(options.rtol, 1e-12) * max(abs(analytic[i]),
                                                                       abs(truth[i]))
            ok_exact = bool(abs(analytic[i] - truth[i]) <= exact_tol)
            matches = _formula_matches(hand[i], truth_exprs[i], all_vars, point)
            diagnosis = None
            if not ok_exact or matches is False:
                diagnosis = _diagnose(hand[i], truth_exprs[i])
            extra = {"exact": float(truth[i]), "formula": sp.sstr(hand[i]),
                     "expected": sp.sstr(truth_exprs[i]), "passed_numeric": passed,
                     "passed_exact": ok_exact, "formula_matches": matches,
                     "diagnosis": diagnosis}
            passed = passed and ok_exact
            if not ok_exact:  # wrong whatever the finite difference says
                kinks[i] = None
        common: dict[str, Any] = {
            "name": str(var), "analytic": float(analytic[i]), "numeric": float(numeric[i]),
            "abs_error": float(abs_err[i]), "rel_error": float(rel_err[i]),
            "tolerance": float(tol[i]), "step": float(steps[i])}
        node = kinks[i]
        if node is None:
            components.append(Component(passed=passed, **common, **extra))
            continue
        kind = switch_kind(node)
        where = f"{sp.sstr(node)} where {switch_where(node)}"
        if hand is not None:
            extra["passed_numeric"] = False
        extra["diagnosis"] = _kink_diagnosis(var, kind, where, floats[var], spans[i],
                                             float(steps[i]), method)
        components.append(KinkComponent(passed=False, kind=kind, where=where,
                                        **common, **extra))
    failed = [i for i, c in enumerate(components) if not c.passed]
    return GradcheckResult(
        input=text, expression=expr, mode="gradient" if hand is not None else "expression",
        passed=not failed, components=tuple(components),
        max_abs_error=_max(abs_err), max_rel_error=_max(rel_err),
        method=method, eps=options.eps, rtol=options.rtol, atol=options.atol,
        kappa=KAPPA, variables=tuple(chosen), order=order, point=point, n=len(chosen),
        checked=len(chosen), failed=len(failed), failing=tuple(failed), shown="all",
        evaluations=fdres.evaluations, gradient_evaluations=1 if hand is not None else 0,
        refined=tuple(refined))


def _choose_variables(expr: sp.Expr, names: str | Sequence[str | sp.Symbol] | None,
                      say: Spelling) -> tuple[list[sp.Symbol], str]:
    """The variables to differentiate by, in order, and where that order comes from
    ("sorted", or "--vars": the result's JSON names the order by the CLI's flag)."""
    all_vars = free_variables(expr)
    if not all_vars:
        raise UsageError("the expression has no variables, so it has no gradient to check",
                         code="no_variable")
    if names is None:
        return all_vars, "sorted"
    return select_variables(all_vars, names, spelling=say), "--vars"


def _true_derivative(expr: sp.Expr, var: sp.Symbol,
                     point: dict[sp.Symbol, sp.Expr]) -> float:
    """sympy's df/dvar at the point; a kink or jump there is an error, never a silent 0."""
    value, info = derivative_value(expr, [var], point)
    if value.ok and value.number is not None:
        return value.number
    where = show_point(point)
    details: dict[str, Any] = {}
    if info is not None:
        details = {"kind": info.kind,
                   "left": expr_number(info.left) if info.left is not None else None,
                   "right": expr_number(info.right) if info.right is not None else None}
        if not info.exists:
            sides = (f" (from the left {_text(info.left)}, from the right {_text(info.right)})")
            raise DomainError(f"∂f/∂{var} does not exist at {where}: f has a {info.kind} "
                              f"there{sides}, so there is no gradient to check",
                              code="not_differentiable", details=details)
    raise DomainError(f"∂f/∂{var} is {value.problem} at {where}, so there is no gradient "
                      "to check", code="undefined", details=details)


def _text(v: sp.Expr | None) -> str:
    return "undefined" if v is None else sp.sstr(v)




def _hand_gradient(grad: HandGradient, variables: list[sp.Symbol], order: str,
                   all_vars: Sequence[sp.Symbol], say: Spelling) -> list[sp.Expr]:
    """The hand-written gradient's components, parsed: from "g1, g2" (with the caret of a
    parse error placed in that text) or from a sequence of strings and sympy expressions."""
    option = say.name("grad")
    if isinstance(grad, str):
        source = grad.strip()
        if len(source) >= 2 and source[0] == "[" and source[-1] == "]":
            source = source[1:-1]
        pieces: list[tuple[int, str | sp.Expr]] = list(split_top_level(source))
    elif isinstance(grad, Sequence):
        source = None
        pieces = [(0, g) for g in grad]
    else:
        raise UsageError(f"{option} must be the gradient's formulas: a string \"g1, g2\" or a "
                         f"list of strings or sympy expressions, not a {type(grad).__name__}",
                         code="bad_value")
    names = ", ".join(str(v) for v in variables)
    if len(pieces) != len(variables):
        where = (f"in the order of {say.name('variables')}" if order == "--vars"
                 else "in sorted order")
        raise UsageError(
            f"{option} has {len(pieces)} component{'s' if len(pieces) != 1 else ''} but the "
            f"gradient has {len(variables)}: one per variable, {where} ({names})"
            + (f"; choose and order them with {say.name('variables')}" if order == "sorted"
               else ""),
            code="wrong_gradient_length")
    out = []
    known = set(all_vars)
    for k, (offset, piece) in enumerate(pieces):
        try:
            text = expression_text(piece, what=f"{option} component {k + 1}")
            g = parse(text.strip())
        except ParseError as exc:
            exc.message = f"{option} component {k + 1} ({variables[k]}): {exc.message}"
            if exc.position is not None and source is not None:
                exc.position += offset + (len(text) - len(text.lstrip()))
                exc.source = source
            raise
        extra = sorted(str(s) for s in g.free_symbols - known)
        if extra:
            raise UsageError(f"{option} component {k + 1} (∂f/∂{variables[k]}) uses "
                             f"{', '.join(extra)}, which the expression does not have",
                             code="unknown_variable")
        out.append(g)
    return out


def _check_step(eps: float | None, x: np.ndarray, names: Sequence[str], say: Spelling) -> None:
    """An eps smaller than the spacing of float64 numbers at x: x + h == x."""
    if eps is None:
        return
    for name, xi in zip(names, np.asarray(x, dtype=np.float64).reshape(-1)):
        if xi + eps == xi or xi - eps == xi:
            raise UsageError(f"{say.given('eps', eps)} is below the spacing of float64 numbers "
                             f"at {name} = {xi:g} (about {np.spacing(xi):.1e}): x + h equals x "
                             "there", code="bad_value",
                             hint=f"use a larger {say.name('eps')}, or leave the default")


def _smaller_steps(f: Callable[[np.ndarray], Any], x: np.ndarray, i: int, h: float,
                   analytic: float, atol: float) -> tuple[float, float, float] | None:
    """Central differences along component i with steps h/100, h/10^4, ...: the
    first two in a row that agree to 1e-6 (the estimate has settled) give
    (value, error estimate, step); None if none settle before rounding wins.

    The default step scales with |x_i| (6e-6 at 1, 600 at 1e8): too coarse for
    sin(x) at 1e8, whose period is 6.3. A settled estimate is as trustworthy as
    the default one, so a disagreement that survives it is real.
    """
    previous: float | None = None
    for k in range(1, 7):
        up, down = x.copy(), x.copy()
        up[i] += h / 100**k
        down[i] -= h / 100**k
        step = float(up[i] - down[i]) / 2  # the step float64 really took
        if step <= 0 or up[i] == x[i] or down[i] == x[i]:
            return None
        with np.errstate(all="ignore"):
            value = float((np.asarray(f(up)) - np.asarray(f(down))) / (2 * step))
        if not math.isfinite(value):
            return None
        if previous is not None:
            change = abs(value - previous)
            if change <= 1e-6 * max(abs(value), abs(analytic), atol, 1e-300):
                noise = EPS * max(abs(float(np.asarray(f(x)))), 1e-300) / step
                return value, change + noise, step
        previous = value
    return None


def _kink_diagnosis(var: sp.Symbol, kind: str, where: str, x: float, span: np.ndarray,
                    step: float, method: str) -> str:
    lo, hi = x + float(span[0]), x + float(span[1])
    reach = max(abs(float(span[0])), abs(float(span[1]))) / step if step > 0 else 0.0
    eps = "a smaller --eps"
    if method != "complex" and reach > 0:
        times = "eps" if reach == 1 else f"{reach:g}·eps"
        eps += f" (the stencil reaches {times} on each side of {var})"
    article = "an" if kind[0] in "aeiou" else "a"
    return (f"inconclusive: the finite-difference step straddles a point where f is not "
            f"differentiable, {article} {kind} of {where}: f was evaluated for {var} in "
            f"[{lo:.6g}, {hi:.6g}], on both sides of it, so the difference means nothing "
            f"here; check at a point farther from it, or with {eps}")


def _hand_value(g: sp.Expr, var: sp.Symbol, point: dict[sp.Symbol, sp.Expr]) -> float:
    value = evaluate(g, point)
    if not value.ok or value.number is None:
        raise DomainError(f"your ∂f/∂{var} = {sp.sstr(g)} has no value at {show_point(point)}: "
                          f"{value.problem}", code="undefined")
    return value.number


def _formula_matches(hand: sp.Expr, truth: sp.Expr, all_vars: list[sp.Symbol],
                     point: dict[sp.Symbol, sp.Expr]) -> bool | None:
    """Is the hand-written formula the true derivative? Compared at random points near
    the given one (exact equality of formulas is undecidable in general): False when
    they differ somewhere, True when they agree at several points, None if unsure."""
    if hand - truth == 0:
        return True
    rng = np.random.default_rng(12345)
    center = np.array([float(sp.N(point[v], 17)) for v in all_vars])
    try:
        fh = compile_numpy(hand, all_vars)
        ft = compile_numpy(truth, all_vars)
    except (TypeError, ValueError, NameError, SyntaxError, NotImplementedError):
        return None  # NotImplementedError: a construct numpy code cannot express
    agree = 0
    with np.errstate(all="ignore"):
        for _ in range(8):
            p = center + rng.standard_normal(center.size) * np.maximum(1.0, np.abs(center)) * 0.5
            try:
                a, b = complex(fh(*p)), complex(ft(*p))
            except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError):
                continue  # NameError: a function numpy code lacks
            if not (np.isfinite(a) and np.isfinite(b)) or a.imag or b.imag:
                continue
            if abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)):
                return False
            agree += 1
    return True if agree >= 3 else None


def _diagnose(hand: sp.Expr, truth: sp.Expr) -> str | None:
    """A likely mistake, in words: sign error, off by a factor, missing factor, dropped term."""
    try:
        with time_limit(DIAGNOSIS_SECONDS, "the diagnosis"):
            return _diagnosis(hand, truth)
    except (ComputationTimeout, CalcError):
        return None
    except (TypeError, ValueError, ZeroDivisionError, RecursionError):
        return None


def _diagnosis(hand: sp.Expr, truth: sp.Expr) -> str | None:
    if hand == 0:
        return "yours is 0 but the true derivative is not"
    if truth == 0:
        return "the true derivative is 0 here: the variable does not appear in f"
    ratio = sp.simplify(truth / hand)
    if ratio.is_number:
        if ratio == -1:
            return "sign error: yours is minus the true derivative"
        return f"off by a constant factor: the true derivative is {sp.sstr(ratio)} × yours"
    if sp.count_ops(ratio) <= 8:
        numer, denom = sp.fraction(sp.factor(ratio))
        if denom == 1:
            return f"missing factor {sp.sstr(ratio)} (a chain-rule or power-rule factor?)"
        if numer == 1 or numer.is_number:
            return f"extra factor {sp.sstr(1 / ratio)}"
    difference = sp.expand(truth - hand)
    truth_terms = set(sp.Add.make_args(sp.expand(truth)))
    hand_terms = set(sp.Add.make_args(sp.expand(hand)))
    diff_terms = set(sp.Add.make_args(difference))
    if diff_terms <= truth_terms:
        return f"missing term {sp.sstr(difference)} (a dropped term?)"
    if {-t for t in diff_terms} <= hand_terms:
        return f"extra term {sp.sstr(-difference)}"
    if sp.count_ops(difference) <= 12:
        return f"the true derivative is yours + {sp.sstr(sp.factor(difference))}"
    return None


# --------------------------------------------------------------------------- Python code


@noting
def gradcheck_function(f: Callable[[np.ndarray], Any] | uc.UserCode,
                       grad: Callable[[np.ndarray], Any] | uc.UserCode,
                       x: uc.UserPoint | np.ndarray | Sequence[float],
                       options: CheckOptions = CheckOptions(),
                       sampling: Sampling = Sampling(), *, progress: Progress | None = None,
                       budget: float | None = None) -> GradcheckResult:
    """The gradient `grad` returns against finite differences of `f` at `x`.

    `f` takes a numpy array (of x's shape) and returns a number, `grad` the
    array of its partial derivatives; either a Python callable or user code
    loaded with `engines.usercode` (an exception raised inside is reported as
    a UserCodeError with their traceback). `progress(done, total)` follows a
    full check; `budget` (seconds) refuses one that would clearly take
    longer, before starting it.
    """
    say = options.spelling
    sampling.check(say)
    code = uc.from_callable(f, param="f")
    point = uc.user_point(x, param="x")
    complex_hint = (f"{say.given('method', 'complex')} passes complex arrays; if your code "
                    f"cannot take them, use {say.given('method', 'central')} or richardson")
    loss = uc.UserFunction(code, what="the loss", complex_hint=complex_hint)
    g = uc.UserGradient(uc.from_callable(grad, param="grad"))
    return _check_function(loss, g, point, options, sampling, progress=progress, budget=budget)


def gradcheck_vjp(f: Callable[[np.ndarray], Any] | uc.UserCode,
                  vjp: Callable[[np.ndarray, np.ndarray], Any] | uc.UserCode,
                  x: uc.UserPoint | np.ndarray | Sequence[float],
                  options: CheckOptions = CheckOptions(), sampling: Sampling = Sampling(), *,
                  progress: Progress | None = None,
                  budget: float | None = None) -> GradcheckResult:
    """A vector-Jacobian product against finite differences: `f` takes the point and
    returns m numbers, `vjp(x, u)` returns J(x)^T u (one number per parameter), the
    product backprop computes. One random unit cotangent u (from `sampling.seed`) turns
    it into a gradient check of phi(x) = u . f(x), whose gradient is J^T u: every
    component, `points` of them, or with `fast` random directions v, comparing
    (J^T u) . v with the derivative of u . f along v. A wrong row or column of J
    changes J^T u for almost every u, so one u suffices (its components have size
    ~1/sqrt(m): the resolution accounts for it, measured on phi)."""
    from calctool.core.engines.arraylike import to_numpy

    fcode = uc.from_callable(f, param="f")
    vcode = uc.from_callable(vjp, param="vjp")
    point = uc.user_point(x, param="x")
    with uc.redirected_stdout():
        probe = uc.UserFunction(fcode, what="f")._call(point.values.copy())
    try:
        m = int(np.asarray(to_numpy(probe), dtype=np.float64).size)
    except (TypeError, ValueError):
        raise UsageError(f"{fcode.label} returned {type(probe).__name__}; with a VJP it must "
                         "return its m outputs (numbers)", code="bad_output") from None
    u = np.random.default_rng([sampling.seed, 4]).standard_normal(m)
    u /= np.linalg.norm(u)
    ffn, vfn = fcode.fn, vcode.fn

    def phi(z: np.ndarray) -> Any:
        out = np.asarray(to_numpy(ffn(z)))
        if np.iscomplexobj(z):
            return complex(u @ out.reshape(-1))
        return float(u @ np.asarray(out, dtype=np.float64).reshape(-1))

    def phi_grad(z: np.ndarray) -> Any:
        return vfn(z, u.copy())

    phi.__wrapped__ = ffn  # type: ignore[attr-defined]  # names the parameters as f does
    loss = uc.UserFunction(dataclasses.replace(fcode, fn=phi), what="u·f(x)")
    g = uc.UserGradient(dataclasses.replace(vcode, fn=phi_grad))
    result = _check_function(loss, g, point, options, sampling, progress=progress,
                             budget=budget)
    note = (f"checked J^T u (your {vcode.label}) as the gradient of u·f(x) for one random "
            f"unit cotangent u of the {m} outputs (seed {sampling.seed})")
    return dataclasses.replace(result, vjp=True, notes=(note, *result.notes))


def _check_function(f: uc.UserFunction, g: uc.UserGradient, point: uc.UserPoint,
                    options: CheckOptions, sampling: Sampling, *, progress: Progress | None,
                    budget: float | None) -> GradcheckResult:
    say = options.spelling
    method = options.method_for(fast=sampling.fast)
    code = f.code
    x = point.values
    base = uc.param_name(f.fn)
    seed = sampling.seed
    start = time.perf_counter()
    with uc.redirected_stdout():
        f0, seconds = uc.timed_call(f, x.copy())
        uc.finite_or_raise(f0, f"{code.label}(x)")
        analytic_full = g(x.copy())
        if sampling.fast:
            k = sampling.points or DEFAULT_DIRECTIONS
            sample = fd.directional_derivatives(f, x, k=k, seed=seed,
                                                method=method,
                                                h=options.eps)
            check = fd.compare_directional(sample, analytic_full, rtol=options.rtol or None,
                                           atol=options.atol or None)
            components = tuple(_direction(j, d) for j, d in enumerate(check.directions))
            failing = tuple(j for j, d in enumerate(check.directions) if not d.passed)
            finite = analytic_full[np.isfinite(analytic_full)]
            rms = float(np.sqrt(np.mean(finite * finite))) if finite.size else 0.0
            tolerance = float(np.median([d.tolerance for d in check.directions]))
            # One component off by delta moves u.g by u_i delta, |u_i| ~ 1/sqrt(n).
            resolution = tolerance * math.sqrt(x.size) / rms if rms > 0 else None
            per = [(1 + 1 / KAPPA) * d.tolerance * math.sqrt(x.size) / rms if rms > 0
                   else math.inf for d in check.directions]
            components = tuple(dataclasses.replace(c, resolution=r, weak=c.passed and r >
                                                   options.resolution)
                               for c, r in zip(components, per))
            n_weak = sum(1 for c in components if c.weak)
            weak = check.passed and (n_weak > 0 or rms == 0)
            worst = max(per, default=math.inf)
            notes = _precision_notes(f, worst, "RMS(∇f)", options, weak, weak=n_weak)
            return GradcheckResult(
                input=code.text, expression=None, mode="function", fast=True,
                passed=check.passed and not weak, inconclusive=weak,
                resolution_threshold=options.resolution, precision=_low_precision(f),
                notes=notes, weak=n_weak,
                components=components, max_abs_error=check.max_abs_error,
                max_rel_error=check.max_rel_error, method=method, eps=options.eps,
                rtol=options.rtol, atol=options.atol, kappa=KAPPA, n=x.size, checked=k,
                failed=len(failing), failing=failing, shown="all",
                evaluations=f.calls, gradient_evaluations=g.inner.calls, func=code.text,
                grad=g.inner.code.text, point_source=point.source, shape=x.shape, seed=seed,
                noise_level=check.noise_level, resolution=resolution,
                seconds=time.perf_counter() - start)
        n = x.size
        if sampling.points is not None and sampling.points < n:
            rng = np.random.default_rng([seed, 2])
            idx = np.sort(rng.choice(n, size=sampling.points, replace=False))
        else:
            idx = np.arange(n)
        _refuse_if_too_slow(len(idx), seconds, method, budget, code.label, n, say)
        fdres = fd.gradient(f, x, method=method,
                            h=options.eps, progress=progress, indices=idx)
    numeric = np.asarray(fdres.values, dtype=np.float64)
    error = np.asarray(fdres.error_estimates, dtype=np.float64)
    steps = np.asarray(fdres.steps, dtype=np.float64)
    analytic = analytic_full[idx]
    finite = analytic_full[np.isfinite(analytic_full)]
    rms = float(np.sqrt(np.mean(finite * finite))) if finite.size else 0.0
    tol = options.tolerance(analytic, numeric, error, rms)
    abs_err = np.abs(analytic - numeric)
    rel_err = _rel(abs_err, analytic, numeric)
    ok = abs_err <= tol
    failing_pos = np.flatnonzero(~ok)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), RESOLUTION_FLOOR * rms)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = np.where(scale > 0, (1 + 1 / KAPPA) * tol / np.where(scale > 0, scale, 1.0),
                       np.inf)
    res = np.where(np.isnan(res), np.inf, res)
    weak_mask = ok & (res > options.resolution)
    inconclusive = not failing_pos.size and bool(np.any(weak_mask))
    worst = int(np.argmax(res)) if res.size else 0
    if len(idx) <= SHOW_ALL_UP_TO:
        shown_pos = np.arange(len(idx))
        shown = "all"
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(tol > 0, abs_err / np.where(tol > 0, tol, 1.0), np.inf)
        ratio = np.where(np.isnan(ratio), np.inf, ratio)
        shown_pos = np.argsort(-ratio, kind="stable")[:WORST_SHOWN]
        shown = "worst"
    components = tuple(
        Component(name=uc.component_name(base, int(idx[p]), x.shape),
                  analytic=float(analytic[p]),
                  numeric=float(numeric[p]), abs_error=float(abs_err[p]),
                  rel_error=float(rel_err[p]), passed=bool(ok[p]), tolerance=float(tol[p]),
                  index=int(idx[p]), step=float(steps[p]), resolution=float(res[p]),
                  weak=bool(weak_mask[p]))
        for p in shown_pos)
    worst_name = uc.component_name(base, int(idx[worst]), x.shape) if res.size else ""
    worst_res = float(res[worst]) if res.size else None
    notes = _precision_notes(f, worst_res, worst_name, options,
                             inconclusive, weak=int(np.count_nonzero(weak_mask)))
    return GradcheckResult(
        input=code.text, expression=None, mode="function", fast=False,
        passed=not failing_pos.size and not inconclusive, inconclusive=inconclusive,
        resolution=worst_res, resolution_threshold=options.resolution,
        precision=_low_precision(f), notes=notes, weak=int(np.count_nonzero(weak_mask)),
        components=components, max_abs_error=_max(abs_err),
        max_rel_error=_max(rel_err), method=method, eps=options.eps, rtol=options.rtol,
        atol=options.atol, kappa=KAPPA, n=n, checked=len(idx), failed=int(failing_pos.size),
        failing=tuple(int(idx[p]) for p in failing_pos[:GradcheckResult.MAX_FAILING]),
        shown=shown, sampled=len(idx) < n, evaluations=f.calls,
        gradient_evaluations=g.inner.calls, func=code.text, grad=g.inner.code.text,
        point_source=point.source, shape=x.shape,
        seed=seed if (point.seed is not None or len(idx) < n) else None,
        seconds=time.perf_counter() - start)


def _low_precision(f: uc.UserFunction) -> str | None:
    """The dtype f returns when it is a float narrower than float64 (float32, float16)."""
    dtype = getattr(f, "dtype", None)
    if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
        return str(dtype)
    return None


def _precision_notes(f: uc.UserFunction, resolution: float | None, where: str,
                     options: CheckOptions, inconclusive: bool, *,
                     weak: int = 0) -> tuple[str, ...]:
    """What the resolution says, in words: the worst one, whether it makes the verdict
    INCONCLUSIVE, and float32 when f returns it."""
    notes = []
    low = _low_precision(f)
    if low is not None:
        notes.append(f"f returns {low}: its rounding (~{float(np.finfo(low).eps):.0e} relative) "
                     "is what the finite differences see; evaluate it in float64 if it "
                     "accepts it (cast the parameters and data with .astype(np.float64))")
    if resolution is None:
        return tuple(notes)
    threshold = f"{options.resolution:g}"
    say = options.spelling
    fast = where == "RMS(∇f)"
    if fast:
        seen = (f"this check cannot see one component off by less than ~{resolution:.0e} × "
                "RMS(∇f)")
    else:
        seen = f"this check cannot see relative errors below {resolution:.1e} on {where}"
    if fast and not inconclusive:
        return tuple(notes)  # the view says the fast mode's resolution with its noise
    if inconclusive:
        noisy = f"f is noisy ({low})" if low else "the rounding noise of f is too large here"
        many = (f"; {weak:,} {'directions' if fast else 'components'} have a resolution "
                "worse than" if weak > 1 else ", worse than")
        notes.append(f"INCONCLUSIVE: {noisy}: {seen}{many} the threshold {threshold} "
                     f"(loosen it with {say.usage('resolution', 'R')} to accept this)")
    else:
        notes.append(f"resolution: {seen}")
    return tuple(notes)


def _direction(j: int, d: fd.DirectionRecord) -> Component:
    abs_error = d.abs_error
    scale = max(abs(d.analytic), abs(d.numeric))
    rel = abs_error / scale if scale > 0 else (0.0 if abs_error == 0 else math.inf)
    return Component(name=f"direction {j + 1}", analytic=d.analytic, numeric=d.numeric,
                     abs_error=abs_error, rel_error=rel, passed=d.passed,
                     tolerance=d.tolerance, step=d.step, noise_floor=d.noise_floor)


def _refuse_if_too_slow(m: int, seconds: float, method: str, budget: float | None,
                        label: str, n: int, say: Spelling) -> None:
    """A full check that would clearly outlive the time limit is refused before it starts."""
    evaluations = PER_COMPONENT[method] * m + 11
    estimate = evaluations * seconds
    if budget is None or estimate <= 1.5 * budget:
        return
    per = f"{seconds * 1e3:.2g} ms" if seconds < 1 else f"{seconds:.2g} s"
    fast, points, timeout = say.name("fast"), say.name("points"), say.name("timeout")
    raise ComputeError(
        f"checking all {m:,} components needs about {evaluations:,} evaluations of {label} "
        f"(~{estimate:,.0f} s at {per} each), more than {timeout} {budget:g} s allows",
        code="too_slow",
        hint=f"{fast} checks {DEFAULT_DIRECTIONS} random directional derivatives with ~"
             f"{12 + 6 * DEFAULT_DIRECTIONS} evaluations whatever n is; "
             f"{say.usage('points', 'K')} checks K random components; or raise {timeout}"
             if m == n else
             f"use {fast}, fewer {points}, or raise {timeout}")
