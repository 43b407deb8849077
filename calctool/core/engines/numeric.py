"""Vectorised numeric evaluation: sympy expression -> fast numpy function.

Built on sympy's lambdify with a printer that writes small integer powers as
multiplications (x**3 -> x*x*x, much cheaper than numpy's pow) and shares
common subexpressions (cse). The generated code comes from sympy's printer
over a tree our parser built, never from the user's text.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.numpy import NumPyPrinter

from calctool.core.errors import DomainError
from calctool.core.expr.activations import NUMPY as ACTIVATIONS_NUMPY
from calctool.core.expr.functions import RealRoot, for_numpy, leaky_relu, relu, sigmoid, softplus

MAX_UNROLLED_POWER = 16


def _np_sigmoid(x: Any) -> Any:
    return 0.5 * np.tanh(0.5 * x) + 0.5


def _np_softplus(x: Any) -> Any:
    return np.logaddexp(0.0, x)


def _np_relu(x: Any) -> Any:
    return np.maximum(x, 0.0)


def _np_leaky_relu(x: Any, a: Any) -> Any:
    return np.where(x >= 0, x, a * x)


def _np_real_root(x: Any, n: Any) -> Any:
    if n == 3:
        return np.cbrt(x)
    return np.sign(x) * np.abs(x) ** (1.0 / n)




def _scalar_math(fn: Callable[[float], float]) -> Callable[[Any], Any]:
    """Elementwise math.fn for functions numpy lacks; errors become nan."""

    def safe(v: float) -> float:
        try:
            return fn(v)
        except (ValueError, OverflowError):
            return math.nan

    vec = np.vectorize(safe, otypes=[float])
    return lambda x: vec(np.asarray(x, dtype=float))


def _factorial(v: float) -> float:
    if v < 0 or v != int(v):
        return math.nan
    return math.gamma(v + 1)


NUMPY_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {
    "sigmoid": _np_sigmoid,
    "softplus": _np_softplus,
    "relu": _np_relu,
    "leaky_relu": _np_leaky_relu,
    "RealRoot": _np_real_root,
    "factorial": _scalar_math(_factorial),
    "gamma": _scalar_math(math.gamma),
    "erf": _scalar_math(math.erf),
    "erfc": _scalar_math(math.erfc),
}


NUMPY_IMPLEMENTATIONS.update(ACTIVATIONS_NUMPY)


class FastNumPyPrinter(NumPyPrinter):
    """NumPyPrinter that unrolls small integer powers into multiplications."""

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp.is_Integer and 2 <= abs(int(exp)) <= MAX_UNROLLED_POWER:
            n = abs(int(exp))
            b = self.parenthesize(base, 1000)  # always bracketed: safe inside a product
            product = _power_chain(b, n)
            return f"(1.0/({product}))" if exp < 0 else f"({product})"
        if exp == sp.Rational(1, 2):
            return f"numpy.sqrt({self._print(base)})"
        return super()._print_Pow(expr, rational=rational)

    def _print_Integer(self, expr: sp.Integer) -> str:
        # Beyond float64 a Python int would overflow inside numpy (1e400*z): as a
        # float it is ±inf, which the callers report as not finite.
        if abs(int(expr)) > _FLOAT_MAX:
            return "numpy.inf" if expr > 0 else "(-numpy.inf)"
        return str(super()._print_Integer(expr))

    def _print_Rational(self, expr: sp.Rational) -> str:
        p, q = int(expr.p), int(expr.q)
        if abs(p) > _FLOAT_MAX or q > _FLOAT_MAX:  # 1/10^400: its float, 0.0 or ±inf
            return repr(_rational_float(p, q))
        return str(super()._print_Rational(expr))

    def _print_sigmoid(self, expr: sigmoid) -> str:
        return f"sigmoid({self._print(expr.args[0])})"

    def _print_softplus(self, expr: softplus) -> str:
        return f"softplus({self._print(expr.args[0])})"

    def _print_relu(self, expr: relu) -> str:
        return f"relu({self._print(expr.args[0])})"

    def _print_leaky_relu(self, expr: leaky_relu) -> str:
        x, a = expr.args
        return f"leaky_relu({self._print(x)}, {self._print(a)})"

    def _print_factorial(self, expr: sp.factorial) -> str:
        return f"factorial({self._print(expr.args[0])})"

    def _print_gamma(self, expr: sp.gamma) -> str:
        return f"gamma({self._print(expr.args[0])})"

    def _print_erf(self, expr: sp.erf) -> str:
        return f"erf({self._print(expr.args[0])})"

    def _print_erfc(self, expr: sp.erfc) -> str:
        return f"erfc({self._print(expr.args[0])})"

    def _print_RealRoot(self, expr: RealRoot) -> str:
        x, n = expr.args
        return f"RealRoot({self._print(x)}, {int(n)})"


_FLOAT_MAX = int(np.finfo(np.float64).max)


def _rational_float(p: int, q: int) -> float:
    """p/q as the nearest float (0.0 or ±inf out of range), without OverflowError."""
    try:
        return p / q
    except OverflowError:
        return math.copysign(math.inf, p)


def _power_chain(b: str, n: int) -> str:
    """b**n by repeated squaring, as an expression: b*b*b for 3, (b*b)*(b*b) for 4."""
    if n == 1:
        return b
    if n <= 3:
        return "*".join([b] * n)
    half = _power_chain(b, n // 2)
    square = f"({half})*({half})"
    return f"{square}*{b}" if n % 2 else square


def compile_numpy(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> Callable[..., Any]:
    """A numpy function of `variables` (in order) computing `expr` elementwise
    (DiracDelta and polygamma, which numpy lacks, rewritten by `for_numpy`)."""
    expr = for_numpy(expr)
    if expr.atoms(AppliedUndef):
        names = ", ".join(sorted({str(f.func) for f in expr.atoms(AppliedUndef)}))
        raise DomainError(f"{names} is an abstract function: it has no numeric values",
                          code="undefined", hint="give a formula instead, e.g. x^2 for f(x)")
    printer = FastNumPyPrinter({"fully_qualified_modules": True, "inline": True,
                                "allow_unknown_functions": True, "user_functions": {}})
    namespace = {**NUMPY_IMPLEMENTATIONS, "functools": functools, "math": math}
    return sp.lambdify(list(variables), expr, modules=[namespace, "numpy"],
                       printer=printer, cse=True, dummify=True)


# Points are evaluated in blocks of this many, so that every temporary array
# of the compiled function stays in the CPU cache (about 1.6x faster than
# whole-array evaluation at 10^6 points).
CHUNK = 1 << 14


def evaluate_many(expr: sp.Expr, variables: Sequence[sp.Symbol],
                  columns: Sequence[np.ndarray]) -> np.ndarray:
    """expr at many points at once; undefined points come back as nan or ±inf."""
    fn = compile_numpy(expr, variables)
    n = len(columns[0]) if columns else 1
    out = np.empty(n)
    with np.errstate(all="ignore"):
        for start in range(0, n, CHUNK):
            block = slice(start, min(start + CHUNK, n))
            out[block] = _real(fn(*(c[block] for c in columns)), block.stop - block.start)
    return out


def _real(values: Any, n: int) -> np.ndarray:
    """Float results of one block: complex ones become nan, scalars are broadcast."""
    values = np.asarray(values)
    if np.iscomplexobj(values):
        real = values.real.copy()
        real[np.abs(values.imag) > 1e-12 * np.maximum(1.0, np.abs(values.real))] = np.nan
        values = real
    values = np.asarray(values, dtype=float)
    return values if values.shape == (n,) else np.broadcast_to(values, (n,))


def vector_function(expr: sp.Expr, all_vars: list[sp.Symbol], chosen: list[sp.Symbol],
                      point: dict[sp.Symbol, sp.Expr]) -> tuple[Callable[[np.ndarray], Any],
                                                                 np.ndarray]:
    """f as a function of the chosen variables' vector (the others fixed at the point)."""
    fn = compile_numpy(expr, all_vars)
    fixed: list[Any] = [float(sp.N(point[v], 17)) for v in all_vars]
    slots = [all_vars.index(v) for v in chosen]

    def f(v: np.ndarray) -> Any:
        args = list(fixed)
        for k, slot in enumerate(slots):
            args[slot] = v[k]
        return fn(*args)

    return f, np.array([fixed[s] for s in slots], dtype=np.float64)
