"""The derivation, rule by rule: how a derivative comes out, as a tree of steps.

`derive(expr, var)` returns a `Step`: one rule applied to `expr` (sum rule,
constant multiple, power, product, quotient, chain, a table derivative, ...),
the derivative it gives, and the steps for the pieces it needs. The rules
build the derivative themselves from their pieces' derivatives, so the tree
is a real derivation, not sympy's answer annotated after the fact; the root's
result is mathematically equal to `sp.diff(expr, var)`, though it may be
written differently.

`explain(...)` and `explain_gradient(...)` wrap derivations into what `diff
--steps` shows: one derivation per differentiation (n-th derivatives and
mixed partials differentiate the previous result again), each checked
numerically against sympy's derivative, and a final "rewrite" or "simplify"
step whose result is exactly the answer `diff` prints.

Every node means "d/d(variable) of expression = result", except:

* `rewrite` and `simplify` nodes: `expression` is a derivative already
  found and `result` the same function written as `diff` prints it;
* `repeated` (n-th derivative, mixed partial) and `gradient` nodes: the
  derivative along `variables` in turn, or the gradient (result: a row).

A construct without a rule here (floor, gamma, a function of two arguments
that both depend on the variable, ...) becomes a single `cas` step: the
derivative as the computer algebra system computes it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from calctool.core.expr.activations import ACTIVATIONS
from calctool.core.expr.functions import RealRoot, leaky_relu, relu, sigmoid, softplus

# Rule ids (stable: JSON consumers see them) and how they read.
RULE_TITLES: dict[str, str] = {
    "differentiate": "derivative",
    "repeated": "successive derivatives",
    "gradient": "gradient",
    "constant": "constant rule",
    "variable": "variable rule",
    "sum": "sum rule (linearity)",
    "constant_multiple": "constant multiple rule",
    "power": "power rule",
    "product": "product rule",
    "quotient": "quotient rule",
    "chain": "chain rule",
    "general_power": "logarithmic differentiation",
    "exponential": "exponential rule",
    "logarithm": "logarithm rule",
    "trig": "trig table",
    "inverse_trig": "inverse trig table",
    "hyperbolic": "hyperbolic table",
    "tanh": "tanh table",
    "inverse_hyperbolic": "inverse hyperbolic table",
    "sigmoid": "sigmoid table",
    "softplus": "softplus table",
    "relu": "ReLU table",
    "leaky_relu": "leaky ReLU table",
    "heaviside": "step function table",
    "abs": "absolute value table",
    "sign": "sign table",
    "max_min": "max/min table",
    "root": "real root table",
    "erf": "error function table",
    "activation": "activation table",
    "abstract": "abstract function",
    "cas": "derivative by the computer algebra system",
    "rewrite": "rewrite as computed",
    "simplify": "simplify",
}
# Table rules read "derivative of cos" (the family's title is for lists of rules).
_TABLE_NAMES = {"Abs": "abs", "Heaviside": "Heaviside", "Max": "max", "Min": "min",
                "RealRoot": "root", "relu": "ReLU", "leaky_relu": "leaky ReLU"}

_TABLE: dict[type, str] = {}
for _cls in (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc):
    _TABLE[_cls] = "trig"
for _cls in (sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc):
    _TABLE[_cls] = "inverse_trig"
for _cls in (sp.sinh, sp.cosh, sp.coth, sp.sech, sp.csch):
    _TABLE[_cls] = "hyperbolic"
for _cls in (sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asech, sp.acsch):
    _TABLE[_cls] = "inverse_hyperbolic"
_TABLE.update({
    sp.tanh: "tanh", sp.exp: "exponential", sp.log: "logarithm",
    sigmoid: "sigmoid", softplus: "softplus", relu: "relu", leaky_relu: "leaky_relu",
    sp.Heaviside: "heaviside", sp.Abs: "abs", sp.sign: "sign", sp.Max: "max_min",
    sp.Min: "max_min", RealRoot: "root", sp.erf: "erf", sp.erfc: "erf",
})
# gelu, silu, elu, hard_tanh, ... (calctool.core.expr.activations): their own derivatives.
_TABLE.update(dict.fromkeys(ACTIVATIONS.values(), "activation"))

# What to say about functions with a kink, a jump or a vertical tangent.
_KINK = "{name} has a kink where {arg} = 0: the derivative is undefined there"
_NOTES: dict[str, str] = {
    "abs": _KINK,
    "relu": _KINK + " (the left slope is 0, the right slope 1)",
    "leaky_relu": _KINK + " (the slopes differ on the two sides)",
    "heaviside": "{name} jumps where {arg} = 0: not differentiable there "
                 "(DiracDelta is 0 everywhere else)",
    "sign": "{name} jumps where {arg} = 0: not differentiable there "
            "(DiracDelta is 0 everywhere else)",
    "max_min": "{name} has a kink where its arguments are equal: the derivative is undefined there",
    "root": "{name} has a vertical tangent where {arg} = 0: the derivative is infinite there",
}


@dataclass(frozen=True)
class Step:
    """One rule applied to one subexpression (see the module docstring for what it means)."""

    rule: str
    expression: sp.Basic
    variable: sp.Symbol
    result: sp.Basic
    substeps: tuple[Step, ...] = ()
    note: str | None = None
    # The chain rule's new variable and what it stands for: u = x**3.
    substitution: tuple[sp.Symbol, sp.Basic] | None = None
    # The rule written out with the pieces' derivatives still unevaluated:
    # Derivative(x**3, x)*cos(x) + x**3*Derivative(cos(x), x).
    applied: sp.Basic | None = None
    # For `repeated` and `gradient` nodes: the variables, in order.
    variables: tuple[sp.Symbol, ...] = field(default=())

    @property
    def title(self) -> str:
        """How the rule reads: "product rule", "derivative of cos", ..."""
        a_power = self.rule == "exponential" and not isinstance(self.expression, sp.exp)
        if self.rule in _TABLE.values() and not a_power:  # a^x reads "exponential rule"
            name = type(self.expression).__name__
            if isinstance(self.expression, RealRoot):
                n = self.expression.args[1]
                name = "cbrt" if n == 3 else f"the real {n}th root"
            return f"derivative of {_TABLE_NAMES.get(name, name)}"
        return RULE_TITLES.get(self.rule, self.rule)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Step]]:
        """Every node with its depth, parents before children."""
        yield depth, self
        for s in self.substeps:
            yield from s.walk(depth + 1)

    def count(self) -> int:
        return sum(1 for _ in self.walk())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "expression": _text(self.expression),
            "variable": str(self.variable),
            "result": _text(self.result),
        }
        if self.variables:
            out["variables"] = [str(v) for v in self.variables]
        if self.substitution is not None:
            u, inner = self.substitution
            out["substitution"] = {"variable": str(u), "expression": _text(inner)}
        if self.applied is not None:
            out["applied"] = _text(self.applied)
        if self.note:
            out["note"] = self.note
        out["substeps"] = [s.to_dict() for s in self.substeps]
        return out


def _text(e: sp.Basic) -> str:
    if isinstance(e, sp.MatrixBase):
        return "[" + ", ".join(sp.sstr(c) for c in e) + "]"
    return sp.sstr(e)


# ---------------------------------------------------------------------------
# The rules


class _Deriver:
    """Applies the rules; remembers which names the chain rule may still use for u."""

    def __init__(self, expr: sp.Basic) -> None:
        self.taken = {str(s) for s in expr.free_symbols}
        self.taken |= {type(f).__name__ for f in expr.atoms(AppliedUndef)}
        self.active: list[str] = []  # names of the chain rules being worked out, outermost first

    def fresh(self) -> sp.Symbol:
        """u, or v inside a chain rule that already uses u, ...: siblings reuse letters."""
        from calctool.core.expr.parse import symbol

        k = 0
        while True:
            name = "uvw"[k] if k < 3 else f"u{k - 2}"
            if name not in self.taken and name not in self.active:
                return symbol(name)
            k += 1

    # -- dispatch ------------------------------------------------------------
    def derive(self, expr: sp.Basic, x: sp.Symbol) -> Step:
        if not expr.has(x):
            return self.constant(expr, x)
        if expr == x:
            return Step("variable", expr, x, sp.Integer(1))
        if isinstance(expr, sp.Add):
            return self.sum(expr, x)
        if isinstance(expr, sp.Mul):
            return self.mul(expr, x)
        if isinstance(expr, sp.Pow):
            return self.power(expr, x)
        if isinstance(expr, sp.Derivative):
            return self.derivative(expr, x)
        if isinstance(expr, sp.Subs):
            return self.subs(expr, x)
        if isinstance(expr, (sp.Function, sp.Max, sp.Min)):
            return self.function(expr, x)
        return cas(expr, x)

    # -- the rules -----------------------------------------------------------
    def constant(self, expr: sp.Basic, x: sp.Symbol) -> Step:
        return Step("constant", expr, x, sp.Integer(0), note=_constant_note(expr, x))

    def sum(self, expr: sp.Add, x: sp.Symbol) -> Step:
        terms = expr.as_ordered_terms()
        subs = tuple(self.derive(t, x) for t in terms)
        applied = sp.Add(*(sp.Derivative(t, x) for t in terms), evaluate=False)
        return Step("sum", expr, x, sp.Add(*(s.result for s in subs)), subs, applied=applied)

    def mul(self, expr: sp.Mul, x: sp.Symbol) -> Step:
        ordered = expr.as_ordered_factors()
        const = [f for f in ordered if not f.has(x)]
        factors = [f for f in ordered if f.has(x)]
        if const:
            c, rest = sp.Mul(*const), sp.Mul(*factors)
            inner = self.derive(rest, x)
            return Step("constant_multiple", expr, x, c * inner.result, (inner,),
                        note=_constant_note(c, x),
                        applied=sp.Mul(*sp.Mul.make_args(c), sp.Derivative(rest, x),
                                       evaluate=False))
        below = [f for f in factors if _is_reciprocal(f)]
        if below:
            return self.quotient(expr, x, factors, below)
        subs = tuple(self.derive(f, x) for f in factors)
        terms, applied = [], []
        for i in range(len(factors)):
            others = factors[:i] + factors[i + 1:]
            terms.append(sp.Mul(subs[i].result, *others))
            applied.append(sp.Mul(*factors[:i], sp.Derivative(factors[i], x), *factors[i + 1:],
                                  evaluate=False))
        return Step("product", expr, x, sp.Add(*terms), subs,
                    applied=sp.Add(*applied, evaluate=False))

    def quotient(self, expr: sp.Mul, x: sp.Symbol, factors: list[sp.Basic],
                 below: list[sp.Basic]) -> Step:
        num = sp.Mul(*(f for f in factors if f not in below))
        den = sp.Mul(*(sp.Pow(f.base, -f.exp) for f in below))
        dn, dd = self.derive(num, x), self.derive(den, x)
        result = (dn.result * den - num * dd.result) / den**2
        minus = [sp.Integer(-1), *sp.Mul.make_args(num), sp.Derivative(den, x)]
        top = sp.Add(sp.Mul(sp.Derivative(num, x), *sp.Mul.make_args(den), evaluate=False),
                     sp.Mul(*(f for f in minus if f != 1), evaluate=False), evaluate=False)
        applied = sp.Mul(top, sp.Pow(den, -2, evaluate=False), evaluate=False)
        return Step("quotient", expr, x, result, (dn, dd), applied=applied)

    def power(self, expr: sp.Pow, x: sp.Symbol) -> Step:
        base, exp = expr.args
        if not exp.has(x):
            if base == x:
                return Step("power", expr, x, exp * x ** (exp - 1), note=_constant_note(exp, x))
            return self.chain(expr, x, base)
        if not base.has(x):
            if exp == x:
                return Step("exponential", expr, x, expr * sp.log(base),
                            note=_constant_note(base, x))
            return self.chain(expr, x, exp)
        # f(x)^g(x) = e^(g ln f): D_x(f^g) = f^g D_x(g ln f)
        log_form = exp * sp.log(base)
        inner = self.derive(log_form, x)
        return Step("general_power", expr, x, expr * inner.result, (inner,),
                    note="f^g = exp(g·ln f), so D_x(f^g) = f^g·D_x(g·ln f)",
                    applied=sp.Mul(expr, sp.Derivative(log_form, x), evaluate=False))

    def function(self, expr: sp.Basic, x: sp.Symbol) -> Step:
        moving = [a for a in expr.args if a.has(x)]
        known = isinstance(expr, AppliedUndef) or type(expr) in _TABLE
        if len(moving) != 1 or not isinstance(moving[0], sp.Expr) or \
                isinstance(expr, sp.Piecewise):
            return cas(expr, x)  # atan2(x, x^2), max(x, x^2), f(x, x): no rule here
        arg = moving[0]
        if arg != x:
            if not known and not isinstance(expr, sp.Function):
                return cas(expr, x)
            return self.chain(expr, x, arg)
        if isinstance(expr, AppliedUndef):
            return Step("abstract", expr, x, sp.diff(expr, x))
        rule = _TABLE.get(type(expr))
        if rule is None:
            return cas(expr, x)
        result = sp.diff(expr, x)  # the table entry: the function's known derivative
        if result.has(sp.Derivative, sp.Subs):
            return cas(expr, x)
        note = _NOTES[rule].format(name=_name(expr), arg=x) if rule in _NOTES else None
        return Step(rule, expr, x, result, note=note)

    def derivative(self, expr: sp.Derivative, x: sp.Symbol) -> Step:
        """f'(a) of an abstract f, from an earlier order: a function of a like any other."""
        fn = expr.expr
        a = fn.args[0] if isinstance(fn, AppliedUndef) and len(fn.args) == 1 else None
        if a is None or any(v != a for v, _ in expr.variable_count):
            return cas(expr, x)
        if a == x:
            return Step("abstract", expr, x, sp.diff(expr, x))
        return self.chain(expr, x, a)

    def subs(self, expr: sp.Subs, x: sp.Symbol) -> Step:
        """f'(a) written Subs(Derivative(f(t), t), t, a) by sympy."""
        inner, (t,), (a,) = expr.args[0], expr.variables, expr.point
        if inner.has(x) or not isinstance(t, sp.Symbol):
            return cas(expr, x)
        u = self.fresh()
        return self.chain(expr, x, a, outer=inner.xreplace({t: u}), u=u)

    def chain(self, expr: sp.Basic, x: sp.Symbol, inner: sp.Basic,
              outer: sp.Basic | None = None, u: sp.Symbol | None = None) -> Step:
        """D_x f(g(x)) = f'(u)·du/dx with u = g(x)."""
        if u is None:
            u = self.fresh()
            outer = _replace_argument(expr, inner, u)
        assert outer is not None
        self.active.append(str(u))
        try:
            d_outer = self.derive(outer, u)
            d_inner = self.derive(inner, x)
        finally:
            self.active.pop()
        if d_outer.rule == "cas" and d_outer.result.has(sp.Derivative, sp.Subs):
            return cas(expr, x)  # floor(x^2): no formula in u to substitute back
        result = _substitute(d_outer.result, u, inner) * d_inner.result
        applied = sp.Mul(sp.Derivative(outer, u), sp.Derivative(inner, x), evaluate=False)
        return Step("chain", expr, x, result, (d_outer, d_inner), substitution=(u, inner),
                    applied=applied)


def cas(expr: sp.Basic, x: sp.Symbol, note: str | None = None) -> Step:
    """The derivative as sympy computes it: for constructs without a rule here."""
    what = _name(expr) if isinstance(expr, sp.Function) else type(expr).__name__
    result = sp.diff(expr, x)
    if note is None and result.has(sp.Derivative) and not expr.has(sp.Derivative, AppliedUndef):
        note = (f"no step-by-step rule for {what} here, and the computer algebra system "
                "leaves this derivative unevaluated")
    return Step("cas", expr, x, result,
                note=note or f"no step-by-step rule for {what} here: this is the derivative "
                             "the computer algebra system computes")


def _name(expr: sp.Basic) -> str:
    names = {"Abs": "abs", "Heaviside": "Heaviside", "Max": "max", "Min": "min",
             "RealRoot": "the real root"}
    name = type(expr).__name__
    return names.get(name, name)


def _is_reciprocal(f: sp.Basic) -> bool:
    return isinstance(f, sp.Pow) and f.exp.is_number and bool(f.exp.is_negative)


def _constant_note(c: sp.Basic, x: sp.Symbol) -> str | None:
    """'y is treated as a constant' when a constant involves other variables (partials)."""
    names = sorted(str(s) for s in c.free_symbols if s != x)
    if not names:
        return None
    if len(names) == 1:
        return f"{names[0]} is treated as a constant"
    return f"{', '.join(names)} are treated as constants"


def _replace_argument(expr: sp.Basic, inner: sp.Basic, u: sp.Symbol) -> sp.Basic:
    """expr with its one argument `inner` (or base, or exponent) replaced by u."""
    if isinstance(expr, sp.Derivative):
        fn = expr.expr
        return sp.Derivative(fn.func(u), *[(u, n) for _, n in expr.variable_count])
    return expr.func(*[u if a == inner else a for a in expr.args])


def _substitute(e: sp.Basic, u: sp.Symbol, inner: sp.Basic) -> sp.Basic:
    """e with u = inner put back; f'(u) at a non-symbol inner needs Subs, as sympy writes it."""
    derivatives = [d for d in e.atoms(sp.Derivative) if u in d.variables]
    if derivatives and not isinstance(inner, (sp.Symbol, AppliedUndef)):
        xi = sp.Dummy("xi")
        e = e.xreplace({d: sp.Subs(d.xreplace({u: xi}), xi, inner) for d in derivatives})
    return e.xreplace({u: inner})


def derive(expr: sp.Basic, var: sp.Symbol) -> Step:
    """The derivation tree of d/d(var) expr; its result equals sp.diff(expr, var)."""
    return _Deriver(expr).derive(expr, var)


# ---------------------------------------------------------------------------
# What `diff --steps` shows


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")


def _ordinal(k: int) -> str:
    return _ORDINALS[k - 1] if k <= len(_ORDINALS) else f"{k}th"


def _differentiation(expr: sp.Basic, var: sp.Symbol, note: str | None) -> Step:
    """One differentiation, checked against sympy's derivative (a failed check means a bug
    here: the CAS answer is shown instead of a wrong derivation)."""
    tree = derive(expr, var)
    if tree.rule != "cas" and agrees(tree.result, sp.diff(expr, var)) is False:
        tree = cas(expr, var, note="the step-by-step derivation did not check out; this is the "
                                   "derivative the computer algebra system computes")
    return Step("differentiate", expr, var, tree.result, (tree,), note=note)


def _finish(step: Step, printed: sp.Basic, simplified: bool) -> Step:
    """End a `differentiate` step with exactly what `diff` prints: a last `simplify` (with
    --simplify) or `rewrite` step from the derivation's result to the printed answer."""
    substeps, found = step.substeps, step.result
    if found != printed and agrees(found, printed) is False:  # a bug here: show the CAS answer
        last = cas(step.expression, step.variable,
                   note="the step-by-step derivation did not check out; this is the "
                        "derivative the computer algebra system computes")
        substeps, found = (last,), last.result
    if found != printed:
        rule = "simplify" if simplified else "rewrite"
        note = None if simplified else "the same function, written as calctool prints it"
        substeps += (Step(rule, found, step.variable, printed, note=note),)
    return Step(step.rule, step.expression, step.variable, printed, substeps, step.note)


def _differentiation_note(expr: sp.Basic, var: sp.Symbol, ordinal: str | None = None,
                          partial: bool = False) -> str | None:
    """"second derivative, by x, treating y as a constant", "partial derivative by x, ..."."""
    others = sorted(str(s) for s in expr.free_symbols if s != var)
    if ordinal:
        head = f"{ordinal} derivative, by {var}"
    elif others or partial:
        head = f"partial derivative by {var}"
    else:
        return None
    if not others:
        return head
    what = "a constant" if len(others) == 1 else "constants"
    return f"{head}, treating {', '.join(others)} as {what}"


def explain(expr: sp.Basic, sequence: Sequence[sp.Symbol], printed: sp.Basic,
            simplified: bool = False) -> Step:
    """The steps of differentiating `expr` by each variable of `sequence` in turn.

    One variable: a `differentiate` node whose substeps are the derivation and,
    when needed, a final `rewrite`/`simplify` step; its result is `printed`.
    Several (n-th derivative, mixed partial): a `repeated` node whose substeps
    are one `differentiate` node per differentiation, each differentiating the
    previous one's result; the last ends with the final step.
    """
    if len(sequence) == 1:
        step = _differentiation(expr, sequence[0], _differentiation_note(expr, sequence[0]))
        return _finish(step, printed, simplified)
    steps: list[Step] = []
    current = expr
    for k, var in enumerate(sequence, start=1):
        step = _differentiation(current, var, _differentiation_note(current, var, _ordinal(k)))
        steps.append(step)
        current = step.result
    steps[-1] = _finish(steps[-1], printed, simplified)
    return Step("repeated", expr, sequence[0], printed, tuple(steps),
                variables=tuple(sequence))


def explain_gradient(expr: sp.Basic, variables: Sequence[sp.Symbol],
                     printed: Sequence[sp.Basic], simplified: bool = False) -> Step:
    """One `differentiate` node per component, under a `gradient` node."""
    parts = tuple(
        _finish(_differentiation(expr, v, _differentiation_note(expr, v, partial=True)), p,
                simplified)
        for v, p in zip(variables, printed))
    return Step("gradient", expr, variables[0], sp.ImmutableMatrix([list(printed)]), parts,
                variables=tuple(variables))


# ---------------------------------------------------------------------------
# A numeric check


def agrees(a: sp.Basic, b: sp.Basic, tries: int = 12) -> bool | None:
    """Are a and b the same function? True/False from values at random points; None when no
    point gives both a real value (abstract functions, unevaluated derivatives)."""
    if a == b:
        return True
    symbols = sorted((a.free_symbols | b.free_symbols), key=str)
    rng = random.Random(20240531)
    compared = 0
    for _ in range(tries):
        point = {s: sp.Float(rng.uniform(-3, 3), 30) for s in symbols}
        va, vb = _value(a, point), _value(b, point)
        if va is None or vb is None:
            continue
        if abs(va - vb) > 1e-8 * max(1.0, abs(va), abs(vb)):
            return False
        compared += 1
        if compared >= 3:
            return True
    return True if compared else None


def _value(e: sp.Basic, point: dict[sp.Symbol, sp.Expr]) -> float | None:
    try:
        v = sp.N(e.xreplace(point), 30)
    except (TypeError, ValueError, ArithmeticError, NotImplementedError):
        return None
    if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    re_part, im_part = v.as_real_imag()
    if abs(im_part) > 1e-20 or not re_part.is_Number:
        return None
    number = float(re_part)
    if number != number or abs(number) > 1e200:
        return None
    return number
