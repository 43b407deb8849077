"""Equations and the ways people write "the function is ...": text-level readers.

`split_equation` finds the one top-level `=` of an equation (not part of `<=`,
`>=`, `==`, `!=`), outside brackets; commands that take an equation
(implicit differentiation) use it as well as the parser. `definition` reads
the left side of `f(x) = ...` or `y = ...`; `leibniz_prefix` reads a leading
`d/dx`, `d/dt(...)` or `d^2/dx^2`. None of them evaluates anything: they only
say where the parts are, and the parser reads the parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calctool.core.errors import ParseError

_GREEK = "\u0391-\u03a1\u03a3-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5"
_NAME = rf"[A-Za-z{_GREEK}][A-Za-z0-9_{_GREEK}]*"


@dataclass(frozen=True, slots=True)
class Equation:
    """`lhs = rhs` in `text`: the sides as written and where they start."""

    text: str
    lhs: str
    rhs: str
    position: int  # of the "=" sign
    rhs_offset: int  # where rhs starts in text


def split_equation(text: str) -> Equation | None:
    """The equation `lhs = rhs` (one `=` outside brackets), or None without one.

    Raises ParseError at the second `=` of `a = b = c`.
    """
    depth = 0
    found: int | None = None
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if before in "<>!=" or after == "=":
                continue
            if found is not None:
                raise ParseError("an equation has one '=' sign", position=i, source=text)
            found = i
    if found is None:
        return None
    return Equation(text, text[:found], text[found + 1:], found, found + 1)


@dataclass(frozen=True, slots=True)
class Definition:
    """The left side of `g(x) = ...` (name "g", variable "x") or `y = ...` (variable None)."""

    name: str
    variable: str | None


_FUNCTION_LHS = re.compile(rf"\s*([A-Za-z])\s*\(\s*({_NAME})\s*\)\s*")
_NAME_LHS = re.compile(r"\s*([A-Za-z])\s*")


def definition(lhs: str) -> Definition | None:
    """`f(x)` or `y`: a single-letter name, optionally applied to one variable."""
    m = _FUNCTION_LHS.fullmatch(lhs)
    if m:
        return Definition(m.group(1), m.group(2))
    m = _NAME_LHS.fullmatch(lhs)
    if m:
        return Definition(m.group(1), None)
    return None


@dataclass(frozen=True, slots=True)
class Leibniz:
    """A leading d/dx (order 1) or d^n/dx^n: differentiate what follows by `variable`."""

    variable: str
    order: int
    start: int  # where "d/dx" starts
    end: int  # where the expression after it starts


_SUPER = {"²": 2, "³": 3}
_ORDER = r"(?:\^\s*(\d+)|([²³]))?"
_LEIBNIZ = re.compile(rf"(\s*)d\s*{_ORDER}\s*/\s*d\s*({_NAME}?){_ORDER}")


def leibniz_prefix(text: str, start: int = 0) -> Leibniz | None:
    """A leading `d/dx`, `d/dt(...)`, `d^2/dx^2`, `d²/dx²` in text[start:], or None."""
    m = _LEIBNIZ.match(text, start)
    if m is None:
        return None
    rest = text[m.end():]
    name = m.group(4)
    # `d/dx*2` or `d/dx + 1`: an operator right after it means d divided by dx.
    after = rest.lstrip()[:1]
    if after and after in "*/+-^=,)]!'":
        return None
    if not name or name in ("e",) or name[0].isdigit():
        return None
    top = _order(m.group(2), m.group(3))
    bottom = _order(m.group(5), m.group(6))
    where = m.start() + len(m.group(1))
    if top != bottom:
        raise ParseError(f"the orders of d/d{name} do not match", position=where, source=text,
                         hint=f"write d^{top}/d{name}^{top} or d^{bottom}/d{name}^{bottom}")
    if not rest.strip():
        raise ParseError(f"d/d{name} needs an expression after it", position=len(text),
                         source=text, hint=f"e.g. d/d{name} {name}^2 or d/d{name}(sin({name}))")
    if top < 1:
        raise ParseError("the order of a derivative is 1 or more", position=where, source=text)
    return Leibniz(name, top, where, m.end())


def _order(digits: str | None, sup: str | None) -> int:
    if digits:
        return int(digits)
    if sup:
        return _SUPER[sup]
    return 1
