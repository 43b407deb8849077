"""Math for people: 2-D unicode (or ASCII) pretty-printing and one-line forms."""

from __future__ import annotations

from typing import Any

import sympy as sp


def pretty(value: Any, *, unicode: bool = True, width: int | None = None) -> str:
    if not isinstance(value, sp.Basic):
        return str(value)
    return sp.pretty(value, use_unicode=unicode, num_columns=width or 80, wrap_line=True)


def oneline(value: Any) -> str:
    if not isinstance(value, sp.Basic):
        return str(value)
    if isinstance(value, sp.MatrixBase):
        return "[" + ", ".join(sp.sstr(e) for e in value) + "]"
    return sp.sstr(value)
