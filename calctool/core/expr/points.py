"""Reading points, targets and ranges: `x=1,y=-2`, `3`, `x=pi/4`, `x=0:1:11`."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sympy as sp

from calctool.core.errors import ParseError, UsageError
from calctool.core.expr.parse import CONSTANTS, parse, symbol

Point = dict[sp.Symbol, sp.Expr]


def split_top_level(text: str, sep: str = ",") -> list[tuple[int, str]]:
    """Split on `sep` outside brackets; returns (offset, piece) pairs."""
    parts: list[tuple[int, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append((start, text[start:i]))
            start = i + 1
    parts.append((start, text[start:]))
    return parts


def parse_value(text: str, *, what: str, allow_infinite: bool = False) -> sp.Expr:
    """A constant: a number or an expression without variables (`pi/4`, `1e-3`, `-oo`)."""
    try:
        value = parse(text)
    except ParseError as exc:
        exc.message = f"{what}: {exc.message}"
        raise
    if value.free_symbols:
        names = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise UsageError(f"{what} must be a number, not an expression in {names}",
                         code="bad_value", source=text, position=0)
    if value.has(sp.Function) and any(isinstance(f, sp.core.function.AppliedUndef)
                                      for f in value.atoms(sp.Function)):
        raise UsageError(f"{what} must be a number", code="bad_value")
    if not allow_infinite and value.has(sp.oo, sp.S.NegativeInfinity, sp.zoo):
        raise UsageError(f"{what} must be finite", code="bad_value")
    if value.is_extended_real is False:
        raise UsageError(f"{what} must be a real number", code="bad_value")
    return value


@dataclass(frozen=True)
class Assignment:
    name: str | None  # None for a bare value (`--at 3`)
    value: sp.Expr


def parse_assignments(text: str, *, option: str, allow_infinite: bool = False) -> list[Assignment]:
    text = text.strip()
    if not text:
        raise UsageError(f"{option} needs a value such as x=1", code="bad_value")
    out: list[Assignment] = []
    for _, piece in split_top_level(text):
        piece = piece.strip()
        if not piece:
            raise UsageError(f"{option} {text!r}: an empty item between commas", code="bad_value")
        name, eq, value_text = piece.partition("=")
        if eq:
            name = name.strip()
            if not name.isidentifier() or name.startswith("_") or name in CONSTANTS:
                raise UsageError(f"{option}: {name!r} is not a variable name", code="bad_value")
            value = parse_value(value_text.strip(), what=f"the value of {name} in {option}",
                                allow_infinite=allow_infinite)
            out.append(Assignment(name, value))
        else:
            value = parse_value(piece, what=f"the value in {option}", allow_infinite=allow_infinite)
            out.append(Assignment(None, value))
    names = [a.name for a in out if a.name]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise UsageError(f"{option} gives {', '.join(sorted(dupes))} more than once",
                         code="bad_value")
    if len(out) > 1 and any(a.name is None for a in out):
        raise UsageError(f"{option}: name each value when there are several (x=1,y=2)",
                         code="bad_value")
    return out


def resolve_point(text: str, variables: Sequence[sp.Symbol], *, option: str = "--at",
                  allow_infinite: bool = False, require_all: bool = True,
                  vanished: Collection[str] = ()) -> Point:
    """Assign values to the expression's variables from `text`.

    A bare value needs exactly one variable. A name that is not a variable of
    the expression is an error (a typo is likelier than intent), as is a
    missing variable when `require_all`; except the `vanished` names, which the
    input had before simplification took them away (x - x, 0*y): their values
    are accepted, kept in the point (for labels and domain checks) and change
    nothing else.
    """
    items = parse_assignments(text, option=option, allow_infinite=allow_infinite)
    known = {v.name: v for v in variables}  # type: ignore[attr-defined]
    listing = ", ".join(known) if known else "none"
    point: Point = {}
    for item in items:
        if item.name is None and not variables and len(vanished) == 1:
            point[symbol(next(iter(vanished)))] = item.value  # `x - x` at 3
            continue
        if item.name is not None and item.name not in known and item.name in vanished:
            point[symbol(item.name)] = item.value
            continue
        if item.name is None:
            if len(variables) != 1:
                if not variables:
                    raise UsageError(f"{option}: the expression has no variables",
                                     code="bad_value")
                raise UsageError(
                    f"{option} {text}: the expression has several variables ({listing}); "
                    f"name them, e.g. {option} " + ",".join(f"{n}=1" for n in known),
                    code="missing_variable")
            point[variables[0]] = item.value
        elif item.name in known:
            point[known[item.name]] = item.value
        else:
            raise UsageError(f"{option}: {item.name} is not a variable of the expression "
                             f"(its variables: {listing})", code="unknown_variable")
    missing = [name for name, v in known.items() if v not in point]
    if require_all and missing:
        raise UsageError(
            f"{option}: no value for {', '.join(missing)}; give "
            + ",".join(f"{n}=..." for n in known),
            code="missing_variable")
    return point


def choose_variable(variables: Sequence[sp.Symbol], name: str | None, *, option: str,
                    purpose: str) -> sp.Symbol:
    """The one variable a single-variable command works in: named, or the only one."""
    if name is not None:
        for v in variables:
            if v.name == name:  # type: ignore[attr-defined]
                return v
        if variables:
            listing = ", ".join(v.name for v in variables)  # type: ignore[attr-defined]
            raise UsageError(f"{option} {name}: not a variable of the expression "
                             f"(its variables: {listing})", code="unknown_variable")
        return symbol(name)
    if len(variables) == 1:
        return variables[0]
    if not variables:
        raise UsageError(f"the expression has no variable to {purpose}", code="no_variable")
    listing = ", ".join(v.name for v in variables)  # type: ignore[attr-defined]
    raise UsageError(f"the expression has several variables ({listing}): say which with {option}",
                     code="missing_variable")


@dataclass(frozen=True)
class Grid:
    variable: str | None
    start: sp.Expr
    stop: sp.Expr
    count: int


def parse_range(text: str, *, option: str = "--range", default_count: int = 11,
                max_count: int = 10_000_000) -> Grid:
    """`x=a:b:n`, `a:b:n` or `a:b` (n points from a to b inclusive)."""
    name: str | None = None
    body = text.strip()
    if "=" in body:
        name, _, body = body.partition("=")
        name = name.strip()
        if not name.isidentifier() or name.startswith("_"):
            raise UsageError(f"{option}: {name!r} is not a variable name", code="bad_value")
    parts = [p for _, p in split_top_level(body, ":")]
    if len(parts) not in (2, 3):
        raise UsageError(f"{option} {text!r}: expected a:b or a:b:n (n points from a to b)",
                         code="bad_value")
    start = parse_value(parts[0].strip(), what=f"the start of {option}")
    stop = parse_value(parts[1].strip(), what=f"the end of {option}")
    count = default_count
    if len(parts) == 3:
        try:
            count = int(parts[2].strip())
        except ValueError:
            raise UsageError(f"{option}: the number of points must be a whole number, "
                             f"not {parts[2].strip()!r}", code="bad_value") from None
        if not 1 <= count <= max_count:
            raise UsageError(f"{option}: the number of points must be between 1 and {max_count}",
                             code="bad_value")
    if not bool(sp.N(stop - start) > 0):
        raise UsageError(f"{option} {text!r}: the end must be greater than the start",
                         code="bad_value")
    return Grid(name, start, stop, count)


MAX_SHOWN_DIGITS = 24


def show_coordinate(v: sp.Expr) -> str:
    """A coordinate as people typed it: 0.1 and 1e-12 rather than 1/10 and
    1/1000000000000, 1/3 and pi/4 as they are, and a 400-digit number short."""
    if v.is_Rational and not v.is_Integer:
        q = int(v.q)
        while q % 2 == 0:
            q //= 2
        while q % 5 == 0:
            q //= 5
        if q == 1:
            return sp.sstr(sp.Float(v, 15), full_prec=False)
    text = sp.sstr(v)
    if len(text) > MAX_SHOWN_DIGITS and v.is_number:
        return sp.sstr(sp.N(v, 6), full_prec=False)
    return text


def show_point(point: Point) -> str:
    """x=1, y=0.5: a point for a label or a message."""
    return ", ".join(f"{k}={show_coordinate(v)}" for k, v in point.items())
