"""Deep-learning activations and reductions, as sympy functions with exact derivatives.

gelu (exact, with erf) and gelu_tanh (the tanh approximation), silu (= swish),
elu, selu, mish, softsign, hard_sigmoid, hard_tanh, and the n-ary logsumexp.
Each knows:

* its derivative (`fdiff`), written with the function itself where that reads
  well (d/dx silu = σ(x) + x·σ(x)(1 − σ(x))), so `diff` and `--steps` show it;
* its elementary form (`elementary`), used for numeric values (`evalf`) and by
  the limit engine: Max/Min for the kinked ones, so their kinks are where
  Max/Min switch;
* where it switches (`switches`, for elu, selu, hard_sigmoid, hard_tanh): the
  expressions whose zeros are its kinks, which the kink detection reads;
* its numpy form (`NUMPY`), for vectorised evaluation.

Definitions follow PyTorch: hard_sigmoid(x) = clamp(x/6 + 1/2, 0, 1),
hard_tanh(x) = clamp(x, −1, 1), elu(x, a) = x for x > 0 and a(eˣ − 1) otherwise
(a = 1 by default), selu(x) = λ·elu(x, α) with λ and α of Klambauer et al.
(2017) to 32 digits, gelu_tanh with the constant 0.044715 as an exact rational.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import sympy as sp
from sympy.core.function import ArgumentIndexError

from calctool.core.expr.functions import sigmoid, softplus

SELU_LAMBDA = sp.Float("1.0507009873554804934193349852946", 32)
SELU_ALPHA = sp.Float("1.6732632423543772848170429916717", 32)
GELU_TANH_C = sp.Rational(44715, 1000000)


class Activation(sp.Function):
    """Shared behaviour: numeric values and rewrites go through `elementary`."""

    is_real = True
    # Expressions in the arguments whose zeros are kinks (none for smooth ones).
    kinked: ClassVar[bool] = False

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        raise NotImplementedError

    def rewrite_elementary(self) -> sp.Expr:
        return type(self).elementary(*self.args)

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        values = [a.evalf(prec) for a in self.args]
        if not all(v.is_number for v in values):
            return None
        if any(v.is_extended_real is False for v in values):
            return sp.nan
        value = type(self).elementary(*values)
        if self.kinked and value.is_Rational:
            # On a flat piece (hard_tanh beyond 1): the value is exact, and as a
            # float beside its own exact value (f(1 + h) - f(1)) evalf would see
            # only cancellation. Left alone, the caller evaluates it exactly.
            return None
        return value.evalf(prec)

    @property
    def switches(self) -> tuple[sp.Expr, ...]:
        return ()


def _arg(self: Activation, argindex: int, allowed: int = 1) -> sp.Expr:
    if argindex > allowed:
        raise ArgumentIndexError(self, argindex)
    return self.args[0]


def _phi(x: sp.Expr) -> sp.Expr:
    """The standard normal density."""
    return sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)


class gelu(Activation):  # noqa: N801 - the names users type and read back
    """x·Φ(x) = x/2·(1 + erf(x/√2)), the exact GELU."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.Integer(0)
        if x is sp.oo:
            return sp.oo
        return None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return x / 2 * (1 + sp.erf(x / sp.sqrt(2)))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        return (1 + sp.erf(x / sp.sqrt(2))) / 2 + x * _phi(x)


class gelu_tanh(Activation):  # noqa: N801
    """x/2·(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh approximation of GELU."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        return sp.Integer(0) if x.is_zero else None

    @staticmethod
    def inner(x: sp.Expr) -> sp.Expr:
        return sp.sqrt(2 / sp.pi) * (x + GELU_TANH_C * x**3)

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return x / 2 * (1 + sp.tanh(cls.inner(x)))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        u = self.inner(x)
        du = sp.sqrt(2 / sp.pi) * (1 + 3 * GELU_TANH_C * x**2)
        return (1 + sp.tanh(u)) / 2 + x / 2 * (1 - sp.tanh(u) ** 2) * du


class silu(Activation):  # noqa: N801
    """x·σ(x) (also called swish)."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.Integer(0)
        if x is sp.oo:
            return sp.oo
        return None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return x / (1 + sp.exp(-x))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        s = sigmoid(x)
        return s + x * s * (1 - s)


class mish(Activation):  # noqa: N801
    """x·tanh(softplus(x))."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        return sp.Integer(0) if x.is_zero else None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return x * sp.tanh(sp.log(1 + sp.exp(x)))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        t = sp.tanh(softplus(x))
        return t + x * (1 - t**2) * sigmoid(x)


class softsign(Activation):  # noqa: N801
    """x/(1 + |x|)."""

    nargs = 1

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        return sp.Integer(0) if x.is_zero else None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return x / (1 + sp.Abs(x))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        return 1 / (1 + sp.Abs(x)) ** 2


class elu(Activation):  # noqa: N801
    """x for x > 0, a·(eˣ − 1) for x ≤ 0 (a = 1 unless given): a kink at 0 unless a = 1."""

    nargs = 2
    kinked = True

    @classmethod
    def eval(cls, x: sp.Expr, a: sp.Expr) -> sp.Expr | None:
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_negative and x.is_number:
            return a * (sp.exp(x) - 1)
        return None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        x, a = args
        return sp.Max(0, x) + a * (sp.exp(sp.Min(0, x)) - 1)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x, a = self.args
        if argindex == 1:
            return sp.Heaviside(x) + (1 - sp.Heaviside(x)) * a * sp.exp(x)
        if argindex == 2:
            return (1 - sp.Heaviside(x)) * (sp.exp(x) - 1)
        raise ArgumentIndexError(self, argindex)

    @property
    def switches(self) -> tuple[sp.Expr, ...]:
        return (self.args[0],)


class selu(Activation):  # noqa: N801
    """λ·elu(x, α), the self-normalising ELU: a kink at 0."""

    nargs = 1
    kinked = True

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_extended_nonnegative:
            return SELU_LAMBDA * x
        return None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return SELU_LAMBDA * elu.elementary(x, SELU_ALPHA)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        return SELU_LAMBDA * (sp.Heaviside(x) + (1 - sp.Heaviside(x)) * SELU_ALPHA * sp.exp(x))

    @property
    def switches(self) -> tuple[sp.Expr, ...]:
        return (self.args[0],)


class _Clamp(Activation):
    """A piecewise-linear clamp: exact at every real number; kinks where `switches` are 0."""

    nargs = 1
    kinked = True
    corners: ClassVar[tuple[int, int]] = (-1, 1)  # the x of the two kinks

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_number and x.is_extended_real:
            return cls.elementary(x)
        return None

    @property
    def switches(self) -> tuple[sp.Expr, ...]:
        x = self.args[0]
        return tuple(x - c for c in self.corners)


class hard_sigmoid(_Clamp):  # noqa: N801
    """clamp(x/6 + 1/2, 0, 1): kinks at x = −3 and x = 3."""

    corners = (-3, 3)

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return sp.Max(0, sp.Min(1, x / 6 + sp.Rational(1, 2)))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        return (sp.Heaviside(x + 3) - sp.Heaviside(x - 3)) / 6


class hard_tanh(_Clamp):  # noqa: N801
    """clamp(x, −1, 1): kinks at x = −1 and x = 1."""

    corners = (-1, 1)

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        (x,) = args
        return sp.Max(-1, sp.Min(1, x))

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        x = _arg(self, argindex)
        return sp.Heaviside(x + 1) - sp.Heaviside(x - 1)


class logsumexp(Activation):  # noqa: N801
    """log(e^x1 + ... + e^xn); ∂/∂xi is the softmax weight e^xi / Σ e^xj."""

    @classmethod
    def eval(cls, *args: sp.Expr) -> sp.Expr | None:
        if len(args) == 1:
            return args[0]
        return None

    @classmethod
    def elementary(cls, *args: sp.Expr) -> sp.Expr:
        return sp.log(sp.Add(*(sp.exp(a) for a in args)))

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        values = [a.evalf(prec) for a in self.args]
        if not all(v.is_number and v.is_extended_real for v in values):
            return None
        top = max(values)  # log-sum-exp shifted by the largest: no overflow at x = 1000
        return (top + sp.log(sp.Add(*(sp.exp(v - top) for v in values)))).evalf(prec)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if not 1 <= argindex <= len(self.args):
            raise ArgumentIndexError(self, argindex)
        return sp.exp(self.args[argindex - 1] - self)


ACTIVATIONS: dict[str, type[Activation]] = {
    "gelu": gelu, "gelu_tanh": gelu_tanh, "silu": silu, "swish": silu, "mish": mish,
    "softsign": softsign, "elu": elu, "selu": selu, "hard_sigmoid": hard_sigmoid,
    "hard_tanh": hard_tanh, "hardtanh": hard_tanh, "hardsigmoid": hard_sigmoid,
    "logsumexp": logsumexp,
}
KINKED: tuple[type[Activation], ...] = (elu, selu, hard_sigmoid, hard_tanh)


def build(name: str) -> Callable[..., sp.Expr]:
    """The constructor the parser calls for `name` (elu's a defaults to 1)."""
    cls = ACTIVATIONS[name]
    if cls is elu:
        return lambda x, a=None: elu(x, sp.Integer(1) if a is None else a)
    return cls


def arity(name: str) -> tuple[int, int | None]:
    cls = ACTIVATIONS[name]
    if cls is logsumexp:
        return 1, None
    return (1, 2) if cls is elu else (1, 1)


# --------------------------------------------------------------------------- numpy


def _np() -> Any:
    import numpy as np

    return np


def _np_erf(x: Any) -> Any:
    import math

    np = _np()
    return np.vectorize(math.erf, otypes=[float])(np.asarray(x, dtype=float))


def _np_gelu(x: Any) -> Any:
    return 0.5 * x * (1.0 + _np_erf(x / 2**0.5))


def _np_gelu_tanh(x: Any) -> Any:
    np = _np()
    return 0.5 * x * (1.0 + np.tanh((2 / np.pi) ** 0.5 * (x + 0.044715 * x * x * x)))


def _np_sigmoid(x: Any) -> Any:
    return 0.5 * _np().tanh(0.5 * x) + 0.5


def _np_silu(x: Any) -> Any:
    return x * _np_sigmoid(x)


def _np_mish(x: Any) -> Any:
    np = _np()
    return x * np.tanh(np.logaddexp(0.0, x))


def _np_softsign(x: Any) -> Any:
    return x / (1.0 + _np().abs(x))


def _np_elu(x: Any, a: Any) -> Any:
    np = _np()
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


def _np_selu(x: Any) -> Any:
    return float(SELU_LAMBDA) * _np_elu(x, float(SELU_ALPHA))


def _np_hard_sigmoid(x: Any) -> Any:
    return _np().clip(x / 6.0 + 0.5, 0.0, 1.0)


def _np_hard_tanh(x: Any) -> Any:
    return _np().clip(x, -1.0, 1.0)


def _np_logsumexp(*xs: Any) -> Any:
    np = _np()
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in xs))
    stacked = np.stack(arrays)
    top = np.max(stacked, axis=0)
    safe = np.where(np.isfinite(top), top, 0.0)
    return safe + np.log(np.sum(np.exp(stacked - safe), axis=0))


NUMPY: dict[str, Callable[..., Any]] = {
    "gelu": _np_gelu, "gelu_tanh": _np_gelu_tanh, "silu": _np_silu, "mish": _np_mish,
    "softsign": _np_softsign, "elu": _np_elu, "selu": _np_selu,
    "hard_sigmoid": _np_hard_sigmoid, "hard_tanh": _np_hard_tanh, "logsumexp": _np_logsumexp,
}
