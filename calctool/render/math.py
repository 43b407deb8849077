"""Math for people: 2-D unicode (or ASCII) pretty-printing and one-line forms."""

from __future__ import annotations

from typing import Any

import sympy as sp


def pretty(value: Any, *, unicode: bool = True, width: int | None = None) -> str:
    if not isinstance(value, (sp.Basic, sp.MatrixBase)):
        return str(value)
    return sp.pretty(value, use_unicode=unicode, num_columns=width or 80, wrap_line=True)


def pretty_lines(value: Any, *, unicode: bool = True, width: int | None = None) -> tuple[str, int]:
    """2-D pretty text and the index of its baseline (the line a label should sit on)."""
    if not isinstance(value, (sp.Basic, sp.MatrixBase)):
        return str(value), 0
    from sympy.printing.pretty.pretty import PrettyPrinter

    printer = PrettyPrinter({"use_unicode": unicode, "num_columns": width or 80,
                             "wrap_line": True})
    form = printer._print(value)
    text = form.render(num_columns=width or 80, wrap_line=True)
    baseline = form.baseline if text.count("\n") + 1 == form.height() else 0
    return text, baseline


def oneline(value: Any) -> str:
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join(sp.sstr(e) for e in value) + "]"
    if not isinstance(value, sp.Basic):
        return str(value)
    return sp.sstr(value)
