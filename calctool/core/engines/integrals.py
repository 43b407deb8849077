"""Antiderivatives that are checked, and definite integrals that are cross-examined.

* `antiderivative(f, x)`: sympy's antiderivative, in real form for real input
  (log|u| where u takes negative values on the domain of f), shown only after
  it is verified: F' - f simplifies to 0, and F' equals f at random real points
  of the domain of f (30-digit arithmetic). What cannot be verified is never
  returned: `NotVerified` carries the evidence.
* `definite(f, x, a, b)`: the points in [a, b] where f is not continuous (poles,
  log and sqrt domain edges) split the interval; each piece is F(q⁻) - F(p⁺)
  with one-sided limits, so a pole inside is never integrated across and a
  divergent piece says which end diverges and why. Every convergent answer is
  cross-checked against mpmath quadrature over the same pieces (independent
  numeric evidence); when there is no elementary closed form the quadrature
  value is the answer, with its error estimate, marked numeric.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import sympy as sp

from calctool.core.budget import time_limit
from calctool.core.errors import ComputationTimeout, ComputeError, DomainError
from calctool.core.expr.functions import to_elementary

DIGITS = 30  # working precision of the checks (decimal digits)
CHECK_POINTS = 8  # random points where F' is compared with f
MIN_CHECK_POINTS = 3
# Points far out, checked besides the random ones: a formula by cases (sympy's
# antiderivative of |sin x|) can be right near 0 and wrong a few periods away.
FAR_POINTS = (-41.3, -13.9, -7.7, -4.1, 7.3, 11.2, 17.9, 97.7)
CHECK_RTOL = 1e-12  # at 30 digits, F'(x) and f(x) agree to far better than this
QUAD_DIGITS = 30
SEED = 20261129

# Functions that are themselves defined by an integral: a value written with them is
# exact, but it is not an elementary closed form (Si(1) is "the integral of sin(x)/x").
SPECIAL = (sp.Si, sp.Ci, sp.Shi, sp.Chi, sp.Ei, sp.li, sp.Li, sp.erf, sp.erfc, sp.erfi,
           sp.fresnels, sp.fresnelc, sp.expint, sp.polylog, sp.uppergamma, sp.lowergamma,
           sp.hyper, sp.meijerg, sp.elliptic_e, sp.elliptic_f, sp.elliptic_k, sp.zeta,
           sp.polygamma, sp.LambertW, sp.besselj, sp.bessely, sp.besseli, sp.besselk)

ABS_NOTE = ("convention: for real x, ∫ u'/u dx = ln|u| + C on each interval where u ≠ 0 "
            "(the constant may differ from one interval to the next)")


class NotVerified(ComputeError):
    """An antiderivative (or a definite value) that could not be confirmed: exit 3."""

    code = "not_verified"


# ---------------------------------------------------------------------------
# Numbers


def value(e: sp.Basic, point: dict[sp.Symbol, sp.Expr], digits: int = DIGITS) -> float | None:
    """e at the point as a real float, or None (not real, not finite, not computable)."""
    try:
        v = sp.N(e.xreplace(point), digits)
    except (TypeError, ValueError, ArithmeticError, NotImplementedError, AttributeError):
        return None
    if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.AccumBounds):
        return None
    re_part, im_part = v.as_real_imag()
    try:
        if abs(float(im_part)) > 1e-25 * max(1.0, abs(float(re_part))):
            return None
        number = float(re_part)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return number


def parameters(f: sp.Expr, x: sp.Symbol) -> list[sp.Symbol]:
    return sorted((s for s in f.free_symbols if s != x), key=str)


def _random_point(x: sp.Symbol, rng: random.Random,
                  fixed: dict[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    scale = rng.choice((0.5, 2.0, 5.0))
    point = {x: sp.Float(rng.uniform(-scale, scale), DIGITS)}
    point.update(fixed)
    return point


def sample_domain(f: sp.Expr, x: sp.Symbol, count: int = CHECK_POINTS,
                  tries: int = 60) -> list[dict[sp.Symbol, sp.Expr]]:
    """Random real points where f has a real finite value (parameters get values in
    [0.5, 2.5], the same at every point)."""
    rng = random.Random(SEED)
    fixed = {p: sp.Float(rng.uniform(0.5, 2.5), DIGITS) for p in parameters(f, x)}
    found: list[dict[sp.Symbol, sp.Expr]] = []
    for _ in range(tries):
        point = _random_point(x, rng, fixed)
        if value(f, point) is not None:
            found.append(point)
            if len(found) >= count:
                break
    return found


# ---------------------------------------------------------------------------
# Antiderivatives


@dataclass(frozen=True)
class CheckPoint:
    x: float
    derivative: float  # F'(x)
    integrand: float  # f(x)


@dataclass(frozen=True)
class Verification:
    """Evidence that F' = f: symbolic (F' - f simplifies to 0) and numeric."""

    symbolic: bool
    points: tuple[CheckPoint, ...]
    max_rel_error: float
    parameters: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "symbolic and numeric" if self.symbolic else "numeric",
            "symbolic": self.symbolic,
            "points": [{"x": p.x, "derivative": p.derivative, "integrand": p.integrand}
                       for p in self.points],
            "max_rel_error": self.max_rel_error,
            **({"parameters": self.parameters} if self.parameters else {}),
        }


@dataclass(frozen=True)
class Antiderivative:
    result: sp.Expr  # without + C
    verification: Verification
    notes: tuple[str, ...] = ()
    raw: sp.Expr | None = None  # sympy's form, before real forms (when different)


def verify(prim: sp.Expr, f: sp.Expr, x: sp.Symbol, *,
           symbolic_seconds: float = 2.0) -> Verification:
    """Check F' = f; raise NotVerified with the evidence when it does not hold."""
    d_prim = sp.diff(prim, x)
    points = sample_domain(f, x)
    fixed_values = {k: v for k, v in points[0].items() if k != x} if points else {}
    points += [{x: sp.Float(t, DIGITS), **fixed_values} for t in FAR_POINTS]
    checked: list[CheckPoint] = []
    worst = 0.0
    for point in points:
        vf = value(f, point)
        vd = value(d_prim, point)
        if vd is None:
            vd = _numeric_derivative(prim, x, point)
        if vf is None or vd is None:
            continue
        if value(prim, point) is None:
            raise NotVerified(
                f"the antiderivative {sp.sstr(prim)} is not real at {x} = "
                f"{float(point[x]):.6g}, where the integrand is",
                code="not_verified", details={"at": float(point[x])})
        err = abs(vd - vf) / max(1.0, abs(vf))
        worst = max(worst, err)
        checked.append(CheckPoint(float(point[x]), vd, vf))
        if err > CHECK_RTOL:
            raise NotVerified(
                f"the antiderivative found does not check out: its derivative is {vd:.15g} "
                f"at {x} = {float(point[x]):.15g}, where the integrand is {vf:.15g}",
                code="not_verified",
                details={"antiderivative": sp.sstr(prim), "at": float(point[x]),
                         "derivative": vd, "integrand": vf})
    if len(checked) < MIN_CHECK_POINTS:
        raise NotVerified(
            f"the antiderivative {sp.sstr(prim)} could not be checked: too few real points "
            "where both the integrand and its derivative have values",
            code="not_verified", details={"antiderivative": sp.sstr(prim)})
    symbolic = False
    try:
        with time_limit(symbolic_seconds):
            symbolic = sp.simplify(d_prim - f) == 0
    except ComputationTimeout:
        symbolic = False
    fixed = {str(k): float(v) for k, v in fixed_values.items()}
    return Verification(symbolic, tuple(checked), worst, fixed)


def _numeric_derivative(prim: sp.Expr, x: sp.Symbol, point: dict[sp.Symbol, sp.Expr]
                        ) -> float | None:
    """F'(x) by mpmath's numeric differentiation (F with floor() and the like)."""
    import mpmath

    others = {k: v for k, v in point.items() if k != x}
    g = prim.xreplace(others)

    def at(t: Any) -> Any:
        v = sp.N(g.xreplace({x: sp.Float(mpmath.nstr(t, 50), 50)}), 45)
        if not v.is_Float:
            raise ValueError
        return mpmath.mpf(str(v))

    try:
        with mpmath.workdps(45):
            return float(mpmath.diff(at, mpmath.mpf(str(point[x])), h=mpmath.mpf("1e-15")))
    except (ValueError, ZeroDivisionError, TypeError):
        return None


def real_forms(prim: sp.Expr, f: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, bool]:
    """log(u) -> log(|u|) wherever u takes negative values on the domain of f.

    d/dx ln|u| = u'/u as d/dx ln(u) is, so the result is still an antiderivative,
    and it is real on every interval of the domain. True when something changed."""
    logs = [g for g in prim.atoms(sp.log) if g.args and g.has(x)]
    if not logs:
        return prim, False
    points = sample_domain(f, x, count=24, tries=120)
    replace: dict[sp.Basic, sp.Basic] = {}
    for lg in logs:
        u = lg.args[0]
        if isinstance(u, sp.Abs) or u.is_nonnegative:
            continue
        for point in points:
            vu = value(u, point)
            if vu is not None and vu < 0:
                replace[lg] = sp.log(sp.Abs(u))
                break
    if not replace:
        return prim, False
    return prim.xreplace(replace), True


def prepare(f: sp.Expr) -> sp.Expr:
    """The integrand in sympy's own functions (sigmoid, relu, real roots rewritten)."""
    return to_elementary(f)


def antiderivative(f: sp.Expr, x: sp.Symbol, *, seconds: float | None = None) -> Antiderivative:
    """A verified antiderivative of f (without + C), in real form.

    Raises NotVerified (exit 3) when sympy finds none (an unevaluated Integral) or
    when what it finds does not check out; ComputationTimeout past `seconds`."""
    g = prepare(f)
    with time_limit(seconds, "finding an antiderivative"):
        prim = sp.integrate(g, x)
    if prim.has(sp.Integral):
        raise NotVerified(f"no antiderivative of {sp.sstr(f)} in closed form was found "
                          "(the computer algebra system returns it unevaluated)",
                          code="no_closed_form")
    notes: list[str] = []
    raw = prim
    prim, changed = real_forms(prim, g, x)
    if prim.has(sp.I):
        prim = _real_part(prim, x)
    verification = verify(prim, g, x)
    if changed:
        notes.append(ABS_NOTE)
    if any(prim.has(s) for s in SPECIAL):
        names = sorted({type(a).__name__ for a in prim.atoms(sp.Function)
                        if isinstance(a, SPECIAL)})
        notes.append("the antiderivative is written with special functions ("
                     + ", ".join(names) + "), themselves defined by integrals")
    return Antiderivative(prim, verification, tuple(notes), raw if raw != prim else None)


def _real_part(prim: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """Re F is an antiderivative of a real f whenever F is: try it in a readable form."""
    try:
        with time_limit(2.0):
            real = sp.simplify(sp.re(sp.expand_complex(prim)))
    except ComputationTimeout:
        return prim
    return real if not real.has(sp.I, sp.re, sp.im) and real.has(x) else prim


# ---------------------------------------------------------------------------
# Definite integrals


@dataclass(frozen=True)
class Piece:
    lo: sp.Expr
    hi: sp.Expr
    exact: sp.Expr | None  # None when found numerically
    numeric: float | None
    error: float | None = None  # a quadrature error estimate


@dataclass(frozen=True)
class Divergence:
    point: sp.Expr  # where the integral diverges (an end, ±oo, or a point inside)
    side: str  # "-" approached from below, "+" from above
    limit: str  # what F does there: "oo", "-oo", "oscillates", "unbounded"
    reason: str
    inside: bool  # a point inside [a, b], not an end
    evidence: tuple[tuple[float, float], ...] = ()  # (distance or x, partial integral)


@dataclass(frozen=True)
class Definite:
    converges: bool
    exact: sp.Expr | None = None  # the exact value (possibly with special functions)
    value: float | None = None  # its numeric value (or the quadrature's, when numeric)
    error: float | None = None  # the quadrature's error estimate (numeric answers)
    numeric: bool = False  # the answer is the quadrature value
    numeric_reason: str | None = None
    closed_form: bool = True  # exact is elementary
    split: tuple[sp.Expr, ...] = ()  # points inside where f is not continuous
    pieces: tuple[Piece, ...] = ()
    divergence: Divergence | None = None
    quadrature: tuple[float, float] | None = None  # mpmath's value and error estimate
    text: str | None = None  # the value to 30 digits
    notes: tuple[str, ...] = ()


def is_special(e: sp.Expr) -> bool:
    return any(isinstance(a, SPECIAL) for a in sp.preorder_traversal(e))


def breakpoints(f: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
                seconds: float = 3.0) -> list[sp.Expr]:
    """The points of [lo, hi] where f is not continuous, in order (ends included if so).

    Raises DomainError when f has no real values on a part of [lo, hi] and
    ComputeError when there are infinitely many such points."""
    from sympy.calculus.util import continuous_domain

    whole = sp.Interval(lo, hi)
    try:
        with time_limit(seconds, "finding where the integrand is not continuous"):
            if f.has(sp.Piecewise):
                bad = _piecewise_bad(f, x, whole)
            else:
                try:
                    good = continuous_domain(f, x, whole)
                except (NotImplementedError, ValueError, TypeError):
                    # sign, Heaviside, floor: bounded jumps (kinks() finds them); without
                    # them sympy can find the poles and domain edges
                    good = continuous_domain(_without_jumps(f), x, whole)
                bad = whole - good
    except ComputationTimeout:
        raise ComputeError("could not find where the integrand is not continuous in time",
                           code="cannot_decide") from None
    except (NotImplementedError, ValueError, TypeError) as exc:
        why = " ".join(str(exc).split())  # sympy's messages start with a line break
        raise ComputeError(f"could not find where the integrand is not continuous ({why})",
                           code="cannot_decide") from None
    if bad is sp.S.EmptySet:
        return []
    if isinstance(bad, sp.FiniteSet):
        points = [p for p in bad if p.is_real]
        return sorted(points, key=lambda p: float(p))
    parts = bad.args if isinstance(bad, sp.Union) else (bad,)
    if any(isinstance(p, sp.Interval) and p.measure != 0 for p in parts):
        where = interval_text(bad)
        raise DomainError(f"the integrand has no real values on {where}, a part of "
                          f"[{sp.sstr(lo)}, {sp.sstr(hi)}]: the integral is undefined there",
                          code="undefined")
    raise ComputeError(f"the integrand is not continuous at infinitely many points of "
                       f"[{sp.sstr(lo)}, {sp.sstr(hi)}] ({sp.sstr(bad)})",
                       code="cannot_decide")


def _piecewise_bad(f: sp.Expr, x: sp.Symbol, whole: sp.Interval) -> sp.Set:
    """Where a piecewise f is not continuous in `whole`, apart from the bounded jumps
    between its pieces (kinks() finds those): each piece's poles and domain edges on
    the closure of the part of `whole` where it applies (1/x for x < 0 blows up at 0)."""
    from sympy.calculus.util import continuous_domain

    folded = sp.piecewise_fold(f)
    if not isinstance(folded, sp.Piecewise) or any(e.has(sp.Piecewise)
                                                   for e, _ in folded.args):
        raise NotImplementedError("a piecewise function inside another expression")
    bad: sp.Set = sp.S.EmptySet
    taken: sp.Set = sp.S.EmptySet
    for e, cond in folded.args:
        region = (sp.S.Reals if cond == sp.true else cond.as_set()).intersect(whole) - taken
        taken = taken.union(region)
        if region.is_empty:
            continue
        closed = region.closure.intersect(whole)
        bad = bad.union(closed - continuous_domain(_without_jumps(e), x, closed))
    return bad


def _without_jumps(f: sp.Expr) -> sp.Expr:
    """f with its bounded jumping parts made smooth: sign(u), Heaviside(u) -> 1 and
    floor(u), ceiling(u) -> u (where the poles are does not depend on them)."""
    return f.replace(sp.sign, lambda *_: sp.S.One).replace(
        sp.Heaviside, lambda *_: sp.S.One).replace(
        lambda e: isinstance(e, (sp.floor, sp.ceiling)), lambda e: e.args[0])


MAX_KINKS = 1000


def kinks(f: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr, seconds: float = 3.0
          ) -> list[sp.Expr]:
    """Points strictly inside (lo, hi) where f has a kink or a bounded jump (|u|, sign,
    Heaviside, max/min, piecewise conditions, floor/ceiling of a linear u): numeric
    quadrature must have them as nodes to be accurate. Best effort: what cannot be
    solved is left out (the cross-check then reports a poor error estimate)."""
    inside = sp.Interval.open(lo, hi)
    targets: list[sp.Expr] = []
    for node in sp.preorder_traversal(f):
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)) and node.args[0].has(x):
            targets.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)) and len(node.args) == 2:
            targets.append(node.args[0] - node.args[1])
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                if isinstance(cond, sp.core.relational.Relational):
                    targets.append(cond.lhs - cond.rhs)
    found: set[sp.Expr] = set()
    try:
        with time_limit(seconds, "finding the kinks of the integrand"):
            for u in targets:
                zeros = sp.solveset(u, x, inside)
                if isinstance(zeros, sp.FiniteSet):
                    found |= {z for z in zeros if z.is_real}
            for node in f.atoms(sp.floor, sp.ceiling):
                found |= _integer_crossings(node.args[0], x, lo, hi)
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
        pass
    return sorted(found, key=lambda p: float(p))[:MAX_KINKS]


def _integer_crossings(u: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> set[sp.Expr]:
    """Where a linear u = c·x + d passes an integer, inside (lo, hi)."""
    if not (u.is_polynomial(x) and sp.degree(u, x) == 1 and lo.is_finite and hi.is_finite):
        return set()
    c, d = sp.Poly(u, x).all_coeffs()
    ends = sorted((float(u.subs(x, lo)), float(u.subs(x, hi))))
    ks = range(math.floor(ends[0]) + 1, math.ceil(ends[1]))
    if len(ks) > MAX_KINKS:
        return set()
    return {(k - d) / c for k in ks}


def interval_text(s: sp.Set) -> str:
    """[-1, 0) for Interval.Ropen(-1, 0); unions joined by ∪."""
    if isinstance(s, sp.Union):
        return " ∪ ".join(interval_text(p) for p in s.args)
    if isinstance(s, sp.Interval):
        return (("(" if s.left_open else "[") + f"{sp.sstr(s.start)}, {sp.sstr(s.end)}"
                + (")" if s.right_open else "]"))
    if isinstance(s, sp.FiniteSet):
        return "{" + ", ".join(sp.sstr(p) for p in s) + "}"
    return sp.sstr(s)


def mp_function(f: sp.Expr, x: sp.Symbol) -> Callable[[Any], Any]:
    """f as a function of an mpmath number (mpmath's own functions where possible)."""
    import mpmath

    try:
        fn = sp.lambdify(x, f, modules="mpmath")
        fn(mpmath.mpf("0.318309886183790671537767526745"))
        return fn
    except (NameError, TypeError, AttributeError, KeyError):
        pass
    except (ValueError, ZeroDivisionError, ArithmeticError):
        return fn

    def slow(t: Any) -> Any:
        v = sp.N(f.xreplace({x: sp.Float(mpmath.nstr(t, QUAD_DIGITS + 5), QUAD_DIGITS + 5)}),
                 QUAD_DIGITS + 5)
        return mpmath.mpmathify(complex(v) if v.has(sp.I) else float(v)) if not v.is_Float \
            else mpmath.mpf(str(v))
    return slow


def _mp(e: sp.Expr) -> Any:
    import mpmath

    if e is sp.oo:
        return mpmath.inf
    if e is sp.S.NegativeInfinity:
        return mpmath.ninf
    with mpmath.workdps(max(mpmath.mp.dps, QUAD_DIGITS + 5)):  # not rounded to a double
        return mpmath.mpf(str(sp.N(e, QUAD_DIGITS + 5)))


def _oscillation(f: sp.Expr, x: sp.Symbol) -> float | None:
    """The angular frequency of sin(kx + c)/cos(kx + c) factors (for mpmath.quadosc)."""
    ks = []
    for t in f.atoms(sp.sin, sp.cos):
        arg = t.args[0]
        k = sp.diff(arg, x)
        if k.is_number and k != 0 and not sp.diff(k, x).has(x):
            ks.append(abs(float(k)))
    return max(ks) if ks else None


def quadrature(f: sp.Expr, x: sp.Symbol, nodes: Sequence[sp.Expr]
               ) -> tuple[float, float, str]:
    """mpmath's integral of f over nodes[0]..nodes[-1] split at the nodes, and its error
    estimate (the larger of mpmath's own and the change from 20 to 30 digits)."""
    import mpmath

    fn = mp_function(f, x)
    pts = [_mp(p) for p in nodes]
    omega = _oscillation(f, x)
    infinite = any(mpmath.isinf(p) for p in pts)

    def run(dps: int) -> tuple[Any, Any]:
        with mpmath.workdps(dps):
            if infinite and omega is not None:
                total, err = mpmath.mpf(0), mpmath.mpf(0)
                for lo, hi in pairwise(pts):
                    if mpmath.isinf(lo) or mpmath.isinf(hi):
                        v = mpmath.quadosc(fn, [lo, hi], omega=omega)
                        e = abs(v) * mpmath.mpf(10) ** (-dps // 2)
                    else:
                        v, e = mpmath.quad(fn, [lo, hi], error=True)
                    total += v
                    err += e
                return total, err
            return mpmath.quad(fn, pts, error=True)

    try:
        v30, e30 = run(QUAD_DIGITS)
        v20, _ = run(20)
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError) as exc:
        raise ComputeError(f"numeric quadrature failed ({exc})", code="cannot_compute") from None
    if not ((mpmath.isfinite(v30) and mpmath.im(v30) == 0) or isinstance(v30, mpmath.mpf)):
        raise ComputeError("numeric quadrature gave no finite real value",
                           code="cannot_compute")
    v30 = mpmath.re(v30)
    err = max(float(abs(e30)), float(abs(v30 - mpmath.re(v20))))
    with mpmath.workdps(QUAD_DIGITS):
        return float(v30), err, mpmath.nstr(v30, QUAD_DIGITS)


def _side_limit(prim: sp.Expr, x: sp.Symbol, p: sp.Expr, side: str,
                seconds: float) -> sp.Expr | None:
    """lim F as x -> p from `side` ("+" above, "-" below); None when sympy cannot say."""
    if p in (sp.oo, sp.S.NegativeInfinity):
        side = "-" if p is sp.oo else "+"
    try:
        with time_limit(seconds, "a one-sided limit of the antiderivative"):
            if p.is_finite:
                direct = prim.subs(x, p)
                if _finite(direct) and _continuous_at(prim, x, p):
                    return sp.nsimplify(direct) if direct.is_Float else sp.simplify(direct)
            return sp.limit(prim, x, p, side)
    except ComputationTimeout:
        return None
    except (NotImplementedError, ValueError, TypeError, sp.PoleError):
        return None


def _continuous_at(prim: sp.Expr, x: sp.Symbol, p: sp.Expr) -> bool:
    from sympy.calculus.util import continuous_domain

    try:
        lo, hi = p - 1, p + 1
        return bool(p in continuous_domain(prim, x, sp.Interval(lo, hi)))
    except (NotImplementedError, ValueError, TypeError):
        return False


def _limit_words(lim: sp.Expr | None) -> str:
    if lim is None:
        return "unknown"
    if lim is sp.oo:
        return "oo"
    if lim is sp.S.NegativeInfinity:
        return "-oo"
    if isinstance(lim, sp.AccumBounds):
        return "oscillates"
    return "unbounded"


def _finite(lim: sp.Expr | None) -> bool:
    if lim is None or isinstance(lim, sp.AccumBounds) or lim.has(sp.zoo, sp.nan, sp.oo, -sp.oo,
                                                                   sp.Limit):
        return False
    return value(lim, {}) is not None


def definite(f: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr, *,
             antiderivative_of: Callable[[], Antiderivative | None],
             seconds: float | None = None) -> Definite:
    """∫_a^b f dx for numeric bounds (finite or ±oo); see the module docstring."""
    g = prepare(f)
    if a == b:
        return Definite(True, sp.Integer(0), 0.0, text="0")
    if float(a) > float(b) if a.is_finite and b.is_finite else (a is sp.oo or b is -sp.oo):
        flipped = definite(f, x, b, a, antiderivative_of=antiderivative_of, seconds=seconds)
        return _negate(flipped)
    budget = seconds if seconds else 10.0
    points = breakpoints(g, x, a, b, seconds=min(3.0, budget / 4))
    inner = tuple(p for p in points if p != a and p != b)
    extra = [k for k in kinks(g, x, a, b) if k not in inner]
    nodes = sorted({a, *inner, *extra, b}, key=_order_key)
    notes: list[str] = []
    if inner:
        notes.append("split at " + ", ".join(sp.sstr(p) for p in inner) + ", where the "
                     "integrand is not continuous: each piece is an improper integral")
    anti = antiderivative_of()
    if anti is not None:
        prim = anti.result
        pieces: list[Piece] = []
        for lo, hi in _with_jumps_of(prim, x, nodes):
            left = _side_limit(prim, x, lo, "+", budget / 8)
            right = _side_limit(prim, x, hi, "-", budget / 8)
            for end, lim, side in ((lo, left, "+"), (hi, right, "-")):
                if lim is not None and not _finite(lim):
                    div = _divergence(g, x, prim, end, side, lim, lo, hi, inside=end in inner)
                    return Definite(False, split=inner, divergence=div, notes=tuple(notes))
            if left is None or right is None:
                anti = None
                notes.append("a limit of the antiderivative at an end could not be computed: "
                             "numeric quadrature instead")
                break
            pieces.append(Piece(lo, hi, right - left, None))
        else:
            exact = _tidy(sp.Add(*(p.exact for p in pieces if p.exact is not None)))
            quad, qerr, qtext = _checked_quadrature(g, x, nodes)
            approx = value(exact, {}, DIGITS)
            if approx is None:
                raise NotVerified(f"the exact value {sp.sstr(exact)} is not a real number",
                                  code="not_verified")
            scale = max(1.0, abs(quad))
            if qerr > 1e-8 * scale:
                raise NotVerified(
                    f"the exact value {sp.sstr(exact)} ≈ {approx:.15g} could not be confirmed: "
                    f"numeric quadrature gives {quad:.15g} with an error estimate of "
                    f"{qerr:.2g}, too large to tell", code="not_verified",
                    details={"exact": sp.sstr(exact), "exact_value": approx,
                             "quadrature": quad, "quadrature_error": qerr})
            tolerance = max(10 * qerr, 1e-10 * scale)
            if abs(approx - quad) > tolerance:
                raise NotVerified(
                    f"the exact value {sp.sstr(exact)} ≈ {approx:.15g} disagrees with numeric "
                    f"quadrature, {quad:.15g} (error estimate {qerr:.2g})",
                    code="not_verified",
                    details={"exact": sp.sstr(exact), "exact_value": approx,
                             "quadrature": quad, "quadrature_error": qerr})
            special = is_special(exact)
            pieces_numeric = tuple(Piece(p.lo, p.hi, p.exact, value(p.exact, {}, DIGITS))
                                   for p in pieces if p.exact is not None)
            if special:
                return Definite(True, exact, quad, qerr, numeric=True,
                                numeric_reason="the exact value needs special functions ("
                                + sp.sstr(exact) + "): no elementary closed form",
                                closed_form=False, split=inner, pieces=pieces_numeric,
                                quadrature=(quad, qerr), text=qtext, notes=tuple(notes))
            return Definite(True, exact, approx, None, split=inner, pieces=pieces_numeric,
                            quadrature=(quad, qerr), text=sp.sstr(sp.N(exact, QUAD_DIGITS)),
                            notes=tuple(notes))
    # No antiderivative: numbers only, and only where the integral surely converges.
    for p in points:
        sides = (1,) if p == a else (-1,) if p == b else (1, -1)
        blowup = _non_integrable(g, x, p, sides)
        if blowup is not None:
            side, exponent = blowup
            where = "inside the interval" if p in inner else "an end of the interval"
            power = f"|{sp.sstr(x - p)}|^({sp.sstr(exponent)})"
            reason = (f"the integral diverges at {x} = {sp.sstr(p)}, {where}: near it f "
                      f"behaves like C·{power} (C ≠ 0), and a power with exponent ≤ -1 is not "
                      "integrable there (comparison test)")
            lo, hi = (p, next(q for q in nodes if _order_key(q) > _order_key(p))) \
                if side == "+" else (max((q for q in nodes if _order_key(q) <
                                          _order_key(p)), key=_order_key), p)
            div = Divergence(p, side, "unbounded", reason, p in inner,
                             _partial_integrals(g, x, p, side, lo, hi))
            return Definite(False, split=inner, divergence=div, notes=tuple(notes))
        if not _integrable_at(g, x, p, sides):
            raise ComputeError(
                f"cannot decide whether the integral converges at {x} = {sp.sstr(p)} without "
                "an antiderivative", code="cannot_decide")
    for end in (a, b):
        if end in (sp.oo, sp.S.NegativeInfinity) and not _decays(g, x, end):
            raise ComputeError(f"cannot decide whether the integral converges as {x} → "
                               f"{sp.sstr(end)} without an antiderivative",
                               code="cannot_decide")
    quad, qerr, qtext = _checked_quadrature(g, x, nodes)
    return Definite(True, None, quad, qerr, numeric=True,
                    numeric_reason="no antiderivative in closed form was found",
                    closed_form=False, split=inner, quadrature=(quad, qerr), text=qtext,
                    notes=tuple(notes))


def _with_jumps_of(prim: sp.Expr, x: sp.Symbol, nodes: list[sp.Expr]
                   ) -> list[tuple[sp.Expr, sp.Expr]]:
    """The pieces between the nodes, split again where the antiderivative itself jumps
    (a formula valid on each interval separately): one-sided limits there too."""
    from calctool.core.errors import CalcError

    out: list[tuple[sp.Expr, sp.Expr]] = []
    for lo, hi in pairwise(nodes):
        try:
            jumps = [p for p in breakpoints(prim, x, lo, hi, seconds=2.0) if p not in (lo, hi)]
        except CalcError:
            jumps = []
        cuts = [lo, *jumps, hi]
        out.extend(pairwise(cuts))
    return out


def _order_key(p: sp.Expr) -> float:
    return math.inf if p is sp.oo else -math.inf if p is sp.S.NegativeInfinity else float(p)


def _tidy(e: sp.Expr) -> sp.Expr:
    try:
        with time_limit(2.0):
            s = sp.nsimplify(e) if e.is_Float else sp.simplify(e)
            return s if sp.count_ops(s) <= sp.count_ops(e) else e
    except ComputationTimeout:
        return e


def _checked_quadrature(f: sp.Expr, x: sp.Symbol, nodes: Sequence[sp.Expr]
                        ) -> tuple[float, float, str]:
    quad, qerr, text = quadrature(f, x, nodes)
    if not math.isfinite(quad):
        raise ComputeError("numeric quadrature gave no finite value", code="cannot_compute")
    return quad, qerr, text


def _negate(d: Definite) -> Definite:
    from dataclasses import replace

    return replace(d, exact=-d.exact if d.exact is not None else None,
                   value=-d.value if d.value is not None else None,
                   quadrature=(-d.quadrature[0], d.quadrature[1]) if d.quadrature else None,
                   text=("-" + d.text).replace("--", "") if d.text else None,
                   pieces=tuple(Piece(p.hi, p.lo, -p.exact if p.exact is not None else None,
                                      -p.numeric if p.numeric is not None else None, p.error)
                                for p in reversed(d.pieces)),
                   notes=(*d.notes, "the bounds are in decreasing order: "
                          "∫_a^b = -∫_b^a"))


def _divergence(f: sp.Expr, x: sp.Symbol, prim: sp.Expr, end: sp.Expr, side: str,
                lim: sp.Expr, lo: sp.Expr, hi: sp.Expr, inside: bool) -> Divergence:
    words = _limit_words(lim)
    infinite = end in (sp.oo, sp.S.NegativeInfinity)
    approach = (f"as {x} → {sp.sstr(end)}" if infinite else
                f"as {x} → {sp.sstr(end)} from {'above' if side == '+' else 'below'}")
    what = {"oo": "grows without bound (→ ∞)", "-oo": "decreases without bound (→ -∞)",
            "oscillates": "oscillates without settling"}.get(words, "has no finite limit")
    where = f"at {x} = {sp.sstr(end)}, inside the interval" if inside else \
        (f"at the end {x} = {sp.sstr(end)}" if not infinite else f"as {x} → {sp.sstr(end)}")
    reason = (f"the integral diverges {where}: the antiderivative {sp.sstr(prim)} {what} "
              f"{approach}")
    if inside:
        reason += (f"; f has a non-integrable singularity at {sp.sstr(end)}, so it cannot "
                   "be integrated across it")
    return Divergence(end, side, words, reason, inside,
                      _partial_integrals(f, x, end, side, lo, hi))


def _partial_integrals(f: sp.Expr, x: sp.Symbol, end: sp.Expr, side: str, lo: sp.Expr,
                       hi: sp.Expr) -> tuple[tuple[float, float], ...]:
    """Independent evidence: ∫ over the piece stopped short of the diverging end
    (at distance 10^-k, or at x = ±10^k), by numeric quadrature."""
    import mpmath

    fn = mp_function(f, x)
    other = hi if side == "+" else lo
    rows = []
    try:
        with mpmath.workdps(20), time_limit(3.0):
            for k in (1, 2, 4, 6, 8):
                if end in (sp.oo, sp.S.NegativeInfinity):
                    stop = mpmath.mpf(10) ** k * (1 if end is sp.oo else -1)
                    start = mpmath.mpf(0) if other in (sp.oo, sp.S.NegativeInfinity) \
                        else _mp(other)
                    shown = float(stop)
                else:
                    h = mpmath.mpf(10) ** (-k)
                    stop = _mp(end) + (h if side == "+" else -h)
                    start = _mp(other) if other.is_finite else (
                        stop + (1 if side == "+" else -1))
                    shown = float(h)
                lo_, hi_ = (stop, start) if side == "+" else (start, stop)
                v = mpmath.quad(fn, [lo_, hi_])
                rows.append((shown, float(mpmath.re(v))))
    except (ComputationTimeout, ValueError, ZeroDivisionError, ArithmeticError, TypeError):
        pass
    return tuple(rows)


def _integrable_at(f: sp.Expr, x: sp.Symbol, p: sp.Expr,
                   signs: tuple[int, ...] = (1, -1)) -> bool:
    """|f| ~ C|x - p|^s near p with s > -1 (by the leading term), or f bounded near p,
    on the sides given (+1 above p, -1 below)."""
    if p in (sp.oo, sp.S.NegativeInfinity):
        return True
    t = sp.Symbol("t", positive=True)
    for sign in signs:
        g = f.xreplace({x: p + sign * t})
        try:
            with time_limit(2.0):
                lead = sp.limit(g, t, 0, "+")
                if _finite(lead):
                    continue
                term = g.as_leading_term(t)
                exponent = term.as_coeff_exponent(t)[1]
        except (ComputationTimeout, NotImplementedError, ValueError, TypeError,
                sp.PolynomialError, sp.PoleError):
            return False
        if not (exponent.is_number and exponent > -1):
            return False
    return True


def _non_integrable(f: sp.Expr, x: sp.Symbol, p: sp.Expr, signs: tuple[int, ...]
                    ) -> tuple[str, sp.Expr] | None:
    """(side, s) when f ~ C·|x - p|^s with C ≠ 0 and s ≤ -1 on that side of p (its
    leading term): the integral diverges there. None when that is not shown."""
    if p in (sp.oo, sp.S.NegativeInfinity):
        return None
    t = sp.Symbol("t", positive=True)
    for sign in signs:
        g = f.xreplace({x: p + sign * t})
        try:
            with time_limit(2.0):
                coeff, exponent = g.as_leading_term(t).as_coeff_exponent(t)
        except (ComputationTimeout, NotImplementedError, ValueError, TypeError,
                sp.PolynomialError, sp.PoleError):
            continue
        if coeff.has(t) or coeff == 0 or not coeff.is_number or not exponent.is_number:
            continue
        if value(coeff, {}) is not None and exponent <= -1:
            return ("+" if sign == 1 else "-"), exponent
    return None


def _decays(f: sp.Expr, x: sp.Symbol, end: sp.Expr) -> bool:
    """|f| = O(x^-s) with s > 1 at ±oo, by a limit of |f|·|x|^1.5 (sufficient test)."""
    try:
        with time_limit(2.0):
            lim = sp.limit(sp.Abs(f) * sp.Abs(x) ** sp.Rational(3, 2), x, end)
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
        return False
    return _finite(lim)
