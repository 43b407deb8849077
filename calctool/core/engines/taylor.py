"""Taylor, Laurent and Puiseux series, checked against the function itself.

One variable: f(a + t) is expanded in t with sympy's `series` and every term
of exponent below N + 1 is kept, so the remainder is O((x - a)^(N+1)). The
exponents say what kind of series it is: non-negative integers only, Taylor
(Maclaurin about 0); a negative integer, Laurent (f has a pole at a); a
fraction, Puiseux (a branch point); a log(x - a) in a coefficient, a
logarithmic expansion (no power series exists).

sympy expands from above (t > 0) and in the complex plane, so its answer is
never shown unchecked: `check_one` evaluates f and the series at
a ± h for shrinking h, in high-precision arithmetic (mpmath through sympy's
evalf, from exact points), and requires the error to shrink like h^(N+1).
A series that fails the check on a side where f is real is not the series of
f there.

Several variables: the Taylor polynomial from partial derivatives at the
point (sum over |α| ≤ N of D^α f(a) (x - a)^α / α!), checked the same way
along fixed directions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement

import sympy as sp
from sympy.core.function import PoleError

from calctool.core.budget import time_limit
from calctool.core.errors import ComputationTimeout, ComputeError, DomainError
from calctool.core.expr.functions import to_elementary

MAX_ORDER = 30
MAX_ORDER_SEVERAL = 6
# The check: f and the series at a ± H0 / 2^k, k = 0..CHECK_STEPS.
H0 = sp.Rational(1, 100)
CHECK_STEPS = 6
# The error must fall at least like h^(N + 1 - SLACK) over the last halving of h
# (a log factor in the remainder, x^(N+1)·log x, costs a little of the order).
SLACK = sp.Rational(1, 4)
# A logarithmic expansion's remainder is h^(N+1)·(log h)^m: its order only has to beat N.
LOG_SLACK = sp.Rational(99, 100)
GUARD_DIGITS = 30
# Derivatives are spelt out (remainder, --steps) only while they stay this small.
MAX_DERIVATIVE_OPS = 300

Number = sp.Expr


@dataclass(frozen=True)
class Term:
    """coefficient · (x - a)^exponent; the coefficient may hold log(x - a) (kind "log")."""

    coefficient: sp.Expr
    exponent: sp.Rational


@dataclass(frozen=True)
class CheckRow:
    h: sp.Rational  # signed: a + h is the point
    error: float | None  # |f(a + h) - P(a + h)|; None where f has no real value


@dataclass(frozen=True)
class Check:
    """Numeric evidence that the series is f's: the error against h on each side."""

    rows: tuple[CheckRow, ...]
    order: int
    observed: dict[str, float | None]  # side -> the error's order between the last two rows
    passed: dict[str, bool | None]  # side -> passed; None: f has no real values there
    digits: int  # working precision

    @property
    def ok(self) -> bool:
        return any(self.passed.values()) and all(v is not False for v in self.passed.values())

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(s for s, v in self.passed.items() if v)


@dataclass(frozen=True)
class Expansion:
    """The series of f about a in one variable, to O((x - a)^(order+1))."""

    terms: tuple[Term, ...]
    kind: str  # taylor, laurent, puiseux, log
    pole_order: int  # laurent: the order of the pole
    removable: bool  # taylor, but f itself has no value at a (sin(x)/x at 0)


def shift(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, t: sp.Symbol) -> sp.Expr:
    return to_elementary(expr).xreplace({x: a + t})


def expand_one(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, order: int,
               reflect: bool = False) -> Expansion:
    """The terms of f(a + t) of exponent < order + 1, and what kind of series they form;
    with `reflect`, of f(a - t): the series in powers of a - x, for f real below a."""
    t = sp.Symbol("t", real=True)
    g = shift(expr, x, a, -t if reflect else t)
    try:
        s = sp.series(g, t, 0, order + 1)
    except (PoleError, NotImplementedError, ValueError, TypeError, ZeroDivisionError) as exc:
        raise ComputeError(f"sympy could not expand {sp.sstr(expr)} about {x} = {sp.sstr(a)} "
                           f"({type(exc).__name__}: {exc})", code="unsupported") from None
    body = s.removeO()
    if body.has(sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity):
        raise DomainError(f"{sp.sstr(expr)} has no series about {x} = {sp.sstr(a)}: its "
                          "expansion has no finite coefficients", code="undefined")
    terms: dict[sp.Rational, sp.Expr] = {}
    has_log = False
    log_t = sp.Dummy("log_t")
    for piece in sp.Add.make_args(sp.expand(body)):
        coeff, exponent = piece.xreplace({sp.log(t): log_t}).as_coeff_exponent(t)
        coeff = coeff.xreplace({log_t: sp.log(t)})
        if coeff.has(t):
            logs = [f for f in coeff.atoms(sp.log) if f.has(t)]
            rest = coeff.xreplace({f: sp.Dummy() for f in logs})
            if logs and all(f.args[0] == t for f in logs) and not rest.has(t):
                has_log = True
            else:
                raise ComputeError(
                    f"{sp.sstr(expr)} has no power series about {x} = {sp.sstr(a)}: its "
                    f"expansion has the term {sp.sstr(piece.xreplace({t: x - a}))} "
                    "(an essential singularity or worse)", code="unsupported")
        if not exponent.is_Rational:
            raise ComputeError(f"{sp.sstr(expr)} about {x} = {sp.sstr(a)}: a term with the "
                               f"exponent {sp.sstr(exponent)} is not a power series term",
                               code="unsupported")
        if exponent < order + 1:
            terms[exponent] = terms.get(exponent, sp.Integer(0)) + coeff
    kept = tuple(Term(sp.simplify(c) if _small(c) else c, e)
                 for e, c in sorted(terms.items()) if c != 0)
    exponents = [term.exponent for term in kept]
    if has_log:
        kind = "log"
    elif any(not e.is_Integer for e in exponents):
        kind = "puiseux"
    elif any(e < 0 for e in exponents):
        kind = "laurent"
    else:
        kind = "taylor"
    pole = int(-min(exponents)) if kind == "laurent" else 0
    removable = False
    if kind == "taylor":
        at_a = to_elementary(expr).xreplace({x: a})
        removable = at_a.has(sp.zoo, sp.nan) or bool(at_a.is_finite is False)
    return Expansion(kept, kind, pole, removable)


def _small(c: sp.Expr) -> bool:
    return sp.count_ops(c) < 40


def term_expr(term: Term, base: sp.Expr) -> sp.Expr:
    """The term as an expression in `base` (x - a, or t)."""
    return term.coefficient * base ** term.exponent


def polynomial(terms: Sequence[Term], base: sp.Expr) -> sp.Expr:
    return sp.Add(*(term_expr(term, base) for term in terms))


# ---------------------------------------------------------------------------
# The numeric check


def check_one(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, terms: Sequence[Term],
              order: int, slack: sp.Rational = SLACK, reflect: bool = False) -> Check:
    """|f(a ± h) - P(a ± h)| for h = H0/2^k in high precision, and its order in h:
    at least N + 1 - `slack` (a remainder with powers of log h needs more slack)."""
    t = sp.Symbol("t", real=True)
    f = to_elementary(expr)
    p = polynomial(terms, t)
    hs = [H0 / 2 ** k for k in range(CHECK_STEPS + 1)]
    digits = GUARD_DIGITS + math.ceil((order + 2) * math.log10(float(1 / hs[-1])))
    rows: list[CheckRow] = []
    observed: dict[str, float | None] = {}
    passed: dict[str, bool | None] = {}
    for side, sign in (("+", 1), ("-", -1)):
        errors: list[float | None] = []
        for h in hs:
            fv = _real(f.xreplace({x: a + sign * h}), digits)
            at_t = -sign * h if reflect else sign * h  # the series is in powers of t
            pv = _real(p.xreplace({t: at_t}), digits) if fv is not None else None
            if fv is None:
                errors.append(None)
            elif pv is None:
                errors.append(math.inf)
            else:
                noise = sp.Float(10, digits) ** (-(digits - 8)) * max(1, abs(fv))
                e = abs(fv - pv)
                errors.append(0.0 if e <= noise else float(e))
            rows.append(CheckRow(sign * h, errors[-1]))
        if any(e is None for e in errors):
            observed[side], passed[side] = None, None
            continue
        values = [float(e) for e in errors]  # type: ignore[arg-type]
        p_obs, ok = _order_of(values, hs, order, slack)
        observed[side], passed[side] = p_obs, ok
    return Check(tuple(rows), order, observed, passed, digits)


def _order_of(errors: Sequence[float], hs: Sequence[sp.Rational], order: int,
              slack: sp.Rational) -> tuple[float | None, bool]:
    """The error's order between the last two steps, and whether it is at least N + 1."""
    if any(math.isinf(e) or math.isnan(e) for e in errors):
        return None, False
    if errors[-1] == 0.0:
        # Exact at the smallest steps (f is the polynomial, or its error is beyond
        # the working precision): the larger steps must be small too.
        return None, all(e == 0.0 or e < 1e-20 for e in errors[-3:])
    if errors[-2] == 0.0:
        return None, False
    ratio = float(hs[-2] / hs[-1])
    p_obs = math.log(errors[-2] / errors[-1]) / math.log(ratio)
    return p_obs, p_obs >= order + 1 - float(slack)


def _real(e: sp.Expr, digits: int) -> sp.Float | None:
    """A real value in `digits`-digit arithmetic, or None (undefined, complex)."""
    try:
        v = sp.N(e, digits)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if v.has(sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity) or not v.is_number:
        return None
    re_part, im_part = v.as_real_imag()
    if not (re_part.is_Number and im_part.is_Number):
        return None
    floor = sp.Float(10, digits) ** (-(digits - 8)) * max(1, abs(re_part))
    if im_part != 0 and abs(im_part) > floor:
        return None
    return sp.Float(re_part, digits)


def value_at(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr], digits: int) -> sp.Float | None:
    """f at the point, real, in `digits`-digit arithmetic (mpmath through evalf)."""
    return _real(to_elementary(expr).xreplace(point), digits)


# ---------------------------------------------------------------------------
# Taylor coefficients from derivatives (the textbook way, and a second check)


@dataclass(frozen=True)
class DerivativeRow:
    k: int
    derivative: sp.Expr  # f^(k)(x)
    value: sp.Expr  # f^(k)(a)
    coefficient: sp.Expr  # f^(k)(a) / k!


def derivative_rows(expr: sp.Expr, x: sp.Symbol, a: sp.Expr,
                    order: int) -> tuple[DerivativeRow, ...]:
    """f^(k)(a)/k! for k = 0..order (fewer when the derivatives grow past
    MAX_DERIVATIVE_OPS); raises DomainError where f^(k)(a) has no value."""
    rows = []
    d = expr
    for k in range(order + 1):
        if k:
            d = sp.diff(d, x)
            if sp.count_ops(d) > MAX_DERIVATIVE_OPS:
                break  # the rest would be too long to show (and to compute)
        value = sp.simplify(d.xreplace({x: a})) if _small(d) else d.xreplace({x: a})
        if value.has(sp.zoo, sp.nan) or value.is_finite is False:
            raise DomainError(f"f^({k})({sp.sstr(a)}) has no value", code="undefined")
        rows.append(DerivativeRow(k, d, value, value / sp.factorial(k)))
    return tuple(rows)


def lagrange_derivative(expr: sp.Expr, x: sp.Symbol, order: int,
                        max_ops: int = MAX_DERIVATIVE_OPS) -> sp.Expr | None:
    """f^(N+1)(x), for the remainder f^(N+1)(ξ)/(N+1)!·(x - a)^(N+1); None when it grows
    past `max_ops` operations on the way (tan's 16th derivative takes sympy minutes)."""
    d = expr
    for _ in range(order + 1):
        d = sp.diff(d, x)
        if sp.count_ops(d) > max_ops:
            return None
    return d


def lagrange_bound(derivative: sp.Expr, x: sp.Symbol, a: sp.Expr, at: sp.Expr, order: int,
                   samples: int = 101) -> sp.Float | None:
    """max |f^(N+1)| sampled on [a, X] times |X - a|^(N+1)/(N+1)! (an estimate:
    the maximum is taken over `samples` points, not proved)."""
    if at == a:
        return sp.Float(0)
    f = to_elementary(derivative)
    if not _continuous_between(f, x, a, at):
        return None  # a pole or jump in between: no finite maximum, no Lagrange bound
    biggest = sp.Float(0, 20)
    for j in range(samples):
        xi = a + (at - a) * sp.Rational(j, samples - 1)
        v = _real(f.xreplace({x: xi}), 20)
        if v is None:
            return None
        biggest = max(biggest, abs(v))
    return sp.Float(biggest * abs(sp.N(at - a, 20)) ** (order + 1) / sp.factorial(order + 1), 20)


def _continuous_between(f: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr) -> bool:
    """f continuous on the closed interval between a and b (False when sympy cannot
    tell): sampling alone misses a pole between two samples (tan on [0, 2])."""
    from sympy.calculus.util import continuous_domain

    lo, hi = (a, b) if bool(a < b) else (b, a)
    interval = sp.Interval(lo, hi)
    try:
        with time_limit(2.0):
            return bool(interval.is_subset(continuous_domain(f, x, interval)))
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
        return False


# ---------------------------------------------------------------------------
# Several variables


@dataclass(frozen=True)
class MultiExpansion:
    """f's Taylor polynomial about a point, by total degree: degree -> terms."""

    value: sp.Expr
    gradient: tuple[sp.Expr, ...]
    hessian: sp.Matrix | None  # order >= 2
    by_degree: tuple[tuple[sp.Expr, ...], ...]  # degree k -> the terms of degree k


def expand_many(expr: sp.Expr, variables: Sequence[sp.Symbol], point: dict[sp.Symbol, sp.Expr],
                order: int) -> MultiExpansion:
    """sum over |α| ≤ N of D^α f(a)/α! · (x - a)^α, from partial derivatives at a."""
    f = to_elementary(expr)

    def at_point(e: sp.Expr, what: str) -> sp.Expr:
        v = e.xreplace(point)
        v = sp.simplify(v) if _small(v) else v
        if v.has(sp.zoo, sp.nan) or v.is_finite is False:
            raise DomainError(f"{what} has no value at the point, so f has no Taylor "
                              "polynomial there", code="undefined")
        if v.has(sp.DiracDelta):
            raise DomainError(f"{what} does not exist at the point (f has a kink or a jump "
                              "there), so f has no Taylor polynomial there", code="undefined")
        return v

    value = at_point(f, "f")
    by_degree: list[tuple[sp.Expr, ...]] = [(value,)]
    gradient: tuple[sp.Expr, ...] = ()
    hessian = None
    derivatives: dict[tuple[sp.Symbol, ...], sp.Expr] = {(): f}
    for k in range(1, order + 1):
        terms = []
        for combo in combinations_with_replacement(variables, k):
            d = sp.diff(derivatives[combo[:-1]], combo[-1])
            derivatives[combo] = d
            label = ("∂f/" if k == 1 else f"∂^{k}f/") + "".join(f"∂{v}" for v in combo)
            c = at_point(d, label)
            multiplicity = sp.Integer(1)
            for v in set(combo):
                multiplicity *= sp.factorial(combo.count(v))
            monomial = sp.Mul(*((v - point[v]) ** combo.count(v) for v in set(combo)))
            if c != 0:
                terms.append(c / multiplicity * monomial)
        by_degree.append(tuple(terms))
        if k == 1:
            gradient = tuple(at_point(derivatives[(v,)], f"∂f/∂{v}") for v in variables)
        if k == 2:
            n = len(variables)
            hessian = sp.Matrix(n, n, lambda i, j: derivatives[
                tuple(sorted((variables[i], variables[j]), key=variables.index))].xreplace(point))
    return MultiExpansion(value, gradient, hessian, tuple(by_degree))


def directions(n: int) -> list[tuple[sp.Rational, ...]]:
    """Fixed directions for the check: each axis, and one with every coordinate moving."""
    out = [tuple(sp.Integer(1 if i == j else 0) for i in range(n)) for j in range(n)]
    out.append(tuple(sp.Rational(1 + i, n + 1) * (-1) ** i for i in range(n)))
    return out


def check_many(expr: sp.Expr, variables: Sequence[sp.Symbol], point: dict[sp.Symbol, sp.Expr],
               poly: sp.Expr, order: int) -> tuple[Check, ...]:
    """The one-variable check along each direction d: f(a + s·d) against P(a + s·d)."""
    s = sp.Symbol("s", real=True)
    checks = []
    for d in directions(len(variables)):
        line = {v: point[v] + s * c for v, c in zip(variables, d)}
        f_line = to_elementary(expr).xreplace(line)
        p_line = sp.expand(poly.xreplace(line))
        terms = [Term(c, sp.Integer(e[0]) if e else sp.Integer(0))
                 for e, c in sp.Poly(p_line, s).terms()]
        checks.append(check_one(f_line, s, sp.Integer(0), terms, order))
    return tuple(checks)
