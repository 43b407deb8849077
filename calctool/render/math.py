"""Math for people: one-line unicode (3x²·cos(x) − x³·sin(x)), matrices, and ASCII.

The terminal shows one-line unicode: compact, wraps at any width, and cheap
(sympy's 2-D pretty printer costs ~0.2 s on first use). Pipes get ASCII
sympy syntax that programs can read back.
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω",
}
_FUNCTION_NAMES = {"sigmoid": "σ", "Heaviside": "H", "DiracDelta": "δ"}
# "3·x" -> "3x": a number times a name or bracket reads without the dot.
_NUMBER_TIMES = re.compile(
    r"(?<![\w.⁰¹²³⁴⁵⁶⁷⁸⁹√∛∜])(\d+(?:\.\d+)?)·(?=[A-Za-zα-ω](?![A-Za-z_(])|[(√∛|])")


class UnicodePrinter(StrPrinter):
    """sympy's str printer with superscripts, ·, −, √, |x|, π, ∞ and σ."""

    printmethod = "_unicodestr"  # not _sympystr: our functions' ASCII forms stay for pipes

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp == sp.Rational(1, 2):
            return "√" + self.parenthesize(base, precedence(expr), strict=True)
        if exp.is_Integer and exp > 1:
            return self.parenthesize(base, precedence(expr), strict=True) + \
                str(exp).translate(_SUPERSCRIPT)
        if exp.is_Rational and exp < 0:
            positive = base if exp == -1 else sp.Pow(base, -exp, evaluate=False)
            return "1/" + self.parenthesize(positive, precedence(sp.Mul(2, base, evaluate=False)))
        base_text = self.parenthesize(base, precedence(expr), strict=True)
        exp_text = self._print(exp)
        if not (exp.is_Symbol or (exp.is_Integer and exp >= 0)):
            exp_text = f"({exp_text})"
        return f"{base_text}^{exp_text}"

    def _print_Mul(self, expr: sp.Mul) -> str:
        text = super()._print_Mul(expr)
        return _NUMBER_TIMES.sub(r"\1", text.replace("*", "·"))

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = expr.name
        head, sep, tail = name.partition("_")
        return _GREEK.get(head, head) + sep + tail

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "−∞"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Function(self, expr: Any) -> str:
        name = expr.func.__name__
        shown = _FUNCTION_NAMES.get(name, name)
        return f"{shown}({self.stringify(expr.args, ', ')})"

    def _print_RealRoot(self, expr: Any) -> str:
        x, n = expr.args
        mark = {3: "∛", 4: "∜"}.get(int(n))
        arg = self.parenthesize(x, precedence(sp.Pow(x, 2, evaluate=False)), strict=True)
        return mark + arg if mark else f"root({self._print(x)}, {n})"

    def _print_MatrixBase(self, expr: Any) -> str:
        if expr.rows == 1 or expr.cols == 1:
            return "[" + ", ".join(self._print(e) for e in expr) + "]"
        return "[" + "; ".join(", ".join(self._print(e) for e in expr.row(i))
                               for i in range(expr.rows)) + "]"

    _print_ImmutableDenseMatrix = _print_MatrixBase  # noqa: N815 - sympy hook names
    _print_MutableDenseMatrix = _print_MatrixBase  # noqa: N815


def _minus(text: str) -> str:
    text = text.replace(" - ", " − ")
    return re.sub(r"(^|[(\[, ])-", r"\1−", text)


def unicode_linear(value: Any) -> str:
    if not isinstance(value, (sp.Basic, sp.MatrixBase)):
        return str(value)
    return _minus(UnicodePrinter({"order": None}).doprint(value))


def pretty(value: Any, *, unicode: bool = True) -> str:
    """The form for a terminal: one-line unicode, or ASCII sympy syntax."""
    return unicode_linear(value) if unicode else oneline(value)


def matrix_block(value: Any, *, width: int | None = None) -> str | None:
    """A matrix as rows of aligned cells between tall brackets, or None when
    `value` is not a matrix of several rows and columns or the block would be
    wider than `width`:

        ⎡6x·y  3x²  0 ⎤
        ⎢3x²   2z   2y⎥
        ⎣0     2y   0 ⎦
    """
    if not isinstance(value, sp.MatrixBase) or value.rows < 2 or value.cols < 2:
        return None
    cells = [[unicode_linear(value[i, j]) for j in range(value.cols)] for i in range(value.rows)]
    numeric = all(value[i, j].is_number for i in range(value.rows) for j in range(value.cols))
    widths = [max(len(row[j]) for row in cells) for j in range(value.cols)]
    lines = []
    for i, row in enumerate(cells):
        left, right = ("⎡", "⎤") if i == 0 else ("⎣", "⎦") if i == value.rows - 1 else ("⎢", "⎥")
        body = "  ".join(c.rjust(w) if numeric else c.ljust(w) for c, w in zip(row, widths))
        lines.append(f"{left}{body}{right}")
    if width is not None and len(lines[0]) > width:
        return None
    return "\n".join(lines)


def oneline(value: Any) -> str:
    """ASCII sympy syntax, readable back by calctool and sympy."""
    if isinstance(value, sp.MatrixBase):
        if value.rows > 1 and value.cols > 1:  # a matrix, row by row: [[a, b], [c, d]]
            return "[" + ", ".join(oneline(value.row(i)) for i in range(value.rows)) + "]"
        return "[" + ", ".join(sp.sstr(e) for e in value) + "]"
    if not isinstance(value, sp.Basic):
        return str(value)
    return sp.sstr(value)
