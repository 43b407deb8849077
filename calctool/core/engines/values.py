"""Exact and numeric values of expressions at points, safely.

Substituting a point can create numbers too large to compute (x^(10^9) at
x = 3): such values are computed numerically only, never exactly. A value
that is not a finite real number is described in words (division by zero,
not real, ...) so it can be reported per point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from calctool.core.expr.parse import MAX_FACTORIAL_ARG, MAX_INT_BITS


@dataclass(frozen=True)
class Value:
    """The value of an expression at a point."""

    exact: sp.Expr | None  # None when too large to compute exactly, or undefined
    number: float | None  # the float64 value; None when undefined
    text: str  # the value to `digits` significant digits, or the reason it is undefined
    problem: str | None = None  # why there is no finite real value

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def decimal_is_exact(self) -> bool:
        """Does `text` write the exact value (5, 0.25; not 1/3, or 10^20 + 1 as 1.0e+20)?"""
        if self.exact is None or not self.exact.is_Rational:
            return False
        try:
            return bool(sp.Rational(self.text) == self.exact)
        except (TypeError, ValueError):
            return False


def _too_big(expr: sp.Expr) -> bool:
    """Would evaluating this unevaluated tree exactly make enormous numbers?"""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            base, exp = node.args
            if exp.is_Integer and abs(int(exp)) > 64 and base.is_number:
                # (1 + 1/100000)^100000 is near e, but exactly it has 500,000 digits
                if _too_big(base):
                    return True
                exact_base = base.doit()
                if exact_base.is_Rational:
                    size = max(abs(exact_base.p).bit_length(), exact_base.q.bit_length())
                    if size > 1 and abs(int(exp)) * size > MAX_INT_BITS:
                        return True
                    continue
            if base.is_number and exp.is_number:
                try:
                    b = abs(complex(sp.N(base, 15)))
                    e = abs(complex(sp.N(exp, 15)))
                except (TypeError, ValueError, ArithmeticError):
                    # not a plain number (Heaviside(pi/4) unevaluated), or 1/log(1)
                    # unevaluated: exact evaluation decides
                    continue
                if b > 1 and (math.isinf(b) or e * math.log2(b) > MAX_INT_BITS):
                    return True
        elif isinstance(node, (sp.factorial, sp.gamma)):
            arg = node.args[0]
            if arg.is_number:
                try:
                    if abs(complex(sp.N(arg, 15))) > MAX_FACTORIAL_ARG:
                        return True
                except (TypeError, ValueError, ArithmeticError):
                    continue
    return False


def substitute(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> sp.Expr | None:
    """expr at the point, exactly; None when that would make enormous numbers."""
    with sp.evaluate(False):
        raw = _replace(expr, point)
    if _too_big(raw):
        return None
    return _replace(expr, point)


def _replace(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """xreplace, except that a derivative sympy left unevaluated (d/dx sign(sqrt(x+1)))
    cannot be taken "with respect to 0": such a value is undefined (nan)."""
    try:
        return expr.xreplace(point)
    except ValueError:
        return sp.nan


TOO_LARGE = "too large to compute (its exponent alone overflows)"


def describe_problem(value: sp.Expr) -> str | None:
    """Why an exact value is not a finite real number, in words; None if it is one."""
    if value is sp.zoo or value.has(sp.zoo):
        return "infinite (division by zero or log(0))"
    if value is sp.nan or value.has(sp.nan):
        return "an indeterminate form"
    if value in (sp.oo, sp.S.NegativeInfinity):
        return "infinite"
    if value.has(sp.DiracDelta):
        return "an impulse (the function jumps here)"
    if value.is_extended_real is False:
        return "not a real number"
    return None


def evaluate(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr], digits: int = 15,
             *, tidy: bool = False) -> Value:
    """The value of `expr` at `point`: exact when affordable, and to `digits` digits.

    With `tidy`, the exact value is simplified (log(8)/log(2) -> 3) when that
    takes under a second.
    """
    exact = substitute(expr, point)
    if tidy and exact is not None and not exact.is_Number:
        exact = _simplified(exact)
    if exact is not None:
        problem = describe_problem(exact)
        if problem:
            return Value(None, None, problem, problem)
        target: sp.Expr = exact
    else:
        with sp.evaluate(False):
            target = _replace(expr, point)
    # The float is always the correctly rounded double (17 digits at least), whatever
    # `digits` the text is shown with: --digits 4 must not make the JSON number wrong.
    work = max(digits, 17)
    try:
        approx = sp.N(target, work)
        if approx == 0 and exact is not None and exact.is_zero is False:
            approx = _nonzero(exact, work)
    except OverflowError:  # mpmath: exp(exp(exp(exp(10)))) has an exponent beyond any float
        return Value(None, None, TOO_LARGE, TOO_LARGE)
    except (TypeError, ValueError, ZeroDivisionError):
        # sympy comparing a non-real intermediate (sigmoid(sqrt(log(0)))), mpmath at a pole
        return Value(None, None, "undefined", "undefined")
    if approx.has(sp.zoo, sp.nan) or not approx.is_number:
        problem = describe_problem(approx) or "undefined"
        return Value(None, None, problem, problem)
    re_part, im_part = approx.as_real_imag()
    if im_part != 0 and abs(im_part) > 10 ** (-work) * max(1, abs(re_part)):
        return Value(None, None, "not a real number", "not a real number")
    if re_part in (sp.oo, sp.S.NegativeInfinity):
        return Value(re_part, float(re_part), "infinite", "infinite")
    if not re_part.is_Number:  # sympy could not reduce it to a number (an unknown function)
        return Value(None, None, "not computable numerically", "not computable numerically")
    number = float(re_part)
    text = str(exact) if exact is not None and exact.is_Integer and len(str(exact)) <= digits \
        else _format(re_part, digits)
    return Value(exact, number, text)


def _nonzero(exact: sp.Expr, digits: int) -> sp.Expr:
    """A value sympy evaluates to 0 though it is not 0: log(1 + 10^-20) at 15
    digits (its working precision does not reach the 21st digit). More
    precision, until the value shows."""
    for extra in (30, 100, 400, 2000):
        approx = sp.N(exact, digits + extra)
        if approx != 0:
            return sp.Float(approx, digits)
    return sp.Float(0)


def _simplified(value: sp.Expr) -> sp.Expr:
    from calctool.core.budget import time_limit
    from calctool.core.errors import ComputationTimeout

    try:
        with time_limit(1.0):
            simpler = sp.simplify(value)
    except ComputationTimeout:
        return value
    return simpler if sp.count_ops(simpler) <= sp.count_ops(value) else value


def _format(value: sp.Expr, digits: int) -> str:
    if value.is_Integer:
        return str(value)
    text = sp.sstr(sp.Float(value, digits), full_prec=False)
    # sympy writes a whole mantissa with ".0": pi to 1 digit is "3.0", which
    # claims 2 digits; drop it when it is more than was asked for ("3", "3e+1").
    mantissa, e, exponent = text.partition("e")
    if mantissa.endswith(".0") and len(mantissa.lstrip("-0.").replace(".", "")) > digits:
        text = mantissa[:-2] + e + exponent
    return text
