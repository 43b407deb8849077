"""Derivatives, and derivatives at a point done honestly.

At a kink or a jump a derivative does not exist; sympy would still answer
(sign(0) = 0, Heaviside(0) = 1/2). `derivative_at` checks the definition
where the function is not smooth: continuity, then the one-sided limits of
the difference quotient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef, PoleError

from calctool.core.engines.values import Value, describe_problem, evaluate, substitute
from calctool.core.errors import ComputeError, DomainError
from calctool.core.expr.activations import KINKED
from calctool.core.expr.functions import NONSMOOTH, RealRoot, to_elementary
from calctool.core.expr.pieces import side_piece
from calctool.core.expr.points import show_point

Point = dict[sp.Symbol, sp.Expr]


@dataclass(frozen=True)
class PointDerivative:
    """d/dvar of a function at a point, with what happens on either side."""

    exists: bool
    value: sp.Expr | None  # the derivative when it exists (may be oo for a vertical tangent)
    left: sp.Expr | None  # one-sided limits of the difference quotient
    right: sp.Expr | None
    kind: str  # "smooth", "one-sided limits agree", "corner", "jump", "vertical", "cusp"
    numeric: bool = False  # decided from 30-digit values because sympy's limits gave up

    @property
    def vertical(self) -> bool:
        return self.kind == "vertical"


def is_smooth_at(expr: sp.Expr, point: Point) -> bool:
    """No kink/jump function of `expr` has its switch point here."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, KINKED):  # hard_tanh: kinks where x + 1 or x - 1 is 0
            for where in node.switches:
                arg = substitute(where, point)
                if arg is None or arg.is_zero is not False:
                    return False
            continue
        if not isinstance(node, NONSMOOTH):
            continue
        if isinstance(node, (sp.Max, sp.Min)):
            args = [substitute(a, point) for a in node.args]
            values = [a for a in args if a is not None]
            if len(set(values)) < len(values) or len(values) < len(args):
                return False
            continue
        arg = substitute(node.args[0], point)
        if arg is None or arg.is_zero is not False:
            return False
        if isinstance(node, (sp.floor, sp.ceiling)) and (arg.is_integer is not False):
            return False
    return True


_SAMPLES = 9  # evenly spaced points of a segment where switches are looked for
_ANY = "any"  # atan2 right of its cut: compatible with either side
# atan2(y, x) jumps by 2 pi where y crosses 0 with x < 0 (its cut).
_SWITCHING = (*NONSMOOTH, *KINKED, sp.atan2)


def switch_within(expr: sp.Expr, var: sp.Symbol, point: dict[sp.Symbol, float],
                  lo: float, hi: float) -> sp.Expr | None:
    """A kink or jump function of `expr` that switches while `var` runs over
    [x + lo, x + hi] (x = point[var], the other variables fixed): its argument
    crosses or touches 0 (an integer for floor/ceiling), two of max/min's
    arguments meet, atan2 crosses its cut. Returns the first such node, or None.

    Decided from 30-digit values at evenly spaced points of the segment and at
    x: a switch and back between two neighbouring points (a double root) is
    missed. Points where an argument is not real are skipped.
    """
    x = point[var]
    offsets = sorted({lo + (hi - lo) * k / (_SAMPLES - 1) for k in range(_SAMPLES)} | {0.0})
    fixed = {v: sp.Float(value, 30) for v, value in point.items() if v != var}
    samples = [{**fixed, var: sp.Float(x + t, 30)} for t in offsets]
    for node in sp.preorder_traversal(expr):
        if isinstance(node, _SWITCHING) and node.has(var) \
                and _switches(node, samples):
            return node
    return None


def _switches(node: sp.Expr, samples: list[dict[sp.Symbol, sp.Expr]]) -> bool:
    states = set()
    for sample in samples:
        state = _state(node, sample)
        if state is None:  # exactly on the switch
            return True
        if state is not False and state != _ANY:  # False: no real value here
            states.add(state)
    return len(states) > 1


def _state(node: sp.Expr, sample: dict[sp.Symbol, sp.Expr]) -> object:
    """Which smooth piece of `node` the sample lies on: a hashable label, None on the
    switch itself, False where an argument has no real value."""
    if isinstance(node, sp.Piecewise):
        for k, (_, condition) in enumerate(node.args):
            truth = condition.xreplace(sample)
            if truth not in (sp.true, sp.false):
                return False
            if truth == sp.true:
                return k
        return False
    if isinstance(node, KINKED):
        signs = [_real_number(w, sample) for w in node.switches]
        known = [u for u in signs if u is not None]
        if len(known) < len(signs):
            return False
        if any(u == 0 for u in known):
            return None
        return tuple(bool(u > 0) for u in known)
    values = [_real_number(a, sample) for a in node.args]
    if isinstance(node, (sp.Max, sp.Min)):
        if any(v is None for v in values):
            return False
        best = max(values) if isinstance(node, sp.Max) else min(values)  # type: ignore[type-var]
        winners = [k for k, v in enumerate(values) if v == best]
        return winners[0] if len(winners) == 1 else None
    if isinstance(node, sp.atan2):
        y, xx = values
        if y is None or xx is None:
            return False
        if xx > 0:
            return _ANY
        return None if y == 0 else (y > 0)
    u = values[0]
    if u is None:
        return False
    if isinstance(node, (sp.floor, sp.ceiling)):
        below = sp.floor(u)
        return None if u == below else int(below)
    return None if u == 0 else (u > 0)


def _real_number(e: sp.Expr, sample: dict[sp.Symbol, sp.Expr]) -> sp.Expr | None:
    try:
        v = sp.N(e.xreplace(sample), 30)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return v if v.is_number and v.is_extended_real and v.is_finite else None


def switch_where(node: sp.Expr) -> str:
    """Where a kink or jump function switches, in words: "x - 1 = 0"."""
    if isinstance(node, (sp.floor, sp.ceiling)):
        return f"{sp.sstr(node.args[0])} is an integer"
    if isinstance(node, (sp.Max, sp.Min)):
        return "two of its arguments are equal"
    if isinstance(node, sp.atan2):
        y, x = node.args
        return f"{sp.sstr(y)} = 0 with {sp.sstr(x)} ≤ 0"
    if isinstance(node, sp.Piecewise):
        return "it changes pieces"
    if isinstance(node, KINKED):
        return " or ".join(f"{sp.sstr(w)} = 0" for w in node.switches)
    return f"{sp.sstr(node.args[0])} = 0"


def switch_kind(node: sp.Expr) -> str:
    """What f has where `node` switches: "kink", "jump" or "vertical tangent"."""
    if isinstance(node, (sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.DiracDelta,
                         sp.atan2, sp.Piecewise)):
        return "jump"
    if isinstance(node, RealRoot):
        return "vertical tangent"
    return "kink"


def _on_cut(expr: sp.Expr, var: sp.Symbol, point: Point) -> bool:
    """Does `var` move an atan2(y, x) of `expr` across its cut (y = 0, x <= 0) here?
    Its formula's derivative is finite there, but atan2 jumps from pi to -pi."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.atan2) and node.args[0].has(var):
            y, x = (substitute(a, point) for a in node.args)
            if y is None or x is None or (y.is_zero is not False and x.is_positive is not True):
                return True
    return False


def one_sided_limit(expr: sp.Expr, var: sp.Symbol, at: sp.Expr, direction: str) -> sp.Expr:
    return sp.limit(to_elementary(side_piece(expr, var, at, direction)), var, at, direction)


def derivative_at(f: sp.Expr, var: sp.Symbol, point: Point) -> PointDerivative:
    """The derivative of f by `var` at `point` (every variable of f has a value there).

    Raises DomainError when f itself is undefined at the point. When sympy's
    limits give up (max(x, x^2) at 1), the one-sided limits are estimated from
    30-digit values and the answer is marked numeric.
    """
    try:
        return _derivative_at(f, var, point)
    except (NotImplementedError, PoleError, ValueError, TypeError):
        # sympy gave up, or met a non-real side it cannot compare (relu(sqrt(x))
        # left of 0 is relu(i*sqrt(h))): decide with numbers instead.
        return _numeric_derivative(f, var, point)


def _derivative_at(f: sp.Expr, var: sp.Symbol, point: Point) -> PointDerivative:
    here = evaluate(f, point)
    if not here.ok:
        raise DomainError(f"{sp.sstr(f)} has no real value at {show_point(point)} "
                          f"({here.problem}), so it has no derivative there", code="undefined")
    d = sp.diff(f, var)
    # sympy may leave a derivative unevaluated (a function it has no rule for):
    # that can't be evaluated at a point, so it takes the careful way below.
    unevaluated = any(not isinstance(u.expr, AppliedUndef) for u in d.atoms(sp.Derivative))
    if is_smooth_at(f, point) and not unevaluated and not _on_cut(f, var, point):
        value = substitute(d, point)
        if value is None:  # too large to compute exactly: the caller evaluates numerically
            return PointDerivative(True, None, None, None, "smooth")
        if describe_problem(value) is None:
            return PointDerivative(True, value, value, value, "smooth")
    # The careful way: continuity, then one-sided difference quotients.
    a = point[var]
    others = {k: v for k, v in point.items() if k != var}
    g = f.xreplace(others)
    f_a = here.exact if here.exact is not None else g.xreplace({var: a})
    h = sp.Dummy("h", positive=True)
    left_cont = one_sided_limit(g, var, a, "-")
    right_cont = one_sided_limit(g, var, a, "+")
    quotient = (g.xreplace({var: a + h}) - f_a) / h
    right = one_sided_limit(quotient, h, 0, "+")
    left_quotient = (g.xreplace({var: a - h}) - f_a) / (-h)
    left = one_sided_limit(left_quotient, h, 0, "+")
    # A side where f is not real-valued (sqrt(x) left of 0) has no one-sided derivative.
    left_ok = left_cont.is_extended_real is not False and left.is_extended_real is not False
    right_ok = right_cont.is_extended_real is not False and right.is_extended_real is not False
    if not (left_ok and right_ok):
        return PointDerivative(False, None, left if left_ok else None,
                               right if right_ok else None, "domain edge")
    if not (sp.simplify(left_cont - f_a) == 0 and sp.simplify(right_cont - f_a) == 0):
        return PointDerivative(False, None, left, right, "jump")
    if left == right:
        if left in (sp.oo, sp.S.NegativeInfinity):
            return PointDerivative(True, left, left, right, "vertical")
        if describe_problem(left) is None and left.is_finite:
            return PointDerivative(True, left, left, right, "one-sided limits agree")
    if {left, right} == {sp.oo, sp.S.NegativeInfinity}:
        return PointDerivative(False, None, left, right, "cusp")
    return PointDerivative(False, None, left, right, "corner")


def _numeric_derivative(expr: sp.Expr, var: sp.Symbol, point: Point) -> PointDerivative:
    """derivative_at done with numbers: one-sided limits of the difference quotient
    and of f, estimated from 30-digit values at h = 10^-k (see limit.numeric_side)."""
    from calctool.core.engines.one_sided import numeric_side

    if expr.free_symbols - {var}:
        raise ComputeError("the symbolic engine could not decide whether f is differentiable "
                           "here", code="cannot_compute")
    a = point[var]
    fa = evaluate(expr, point)
    assert fa.exact is not None or fa.number is not None
    f_a = fa.exact if fa.exact is not None else sp.Float(fa.number, 30)
    h = sp.Dummy("h", positive=True)
    with sp.evaluate(False):
        right_q = (expr.xreplace({var: a + h}) - f_a) / h
        left_q = (expr.xreplace({var: a - h}) - f_a) / (-h)
    left = numeric_side(left_q, h, sp.Integer(0), "+")
    right = numeric_side(right_q, h, sp.Integer(0), "+")
    if left.oscillates or right.oscillates:
        raise ComputeError("the difference quotient oscillates without settling here, so f "
                           "has no derivative (and no tangent) at this point",
                           code="not_differentiable")
    lv, rv = left.value, right.value
    if lv is None or rv is None:
        return PointDerivative(False, None, lv, rv, "domain edge", numeric=True)
    below, above = numeric_side(expr, var, a, "-"), numeric_side(expr, var, a, "+")
    tolerance = sp.Float("1e-9") * max(1, abs(sp.N(f_a)))
    continuous = all(s.value is not None and s.value.is_finite
                     and abs(s.value - f_a) <= tolerance for s in (below, above))
    if not continuous:
        return PointDerivative(False, None, lv, rv, "jump", numeric=True)
    infinite = (sp.oo, sp.S.NegativeInfinity)
    if lv == rv and lv in infinite:
        return PointDerivative(True, lv, lv, rv, "vertical", numeric=True)
    if lv not in infinite and rv not in infinite \
            and abs(lv - rv) <= sp.Float("1e-9") * max(1, abs(lv)):
        return PointDerivative(True, lv, lv, rv, "one-sided limits agree", numeric=True)
    if {lv, rv} == set(infinite):
        return PointDerivative(False, None, lv, rv, "cusp", numeric=True)
    return PointDerivative(False, None, lv, rv, "corner", numeric=True)


def derivative_value(f: sp.Expr, sequence: Sequence[sp.Symbol], point: Point,
                     digits: int = 15) -> tuple[Value, PointDerivative | None]:
    """The value at `point` of the derivative along `sequence`, checking each order.

    Returns the value and, when some order does not exist, the PointDerivative
    that says why (left/right one-sided values) with value.problem set.
    """
    g = f
    last: PointDerivative | None = None
    for var in sequence:
        last = derivative_at(g, var, point)
        if not last.exists:
            kind = last.kind
            return Value(None, None, f"not differentiable ({kind})",
                         f"not differentiable ({kind})"), last
        if last.vertical:
            return Value(last.value, float(last.value), "infinite",  # type: ignore[arg-type]
                         "infinite (vertical tangent)"), last
        g = sp.diff(g, var)
    assert last is not None
    if last.kind == "smooth":
        return evaluate(g, point, digits), last
    return evaluate(last.value, {}, digits), last

