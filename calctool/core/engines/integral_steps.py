"""How an antiderivative comes out, rule by rule, in the step tree of `diff --steps`.

sympy's manualintegrate finds antiderivatives the way a course teaches them and
returns its rule tree (`integral_steps`); this module maps that tree to `Step`
nodes (the same structure, JSON and renderers as derivations), with readable
rule names, the substitution u = ... and its du, the parts u and dv, and
nothing of sympy's repr. Every node means ∫ expression d(variable) = result.

`explain(f, x, printed)` wraps the tree into what `integrate --steps` shows:
an `integrate` root whose last substep rewrites the tree's result into exactly
the antiderivative printed (saying so when they differ by a constant). A tree
that fails its check, or that sympy cannot build, becomes one `cas` step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from calctool.core.budget import time_limit
from calctool.core.engines.steps import Step, agrees
from calctool.core.errors import ComputationTimeout

# Rule ids (stable: JSON consumers see them) and how they read.
RULE_TITLES: dict[str, str] = {
    "integrate": "antiderivative",
    "constant": "constant rule",
    "constant_multiple": "constant multiple rule",
    "power": "power rule",
    "sum": "sum rule (linearity)",
    "substitution": "substitution",
    "parts": "integration by parts",
    "cyclic_parts": "integration by parts, until the integral comes back",
    "table": "table integral",
    "exponential": "exponential rule",
    "reciprocal": "reciprocal rule",
    "partial_fractions": "partial fractions",
    "trig_identity": "trigonometric identity",
    "algebra": "rewrite the integrand",
    "complete_square": "complete the square",
    "trig_substitution": "trigonometric substitution",
    "piecewise": "piecewise integrand",
    "special": "special-function table",
    "cas": "antiderivative by the computer algebra system",
    "rewrite": "rewrite as printed",
}

_TABLE = {
    "SinRule": "∫ sin(u) du = -cos(u)", "CosRule": "∫ cos(u) du = sin(u)",
    "SecTanRule": "∫ sec(u)tan(u) du = sec(u)", "CscCotRule": "∫ csc(u)cot(u) du = -csc(u)",
    "Sec2Rule": "∫ sec²(u) du = tan(u)", "Csc2Rule": "∫ csc²(u) du = -cot(u)",
    "SinhRule": "∫ sinh(u) du = cosh(u)", "CoshRule": "∫ cosh(u) du = sinh(u)",
    "ArcsinRule": "∫ 1/√(1-u²) du = asin(u)", "ArcsinhRule": "∫ 1/√(1+u²) du = asinh(u)",
    "ArctanRule": "∫ 1/(a+bu²) du = atan(u·√(b/a))/√(ab)",
    "ReciprocalSqrtQuadraticRule": "∫ 1/√(a+bu+cu²) du",
    "SqrtQuadraticDenomRule": "∫ P(u)/√(a+bu+cu²) du", "SqrtQuadraticRule": "∫ √(a+bu+cu²) du",
}
_SPECIAL = {"CiRule", "ChiRule", "EiRule", "SiRule", "ShiRule", "LiRule", "ErfRule",
            "FresnelCRule", "FresnelSRule", "PolylogRule", "UpperGammaRule", "EllipticFRule",
            "EllipticERule", "IRule", "JacobiRule", "GegenbauerRule", "ChebyshevTRule",
            "ChebyshevURule", "LegendreRule", "HermiteRule", "LaguerreRule",
            "AssocLaguerreRule"}


@dataclass(frozen=True)
class IntegralStep(Step):
    """A Step that means ∫ expression d(variable) = result (an antiderivative)."""

    # Integration by parts: u, dv (the rest of the integrand), v = ∫dv, du = u' dx.
    parts: tuple[sp.Basic, sp.Basic, sp.Basic, sp.Basic] | None = None

    @property
    def title(self) -> str:
        return RULE_TITLES.get(self.rule, self.rule)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.parts is not None:
            u, dv, v, du = self.parts
            out["parts"] = {"u": sp.sstr(u), "dv": sp.sstr(dv), "v": sp.sstr(v),
                            "du": sp.sstr(du)}
        substeps = out.pop("substeps")
        out["substeps"] = substeps  # keep substeps last, as in diff's steps
        return out


def _purpose(step: IntegralStep, what: str) -> IntegralStep:
    from dataclasses import replace

    return replace(step, note=f"{what}: {step.note}" if step.note else what)


class _Mapper:
    def __init__(self, f: sp.Expr) -> None:
        self.taken = {str(s) for s in f.free_symbols}
        self.env: dict[sp.Basic, sp.Basic] = {}

    def fresh(self) -> sp.Symbol:
        from calctool.core.expr.parse import symbol

        used = self.taken | {str(v) for v in self.env.values()}
        for name in ("u", "v", "w", "t", "s", *(f"u{k}" for k in range(1, 50))):
            if name not in used:
                return symbol(name)
        raise ValueError("no fresh name")

    def e(self, expr: Any) -> sp.Basic:
        return sp.sympify(expr).xreplace(self.env)

    def node(self, rule: Any) -> IntegralStep:
        from sympy.integrals import manualintegrate as mi

        name = type(rule).__name__
        if isinstance(rule, mi.AlternativeRule):
            return self.node(min(rule.alternatives, key=_size))
        if isinstance(rule, mi.DontKnowRule):
            raise _Unknown
        if isinstance(rule, mi.URule):
            u = self.fresh()
            self.env[rule.u_var] = u
            inner = self.node(rule.substep)
            x, g = self.e(rule.variable), self.e(rule.u_func)
            return self.make("substitution", rule, (inner,), substitution=(u, g),
                             note=f"d{u} = {sp.sstr(sp.diff(g, x))} d{x}")
        if isinstance(rule, mi.PartsRule):
            # the two integrals of the rule, said which is which: they are often alike
            v_step = _purpose(self.node(rule.v_step), "v = ∫ dv")
            subs = [v_step]
            if rule.second_step is not None:
                subs.append(_purpose(self.node(rule.second_step), "the ∫ v du of the rule"))
            x = self.e(rule.variable)
            u, dv = self.e(rule.u), self.e(rule.dv)
            v = v_step.result
            du = sp.diff(u, x)
            return self.make("parts", rule, tuple(subs), parts=(u, dv, v, du),
                             note=f"∫ u dv = u·v - ∫ v du with u = {sp.sstr(u)}, "
                                  f"dv = {sp.sstr(dv)} d{x}")
        if isinstance(rule, mi.CyclicPartsRule):
            cycle: list[IntegralStep] = []
            x = self.e(rule.variable)
            for p in rule.parts_rules:
                u, dv = self.e(p.u), self.e(p.dv)
                v = self.e(p.v_step.eval())
                du = sp.diff(u, x)
                # ∫ u dv = u·v - ∫ v du, the last integral left for the next round
                cycle.append(IntegralStep("parts", u * dv, x,
                                          u * v - sp.Integral(v * du, x),
                                          parts=(u, dv, v, du), note="one integration by parts"))
            return self.make("cyclic_parts", rule, tuple(cycle),
                             note="after two integrations by parts the integral comes back "
                                  f"times {sp.sstr(rule.coefficient)}: solve for it")
        if isinstance(rule, mi.AddRule):
            return self.make("sum", rule, tuple(self.node(s) for s in rule.substeps))
        if isinstance(rule, mi.ConstantTimesRule):
            return self.make("constant_multiple", rule, (self.node(rule.substep),),
                             note=f"the constant {sp.sstr(self.e(rule.constant))} comes out")
        if isinstance(rule, mi.RewriteRule):
            kind = _rewrite_kind(self.e(rule.integrand), self.e(rule.rewritten),
                                 self.e(rule.variable))
            inner = self.node(rule.substep)
            return self.make(kind, rule, (inner,), applied=self.e(rule.rewritten),
                             note=f"rewrite as {sp.sstr(self.e(rule.rewritten))}")
        if isinstance(rule, mi.CompleteSquareRule):
            inner = self.node(rule.substep)
            return self.make("complete_square", rule, (inner,),
                             applied=self.e(rule.rewritten))
        if isinstance(rule, mi.TrigSubstitutionRule):
            theta = self.fresh()
            self.env[rule.theta] = theta
            inner = self.node(rule.substep)
            return self.make("trig_substitution", rule, (inner,),
                             substitution=(self.e(rule.variable), self.e(rule.func)),
                             note=f"{sp.sstr(self.e(rule.variable))} = "
                                  f"{sp.sstr(self.e(rule.func))}")
        if isinstance(rule, mi.PiecewiseRule):
            pieces = tuple(self.node(s) for s, _ in rule.subfunctions)
            return self.make("piecewise", rule, pieces)
        if isinstance(rule, mi.ConstantRule):
            return self.make("constant", rule)
        if isinstance(rule, (mi.PowerRule, mi.NestedPowRule)):
            return self.make("power", rule, note="∫ u^n du = u^(n+1)/(n+1) for n ≠ -1")
        if isinstance(rule, mi.ExpRule):
            return self.make("exponential", rule, note="∫ a^u du = a^u/ln(a)")
        if isinstance(rule, mi.ReciprocalRule):
            return self.make("reciprocal", rule, note="∫ 1/u du = ln|u|")
        if name in _TABLE:
            return self.make("table", rule, note=_TABLE[name])
        if name in _SPECIAL:
            return self.make("special", rule,
                             note="this integral defines a special function")
        raise _Unknown

    def make(self, rule_id: str, rule: Any, substeps: tuple[IntegralStep, ...] = (),
             **extra: Any) -> IntegralStep:
        result = self.e(rule.eval())
        if rule_id == "reciprocal":
            result = result.replace(sp.log, lambda a: sp.log(sp.Abs(a)))
        integrand = rule.integrand
        u_var = getattr(rule, "u_var", None)
        if u_var is not None and integrand.has(u_var):  # sympy writes it in u already
            integrand = integrand.xreplace({u_var: rule.u_func})
        return IntegralStep(rule_id, self.e(integrand), self.e(rule.variable), result,
                            substeps, **extra)


class _Unknown(Exception):
    """A rule without a mapping here (or sympy's DontKnowRule)."""


def _absolute_logs(tree: IntegralStep) -> IntegralStep:
    """ln|u| everywhere the tree (its reciprocal rule) wrote it for some u: one convention."""
    found = {a.args[0] for _, s in tree.walk() for a in s.result.atoms(sp.Abs)
             if any(lg.args[0] == a for lg in s.result.atoms(sp.log))}

    def fix(step: Step) -> IntegralStep:
        result = step.result.xreplace({sp.log(a): sp.log(sp.Abs(a)) for a in found})
        assert isinstance(step, IntegralStep)
        return replace(step, result=result, substeps=tuple(fix(c) for c in step.substeps))

    return fix(tree) if found else tree


def _size(rule: Any) -> int:
    from sympy.integrals.manualintegrate import Rule

    count = 1
    for value in vars(rule).values():
        if isinstance(value, Rule):
            count += _size(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Rule):
                    count += _size(item)
                elif isinstance(item, tuple):
                    count += sum(_size(i) for i in item if isinstance(i, Rule))
    return count


def _rewrite_kind(before: sp.Expr, after: sp.Expr, x: sp.Basic) -> str:
    trig = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
    if before.has(*trig) or after.has(*trig):
        return "trig_identity"
    if before.is_rational_function(x) and isinstance(sp.expand(after), sp.Add) \
            and any(not t.is_polynomial(x) for t in sp.Add.make_args(sp.expand(after))):
        return "partial_fractions"
    return "algebra"


def cas(f: sp.Expr, x: sp.Symbol, result: sp.Expr, note: str) -> IntegralStep:
    return IntegralStep("cas", f, x, result, note=note)


def build(f: sp.Expr, x: sp.Symbol, seconds: float = 5.0) -> IntegralStep | None:
    """The rule tree of ∫ f dx, or None when manualintegrate has none (or takes too long)."""
    from sympy.integrals.manualintegrate import integral_steps

    try:
        with time_limit(seconds, "the step-by-step integration"):
            rule = integral_steps(f, x)
            mapper = _Mapper(f)
            return _absolute_logs(mapper.node(rule))
    except (_Unknown, ComputationTimeout, NotImplementedError, ValueError, TypeError,
            AttributeError):
        return None


def explain(f: sp.Expr, x: sp.Symbol, printed: sp.Expr, seconds: float = 5.0
            ) -> IntegralStep:
    """The steps of ∫ f dx, ending in exactly `printed` (the verified antiderivative)."""
    tree = build(f, x, seconds)
    if tree is not None and agrees(sp.diff(tree.result, x), f) is False:
        tree = None  # a mapping bug, or a wrong rule: show the checked answer instead
    if tree is None:
        only = cas(f, x, printed, "no rule-by-rule derivation was found; this is the "
                                  "antiderivative the computer algebra system computes "
                                  "(checked by differentiating it)")
        return IntegralStep("integrate", f, x, printed, (only,))
    substeps: tuple[Step, ...] = (tree,)
    if tree.result != printed and agrees(sp.diff(tree.result, x), sp.diff(printed, x)) is False:
        only = cas(f, x, printed, "the rule-by-rule derivation did not check out; this is the "
                                  "antiderivative the computer algebra system computes")
        return IntegralStep("integrate", f, x, printed, (only,))
    if tree.result != printed:
        same = agrees(tree.result, printed)
        note = ("the same antiderivative, written as calctool prints it" if same else
                "the same antiderivative up to a constant (any two differ by one on each "
                "interval), written as calctool prints it")
        substeps += (IntegralStep("rewrite", tree.result, x, printed, note=note),)
    return IntegralStep("integrate", f, x, printed, substeps)
