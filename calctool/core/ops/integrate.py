"""The `integrate` operation: antiderivatives that are checked, definite integrals that
are cross-examined, Riemann sums that converge to them.

Indefinite: sympy's antiderivative in real form (ln|u|), shown only when its
derivative is f again (`calctool.core.engines.integrals.verify`); otherwise exit 3
with the evidence. Definite, numeric bounds: split where f is not continuous,
one-sided limits of the antiderivative on each piece (a divergent piece is an
answer: `converges: false`, where and why), every value checked against mpmath
quadrature; no closed form: the quadrature value with its error estimate, marked
numeric. Symbolic bounds or parameters: F(b) - F(a), checked numerically with
values put in for the symbols.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded, time_limit
from calctool.core.engines import integrals as ig
from calctool.core.errors import (
    KEYWORDS,
    CalcError,
    ComputationTimeout,
    ComputeError,
    Spelling,
    UsageError,
)
from calctool.core.expr.parse import free_variables, parse_input, symbol
from calctool.core.expr.points import (
    choose_variable,
    constant,
    expression_text,
    variable_names,
    whole_number,
)
from calctool.core.results.base import noting
from calctool.core.results.integrate import IntegrateResult

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
    from calctool.core.engines.riemann import RiemannTable
    from calctool.core.engines.steps import Step
    from calctool.core.expr.points import RangeLike

ANTIDERIVATIVE_SHARE = 0.6  # of the time limit for sympy's antiderivative


@noting
def integrate(f: str | sp.Expr, *, wrt: str | sp.Symbol | None = None,
              lower: object = None, upper: object = None, steps: bool = False,
              riemann: str | None = None, n: str | Sequence[int] | None = None,
              digits: int = 15, plot: bool = False, plot_range: RangeLike | None = None,
              ylim: RangeLike | None = None,
              timeout: float | None = DEFAULT_TIMEOUT,
              spelling: Spelling = KEYWORDS) -> IntegrateResult:
    """∫ f d(wrt), indefinite, or from `lower` to `upper` (numbers, "pi/2", "oo",
    "-oo", sympy values, or expressions in other symbols).

    `wrt`: the variable (absent: the only one). `steps`: the rules, as a tree
    (indefinite, or the antiderivative a definite integral used). `riemann`:
    "left", "right", "mid", "trapezoid" or "simpson" with `n` ("4,8,16" or a list):
    a table of sums converging to a definite integral. `digits`: significant
    digits of decimals shown. `plot`: f with the area between the bounds (and, for
    an antiderivative, F with C = 0) over `plot_range` ("a:b" or (a, b); by
    default around the bounds), `ylim` its y-window. The work stops after `timeout`
    seconds (None: no limit). Messages name parameters as `spelling` does (the CLI
    passes its flags).
    """
    text = expression_text(f)
    digits = whole_number(digits, what=spelling.name("digits"))
    if not 1 <= digits <= 50:
        raise UsageError(f"{spelling.name('digits')} must be between 1 and 50, not {digits}",
                         code="bad_value")
    with bounded(timeout, spelling=spelling):
        result = _integrate(text, wrt=wrt, lower=lower, upper=upper, steps=steps,
                            riemann=riemann, n=n, digits=digits, timeout=timeout, say=spelling)
        if plot:
            from dataclasses import replace

            data = _plot(result, plot_range, spelling)
            if ylim is not None:  # `ylim`: the plot's y-window
                from calctool.core.engines.plotdata import with_ylim

                data = with_ylim(data, ylim, spelling=spelling) or data
            result = replace(result, plot=data)
        return result


def _integrate(text: str, *, wrt: object, lower: object, upper: object, steps: bool,
               riemann: str | None, n: object, digits: int, timeout: float | None,
               say: Spelling) -> IntegrateResult:
    parsed = parse_input(text)
    expr = parsed.expr
    if expr.has(sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan):
        raise UsageError(f"{sp.sstr(expr)} is not finite (it contains ∞); bounds belong in "
                         f"{say.name('lower')} and {say.name('upper')}", code="bad_value")
    x = _variable(expr, wrt, say)
    if (lower is None) != (upper is None):
        missing = "upper" if upper is None else "lower"
        raise UsageError(f"a definite integral needs both bounds: add {say.name(missing)}",
                         code="missing_option")
    budget = timeout or 60.0
    if riemann is not None and lower is None:
        raise UsageError(f"{say.name('riemann')} needs the bounds {say.name('lower')} and "
                         f"{say.name('upper')}", code="bad_option")
    if lower is None:
        anti = _antiderivative(expr, x, budget * ANTIDERIVATIVE_SHARE)
        tree = _steps(expr, x, anti.result) if steps else None
        return IntegrateResult(text, expr, variable=x, antiderivative=anti.result,
                               verification=anti.verification, steps=tree,
                               notes=anti.notes, digits=digits)
    a = _bound(lower, "lower", x, say)
    b = _bound(upper, "upper", x, say)
    if a == b and a in (sp.oo, sp.S.NegativeInfinity):
        raise UsageError(f"{say.name('lower')} and {say.name('upper')} are both "
                         f"{sp.sstr(a)}: an interval needs two different ends",
                         code="bad_value")
    symbols = (expr.free_symbols | a.free_symbols | b.free_symbols) - {x}
    if symbols:
        if riemann is not None:
            raise UsageError(f"{say.name('riemann')} needs numbers: the integral depends on "
                             + ", ".join(sorted(str(s) for s in symbols)), code="bad_option")
        return _symbolic_definite(text, expr, x, a, b, steps, digits, budget)
    found: list[ig.Antiderivative] = []
    tried: list[str] = []

    def antiderivative_of() -> ig.Antiderivative | None:
        try:
            anti = _antiderivative(expr, x, budget * ANTIDERIVATIVE_SHARE)
        except ig.NotVerified as exc:
            tried.append(exc.message)
            return None
        except ComputationTimeout:
            tried.append("finding an antiderivative took too long")
            return None
        found.append(anti)
        return anti

    result = ig.definite(expr, x, a, b, antiderivative_of=antiderivative_of, seconds=budget)
    used = found[0] if found else None
    notes = list(result.notes)
    if used is not None:
        notes.extend(note for note in used.notes if note != ig.ABS_NOTE or result.converges)
    if result.numeric and tried and result.numeric_reason:
        result = _with_reason(result, tried[0])
    tree = _steps(expr, x, used.result) if steps and used is not None else None
    if steps and used is None:
        notes.append("no steps: there is no checked antiderivative to show them for")
    table = None
    if riemann is not None:
        table = _riemann(expr, x, a, b, result, riemann, n, say)
    return IntegrateResult(text, expr, variable=x, lower=a, upper=b, definite=result,
                           antiderivative=used.result if used else None,
                           verification=used.verification if used else None, steps=tree,
                           riemann=table, notes=tuple(notes), digits=digits)


def _with_reason(result: ig.Definite, why: str) -> ig.Definite:
    from dataclasses import replace

    reason = result.numeric_reason or ""
    if reason.startswith("no antiderivative"):
        reason = f"no checked antiderivative: {why}"
    return replace(result, numeric_reason=reason)


def _variable(expr: sp.Expr, wrt: object, say: Spelling) -> sp.Symbol:
    variables = free_variables(expr)
    if wrt is None:
        if not variables:
            return symbol("x")
        return choose_variable(variables, None, option=say.name("wrt"), purpose="integrate by")
    names = variable_names(wrt, param="wrt", spelling=say)
    if len(names) != 1:
        raise UsageError(f"{say.name('wrt')} takes one variable; multiple integrals are not "
                         "supported yet", code="bad_value")
    name = names[0]
    if not name.isidentifier() or name.startswith("_"):
        raise UsageError(f"{say.name('wrt')}: {name!r} is not a variable name", code="bad_value")
    if variables and name not in {v.name for v in variables}:
        return symbol(name)  # a constant in this variable: ∫ c dy = c·y
    return choose_variable(variables, name, option=say.name("wrt"), purpose="integrate by") \
        if variables else symbol(name)


def _bound(value: object, param: str, x: sp.Symbol, say: Spelling) -> sp.Expr:
    what = say.name(param)
    b = constant(value, what=what, allow_infinite=True, symbolic=True)
    if b.has(sp.zoo, sp.nan):
        raise UsageError(f"{what} must be a real number, oo or -oo", code="bad_value")
    if x in b.free_symbols:
        raise UsageError(f"{what} cannot contain the variable of integration {x}",
                         code="bad_value")
    return b


def _antiderivative(expr: sp.Expr, x: sp.Symbol, seconds: float) -> ig.Antiderivative:
    """The checked antiderivative; its search gets `seconds`, a share of the time limit
    (the rest is for checking it and, for definite integrals, the numbers)."""
    try:
        return ig.antiderivative(expr, x, seconds=seconds)
    except ComputationTimeout as exc:
        total = seconds / ANTIDERIVATIVE_SHARE
        raise ComputationTimeout(
            f"no antiderivative was found within {seconds:g} s, the share of the time limit "
            f"({total:g} s) for searching", hint=exc.hint) from None


def _steps(expr: sp.Expr, x: sp.Symbol, printed: sp.Expr) -> Step:
    from calctool.core.engines.integral_steps import explain

    return explain(ig.prepare(expr), x, printed)


# ---------------------------------------------------------------------------
# Symbolic bounds, parameters


def _symbolic_definite(text: str, expr: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr,
                       steps: bool, digits: int, budget: float) -> IntegrateResult:
    anti = _antiderivative(expr, x, budget * ANTIDERIVATIVE_SHARE)
    prim = anti.result
    ends = []
    for end in (a, b):
        if end in (sp.oo, sp.S.NegativeInfinity):
            try:
                ends.append(sp.limit(prim, x, end))
            except (NotImplementedError, ValueError, TypeError, sp.PoleError) as exc:
                raise ComputeError(f"the limit of the antiderivative {sp.sstr(prim)} as {x} → "
                                   f"{sp.sstr(end)} could not be computed ({exc})",
                                   code="cannot_decide") from None
        else:
            ends.append(prim.subs(x, end))
    notes = list(anti.notes)
    for end, value, side in ((a, ends[0], "+"), (b, ends[1], "-")):
        if isinstance(value, sp.AccumBounds) or value in (sp.oo, -sp.oo, sp.zoo):
            if end in (sp.oo, sp.S.NegativeInfinity):
                _divergence_for_every_value(prim, x, end)
            behaviour = "oscillates" if isinstance(value, sp.AccumBounds) else (
                "oo" if value is sp.oo else "-oo" if value is -sp.oo else "unbounded")
            reason = (f"the integral diverges as {x} → {sp.sstr(end)}: the antiderivative "
                      f"{sp.sstr(prim)} " + ("oscillates without settling" if behaviour ==
                                             "oscillates" else "has no finite limit") + " there")
            divergence = ig.Divergence(end, side, behaviour, reason, inside=False)
            return IntegrateResult(text, expr, variable=x, lower=a, upper=b,
                                   definite=ig.Definite(False, divergence=divergence),
                                   antiderivative=prim, verification=anti.verification,
                                   notes=tuple(notes), digits=digits)
    exact = _tidy(ends[1] - ends[0])
    if exact.has(sp.Limit, sp.nan, sp.zoo) or isinstance(exact, sp.AccumBounds):
        raise ComputeError(f"F(b) - F(a) with F = {sp.sstr(prim)} could not be evaluated",
                           code="cannot_compute")
    valid = _valid_range(expr, x, a, b)
    if valid is not None:
        notes.append(valid[0])
    else:
        notes.append("F(upper) - F(lower) with the antiderivative F: this assumes f is "
                     f"continuous between {sp.sstr(a)} and {sp.sstr(b)} for the values of "
                     + ", ".join(sorted(str(s) for s in (exact.free_symbols | a.free_symbols
                                                         | b.free_symbols) - {x}))
                     + " you have in mind")
    check = _check_symbolic(expr, x, a, b, exact, valid[1] if valid is not None else None)
    if check is not None:
        notes.append(check)
    definite = ig.Definite(True, exact, None, closed_form=not ig.is_special(exact))
    tree = _steps(expr, x, prim) if steps else None
    return IntegrateResult(text, expr, variable=x, lower=a, upper=b, definite=definite,
                           antiderivative=prim, verification=anti.verification, steps=tree,
                           notes=tuple(notes), digits=digits)


def _divergence_for_every_value(prim: sp.Expr, x: sp.Symbol, end: sp.Expr) -> None:
    """The limit of F at an infinite end was found infinite with the parameters left
    symbolic: sympy takes a symbol of unknown sign as positive there (e^(-a x) → 0 only
    for a > 0). Put numbers of both signs in for the parameters; if F has a finite limit
    for any of them, whether the integral converges depends on the parameters: exit 3."""
    symbols = sorted(prim.free_symbols - {x}, key=str)
    if not symbols:
        return
    for sample in ((1, 2), (-1, -2), (2, 1), (-2, -1), (sp.Rational(1, 2), 3)):
        values = {s: sp.Integer(1) * sample[i % 2] for i, s in enumerate(symbols)}
        try:
            with time_limit(2.0):
                lim = sp.limit(prim.xreplace(values), x, end)
        except (ComputationTimeout, NotImplementedError, ValueError, TypeError, sp.PoleError):
            continue
        if not isinstance(lim, sp.AccumBounds) and lim.is_finite and ig.value(lim, {}) is not None:
            shown = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in values.items())
            raise ComputeError(
                f"whether the integral converges as {x} → {sp.sstr(end)} depends on "
                + ", ".join(str(s) for s in symbols)
                + f": with {shown} the antiderivative {sp.sstr(prim)} tends to "
                f"{sp.sstr(lim)} (it converges), with the symbols left free sympy finds no "
                "finite limit; give the parameters numbers", code="cannot_decide",
                details={"antiderivative": sp.sstr(prim), "converges_with": shown})


def _valid_range(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr
                 ) -> tuple[str, dict[sp.Symbol, sp.Expr]] | None:
    """One bound a number, the other a symbol, f free of parameters: the values of the
    symbolic bound for which F(b) - F(a) holds (the interval reaches no point where f is
    not continuous), as a note, and a value inside them to check with; None otherwise.
    ∫ 1/x from -1 to b is log|b| for b < 0 only: for b ≥ 0 it crosses the pole at 0."""
    from sympy.calculus.util import continuous_domain

    fixed, free = (a, b) if not a.free_symbols else (b, a)
    if fixed.free_symbols or expr.free_symbols - {x} or not isinstance(free, sp.Symbol):
        return None
    try:
        with time_limit(2.0):
            bad = sp.S.Reals - continuous_domain(ig.prepare(expr), x, sp.S.Reals)
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError):
        return None
    if bad is sp.S.EmptySet:
        return (f"F(upper) - F(lower) with the antiderivative F holds for every "
                f"{sp.sstr(free)}: f is continuous on the whole real line"), {}
    if not isinstance(bad, sp.FiniteSet) or not all(p.is_real for p in bad):
        return None
    points = sorted(bad, key=float)
    if fixed in points:
        return None
    if fixed is sp.S.NegativeInfinity:
        lo, hi = sp.S.NegativeInfinity, points[0]
    elif fixed is sp.oo:
        lo, hi = points[-1], sp.oo
    else:
        lo = max((p for p in points if p < fixed), key=float, default=sp.S.NegativeInfinity)
        hi = min((p for p in points if p > fixed), key=float, default=sp.oo)
    name = sp.sstr(free)
    if lo is sp.S.NegativeInfinity:
        condition = f"{name} < {sp.sstr(hi)}"
        beyond = hi
    elif hi is sp.oo:
        condition = f"{name} > {sp.sstr(lo)}"
        beyond = lo
    else:
        condition = f"{sp.sstr(lo)} < {name} < {sp.sstr(hi)}"
        beyond = None
    where = (f"x = {sp.sstr(beyond)}" if beyond is not None else
             f"x = {sp.sstr(lo)} or x = {sp.sstr(hi)}").replace("x =", f"{x} =")
    note = (f"F(upper) - F(lower) with the antiderivative F holds for {condition} only: "
            f"beyond, the interval reaches {where}, where f is not continuous, and this "
            "value does not apply (the integral may diverge there)")
    finite = [v for v in (lo, hi) if v.is_finite]
    inside = (sum(finite, sp.Integer(0)) / 2 if len(finite) == 2 else
              finite[0] + (1 if hi is sp.oo else -1))
    if inside == fixed:
        inside = (inside + (hi if hi.is_finite else inside + 2)) / 2
    return note, {free: inside}


def _check_symbolic(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr,
                    exact: sp.Expr, first: dict[sp.Symbol, sp.Expr] | None = None
                    ) -> str | None:
    """Put numbers in for the symbols and compare with quadrature (several tries; `first`
    is tried first: values for which the formula is meant to hold)."""
    symbols = sorted((expr.free_symbols | a.free_symbols | b.free_symbols) - {x}, key=str)
    rng = random.Random(ig.SEED)
    for attempt in range(5):
        values = {s: sp.Rational(rng.randint(5, 25), 10) for s in symbols}
        if attempt == 0:
            if first is None:
                continue
            values.update(first)
        lo, hi = a.xreplace(values), b.xreplace(values)
        f = expr.xreplace(values)
        sign = 1
        try:
            if lo.is_finite and hi.is_finite and float(lo) > float(hi):
                lo, hi, sign = hi, lo, -1  # ∫ from a to b = -∫ from b to a
            if ig.breakpoints(ig.prepare(f), x, lo, hi, seconds=2.0):
                continue
            quad, err, _ = ig.quadrature(ig.prepare(f), x, [lo, hi])
            quad *= sign
        except (CalcError, TypeError, ValueError):
            continue
        got = ig.value(exact.xreplace(values), {})
        shown = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in values.items())
        if got is None:
            continue
        if abs(got - quad) > max(100 * err, 1e-9 * max(1.0, abs(quad))):
            raise ig.NotVerified(
                f"the value {sp.sstr(exact)} does not check out: with {shown} it is "
                f"{got:.15g}, numeric quadrature gives {quad:.15g}", code="not_verified")
        return f"checked with {shown}: {got:.15g}, and numeric quadrature agrees"
    return "not checked numerically (no values of the symbols tried gave a continuous integrand)"


def _tidy(e: sp.Expr) -> sp.Expr:
    from calctool.core.budget import time_limit

    try:
        with time_limit(2.0):
            s = sp.simplify(e)
            return s if sp.count_ops(s) <= sp.count_ops(e) else e
    except ComputationTimeout:
        return e


# ---------------------------------------------------------------------------
# Riemann sums


def _riemann(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, b: sp.Expr, result: ig.Definite,
             method: str, n: object, say: Spelling) -> RiemannTable:
    from calctool.core.engines import riemann as rm

    method = method.strip().lower()
    aliases = {"midpoint": "mid", "middle": "mid", "trap": "trapezoid",
               "trapezoidal": "trapezoid", "simpsons": "simpson"}
    method = aliases.get(method, method)
    if method not in rm.METHODS:
        raise UsageError(f"{say.name('riemann')} must be one of {', '.join(rm.METHODS)}, not "
                         f"{method!r}", code="bad_value")
    ns = _ns(n, say, rm.DEFAULT_NS, rm.MAX_N, rm.MAX_ROWS)
    if method == "simpson" and any(k % 2 for k in ns):
        raise UsageError(f"Simpson's rule needs an even {say.name('n')}", code="bad_value")
    if not (a.is_finite and b.is_finite):
        raise UsageError(f"{say.name('riemann')} needs finite bounds", code="bad_option")
    if not result.converges or result.split:
        raise UsageError(f"{say.name('riemann')} needs f bounded and continuous on the interval "
                         "(this integral " + ("diverges" if not result.converges else
                                              "is improper inside it") + ")",
                         code="bad_option")
    g = ig.prepare(expr)
    for end in (a, b):
        if ig.value(g, {x: end}) is None and method != "mid":
            raise UsageError(f"f has no value at the end {x} = {sp.sstr(end)}: only "
                             f"{say.given('riemann', 'mid')} avoids the ends",
                             code="bad_option")
    fn = ig.mp_function(g, x)
    reference = result.text if result.text else repr(result.value)
    return rm.table(fn, sp.sstr(sp.N(a, 30)), sp.sstr(sp.N(b, 30)), ns, method, reference)


def _ns(n: object, say: Spelling, default: Sequence[int], most: int,
        rows: int) -> tuple[int, ...]:
    if n is None:
        return tuple(default)
    if isinstance(n, str):
        parts = [p.strip() for p in n.split(",") if p.strip()]
        try:
            values = [int(p) for p in parts]
        except ValueError:
            raise UsageError(f"{say.name('n')} takes whole numbers separated by commas, e.g. "
                             "4,8,16", code="bad_value") from None
    elif isinstance(n, int):
        values = [n]
    else:
        values = [whole_number(v, what=say.name("n")) for v in n]  # type: ignore[attr-defined]
    if not values or len(values) > rows or any(not 1 <= v <= most for v in values):
        raise UsageError(f"{say.name('n')} takes 1 to {rows} numbers of subintervals, each "
                         f"between 1 and {most}", code="bad_value")
    return tuple(values)


# ---------------------------------------------------------------------------
# Plot


def _plot(r: IntegrateResult, plot_range: RangeLike | None, say: Spelling) -> PlotData:
    """f, and the signed area between the bounds as a second curve drawn only there (the
    x-axis beside it: above it counts +, below -); an antiderivative: f and F (C = 0)."""
    from calctool.core.engines.plotdata import break_at, parse_plot_range, sample

    x = r.variable
    assert x is not None
    f = r.expression
    if (f.free_symbols | (r.lower.free_symbols if r.lower is not None else set())
            | (r.upper.free_symbols if r.upper is not None else set())) - {x}:
        raise UsageError(f"{say.name('plot')} needs numbers: the integral depends on other "
                         "symbols", code="bad_option")
    if r.definite is None:
        assert r.antiderivative is not None
        lo, hi = parse_plot_range(plot_range, spelling=say)
        return sample([(f"f({x})", f), (f"F({x}), C = 0", r.antiderivative)], x, lo, hi,
                      title="f = {f} and an antiderivative", subject=f, spelling=say)
    assert r.lower is not None and r.upper is not None
    a, b = sorted((r.lower, r.upper), key=lambda e: float(e) if e.is_finite else (
        math.inf if e is sp.oo else -math.inf))
    if plot_range:
        lo, hi = parse_plot_range(plot_range, spelling=say)
    else:
        left = float(a) if a.is_finite else (float(b) - 10 if b.is_finite else -5.0)
        right = float(b) if b.is_finite else left + 10
        pad = 0.15 * (right - left)
        lo, hi = left - pad, right + pad
    window = sp.And(x >= a, x <= b) if a.is_finite and b.is_finite else (
        x >= a if a.is_finite else x <= b if b.is_finite else sp.true)
    area = sp.Piecewise((f, window), (sp.nan, True))
    points = []
    for end in (a, b):
        y = ig.value(f, {x: end}) if end.is_finite else None
        if y is not None and lo <= float(end) <= hi:
            points.append((f"{x} = {sp.sstr(end)}", float(end), y))
    data = sample([(f"f({x})", f), (f"area from {sp.sstr(r.lower)} to {sp.sstr(r.upper)}", area)],
                  x, lo, hi, title="f = {f} and the area under it (signed)", points=points,
                  subject=f, spelling=say)
    from dataclasses import replace

    from calctool.core.engines.plotdata import Series

    split = r.definite.split if r.definite is not None else ()
    series = list(data.series)
    for p in split:
        series = [break_at(s, float(p)) for s in series]
    # the area is shaded between f and y = 0: above the axis counts +, below -
    series[1] = replace(series[1], style="area")
    if r.riemann is not None and a.is_finite and b.is_finite:
        from calctool.core.engines import riemann as rm

        n = min(row.n for row in r.riemann.rows)
        xs, ys = rm.outline(lambda t: ig.value(f, {x: sp.Float(t, 17)}), float(a), float(b),
                            n, r.riemann.method)
        series.append(Series(f"{r.riemann.method} sum, n = {n}", tuple(xs),
                             tuple(None if y is None or not math.isfinite(y) else y
                                   for y in ys), style="solid"))
    return replace(data, series=tuple(series))
