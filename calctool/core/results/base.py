"""Result objects: what each command computed, ready to render.

Each result is a frozen dataclass; `to_dict()` gives exactly the JSON keys of
SPEC section 3, with symbolic answers as sympy-parseable strings and
non-finite numbers as the strings "inf", "-inf", "nan".

In a notebook (Jupyter, marimo) a result shows itself: `_repr_latex_` is the
answer as display math, `_repr_markdown_` the answer, its key fields, its
tables and notes. Each result says what to show in `display()`, a `Display`;
the markdown is written here, the same way for every command. (The core may
not import the renderers, so this is built from the result's own fields.)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, ParamSpec, TypeVar

import sympy as sp

from calctool.core.budget import exact_digits
from calctool.core.engines.values import Value


def json_number(x: float | None) -> float | str | None:
    """A float for JSON: finite numbers as numbers, others as "inf"/"-inf"/"nan"."""
    if x is None:
        return None
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def json_value(v: Value) -> float | str | None:
    """A Value for JSON: its float; a finite value too large for a float as its text."""
    if v.number is not None and math.isinf(v.number) and v.problem is None:
        return v.text
    return json_number(v.number)


def expr_str(e: sp.Expr) -> str:
    from calctool.core.results.printing import sstr

    return sstr(e)


def expr_number(e: sp.Expr) -> float | str | None:
    """An exact constant as a JSON number ("inf" for oo)."""
    if e in (sp.oo, sp.S.NegativeInfinity):
        return "inf" if e is sp.oo else "-inf"
    try:
        return json_number(float(sp.N(e, 17)))
    except (TypeError, ValueError):
        return expr_str(e)


def point_dict(point: dict[sp.Symbol, sp.Expr]) -> dict[str, Any]:
    return {str(k): expr_number(v) for k, v in point.items()}


# ---------------------------------------------------------------------------
# Notebook display

MAX_ROWS_SHOWN = 50  # rows of a markdown table; to_dict() has them all
_MARKDOWN_SPECIAL = "\\`*_[]<>#|$~"


def tex(e: Any) -> str:
    """LaTeX of a sympy expression (or of anything sympy can read)."""
    from calctool.core.results.printing import latex

    return latex(e)


def bmatrix(m: Any) -> str:
    """A matrix (rows, or a list as a column) as a LaTeX bmatrix."""
    return str(sp.latex(sp.Matrix(m), mat_str="bmatrix", mat_delim=""))


def text(s: str) -> str:
    """Plain text inside markdown: `*`, `_`, `|`, `$` and friends shown as themselves."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in s)


def inline(e: Any) -> str:
    """Inline math for a markdown field or cell: $...$ (a sympy expression, or LaTeX text).

    `|` is written \\vert, so that a table cell never splits at |x|.
    """
    latex = e if isinstance(e, str) else tex(e)
    return "$" + latex.replace("\\|", "\\Vert ").replace("|", "\\vert ") + "$"


def number(v: float | None, digits: int = 10) -> str:
    """A float for people: 10 significant digits; inf, -inf, nan as words."""
    if v is None:
        return ""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.{digits}g}"


def coordinate(x: float) -> str:
    """A coordinate of a grid point as it was made: 0.3, not 0.29999999999999999."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return number(x) if not math.isfinite(x) else repr(float(x))


def point_math(point: dict[sp.Symbol, sp.Expr]) -> str:
    """x = 1, y = pi/4 as LaTeX; a decimal as typed (x = 0.1, not 1/10)."""
    return ",\\ ".join(f"{tex(k)} = {coordinate_math(v)}" for k, v in point.items())


def coordinate_math(v: sp.Expr) -> str:
    from calctool.core.expr.points import show_coordinate

    if isinstance(v, sp.Rational) and not v.is_Integer:
        shown = show_coordinate(v)
        if shown != sp.sstr(v):
            return decimal_math(shown)
    return tex(v)


def value_math(v: Value) -> str:
    """A value as LaTeX: exact, with its decimal after ≈ when that says more
    (√2 ≈ 1.41421356237310); the decimal alone when it is the value (5, 0.25)."""
    shown = decimal_math(v.text)
    if v.exact is None or v.exact.is_Float or v.decimal_is_exact:
        return shown
    return f"{tex(v.exact)} \\approx {shown}"


def decimal_math(s: str) -> str:
    """A decimal such as 1.5e-12 as LaTeX (1.5 \\cdot 10^{-12}); other text as \\text{...}."""
    try:
        x = float(s)
    except ValueError:
        return latex_text(s)
    if math.isnan(x):
        return latex_text("nan")
    if math.isinf(x) and "e" not in s.lower().replace("inf", ""):
        return "\\infty" if x > 0 else "-\\infty"
    mantissa, e, exponent = s.lower().partition("e")
    return f"{mantissa} \\cdot 10^{{{int(exponent)}}}" if e else s


def latex_text(s: str) -> str:
    """Words inside LaTeX math: \\text{...}, its special characters made harmless."""
    s = "".join(ch for ch in s if ch not in "\\{}^~")
    return "\\text{" + "".join("\\" + ch if ch in "_%&#$" else ch for ch in s) + "}"


@dataclass(frozen=True)
class Table:
    """A table for markdown: header and rows of cells already written as markdown.

    `total` counts the rows of the whole table when only the first are given.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str | None = None
    total: int | None = None

    def markdown(self) -> str:
        lines = []
        if self.title:
            lines.append(f"*{text(self.title)}*")
            lines.append("")
        lines.append("| " + " | ".join(text(c) for c in self.columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.columns) + "|")
        shown = self.rows[:MAX_ROWS_SHOWN]
        lines.extend("| " + " | ".join(row) + " |" for row in shown)
        more = max(self.total or 0, len(self.rows)) - len(shown)
        if more > 0:
            lines.append("")
            lines.append(f"… {more} more row{'s' if more > 1 else ''} "
                         "(`to_dict()` has them all)")
        return "\n".join(lines)


@dataclass(frozen=True)
class Display:
    """What a result shows in a notebook.

    `title` is markdown, `answer` the LaTeX of the answer (display math),
    `fields` (label, markdown value) pairs, `notes` plain sentences.
    """

    title: str
    answer: str
    fields: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()

    def markdown(self) -> str:
        parts = [f"**{self.title}**", f"$$\n{self.answer}\n$$"]
        if self.fields:
            parts.append("\n".join(f"- **{text(label)}**: {value}"
                                    for label, value in self.fields))
        parts.extend(t.markdown() for t in self.tables)
        if self.notes:
            parts.append("\n".join(f"> {text(n)}" + ("  " if i < len(self.notes) - 1 else "")
                                    for i, n in enumerate(self.notes)))
        return "\n\n".join(parts) + "\n"


R = TypeVar("R", bound="Result")


def with_notes(result: R, notes: Sequence[str]) -> R:
    """`result` with `notes` (gathered while it was computed) added to its input notes."""
    new = tuple(n for n in notes if n not in result.input_notes)
    return replace(result, input_notes=(*result.input_notes, *new)) if new else result


P = ParamSpec("P")


def noting(operation: Callable[P, R]) -> Callable[P, R]:
    """An operation whose result carries the notes gathered while it ran
    (`calctool.core.expr.notes`): how its input was read, what it assumed."""
    from calctool.core.expr.notes import collecting

    @functools.wraps(operation)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collecting() as notes:
            result = operation(*args, **kwargs)
        return with_notes(result, notes)

    return run


def table(columns: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None,
          total: int | None = None) -> Table:
    return Table(tuple(columns), tuple(tuple(r) for r in rows), title, total)


@dataclass(frozen=True)
class Result:
    """Fields every result has (SPEC section 3)."""

    command: ClassVar[str] = ""
    input: str
    expression: sp.Expr
    # How the input was read (`xy` is one variable, d/dy of f without y is 0):
    # JSON `notes` starts with them, and the terminal prints them.
    input_notes: tuple[str, ...] = field(default=(), kw_only=True)

    def base_dict(self) -> dict[str, Any]:
        return {"ok": True, "command": self.command, "input": self.input,
                "expression": expr_str(self.expression), "notes": list(self.input_notes)}

    def all_notes(self) -> list[str]:
        """JSON `notes` of a result with notes of its own: how the input was read
        first (the terminal shows those on stderr), then the result's."""
        return [*self.input_notes, *(n for n in getattr(self, "notes", ())
                                     if n not in self.input_notes)]

    def to_dict(self) -> dict[str, Any]:
        return self.base_dict()

    def display(self) -> Display:
        """What a notebook shows; each result says more."""
        return Display(f"{self.command} of {inline(self.expression)}", tex(self.expression))

    def _repr_latex_(self) -> str:
        """The answer as display math (Jupyter, marimo)."""
        with exact_digits():
            return f"$$\n{self.display().answer}\n$$"

    def _repr_markdown_(self) -> str:
        """The answer, its key fields, tables and notes (Jupyter, marimo)."""
        with exact_digits():
            return self.display().markdown()


