"""Reading a curve's equation, `x^2 + y^2 = 1`: split on its one top-level `=`, parse each side.

The expression parser reads expressions only; an equation is two of them. The
split happens here, outside brackets, and each side goes through the same
safe parser, so everything it refuses stays refused. A parse error in the
right-hand side points into the whole input (its caret lands where the
mistake is in what the user typed).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from calctool.core.errors import ParseError
from calctool.core.expr.parse import Condition, ParsedInput, parse_input


@dataclass(frozen=True)
class Equation:
    lhs: sp.Expr
    rhs: sp.Expr
    names: frozenset[str]
    conditions: tuple[Condition, ...]

    @property
    def zero(self) -> sp.Expr:
        """lhs - rhs: the equation is zero = 0."""
        return self.lhs - self.rhs

    def text(self) -> str:
        return f"{sp.sstr(self.lhs)} = {sp.sstr(self.rhs)}"


def equals_sign(text: str) -> int | None:
    """The offset of the one top-level `=` of an equation, or None when there is none.

    Two top-level `=` (`x = y = 1`) is a parse error pointing at the second. The
    same reader as the parser's (`equation.split_equation`): ==, <=, >= and != are
    not an equation's `=`.
    """
    from calctool.core.expr.equation import split_equation

    equation = split_equation(text)
    return equation.position if equation is not None else None


def parse_equation(text: str) -> Equation:
    """Both sides of `lhs = rhs`, each read by the expression parser."""
    at = equals_sign(text)
    if at is None:
        raise ParseError("expected an equation such as x^2 + y^2 = 1", position=len(text),
                         source=text)
    left, right = text[:at], text[at + 1:]
    if not left.strip():
        raise ParseError("the equation has nothing before '='", position=at, source=text)
    if not right.strip():
        raise ParseError("the equation has nothing after '='", position=at, source=text)
    lhs = _side(left, 0, text)
    rhs = _side(right, at + 1, text)
    return Equation(lhs.expr, rhs.expr, lhs.names | rhs.names,
                    _printed(lhs.conditions + rhs.conditions))


def _side(part: str, offset: int, text: str) -> ParsedInput:
    try:
        return parse_input(part)
    except ParseError as exc:
        if exc.position is not None:
            exc.position += offset
        exc.source = text
        raise


def _printed(conditions: tuple[Condition, ...]) -> tuple[Condition, ...]:
    """The conditions with their text printed: an Equation lives in a result, which a
    program may pickle (the parser keeps the text unprinted until a message needs it)."""
    from dataclasses import replace

    return tuple(replace(c, written=c.shown) for c in conditions)
