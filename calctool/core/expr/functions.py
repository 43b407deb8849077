"""Functions sympy lacks, written as sympy functions: activations and real odd roots.

Each knows its derivative (so `diff` shows sigma(x)(1 - sigma(x)), not an
exp formula), evaluates numerically, prints back to text our parser reads,
and rewrites to elementary functions for the limit engine.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.core.function import ArgumentIndexError
from sympy.utilities.lambdify import implemented_function


def _with_exponent(body: str, exp: str | None) -> str:
    """LaTeX of f(x)^exp: sympy's printer passes `exp` when the function is raised to a power."""
    return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


class sigmoid(sp.Function):  # noqa: N801 - the name users type and read back
    """The logistic function 1/(1 + e^-x)."""

    is_real = True

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.Rational(1, 2)
        if x is sp.oo:
            return sp.Integer(1)
        if x is sp.S.NegativeInfinity:
            return sp.Integer(0)
        if x.is_Float:
            return 1 / (1 + sp.exp(-x))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_extended_real

    def _latex(self, printer: object, exp: str | None = None) -> str:
        body = r"\sigma\left(%s\right)" % printer._print(self.args[0])  # type: ignore[attr-defined]
        return _with_exponent(body, exp)

    def _pretty(self, printer: object) -> object:
        return printer._print_Function(self, func_name="σ")  # type: ignore[attr-defined]


class relu(sp.Function):  # noqa: N801
    """The rectifier max(0, x)."""

    is_real = True

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_negative:
            return sp.Integer(0)
        if x.is_number and x.is_extended_real is False:
            return sp.nan  # relu(log(-2)): max(0, a complex number) is undefined
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sp.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, x)

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        value = self.args[0].evalf(prec)
        if not value.is_extended_real:
            return sp.nan if value.is_number else None  # e.g. (-2)^(pi/4): not real
        return sp.Max(0, value)

    def _latex(self, printer: object, exp: str | None = None) -> str:
        body = r"\operatorname{ReLU}\left(%s\right)" % printer._print(self.args[0])  # type: ignore[attr-defined]
        return _with_exponent(body, exp)


class leaky_relu(sp.Function):  # noqa: N801
    """max(x, a*x) for a slope 0 <= a < 1 (a = 0.01 when not given)."""

    nargs = 2
    is_real = True

    @classmethod
    def eval(cls, x: sp.Expr, a: sp.Expr) -> sp.Expr | None:
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_negative:
            return a * x
        if x.is_number and x.is_extended_real is False:
            return sp.nan  # not defined for a complex argument
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, a = self.args
        if argindex == 1:
            return a + (1 - a) * sp.Heaviside(x)
        if argindex == 2:
            return sp.Min(x, 0)
        raise ArgumentIndexError(self, argindex)

    def _eval_rewrite_as_Max(self, x: sp.Expr, a: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, x) + a * sp.Min(0, x)

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        x, a = self.args
        value = x.evalf(prec)
        if not value.is_extended_real:
            return sp.nan if value.is_number else None
        return (sp.Max(0, value) + a * sp.Min(0, value))._eval_evalf(prec)

    def _latex(self, printer: object, exp: str | None = None) -> str:
        x, a = (printer._print(arg) for arg in self.args)  # type: ignore[attr-defined]
        return _with_exponent(r"\operatorname{LeakyReLU}_{%s}\left(%s\right)" % (a, x), exp)


class softplus(sp.Function):  # noqa: N801
    """log(1 + e^x), the smooth rectifier; its derivative is the sigmoid."""

    is_real = True

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.log(2)
        if x is sp.oo:
            return sp.oo
        if x is sp.S.NegativeInfinity:
            return sp.Integer(0)
        if x.is_Float:
            return sp.log(1 + sp.exp(x))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, x: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_extended_real


class RealRoot(sp.Function):
    """The real n-th root for odd n: RealRoot(-8, 3) = -2 (sympy's root would be complex)."""

    nargs = 2
    is_real = True

    @classmethod
    def eval(cls, x: sp.Expr, n: sp.Expr) -> sp.Expr | None:
        if not (n.is_Integer and n > 1 and n % 2 == 1):
            raise ValueError("RealRoot takes an odd integer degree >= 3")
        if x.is_zero:
            return sp.Integer(0)
        if x.is_extended_nonnegative:
            return sp.Pow(x, sp.Rational(1, n))
        if x.is_extended_negative and x.is_number:
            return -sp.Pow(-x, sp.Rational(1, n))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, n = self.args
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return 1 / (n * RealRoot(x, n) ** (n - 1))

    def _eval_rewrite_as_Abs(self, x: sp.Expr, n: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.sign(x) * sp.Abs(x) ** sp.Rational(1, n)

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_number or not x.is_extended_real:
            return None
        n = self.args[1]
        return (sp.sign(x) * sp.Abs(x) ** sp.Rational(1, n))._eval_evalf(prec)

    def _sympystr(self, printer: object) -> str:
        x, n = self.args
        arg = printer._print(x)  # type: ignore[attr-defined]
        return f"cbrt({arg})" if n == 3 else f"root({arg}, {n})"

    def _latex(self, printer: object, exp: str | None = None) -> str:
        x, n = self.args
        arg = printer._print(x)  # type: ignore[attr-defined]
        body = r"\sqrt[3]{%s}" % arg if n == 3 else r"\sqrt[%s]{%s}" % (n, arg)
        return _with_exponent(body, exp)

    def _pretty(self, printer: object) -> object:
        x, n = self.args
        return printer._print(sp.Pow(x, sp.Rational(1, n), evaluate=False))  # type: ignore[attr-defined]




class floor(sp.floor):  # noqa: N801 - named as sympy's, so printers and str() agree
    """sympy's floor, with d/du floor(u) = 0: it is constant between the integers.

    sympy leaves d/dx floor(x) unevaluated: a Derivative that cannot be
    evaluated at a point, compiled to numpy, or told apart from 0 (hessian
    called y*Derivative(floor(x), (x, 2)) an "indeterminate form"). The parser
    builds this subclass, so every engine (sp.diff, the Hessian, the steps,
    gradcheck) agrees, while sympy's own floor stays as it is for the rest of
    the process. At the integers floor jumps and has no derivative; as with
    sign and Heaviside, `pointwise.derivative_at` finds that at a point
    (one-sided difference quotients) and the views say so next to the formula.
    """

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sp.Integer(0)


class ceiling(sp.ceiling):  # noqa: N801 - named as sympy's, so printers and str() agree
    """sympy's ceiling, with d/du ceiling(u) = 0 (see `floor`)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sp.Integer(0)


# Functions with a kink or a jump: where their argument crosses 0 (or, for
# Min/Max, where two arguments meet) a derivative may not exist.
NONSMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, relu, leaky_relu,
             sp.floor, sp.ceiling, sp.Piecewise, sp.DiracDelta, RealRoot)


def to_elementary(expr: sp.Expr) -> sp.Expr:
    """Rewrite our custom functions into sympy's own, for engines that need those (limits)."""
    mapping: dict[type, Callable[..., sp.Expr]] = {
        sigmoid: lambda x: 1 / (1 + sp.exp(-x)),
        softplus: lambda x: sp.log(1 + sp.exp(x)),
        relu: lambda x: sp.Max(0, x),
        leaky_relu: lambda x, a: sp.Max(0, x) + a * sp.Min(0, x),
        RealRoot: lambda x, n: sp.sign(x) * sp.Abs(x) ** sp.Rational(1, n),
    }
    from calctool.core.expr.activations import ACTIVATIONS

    for activation in set(ACTIVATIONS.values()):
        mapping[activation] = activation.elementary
    for cls, rewrite in mapping.items():
        if expr.has(cls):
            expr = expr.replace(cls, rewrite)
    return expr


def for_numpy(expr: sp.Expr) -> sp.Expr:
    """`expr` with what numpy code lacks rewritten into what it has (compile_numpy
    applies it to all it compiles): DiracDelta (the derivative of sign and
    Heaviside) is 0 where its argument is not 0 and nan (no value) where it is;
    polygamma (the derivative of gamma and factorial) is computed point by
    point with mpmath."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(sp.DiracDelta,
                            lambda u, *_order: sp.Piecewise((sp.nan, sp.Eq(u, 0)), (0, True)))
    if expr.has(sp.polygamma):
        expr = expr.replace(sp.polygamma, _numeric_polygamma)
    return expr


def _polygamma_values(n: object, u: object) -> object:
    import mpmath
    import numpy as np

    def one(k: float, v: float) -> float:
        try:
            return float(mpmath.polygamma(int(k), v))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return float("nan")  # a pole of gamma

    return np.vectorize(one, otypes=[float])(n, u)


_numeric_polygamma = implemented_function("polygamma_mpmath", _polygamma_values)
