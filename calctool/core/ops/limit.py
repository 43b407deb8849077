"""The `limit` operation: two-sided unless asked otherwise, with numeric evidence.

sympy's `limit` is one-sided from above by default; here both one-sided
limits are computed and compared, so |x|/x at 0 does not exist (-1 from
below, 1 from above) and 1/x at 0 does not exist (-oo, oo), while 1/x^2 at 0
is oo. An oscillating function (sympy answers AccumBounds) has no limit.

sympy also works in the complex plane: it says sqrt(x) tends to 0 from below
0. A calculus student means real values, so each side is first checked
numerically for real values; a side without them is reported as undefined.

Numbers near the target are computed with sympy's adaptive-precision evalf
from exact points, so cancellation in (1 - cos x)/x^2 never fakes the
evidence. When the symbolic engine fails or runs past its share of the time
limit, the limit is estimated from such values and marked numeric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import AppliedUndef, PoleError

from calctool.core.budget import DEFAULT_TIMEOUT, bounded, time_limit
from calctool.core.engines.domain import violation
from calctool.core.engines.one_sided import (
    DISPLAY_EXPONENT_BITS,
    DOMAIN_KS,
    TOO_LARGE,
    UNDEFINED,
    Side,
    astronomical,
    astronomical_text,
    guess_closed_form,
    near,
    no_real_values,
    probe,
    reexamine,
    robust_side,
    side_words,
    supported,
)
from calctool.core.engines.plotdata import PlotData, Series, break_at, parse_plot_range, sample
from calctool.core.errors import (
    KEYWORDS,
    ComputationTimeout,
    ComputeError,
    DomainError,
    Spelling,
    UsageError,
)
from calctool.core.expr.assume import Facts, assumed, describe, parse_assumptions
from calctool.core.expr.functions import to_elementary
from calctool.core.expr.parse import Condition, free_variables, parse_input, symbol
from calctool.core.expr.pieces import side_piece
from calctool.core.expr.points import (
    PointLike,
    RangeLike,
    assignments,
    choose_variable,
    expression_text,
    whole_number,
)
from calctool.core.results.base import noting
from calctool.core.results.limit import LimitCase, LimitResult, LimitRow

DEFAULT_K_MAX = 8
MAX_K = 30
SYMBOLIC_SHARE = 0.6  # of --timeout for sympy; the rest is left for the numeric fallback

DIRECTIONS = {
    None: "+-", "": "+-", "+-": "+-", "-+": "+-", "both": "+-", "two-sided": "+-",
    "+": "+", "right": "+", "above": "+",
    "-": "-", "left": "-", "below": "-",
}

Number = sp.Expr  # a Float, an exact number, oo or -oo


@dataclass(frozen=True)
class Verdict:
    """What the one-sided limits add up to."""

    exists: bool
    value: sp.Expr | None
    kind: str
    reason: str | None = None
    error: sp.Expr | None = None  # a numeric limit's error bound


@noting
def limit(f: str | sp.Expr, *, to: PointLike | tuple[object, object] | None,
          direction: str | None = None, table: bool = False, k_max: int = DEFAULT_K_MAX,
          plot: bool = False, plot_range: RangeLike | None = None, numeric_only: bool = False,
          assume: object = None, timeout: float | None = DEFAULT_TIMEOUT,
          spelling: Spelling = KEYWORDS, ylim: RangeLike | None = None) -> LimitResult:
    """lim f(x) as x -> a, for `f` text or a sympy expression.

    `to`: "x=0", "0", "oo", "x=pi/2", a number, sympy.oo, a pair ("x", 0) or
    {"x": 0}; the point may be an expression in other symbols ("x=a"), and the
    answer is then in terms of them. `direction`: "+" (from above), "-" (from
    below) or None (both sides). `table`: f(a ± 10^-k) for k = 1..k_max.
    `plot_range`: "a:b" or (a, b). `assume`: facts about the other symbols,
    "a>0, n integer" (see calctool.core.expr.assume); without them, an answer
    that depends on the sign of one symbol comes as `cases`. Messages name
    parameters as `spelling` does (the CLI passes its flags).

    `timeout` is the whole budget (--timeout; None: no limit): sympy gets
    SYMBOLIC_SHARE of it, and the numeric fallback what is left.
    """
    text = expression_text(f)
    k_max = whole_number(k_max, what="k_max")
    if direction is not None and not isinstance(direction, str):
        raise UsageError(f"direction must be '+', '-' or None, not {direction!r}",
                         code="bad_value")
    facts = parse_assumptions(assume)
    with bounded(timeout, spelling=spelling):
        result = _limit(text, to=to, direction=direction, table=table, k_max=k_max,
                        plot=plot, plot_range=plot_range, numeric_only=numeric_only,
                        facts=facts, timeout=timeout, say=spelling)
    if ylim is not None and result.plot is not None:  # `ylim`: the plot's y-window
        from dataclasses import replace

        from calctool.core.engines.plotdata import with_ylim

        result = replace(result, plot=with_ylim(result.plot, ylim, spelling=spelling))
    return result


def _limit(text: str, *, to: object, direction: str | None, table: bool, k_max: int,
           plot: bool, plot_range: RangeLike | None, numeric_only: bool, facts: Facts,
           timeout: float | None, say: Spelling) -> LimitResult:
    parsed = parse_input(text)
    expr = parsed.expr
    if to is None:
        raise UsageError(f"give the point to approach with {say.name('to')}, e.g. "
                         f"{say.given('to', 'x=0')} (or {say.given('to', 'oo')})",
                         code="missing_option")
    if not 1 <= k_max <= MAX_K:
        raise UsageError(f"{say.name('k_max')} must be between 1 and {MAX_K}, not {k_max}",
                         code="bad_value")
    var, a = _target(expr, to, say)
    if plot and a.free_symbols:
        raise UsageError(f"{say.name('plot')} needs a number to approach, not {sp.sstr(a)}",
                         code="bad_option")
    sides = _sides(direction, a, say)
    f = expr
    numeric_ok = _numeric_ok(f, var) and not a.free_symbols

    symbolic: dict[str, Side] | None = None
    numeric_reason = None
    notes = (f"assumed: {describe(facts)}",) if facts else ()
    if numeric_only:
        numeric_reason = f"a numeric estimate was asked for ({say.name('numeric_only')})"
    else:
        budget = timeout * SYMBOLIC_SHARE if timeout else None
        g, back = assumed(f, facts)
        symbolic, numeric_reason = _symbolic(g, var, a.xreplace(
            {k: v for v, k in back.items()}), sides, budget, say)
        if symbolic is not None:
            symbolic = {s: _plain(side, back) for s, side in symbolic.items()}
        if not numeric_ok and (symbolic is None or _sign_dependent(symbolic, var)):
            cases = _cases(f, var, a, sides, budget, facts, say)
            if cases is not None and len({(c.exists, c.value) for _, c in cases}) > 1:
                return LimitResult(text, expr, variable=var, target=a,
                                   direction=_direction_of(sides), exists=all(
                                       c.exists for _, c in cases), kind="cases",
                                   reason=_cases_words(cases, say), cases=tuple(cases),
                                   notes=notes)
            if cases:  # the same in every case the facts allow
                _, case = cases[0]
                return LimitResult(text, expr, variable=var, target=a,
                                   direction=_direction_of(sides), exists=case.exists,
                                   value=case.value, kind=case.kind, notes=notes + (
                                       "the same for every sign of "
                                       f"{cases[0][0].split()[0]} allowed",))
    if symbolic is None:
        if not numeric_ok:
            raise ComputeError(f"the limit could not be computed: {numeric_reason}; and a "
                               "numeric estimate needs a function of "
                               f"{var} alone", code="cannot_compute")
        found = {s: robust_side(f, var, a, s) for s in sides}
        for s, side in found.items():
            if not supported(f, var, a, s, side):
                raise ComputeError(
                    f"cannot decide: the values of f at the points nearest {var} = "
                    f"{sp.sstr(a)} suggest {_words_of(side)} {_side_name(s, a)}, but nearer "
                    "home, with more digits, they head elsewhere (rounding at the extreme "
                    f"points?); {numeric_reason}", code="cannot_decide",
                    hint="try --table to see the values")
        numeric = True
    else:
        found = symbolic
        numeric = False
        if numeric_ok:  # sympy answers in the complex plane: check each side is real
            found = {s: _check_real(side, f, var, a) for s, side in found.items()}
            found, overruled = _cross_examine(found, f, var, a)
            if overruled:
                numeric = True
                numeric_reason = (f"the symbolic engine answered {overruled}, which the values "
                                  f"of f near {var} = {sp.sstr(a)} contradict")

    if parsed.conditions and not a.free_symbols:
        found = {s: _as_written(side, parsed.conditions, var, a) for s, side in found.items()}
    if all(side.problem for side in found.values()):
        problems = "; ".join(side.problem for side in found.values() if side.problem)
        raise DomainError(f"{sp.sstr(expr)} has no real values near {var} = {sp.sstr(a)} "
                          f"({problems}), so it has no limit there", code="undefined")
    result = _combine(found, a, var, say)
    rows: tuple[LimitRow, ...] = ()
    auto = False
    oscillates = result.kind == "oscillates"
    if (table or oscillates or numeric) and numeric_ok:
        rows = _table(f, var, a, sides, k_max)
        auto = not table
    elif table:
        raise UsageError(f"{say.name('table')} needs a function of {var} alone",
                         code="bad_option")
    guess = guess_closed_form(result.value, result.error) if numeric and result.exists \
        else None
    plot_data = _plot(f, var, a, found, result, plot_range, say) if plot else None
    return LimitResult(
        text, expr, variable=var, target=a, direction=_direction_of(sides),
        exists=result.exists, value=result.value,
        left=_one_value(found.get("-")), right=_one_value(found.get("+")),
        left_problem=found["-"].problem if "-" in found else None,
        right_problem=found["+"].problem if "+" in found else None,
        kind=result.kind, reason=result.reason, numeric=numeric, error=result.error,
        numeric_reason=numeric_reason if numeric else None, guess=guess,
        table=rows, table_auto=auto, plot=plot_data, notes=notes)


def _direction_of(sides: Sequence[str]) -> str:
    """The direction of the result: "+-" two-sided, or the one side asked (or forced by ±oo)."""
    return "+-" if len(sides) == 2 else sides[0]


# ---------------------------------------------------------------------------
# Reading the question


def _target(expr: sp.Expr, to: object, say: Spelling) -> tuple[sp.Symbol, sp.Expr]:
    items = assignments(to, param="to", spelling=say, allow_infinite=True, pair=True,
                        symbolic=True)
    if len(items) != 1:
        raise UsageError(f"{say.name('to')} takes one variable and the value it approaches, "
                         f"e.g. {say.given('to', 'x=0')}; limits in several variables at once "
                         "are not supported",
                         code="bad_value")
    item = items[0]
    variables = free_variables(expr)
    if item.name is None and not variables:
        var = symbol("x")  # a constant: its limit is itself
    else:
        var = choose_variable(variables, item.name, option=say.name("to"),
                              purpose="take a limit in")
    a = item.value
    if a.has(sp.zoo, sp.nan) or (a.is_number and a.is_extended_real is False):
        raise UsageError(f"{say.name('to')} must be a real number, oo or -oo",
                         code="bad_value")
    if var in a.free_symbols:
        raise UsageError(f"{say.given('to', f'{var}={sp.sstr(a)}')}: the point cannot depend "
                         f"on {var} itself",
                         code="bad_value")
    return var, a


def _sides(direction: str | None, a: sp.Expr, say: Spelling) -> list[str]:
    key = direction.strip().lower() if direction is not None else None
    if key not in DIRECTIONS:
        raise UsageError(f"{say.given('direction', direction)}: expected + (from above), - "
                         "(from below), "
                         "or nothing for the two-sided limit", code="bad_value")
    d = DIRECTIONS[key]
    if a is sp.oo:
        if d == "+":
            raise UsageError(f"{say.given('direction', '+')}: x → oo can only be approached "
                             "from below",
                             code="bad_value")
        return ["-"]
    if a is sp.S.NegativeInfinity:
        if d == "-":
            raise UsageError(f"{say.given('direction', '-')}: x → -oo can only be approached "
                             "from above",
                             code="bad_value")
        return ["+"]
    return ["-", "+"] if d == "+-" else [d]


def _numeric_ok(f: sp.Expr, var: sp.Symbol) -> bool:
    """Can f be evaluated at numbers (no other variables, no abstract functions)?"""
    return not (f.free_symbols - {var}) and not f.atoms(AppliedUndef)


# ---------------------------------------------------------------------------
# The symbolic engine


def _symbolic(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sides: Sequence[str],
              budget: float | None, say: Spelling) -> tuple[dict[str, Side] | None, str | None]:
    """sympy's one-sided limits; (None, why) when it fails or runs out of its time."""
    g = to_elementary(f)
    out: dict[str, Side] = {}
    try:
        with time_limit(budget, "the symbolic limit"):
            for s in sides:
                out[s] = _side_from_sympy(s, sp.limit(side_piece(g, var, a, s), var, a, s))
    except ComputationTimeout:
        return None, (f"the symbolic engine took longer than its {budget:g} s share of "
                      f"{say.name('timeout')}")
    except (NotImplementedError, PoleError, ValueError, TypeError, RecursionError) as exc:
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        return None, f"the symbolic engine could not compute it ({detail})"
    if any(side.value is not None and not _usable(side.value) for side in out.values()):
        return None, "the symbolic engine left the limit unevaluated"
    return out, None


def _plain(side: Side, back: dict[sp.Symbol, sp.Symbol]) -> Side:
    """A side computed with assumed symbols, in calctool's plain real symbols again."""
    if not back:
        return side
    value = side.value.xreplace(back) if side.value is not None else None
    bounds = tuple(b.xreplace(back) for b in side.bounds) if side.bounds else None
    return replace(side, value=value, bounds=bounds)


def _sign_dependent(found: dict[str, Side], var: sp.Symbol) -> bool:
    """Does a one-sided answer hold sign(a), |a| or a Heaviside of another symbol?"""
    return any(side.value is not None and any(
        node.args and node.args[0].free_symbols - {var}
        for node in side.value.atoms(sp.sign, sp.Abs, sp.Heaviside))
        for side in found.values())


def _cases(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sides: Sequence[str],
           budget: float | None, facts: Facts,
           say: Spelling) -> list[tuple[str, LimitCase]] | None:
    """The limit when one other symbol is positive, negative or zero (a*x at oo is oo,
    -oo or 0), or None when that is not what the answer waits for: several symbols
    of unknown sign, or a case sympy cannot do either."""
    params = [p for p in free_variables(f) if p != var and not (
        facts.get(p.name, frozenset()) & {"positive", "negative"})]
    if len(params) != 1:
        return None
    p = params[0]
    name = p.name
    share = budget / 3 if budget else None
    out: list[tuple[str, LimitCase]] = []
    known = facts.get(name, frozenset())
    possible = [(f"{name} > 0", sp.Symbol(name, positive=True), "positive"),
                (f"{name} < 0", sp.Symbol(name, negative=True), "negative"),
                (f"{name} = 0", sp.Integer(0), "zero")]
    ruled_out = {"positive": {"negative", "zero"}, "negative": {"positive", "zero"},
                 "nonnegative": {"negative"}, "nonpositive": {"positive"}, "nonzero": {"zero"}}
    excluded = set().union(*(ruled_out.get(w, set()) for w in known))
    for condition, value, sign_case in possible:
        if sign_case in excluded:
            continue
        g, back = assumed(f.xreplace({p: value}), {k: v for k, v in facts.items()
                                                  if k != name and k in {
                                                      q.name for q in f.free_symbols}})
        found, _ = _symbolic(g, var, a.xreplace({p: value}), sides, share, say)
        if found is None or _sign_dependent(found, var):
            return None
        restore = {**back, value: p} if isinstance(value, sp.Symbol) else back
        found = {s: _plain(side, restore) for s, side in found.items()}
        verdict = _combine(found, a, var, say)
        out.append((condition, LimitCase(verdict.exists, verdict.value, verdict.kind)))
    return out


def _cases_words(cases: Sequence[tuple[str, LimitCase]], say: Spelling) -> str:
    parts = [f"{_words(c.value) if c.exists and c.value is not None else 'none'} when "
             f"{condition}" for condition, c in cases]
    example = say.given("assume", '"' + cases[0][0].replace(" ", "") + '"') \
        if say.name("assume") != "assume" else f"assume={cases[0][0].replace(' ', '')!r}"
    return ("the limit depends on the sign: " + "; ".join(parts) +
            f" (give what is known with {say.name('assume')}, e.g. {example})")


def _cross_examine(found: dict[str, Side], f: sp.Expr, var: sp.Symbol,
                   a: sp.Expr) -> tuple[dict[str, Side], str | None]:
    """Each symbolic one-sided limit checked against the values of f near a.

    sympy is strong and sometimes wrong (Heaviside(cos(x)) at pi/2 is not 1/2
    from either side; sin(2x)(cos(1/x) - 1) at oo is 0, not an oscillation;
    x^3/sin(1/x) has poles closer and closer to 0). Where the evidence of
    three approach sequences gives a clear verdict that differs, the verdict
    replaces sympy's side, and the answer is marked numeric; where the values
    settle on nothing (1/log(x) creeps to 0), sympy's answer stands.
    Returns the sides and, when any was overruled, sympy's answer in words.
    """
    checked: dict[str, Side] = {}
    overruled = []
    for sign, side in found.items():
        if side.problem:
            checked[sign] = side
            continue
        try:
            evidence = robust_side(f, var, a, sign, quick=True)
        except ComputeError:
            checked[sign] = side
            continue
        if evidence.problem or _consistent(side, evidence):
            checked[sign] = side
            continue
        if side.value is not None and side.value.is_number and not evidence.poles \
                and not evidence.zeros:
            # A value against a value: look again where rounding and slow
            # approaches cannot mislead before taking either.
            second = reexamine(f, var, a, sign, side.value, evidence)
            if second is None:
                raise ComputeError(
                    f"cannot decide: the symbolic engine says {_words(side.value)} "
                    f"{_side_name(sign, a)}, but the values of f near {var} = {sp.sstr(a)} "
                    f"suggest {_words_of(evidence)}, and a closer look does not settle it",
                    code="cannot_decide",
                    hint="try --table to see the values, or --numeric for the estimate alone")
            if second:
                checked[sign] = side
                continue
        checked[sign] = evidence
        words = "from below" if sign == "-" else "from above"
        said = _words(side.value) if side.value is not None else "an oscillation"
        overruled.append(f"{said} {words}" if len(found) == 2 else said)
    return checked, " and ".join(overruled) or None


def _side_name(sign: str, a: sp.Expr) -> str:
    if a.is_infinite:
        return "at " + ("∞" if a is sp.oo else "-∞")
    return "from below" if sign == "-" else "from above"


def _words_of(side: Side) -> str:
    if side.poles:
        return "poles closing in"
    if side.zeros:
        return "zeros closing in"
    if side.oscillates or side.value is None:
        return "an oscillation"
    return _words(side.value)


def _consistent(symbolic: Side, evidence: Side) -> bool:
    """Does the numeric evidence agree with sympy's one-sided limit?"""
    if evidence.oscillates:
        return symbolic.oscillates and not evidence.poles and not evidence.zeros
    if symbolic.oscillates:
        return False  # the values settle where sympy saw bounds only
    v, w = symbolic.value, evidence.value
    if v is None or w is None or not v.is_number:
        return True  # nothing to compare: no contradiction
    if not (v.is_finite and w.is_finite):
        return bool(v == w)
    error = evidence.error if evidence.error is not None else sp.Float("1e-12")
    return bool(abs(sp.N(v, 30) - w) <= 10 * error + sp.Float("1e-9") * max(1, abs(w)))


def _usable(value: sp.Expr) -> bool:
    """A finished answer: a number, ±oo, or an expression in other variables (not gamma(-oo))."""
    if value in (sp.oo, sp.S.NegativeInfinity):
        return True
    if value.has(sp.Limit, sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan):
        return False
    return not (value.is_number and value.is_finite is not True)


def _side_from_sympy(sign: str, value: sp.Expr) -> Side:
    if isinstance(value, sp.AccumBounds):
        return Side(sign, oscillates=True, bounds=(value.min, value.max))
    if value.has(sp.AccumBounds):
        return Side(sign, oscillates=True)
    if value is sp.zoo or value is sp.nan:  # no usable answer: let the numbers decide
        raise ValueError(f"the symbolic engine answered {value}")
    return Side(sign, value=value)


def _as_written(side: Side, conditions: Sequence[Condition], var: sp.Symbol,
                a: sp.Expr) -> Side:
    """A side outside the domain the input was written with has no limit, whatever the
    simplified formula does there: sqrt(x)*sqrt(x) is x, but not for x < 0."""
    if side.problem:
        return side
    reasons = [violation(conditions, {var: near(a, side.sign, k, jitter=True)})
               for k in DOMAIN_KS]
    if any(r is None for r in reasons):
        return side
    return Side(side.sign, problem=f"undefined as written for {var} "
                                   f"{side_words(side.sign, a)} ({reasons[-1]})")


def _check_real(side: Side, f: sp.Expr, var: sp.Symbol, a: sp.Expr) -> Side:
    """A side where f has no real values has no (real) limit, whatever sympy says."""
    problem = no_real_values(f, var, a, side.sign)
    if problem is None and side.value is not None and side.value.is_extended_real is False:
        problem = "not real"
    if problem is not None:
        return Side(side.sign, problem=f"{problem} for {var} {side_words(side.sign, a)}")
    return side


# ---------------------------------------------------------------------------
# Putting the sides together


def _combine(found: dict[str, Side], a: sp.Expr, var: sp.Symbol, say: Spelling) -> Verdict:
    """exists, value, kind and the reason in words, from the one-sided limits."""
    a_text = sp.sstr(a)
    if len(found) == 1:
        side = next(iter(found.values()))
        if side.oscillates:
            return _no_limit(side, a, var)
        assert side.value is not None
        kind = "infinite" if side.value in (sp.oo, sp.S.NegativeInfinity) else "finite"
        return Verdict(True, side.value, kind, None, side.error)
    left, right = found["-"], found["+"]
    if left.problem or right.problem:
        bad, good = (left, right) if left.problem else (right, left)
        words = "from above" if good.sign == "+" else "from below"
        have = (f"the limit {words} is {_words(good.value)}" if good.value is not None
                else f"{words} it oscillates")
        return Verdict(False, None, "one side undefined",
                       f"f is {bad.problem}, so there is no two-sided limit at "
                       f"{var} = {a_text}; {have} (ask for it with "
                       f"{say.given('direction', good.sign)})")
    if left.oscillates or right.oscillates:
        return _no_limit(left if left.oscillates else right, a, var)
    assert left.value is not None and right.value is not None
    if _same(left, right):
        kind = "infinite" if left.value in (sp.oo, sp.S.NegativeInfinity) else "finite"
        errors = [e for e in (left.error, right.error) if e is not None]
        return Verdict(True, left.value, kind, None, max(errors) if errors else None)
    infinite = {left.value, right.value} <= {sp.oo, sp.S.NegativeInfinity}
    reason = (f"the one-sided limits differ: {_words(left.value)} from below, "
              f"{_words(right.value)} from above")
    if infinite:
        reason += " (f blows up with opposite signs on the two sides)"
    return Verdict(False, None, "sides differ", reason)


def _words(v: sp.Expr) -> str:
    """A value inside a sentence: ∞ rather than oo, 10 digits for an estimate."""
    if v is sp.oo:
        return "∞"
    if v is sp.S.NegativeInfinity:
        return "-∞"
    if isinstance(v, sp.Float):
        return sp.sstr(sp.Float(v, 10), full_prec=False)
    return sp.sstr(v)


def _same(left: Side, right: Side) -> bool:
    u, v = left.value, right.value
    assert u is not None and v is not None
    if u == v:
        return True
    if u.is_Float or v.is_Float:  # numeric estimates: equal within their errors
        if not (u.is_finite and v.is_finite):
            return False
        error = (left.error or 0) + (right.error or 0)
        return bool(abs(u - v) <= 10 * error + 1e-9 * max(1, abs(u), abs(v)))
    if not (u.is_finite and v.is_finite):
        return False
    return bool(sp.simplify(u - v) == 0)


def _no_limit(side: Side, a: sp.Expr, var: sp.Symbol) -> Verdict:
    if side.zeros or side.poles:
        found = side.zeros or side.poles
        where = (f"closer and closer to {var} = {sp.sstr(a)} (at {var} ≈ "
                 + ", ".join(sp.sstr(sp.Float(p, 6), full_prec=False) for p in found) + ", ...)")
        if side.zeros:
            return Verdict(False, None, "oscillates",
                           f"f is 0 at points {where} while elsewhere it moves away from 0, "
                           "so the limit does not exist")
        return Verdict(False, None, "unbounded",
                       f"f has poles {where}: it is unbounded in every neighbourhood, so the "
                       "limit does not exist")
    return Verdict(False, None, "oscillates", _oscillation_words(side, a, var))


def _oscillation_words(side: Side, a: sp.Expr, var: sp.Symbol) -> str:
    where = (f"as {var} grows" if a is sp.oo else f"as {var} → -oo"
             if a is sp.S.NegativeInfinity else f"as {var} approaches {sp.sstr(a)}")
    if side.bounds is not None:
        lo, hi = side.bounds
        return (f"f oscillates between {_words(lo)} and {_words(hi)} without settling "
                f"{where}, so the limit does not exist")
    return f"f keeps oscillating without settling {where}, so the limit does not exist"


def _one_value(side: Side | None) -> sp.Expr | None:
    if side is None or side.problem:
        return None
    if side.oscillates:
        if side.poles:  # unbounded above and below
            return sp.AccumBounds(sp.S.NegativeInfinity, sp.oo)
        if side.bounds is not None:
            return sp.AccumBounds(*side.bounds)
        return None
    return side.value


# ---------------------------------------------------------------------------
# Numbers near the target


def _table(f: sp.Expr, var: sp.Symbol, a: sp.Expr, sides: Sequence[str],
           k_max: int) -> tuple[LimitRow, ...]:
    rows = []
    infinite = a in (sp.oo, sp.S.NegativeInfinity)
    stuck: set[str] = set()  # sides whose values got too large to compute: stop trying
    for k in range(1, k_max + 1):
        cells: dict[str, sp.Expr | str | None] = {"-": None, "+": None}
        for s in sides:
            value, problem = (None, TOO_LARGE) if s in stuck else probe(f, var, near(a, s, k))
            if problem == TOO_LARGE:
                stuck.add(s)
            elif value is not None and astronomical(value, DISPLAY_EXPONENT_BITS):
                # Never print it in full: the exponent alone has thousands of digits.
                if astronomical(value):
                    stuck.add(s)
                value, problem = None, astronomical_text(value)
            cells[s] = value if value is not None else (problem or UNDEFINED)
        step = near(a, sides[0], k) if infinite else sp.Rational(1, 10 ** k)
        rows.append(LimitRow(k, step, cells["-"], cells["+"]))
    return tuple(rows)


# ---------------------------------------------------------------------------
# The plot


def _plot(f: sp.Expr, var: sp.Symbol, a: sp.Expr, found: dict[str, Side],
          result: Verdict, plot_range: RangeLike | None, say: Spelling) -> PlotData:
    import numpy as np

    if a is sp.oo:
        lo, hi = parse_plot_range(plot_range, 10.0, 10.0, spelling=say)
    elif a is sp.S.NegativeInfinity:
        lo, hi = parse_plot_range(plot_range, -10.0, 10.0, spelling=say)
    else:
        a_f = float(sp.N(a, 17))
        lo, hi = parse_plot_range(plot_range, a_f, max(2.0, abs(a_f) / 2), spelling=say)
    marks: list[tuple[str, float, float, bool]] = []
    value = result.value
    infinite_target = a in (sp.oo, sp.S.NegativeInfinity)
    if not infinite_target:
        a_f = float(sp.N(a, 17))
        if result.exists and _finite(value):
            level = float(sp.N(value, 17))
            at_a = _value_at(f, var, a)
            # A hole (open circle) unless f(a) is the limit; f(a) itself, filled, if other.
            same = at_a is not None and abs(at_a - level) <= 1e-9 * max(1.0, abs(level))
            marks.append((f"limit {_label(value)}", a_f, level, not same))
            if at_a is not None and not same:
                marks.append((f"f({_words(a)}) = {at_a:.6g}", a_f, at_a, False))
        else:
            for s, side in found.items():
                if side.value is not None and _finite(side.value):
                    words = "from below" if s == "-" else "from above"
                    level = float(sp.N(side.value, 17))
                    at_a = _value_at(f, var, a)
                    same = at_a is not None and abs(at_a - level) <= 1e-9 * max(1.0, abs(level))
                    marks.append((f"{words}: {_label(side.value)}", a_f, level, not same))
    arrow = f"{var} → {_words(a)}"
    data = sample([(f"f({var})", f)], var, lo, hi, title=f"{{f}} as {arrow}",
                  points=marks, subject=f, spelling=say)
    if not infinite_target:
        # Never join the two sides across a: a jump must not be drawn as a wall.
        data = replace(data, series=(break_at(data.series[0], float(sp.N(a, 17))),
                                     *data.series[1:]))
    if infinite_target and result.exists and _finite(value):
        level = float(sp.N(value, 17))
        xs = np.linspace(lo, hi, 100)
        line = Series(f"limit {_label(value)}", tuple(float(x) for x in xs),
                      (level,) * len(xs))
        ylim = data.ylim
        if ylim is not None:
            # Room around the asymptote, so the legend in a corner does not hide it.
            pad = 0.15 * (ylim[1] - ylim[0])
            ylim = (min(ylim[0], level - pad), max(ylim[1], level + pad))
        data = replace(data, series=data.series + (line,), ylim=ylim)
    return data



def _value_at(f: sp.Expr, var: sp.Symbol, a: sp.Expr) -> float | None:
    """f(a) as a float when f is defined (and real) there, else None."""
    import numpy as np

    from calctool.core.engines.numeric import evaluate_many

    y = evaluate_many(f, [var], [np.array([float(sp.N(a, 17))])])[0]
    return float(y) if np.isfinite(y) else None


def _label(v: sp.Expr) -> str:
    """A value in a plot legend: exact when it is a plain number, else a decimal."""
    if v.is_Rational:
        return sp.sstr(v)
    return f"≈ {float(sp.N(v, 17)):.6g}"


def _finite(v: object) -> bool:
    return isinstance(v, sp.Expr) and v.is_number and v.is_finite is True \
        and v.is_extended_real is not False
