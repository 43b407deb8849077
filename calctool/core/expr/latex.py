"""LaTeX input (placeholder while being written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calctool.core.expr.parse import ParsedInput


def looks_like_latex(text: str) -> bool:
    return text is None  # placeholder: LaTeX input is not read yet


def parse_latex(text: str, *, derivative: bool = False) -> ParsedInput:
    raise NotImplementedError
