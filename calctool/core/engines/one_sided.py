"""One-sided limits estimated from numbers: f at a ± 10^-k (or ±10^k) from exact points.

Values are computed with sympy's adaptive-precision evalf from exact points
near the target, so cancellation in (1 - cos x)/x^2 never fakes the evidence.
Used by `limit` (its numeric fallback and --table), by the derivative at a
point (`pointwise`) and by `tangent` (is f real on each side of a?).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from calctool.core.budget import time_limit
from calctool.core.errors import ComputationTimeout, ComputeError
from calctool.core.expr.pieces import piece_at

DIGITS = 30  # significant digits of each numeric value
NUMERIC_KS = range(1, 16)  # the numeric estimate looks at a ± 10^-k (or 10^k) for these k
DOMAIN_KS = (4, 8, 12)  # where each side is probed for real values
MAX_EXPONENT_BITS = 10_000  # see astronomical
DISPLAY_EXPONENT_BITS = 64  # beyond about 10^(10^18), a table shows "about 10^(10^N)"
PROBE_SECONDS = 0.5  # the most one numeric value may take (exp(exp(x)) at 10^12 never ends)
NOT_REAL, UNDEFINED, TOO_LARGE = "not a real number", "undefined", "too large to compute"
PRECISION_LOST = "not computable to any digit at this precision"


@dataclass(frozen=True)
class Side:
    """One one-sided limit, or why there is none."""

    sign: str  # "-" (from below) or "+" (from above)
    value: sp.Expr | None = None  # the limit, possibly oo/-oo; None: see problem/oscillates
    oscillates: bool = False
    bounds: tuple[sp.Expr, sp.Expr] | None = None  # where it oscillates, when known
    problem: str | None = None  # f has no real values on this side
    error: sp.Expr | None = None  # a numeric estimate's error bound (None: exact or unknown)
    poles: tuple[sp.Expr, ...] = ()  # poles of f found closer and closer to a: unbounded
    zeros: tuple[sp.Expr, ...] = ()  # zeros of f closer and closer to a, though f → ±oo or L ≠ 0


def no_real_values(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str) -> str | None:
    """"not real" or "undefined" when f has no real values on that side of a, else None."""
    problems = []
    for k in DOMAIN_KS:
        value, problem = probe(f, var, near(a, sign, k, jitter=True))
        if value is not None and astronomical(value):
            return None  # a real value, and the next ones would be too large to compute
        problems.append(problem)
    if all(p in (NOT_REAL, UNDEFINED) for p in problems):
        return "not real" if NOT_REAL in problems else "undefined"
    return None


def has_real_values(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str) -> bool:
    """Does f have real values just below (sign "-") or above ("+") a? (f of var alone.)"""
    return no_real_values(f, var, a, sign) is None


def side_words(sign: str, a: sp.Expr) -> str:
    if a is sp.oo:
        return "large"
    if a is sp.S.NegativeInfinity:
        return "large and negative"
    return f"{'<' if sign == '-' else '>'} {sp.sstr(a)}"


def near(a: sp.Expr, sign: str, k: int, jitter: bool = False) -> sp.Expr:
    """An exact point near a: a ± 10^-k, or x = ±10^k when a is ±oo.

    `jitter` moves it off round numbers (by a factor 8/7), for probes that
    should not land on special points such as the poles of gamma at -10^k.
    """
    return offset(a, sign, k, sp.Rational(8, 7) if jitter else sp.Integer(1))


def offset(a: sp.Expr, sign: str, k: int, scale: sp.Expr) -> sp.Expr:
    """a ± scale·10^-k, or x = ±scale·10^k when a is ±oo (scale an exact number)."""
    if a is sp.oo:
        return scale * sp.Integer(10) ** k
    if a is sp.S.NegativeInfinity:
        return -scale * sp.Integer(10) ** k
    h = scale * sp.Rational(1, 10 ** k)
    return a + h if sign == "+" else a - h


def astronomical(value: sp.Expr, limit: int = MAX_EXPONENT_BITS) -> bool:
    """Is the number's binary exponent itself a huge number (exp(exp(x)) at x = 10^4)?

    The next value along could need an exponent with millions of digits, which
    takes longer than any time limit can interrupt; tables stop there.
    """
    mpf = getattr(value, "_mpf_", None)
    if mpf is None or not mpf[1]:
        return False
    _, _, exponent, bits = mpf
    return bool(abs(exponent + bits).bit_length() > limit)


def astronomical_text(value: sp.Expr) -> str:
    """An astronomical number in words: about 10^(10^4342), or its sign and inverse."""
    sign, _, exponent, bits = value._mpf_
    binary = exponent + bits  # |value| is about 2^binary
    # log10|value| = binary*log10(2); and log10 of that from the bit length alone.
    digits = round((abs(binary).bit_length() - 1) * 0.30103 + math.log10(0.30103 * 1.5))
    power = f"10^(10^{digits})" if binary > 0 else f"10^(-10^{digits})"
    return f"about {'-' if sign else ''}{power}"


def probe(f: sp.Expr, var: sp.Symbol, x: sp.Expr) -> tuple[sp.Expr | None, str | None]:
    """`value_at` within PROBE_SECONDS: exp(exp(x)) at 10^12 is beyond any arithmetic."""
    start = time.monotonic()
    try:
        with time_limit(PROBE_SECONDS, "a numeric value"):
            return value_at(f, var, x)
    except ComputationTimeout:
        if time.monotonic() - start < 0.9 * PROBE_SECONDS:
            raise  # the whole computation ran out of time, not just this value
        return None, TOO_LARGE
    except MemoryError:  # sin(4^x) at 10^8: evalf needs millions of digits of 4^x
        return None, TOO_LARGE


def value_at(f: sp.Expr, var: sp.Symbol, x: sp.Expr,
              digits: int = DIGITS) -> tuple[sp.Expr | None, str | None]:
    """f(x) to `digits` digits (x exact); (None, why) when it has no real value.

    The point is substituted without evaluation (so (1+1/x)^x at 10^15 never
    becomes a huge exact number) and evalf's adaptive precision does the rest.
    """
    f = piece_at(f, {var: x})  # a Piecewise's conditions evaluated, not left unevaluated
    with sp.evaluate(False):
        raw = f.xreplace({var: x})
    try:
        value = sp.N(raw, digits)
        if not isinstance(value, (sp.Float, sp.Integer, sp.Rational)) \
                and value.free_symbols == set() and value.atoms(sp.Function):
            # Something evalf left alone (Heaviside of an unevaluated number): use floats.
            value = sp.N(f.xreplace({var: sp.Float(sp.N(x, digits + 20), digits + 20)}), digits)
    except (ValueError, ZeroDivisionError, OverflowError):  # mpmath: "gamma function pole"
        return None, UNDEFINED
    if not value.is_number or value.has(AppliedUndef, sp.zoo, sp.nan):
        return None, UNDEFINED
    if value in (sp.oo, sp.S.NegativeInfinity):
        return value, None
    re_part, im_part = value.as_real_imag()
    if im_part != 0 and abs(im_part) > sp.Float(10) ** (-digits + 5) * max(1, abs(re_part)):
        return None, NOT_REAL
    if not re_part.is_number or not (re_part.is_Float or re_part.is_Rational):
        return None, UNDEFINED
    if re_part.is_Float and re_part._prec < 10 and re_part != 0:
        return None, PRECISION_LOST  # 0.e+434155: evalf kept no digit of it
    return re_part, None


def numeric_side(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str) -> Side:
    """A one-sided limit estimated from f at a ± 10^-k (or ±10^k), k = 1..15.

    The values are exact to DIGITS digits, so what is left is the truncation
    of the sequence: it has converged when the last steps change f by less
    than 1e-9 of its size; when the steps shrink by a steady ratio (cbrt(x),
    sqrt(x)*log(x)) the limit is extrapolated (Aitken); it diverges when it
    keeps moving the same way by steps that do not shrink (1/x, log x); it
    oscillates when the steps keep changing sign without shrinking
    (sin(1/x)). Anything else is an honest "could not determine".
    """
    return classify([near(a, sign, k) for k in NUMERIC_KS], f, var, a, sign)


def classify(points: Sequence[sp.Expr], f: sp.Expr, var: sp.Symbol, a: sp.Expr,
             sign: str) -> Side:
    """The one-sided limit that the values of f at `points` (approaching a from one
    side, in order) support; raises ComputeError when they support none."""
    values: list[tuple[sp.Expr | None, str | None]] = []
    for x in points:
        v, problem = probe(f, var, x)
        if problem == TOO_LARGE:
            raise ComputeError(f"the numeric estimate failed: f({var}) is too large to "
                               f"compute near {var} = {sp.sstr(a)}", code="cannot_compute")
        if v is not None and astronomical(v):
            # Beyond 10^(10^3000) or below its inverse: it is on its way to ±oo or to 0.
            huge = v._mpf_[2] + v._mpf_[3] > 0
            return Side(sign, value=(sp.oo if v > 0 else sp.S.NegativeInfinity) if huge
                        else sp.Integer(0))
        values.append((v, problem))
    tail = values[-6:]
    if all(v is None for v, _ in tail):
        if has_real_values(f, var, a, sign):
            raise ComputeError(f"the numeric estimate failed: f has no value at the sample "
                               f"points {var} = {sp.sstr(points[-1])} "
                               "and before", code="cannot_compute")
        reason = "not real" if any(p == NOT_REAL for _, p in tail) else "undefined"
        return Side(sign, problem=f"{reason} for {var} {side_words(sign, a)}")
    if any(v is None for v, _ in tail):
        raise ComputeError("the numeric estimate failed: f has no value at some points near "
                           "the target", code="cannot_compute")
    seq: list[sp.Expr] = [v for v, _ in tail if v is not None]
    if seq[-1] in (sp.oo, sp.S.NegativeInfinity):
        return Side(sign, value=seq[-1])
    if any(v in (sp.oo, sp.S.NegativeInfinity) for v in seq):
        raise ComputeError("the numeric estimate failed: f jumps between finite and infinite "
                           "values near the target", code="cannot_compute")
    steps = [seq[i + 1] - seq[i] for i in range(len(seq) - 1)]
    last = seq[-1]
    scale = max(sp.Integer(1), abs(last))
    if abs(steps[-1]) <= sp.Float("1e-9") * scale and abs(steps[-2]) <= sp.Float("1e-7") * scale:
        # Still moving by the last step at most: that is the estimate's error (a
        # converging sequence's remaining change is no larger than its last step
        # when the steps shrink, as they did for two steps here).
        return honest(sign, last, max(abs(steps[-1]), abs(steps[-2]) / 10,
                                      sp.Float(10) ** (2 - DIGITS) * scale))
    extrapolated = _geometric_limit(seq, steps)
    if extrapolated is not None:
        return honest(sign, *extrapolated)
    same_sign = all(s > 0 for s in steps) or all(s < 0 for s in steps)
    not_shrinking = all(abs(steps[i + 1]) >= sp.Float("0.99") * abs(steps[i])
                        for i in range(len(steps) - 1))
    if same_sign and not_shrinking:
        return Side(sign, value=sp.oo if steps[-1] > 0 else sp.S.NegativeInfinity)
    changes = sum(1 for i in range(len(steps) - 1) if (steps[i] > 0) != (steps[i + 1] > 0))
    half = len(seq) // 2
    early = max(abs(v) for v in seq[:half])
    late = max(abs(v) for v in seq[half:])
    if changes >= 2 and late <= early / 3 and _steady_envelope(seq):
        # Squeezed to 0: |f| shrinks steadily while its sign wobbles (x^(1/3)·sin(1/x)).
        return honest(sign, sp.Integer(0), late)
    if changes >= 2 and not all(abs(steps[i + 1]) < sp.Float("0.5") * abs(steps[i])
                                for i in range(len(steps) - 1)):
        lo, hi = min(seq), max(seq)
        return Side(sign, oscillates=True,
                    bounds=(sp.Float(lo, 4), sp.Float(hi, 4)) if lo != hi else None)
    shown = ", ".join(sp.sstr(sp.Float(v, 6), full_prec=False) for v in seq[-3:])
    raise ComputeError(
        f"no limit found: the numeric values do not settle near {var} = {sp.sstr(a)} (last "
        f"values: {shown}): a very slow growth, as of log(log(x)), or a slow approach",
        code="cannot_compute",
        hint="try --table to see the values; the symbolic engine (without --numeric) may "
             "need a higher --timeout")


MAX_SHOWN_DIGITS = 15


def honest(sign: str, value: sp.Expr, error: sp.Expr) -> Side:
    """A numeric one-sided limit rounded to the digits its error supports (1.2e-9
    of error leaves 8 digits of 0.5: 0.50000000), with the error kept beside it.
    A value within its error of 0 is 0."""
    error = abs(sp.Float(error, 5))
    if abs(value) <= error:
        return Side(sign, value=sp.Integer(0), error=error)
    whole = sp.Integer(round(value))
    if abs(value - whole) <= error < sp.Float("1e-20") * max(1, abs(value)):
        return Side(sign, value=whole, error=error)  # heaviside-like: constant near a
    digits = math.floor(math.log10(float(abs(value)) / float(error)))
    digits = max(1, min(MAX_SHOWN_DIGITS, digits))
    return Side(sign, value=sp.Float(value, digits), error=error)


def _steady_envelope(seq: Sequence[sp.Expr]) -> bool:
    """Does |f| shrink over every window of three values (an envelope tending to 0)?"""
    peaks = [max(abs(v) for v in seq[i:i + 3]) for i in range(len(seq) - 2)]
    return all(b <= a for a, b in itertools.pairwise(peaks))


def _geometric_limit(seq: Sequence[sp.Expr],
                     steps: Sequence[sp.Expr]) -> tuple[sp.Expr, sp.Expr] | None:
    """The limit of a sequence whose steps shrink by a steady ratio (h^(1/3), h*log h).

    Such steps form a geometric series, whose sum Aitken's extrapolation gives
    from the last three values: the Richardson-style step that turns slowly
    converging values into an estimate. None when the ratio is not steady.
    """
    if any(s == 0 for s in steps):
        return None
    ratios = [steps[i + 1] / steps[i] for i in range(len(steps) - 1)]
    if not all(0 < r < sp.Float("0.9") for r in ratios):
        return None
    if max(ratios) - min(ratios) > sp.Float("0.1") * max(ratios):
        return None

    def aitken(i: int) -> sp.Expr:  # from seq[i-2], seq[i-1], seq[i]
        r = steps[i - 1] / steps[i - 2]
        return seq[i] + steps[i - 1] * r / (1 - r)

    n = len(seq)
    limit = aitken(n - 1)
    # Two windows agree exactly for a geometric series; their gap is the uncertainty.
    uncertainty = max(abs(limit - aitken(n - 2)), abs(limit - aitken(n - 3)))
    scale = max(abs(v) for v in seq)
    if uncertainty > sp.Float("1e-6") * max(1, abs(limit)):
        return None
    if abs(limit) <= max(3 * uncertainty, sp.Float("1e-10") * scale):
        return sp.Integer(0), max(3 * uncertainty, sp.Float("1e-10") * scale)
    return limit, max(3 * uncertainty, sp.Float("1e-10") * max(1, abs(limit)))


def guess_closed_form(value: object, error: object = None) -> sp.Expr | None:
    """A short closed form (1/2, e, pi/4, sqrt(2)) matching a numeric estimate to 10
    digits, if any; none when the estimate's error bound is not that small."""
    if not isinstance(value, sp.Float):
        return None
    tolerance = 1e-10 * max(1, abs(value))
    if isinstance(error, sp.Expr) and error > tolerance:
        return None  # the estimate cannot tell 1/2 from 0.5000000004
    guess = sp.nsimplify(value, [sp.pi, sp.E], tolerance=1e-10, rational=False)
    if guess == value or guess.is_Float or len(sp.sstr(guess)) > 12:
        return None
    if abs(sp.N(guess, 20) - value) > tolerance:
        return None
    return guess


# ---------------------------------------------------------------------------
# Evidence from several approach sequences

# The irregular and random sequences: h = c_k·10^-k for k in CHECK_KS, with c_k
# off the round numbers that a function may be tuned to (sin(10^k), poles at
# -10^k): c_k = 1 + 0.37 sin(k), and c_k = 10^-u with u uniform in [0, 1).
CHECK_KS = range(4, 16)
RANDOM_SEED = 20261129


# A prime denominator keeps c_k·10^k off the integers (sin(pi·x) is 0 on all of them).
_DENOMINATOR = 7919


def _irregular(k: int) -> sp.Expr:
    return sp.Rational(round((1 + 0.37 * math.sin(k)) * _DENOMINATOR), _DENOMINATOR)


def _random_factors(seed: int) -> dict[int, sp.Expr]:
    import random

    rng = random.Random(seed)
    return {k: sp.Rational(round(10 ** (-rng.random()) * _DENOMINATOR), _DENOMINATOR)
            for k in CHECK_KS}


def approach_sequences(a: sp.Expr, sign: str, seed: int = RANDOM_SEED
                       ) -> dict[str, list[sp.Expr]]:
    """Exact points approaching a from one side: geometric, irregular and random offsets."""
    factors = _random_factors(seed)
    return {
        "geometric": [near(a, sign, k) for k in NUMERIC_KS],
        "irregular": [offset(a, sign, k, _irregular(k)) for k in CHECK_KS],
        "random": [offset(a, sign, k, factors[k]) for k in CHECK_KS],
    }


def robust_side(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str, *,
                quick: bool = False) -> Side:
    """A one-sided limit supported by the values of f on three approach sequences.

    One sequence can be fooled: x^3/sin(1/x) is tiny at x = 10^-k and unbounded
    near every zero of sin(1/x); a step function can sit on a round grid. The
    geometric sequence gives the estimate (`classify`); on the irregular and
    random sequences f must approach it too — if it does not, f has no limit
    (it oscillates between what the sequences approach) — and poles of f that
    close in on a are looked for (`poles_near`). Raises ComputeError when the
    values support no verdict. `quick` (to check an answer, not to find one)
    looks at the closest points only: 6 of the geometric sequence, 4 of each
    other.
    """
    sequences = approach_sequences(a, sign)
    geometric = sequences.pop("geometric")
    main = classify(geometric[-6:] if quick else geometric, f, var, a, sign)
    if main.problem:
        return main
    poles = poles_near(f, var, a, sign)
    if poles:
        return Side(sign, oscillates=True, poles=poles)
    if main.oscillates:
        return main
    if main.value is not None and main.value != 0:
        zeros = zeros_near(f, var, a, sign)
        if zeros:  # x^2(1 + sin x) grows, and is 0 at 3pi/2 + 2n pi: no limit
            return Side(sign, oscillates=True, zeros=zeros)
    seen: list[sp.Expr] = []
    for points in sequences.values():
        values = [v for v, _ in (probe(f, var, x) for x in points[-4 if quick else -6:])
                  if v is not None]
        if len(values) < 4:
            continue  # too few values here to say anything
        seen += values
        if _approaches(values, main):
            continue
        if _keeps_spreading(values):
            finite = [v for v in seen if v.is_finite] + (
                [main.value] if main.value is not None and main.value.is_finite else [])
            lo, hi = (min(finite), max(finite)) if finite else (None, None)
            return Side(sign, oscillates=True, bounds=(sp.Float(lo, 4), sp.Float(hi, 4))
                        if lo is not None and lo != hi and hi is not None else None)
        if not quick:  # neither approaching nor clearly not: say so, decide nothing
            shown = ", ".join(sp.sstr(sp.Float(v, 4), full_prec=False) for v in values[-3:])
            raise ComputeError(
                f"the values of f do not settle the same way along different approach "
                f"sequences (one gives {_words_short(main)}, another ends {shown})",
                code="cannot_compute", hint="try --table to see the values")
    return main


def _approaches(values: Sequence[sp.Expr], side: Side) -> bool:
    """Do these values (along another sequence, in order) head for side's limit?

    Either steadily (each closer than the one before: x^(1/10) creeps to 0) or
    by a factor 10 over the tail, whatever happens between (x·sin(1/x)); for ±oo,
    of that sign and growing the same two ways (log(x) at 0 grows slowly)."""
    target = side.value
    assert target is not None
    if not target.is_finite:
        signed = [v if target is sp.oo else -v for v in values]
        if any(not v.is_finite for v in signed):
            return all(v is sp.oo for v in signed[-2:])
        return all(v > 0 for v in signed[-3:]) and (
            _steady(signed, rising=True) or signed[-1] >= 10 * abs(signed[0]))
    if any(not v.is_finite for v in values):
        return False
    gaps = [abs(v - target) for v in values]
    tolerance = 10 * (side.error or 0) + sp.Float("1e-9") * max(1, abs(target))
    return bool(max(gaps[-2:]) <= tolerance or max(gaps[-2:]) <= gaps[0] / 10
                or _steady(gaps, rising=False))


def _keeps_spreading(values: Sequence[sp.Expr]) -> bool:
    """Clear non-convergence: the values spread as widely over the later half as over
    the earlier half (sin(1/x), x - floor(x) at oo), and not by rounding."""
    if any(not v.is_finite for v in values):
        return False
    half = len(values) // 2
    early, late = values[:half + 1], values[half:]
    spread_early, spread_late = max(early) - min(early), max(late) - min(late)
    scale = max(1, *(abs(v) for v in values))
    return bool(spread_late >= spread_early / 2 and spread_late > sp.Float("1e-6") * scale)


def _words_short(side: Side) -> str:
    if side.oscillates:
        return "an oscillation"
    return sp.sstr(sp.Float(side.value, 6), full_prec=False) if side.value is not None \
        and side.value.is_Float else sp.sstr(side.value)


def _steady(values: Sequence[sp.Expr], *, rising: bool) -> bool:
    """Each value at least (rising) or at most the one before it."""
    pairs = itertools.pairwise(values)
    return all((b >= a) if rising else (b <= a * (1 + sp.Float("1e-12"))) for a, b in pairs)


# Functions whose zeros repeat forever: in a denominator, a zero of sin(u), cos(u)
# or tan(u) for each of infinitely many values of u.
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


def poles_near(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str,
               ks: Sequence[int] = (3, 5, 7)) -> tuple[sp.Expr, ...]:
    """Poles of f closer and closer to a, from a periodic function of something that
    runs off to infinity there (the zeros of sin(1/x) at 1/(nπ)): one per scale
    10^-k, or () when there are none. Each is a zero of a denominator, found with
    mpmath at 80 digits, where f grows like a pole: 10^10 times larger at a
    distance 10^-40 than at 10^-30 (relative) — a removable zero does not."""
    candidates = _periodic_denominators(f, var)
    if not candidates:
        return ()
    found = []
    for k in ks:
        x0 = near(a, sign, k)
        pole = next((z for d in candidates
                     if (z := _zero_near(d, var, x0, a, sign, k)) is not None), None)
        if pole is None:
            return ()
        distance = abs(pole - a) if a.is_finite else abs(pole)
        sizes = []
        for exponent in (30, 40):
            beside = pole + distance * sp.Rational(1, 10 ** exponent)
            value, _ = probe(f, var, beside)
            if value is None or not value.is_finite:
                return ()
            sizes.append(abs(value))
        if sizes[0] == 0 or sizes[1] < 10**5 * sizes[0]:
            return ()
        found.append(sp.Float(pole, 15))
    return tuple(found)


def zeros_near(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str,
               ks: Sequence[int] = (3, 5, 7)) -> tuple[sp.Expr, ...]:
    """Zeros of f closer and closer to a, from a factor periodic in something that
    runs off to infinity there (1 + sin(x) at 3pi/2 + 2n pi; 1 + sin(1/x)): one per
    scale, where f is 10^-10 of its size at the sample point, or () when none."""
    factors = [g for g in sp.Mul.make_args(sp.together(f).as_numer_denom()[0])
               if g.has(var) and any(isinstance(h, _PERIODIC) and h.args[0].has(var)
                                     for h in sp.preorder_traversal(g))]
    if not factors:
        return ()
    found = []
    for k in ks:
        x0 = near(a, sign, k)
        zero = next((z for g in factors
                     if (z := _zero_near(g, var, x0, a, sign, k)) is not None), None)
        if zero is None:
            return ()
        at_zero, _ = probe(f, var, zero)
        typical, _ = probe(f, var, x0)
        if at_zero is None or typical is None or typical == 0 \
                or abs(at_zero) > sp.Float("1e-10") * abs(typical):
            return ()
        found.append(sp.Float(zero, 15))
    return tuple(found)


def _periodic_denominators(f: sp.Expr, var: sp.Symbol) -> list[sp.Expr]:
    """Denominators of f that are periodic functions of an expression in var
    (1/sin(1/x), tan(1/x) = sin/cos): where their zeros could accumulate."""
    out = []
    for node in sp.preorder_traversal(f):
        if isinstance(node, sp.Pow) and node.exp.is_negative:
            base = node.base
        elif isinstance(node, (sp.tan, sp.sec)):
            base = sp.cos(node.args[0])
        elif isinstance(node, (sp.cot, sp.csc)):
            base = sp.sin(node.args[0])
        else:
            continue
        if base.has(var) and any(isinstance(g, _PERIODIC) and g.args[0].has(var)
                                 for g in sp.preorder_traversal(base)):
            out.append(base)
    return out


def _zero_near(d: sp.Expr, var: sp.Symbol, x0: sp.Expr, a: sp.Expr, sign: str,
               k: int) -> sp.Expr | None:
    """A zero of d within a factor 10 of the offset x0 - a, on the right side of a,
    as an exact rational (80 digits)."""
    import mpmath

    fn = sp.lambdify(var, d, modules="mpmath")
    with mpmath.workdps(80):
        start = mpmath.mpf(sp.sstr(sp.N(x0, 90)))
        try:
            root = mpmath.findroot(fn, (start, start * (1 + mpmath.mpf("1e-12"))),
                                   solver="secant", tol=mpmath.mpf(10) ** -75, maxsteps=300)
        except (ValueError, ZeroDivisionError, TypeError, OverflowError, NameError):
            return None
        if not isinstance(root, mpmath.mpf):
            return None
        r = sp.Rational(mpmath.nstr(root, 78, min_fixed=-1000, max_fixed=1000))
    h = (r - a if sign == "+" else a - r) if a.is_finite else (r if a is sp.oo else -r)
    low, high = (sp.Integer(10) ** (-k - 1), sp.Integer(10) ** (-k + 1)) if a.is_finite \
        else (sp.Integer(10) ** (k - 1), sp.Integer(10) ** (k + 1))
    return r if low < h < high else None


def reexamine(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str, claim: sp.Expr,
              evidence: Side) -> bool | None:
    """When the evidence contradicts a symbolic one-sided limit `claim`, look again
    where the first look could mislead: True when the new values side with the claim,
    False when they side with the evidence, None when they settle nothing.

    Two things fool the first look. Rounding at the extreme points: softplus(x)·e^-x
    at x = -10^15 evaluates to 0, though it tends to 1; at x = -10 and -100 with
    120 digits it does not. And, at ±oo, a slow approach: log(x)^50/x grows until
    x ≈ 10^100 and tends to 0 after; a ladder x = 10^(2^j) up to 10^4096 sees it.
    """
    def nearer_claim(values: Sequence[sp.Expr]) -> bool | None:
        if len(values) < 2:
            return None
        target = evidence.value
        last = values[-1]
        if claim.is_finite and (target is None or not target.is_finite):
            # grows, says the evidence; heads for the finite claim, say these?
            gaps = [abs(v - claim) for v in values if v.is_finite]
            return bool(len(gaps) == len(values) and gaps[-1] < gaps[0] / 10)
        if target is None:
            return None
        if not claim.is_finite:
            # ±oo, says the claim; the values head for the evidence's finite value?
            if not target.is_finite or any(not v.is_finite for v in values):
                return None
            gaps = [abs(v - target) for v in values]
            heading = gaps[-1] < gaps[0] / 10 and abs(values[-1]) <= abs(values[0])
            return False if heading else None
        return bool(abs(last - claim) < abs(last - target))

    moderate = [offset(a, sign, k, _irregular(k)) for k in (1, 2)]
    values = [v for v, _ in (probe_precise(f, var, x) for x in moderate) if v is not None]
    verdict = nearer_claim(values)
    if verdict or a.is_finite:  # True: closer to the claim where 120 digits suffice
        return verdict
    ladder = [offset(a, sign, 2 ** j, _irregular(j)) for j in range(5, 13)]
    deep = [v for v, _ in (probe(f, var, x) for x in ladder) if v is not None]
    deep_verdict = nearer_claim(deep)
    if deep_verdict is not None:
        return deep_verdict
    return verdict


def probe_precise(f: sp.Expr, var: sp.Symbol, x: sp.Expr) -> tuple[sp.Expr | None, str | None]:
    """`probe` with 4 times the digits: for points where cancellation is expected."""
    start = time.monotonic()
    try:
        with time_limit(PROBE_SECONDS, "a numeric value"):
            return value_at(f, var, x, digits=4 * DIGITS)
    except ComputationTimeout:
        if time.monotonic() - start < 0.9 * PROBE_SECONDS:
            raise
        return None, TOO_LARGE
    except MemoryError:
        return None, TOO_LARGE


def supported(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str, side: Side) -> bool:
    """Is a numeric one-sided limit borne out nearer home, with 120 digits? The values
    at moderate distances (10^-1, 10^-2, or ±10, ±100) must head for it too: an
    estimate from rounded extreme points (softplus(x)·e^-x at -10^15 gives 0; it
    tends to 1) is not."""
    if side.value is None or not side.value.is_finite:
        return True
    # 10^-1 and 10^-2 (or ±10, ±100): near enough to head for the limit, far enough
    # for 120 digits to hold every term (1 + e^-1000 already needs 435).
    moderate = [offset(a, sign, k, _irregular(k)) for k in (1, 2)]
    values = [v for v, _ in (probe_precise(f, var, x) for x in moderate) if v is not None]
    if len(values) < 2 or any(not v.is_finite for v in values):
        return True  # nothing to say against it
    gaps = [abs(v - side.value) for v in values]
    tolerance = 10 * (side.error or 0) + sp.Float("1e-9") * max(1, abs(side.value))
    return bool(gaps[-1] <= tolerance or _steady(gaps, rising=False)
                or gaps[-1] <= gaps[0] / 10)
