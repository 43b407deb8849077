"""Reading points, targets and ranges: `x=1,y=-2`, `3`, `x=pi/4`, `x=0:1:11`.

The same readers take the Python values of the API (`calctool.diff(...)`):
an expression as a sympy expression, a point as a dict `{"x": 1, y: pi/4}`
(keys names or Symbols; values numbers, strings or sympy expressions) or a
bare number, a range as `(a, b, n)`, variables as a list of names. Python
values are turned into the same `Assignment`s and `Grid`s the text gives, and
their numbers are read by the same parser, so `{"x": 0.1}` and `"x=0.1"` are
one point.

Messages name a parameter through a `Spelling` (`core.errors`): the Python
keyword (`at`) by default, the flag (`--at`) when the CLI passes its own.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import sympy as sp

from calctool.core.errors import KEYWORDS, ParseError, Spelling, UsageError
from calctool.core.expr.parse import CONSTANTS, parse, symbol

Point = dict[sp.Symbol, sp.Expr]
# What the API accepts as a point: "x=1,y=2", {"x": 1, y: sp.pi}, or a bare number.
PointLike: TypeAlias = str | Mapping[Any, Any] | float | sp.Expr
# A range: "x=a:b:n", "a:b", (a, b) or (a, b, n).
RangeLike: TypeAlias = str | Sequence[Any]


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


def parse_value(text: str, *, what: str, allow_infinite: bool = False,
                symbolic: bool = False) -> sp.Expr:
    """A constant: a number or an expression without variables (`pi/4`, `1e-3`, `-oo`);
    with `symbolic`, an expression in other symbols too (`a`, `2*b`: a limit's point)."""
    from calctool.core.expr.syntax import input_syntax

    try:
        with input_syntax("auto"):  # --input latex is for the expression, not for 1 or pi/4
            value = parse(text)
    except ParseError as exc:
        exc.message = f"{what}: {exc.message}"
        raise
    if value.free_symbols and not symbolic:
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


def parse_assignments(text: str, *, option: str, allow_infinite: bool = False,
                      symbolic: bool = False) -> list[Assignment]:
    """`x=1,y=2` or a bare value; messages call the text `option` (`--at`, or `at`)."""
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
            name = _variable_name(name.strip(), option)
            value = parse_value(value_text.strip(), what=f"the value of {name} in {option}",
                                allow_infinite=allow_infinite, symbolic=symbolic)
            out.append(Assignment(name, value))
        else:
            value = parse_value(piece, what=f"the value in {option}",
                                allow_infinite=allow_infinite, symbolic=symbolic)
            out.append(Assignment(None, value))
    _check_assignments(out, option)
    return out


def _variable_name(name: str, option: str) -> str:
    if not name.isidentifier() or name.startswith("_") or name in CONSTANTS:
        raise UsageError(f"{option}: {name!r} is not a variable name", code="bad_value")
    return name


def _check_assignments(items: list[Assignment], option: str) -> None:
    names = [a.name for a in items if a.name]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise UsageError(f"{option} gives {', '.join(sorted(dupes))} more than once",
                         code="bad_value")
    if len(items) > 1 and any(a.name is None for a in items):
        raise UsageError(f"{option}: name each value when there are several (x=1,y=2)",
                         code="bad_value")


# ---------------------------------------------------------------------------
# Python values (the API)


def expression_text(value: object, *, what: str = "the expression") -> str:
    """The text of an expression given as a string, a sympy expression or a number.

    A sympy expression is read back from its printed form by our parser, so it
    follows the same conventions as typed text (real variables, real odd
    roots); its `input` is that form.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, sp.Expr):
        return printed(value, what=what)
    if _is_number(value):
        return _number_text(value)
    if isinstance(value, sp.Basic):
        raise UsageError(f"{what} must be a sympy expression, not {_type_name(value)}",
                         code="bad_value")
    raise UsageError(f"{what} must be a string or a sympy expression, not "
                     f"{_type_name(value)}", code="bad_value")


def constant(value: object, *, what: str, allow_infinite: bool = False,
             symbolic: bool = False) -> sp.Expr:
    """A number given as a Python value (int, float, Fraction, sympy number, text)."""
    if isinstance(value, str):
        return parse_value(value.strip(), what=what, allow_infinite=allow_infinite,
                           symbolic=symbolic)
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise UsageError(f"{what} must be a number, not {_type_name(value)}",
                             code="bad_value")
        if value is sp.nan:
            raise UsageError(f"{what} must be a number, not nan", code="bad_value")
        return parse_value(printed(value, what=what), what=what, allow_infinite=allow_infinite,
                           symbolic=symbolic)
    if not _is_number(value):
        raise UsageError(f"{what} must be a number, a string or a sympy expression, not "
                         f"{_type_name(value)}", code="bad_value")
    text = _number_text(value)
    if text == "nan":
        raise UsageError(f"{what} must be a number, not nan", code="bad_value")
    return parse_value(text, what=what, allow_infinite=allow_infinite)


def printed(value: sp.Expr, *, what: str) -> str:
    """A sympy expression as text our parser reads back as the same expression.

    Names sympy prints but calctool's syntax does not know (I, EulerGamma)
    would come back as variables: refused, never silently changed.
    """
    if value.has(sp.I):
        raise UsageError(f"{what} must be real: calctool works with real numbers, and this "
                         f"sympy expression has I in it", code="bad_value")
    text = sp.sstr(value)
    own = {str(s) for s in value.free_symbols}
    unknown = sorted({str(s) for s in parse(text).free_symbols} - own)
    if unknown:
        raise UsageError(f"{what}: sympy's {', '.join(unknown)} has no meaning in calctool's "
                         f"syntax (it would be read as a variable); write it out, or give "
                         f"the expression as text", code="bad_value")
    return text


def whole_number(value: object, *, what: str) -> int:
    """An int parameter (order, digits) from Python: a whole number, never a bool or float."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise UsageError(f"{what} must be a whole number, not {value!r}", code="bad_value")
    return operator.index(value)


def _is_number(value: object) -> bool:
    """A plain Python or numpy number; bool is not one."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return False
    return isinstance(value, (numbers.Real, Decimal))


def _number_text(value: Any) -> str:
    """A number as our parser reads it: 0.1 -> "0.1" (the shortest repr), 1/3 -> "1/3"."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return "nan" if value.is_nan() else str(value).replace("Infinity", "inf")
    return repr(float(value))


def _type_name(value: object) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"a{'n' if name[:1].lower() in 'aeiou' else ''} {name}"


def assignments(value: object, *, param: str, spelling: Spelling = KEYWORDS,
                allow_infinite: bool = False, pair: bool = False,
                symbolic: bool = False) -> list[Assignment]:
    """`x=1,y=2` text, a mapping {name or Symbol: value}, a bare number, or (with `pair`)
    a (variable, value) tuple: the assignments they make. Messages name `param` as
    `spelling` does (the CLI passes its flags)."""
    name = spelling.name(param)
    if isinstance(value, str):
        return parse_assignments(value, option=name, allow_infinite=allow_infinite,
                                 symbolic=symbolic)
    if isinstance(value, Mapping):
        items = [Assignment(_key_name(k, name),
                            constant(v, what=f"the value of {_key_name(k, name)} in {name}",
                                     allow_infinite=allow_infinite, symbolic=symbolic))
                 for k, v in value.items()]
        _check_assignments(items, name)
        return items
    if pair and isinstance(value, tuple) and len(value) == 2:
        var = _key_name(value[0], name)
        return [Assignment(var, constant(value[1], what=f"the value of {var} in {name}",
                                         allow_infinite=allow_infinite, symbolic=symbolic))]
    if isinstance(value, sp.Basic) or _is_number(value):
        return [Assignment(None, constant(value, what=f"the value in {name}",
                                          allow_infinite=allow_infinite, symbolic=symbolic))]
    shapes = "a number, a dict such as {'x': 1}" + (", a pair ('x', 0)" if pair else "") + \
        " or a string such as 'x=1'"
    raise UsageError(f"{name} must be {shapes}, not {_type_name(value)}", code="bad_value")


def _key_name(key: object, option: str) -> str:
    if isinstance(key, sp.Symbol):
        key = key.name
    if not isinstance(key, str):
        raise UsageError(f"{option}: a variable must be a name or a sympy Symbol, not "
                         f"{_type_name(key)}", code="bad_value")
    return _variable_name(key.strip(), option)


def variable_names(value: object, *, param: str, spelling: Spelling = KEYWORDS) -> list[str]:
    """Variables as text `x,y`, a Symbol or name, or a sequence of names and Symbols."""
    if isinstance(value, str):
        return [n.strip() for n in value.split(",")]
    if isinstance(value, sp.Symbol):
        return [value.name]
    name = spelling.name(param)
    if isinstance(value, Iterable) and not isinstance(value, (Mapping, sp.Basic)):
        out = []
        for item in value:
            if isinstance(item, sp.Symbol):
                out.append(item.name)
            elif isinstance(item, str):
                out.append(item.strip())
            else:
                raise UsageError(f"{name}: a variable must be a name or a sympy Symbol, not "
                                 f"{_type_name(item)}", code="bad_value")
        return out
    raise UsageError(f"{name} must be variable names ('x,y', ['x', 'y'] or sympy Symbols), "
                     f"not {_type_name(value)}", code="bad_value")


def select_variables(variables: Sequence[sp.Symbol], names: object, *,
                     param: str = "variables",
                     spelling: Spelling = KEYWORDS) -> list[sp.Symbol]:
    """The variables `names` picks out of the expression's `variables`, in the order given
    (`--vars z,x`); an unknown or repeated name is a usage error naming `param`."""
    called = spelling.name(param)
    known = {v.name: v for v in variables}
    chosen: list[sp.Symbol] = []
    for name in variable_names(names, param=param, spelling=spelling):
        if name not in known:
            listing = ", ".join(known) or "none"
            raise UsageError(f"{called}: {name!r} is not a variable of the expression "
                             f"(its variables: {listing})", code="unknown_variable")
        if known[name] in chosen:
            raise UsageError(f"{called} names {name} twice", code="bad_value")
        chosen.append(known[name])
    return chosen


def resolve_point(at: object, variables: Sequence[sp.Symbol], *, param: str = "at",
                  spelling: Spelling = KEYWORDS,
                  allow_infinite: bool = False, require_all: bool = True,
                  vanished: Collection[str] = ()) -> Point:
    """Assign values to the expression's variables from `at` (text or a Python value).

    A bare value needs exactly one variable. A name that is not a variable of
    the expression is an error (a typo is likelier than intent), as is a
    missing variable when `require_all`; except the `vanished` names, which the
    input had before simplification took them away (x - x, 0*y): their values
    are accepted, kept in the point (for labels and domain checks) and change
    nothing else. Messages name `param` as `spelling` does; an example in one is
    written in the shape `at` was given in (text, or a dict).
    """
    say = spelling
    items = assignments(at, param=param, spelling=say, allow_infinite=allow_infinite)
    text = isinstance(at, str)
    called = say.name(param)
    known = {v.name: v for v in variables}
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
                    raise UsageError(f"{called}: the expression has no variables",
                                     code="bad_value")
                example = say.given(param, ",".join(f"{n}=1" for n in known) if text
                                    else dict.fromkeys(known, 1))
                raise UsageError(
                    f"{say.given(param, at)}: the expression has several variables ({listing}); "
                    f"name them, e.g. {example}", code="missing_variable")
            point[variables[0]] = item.value
        elif item.name in known:
            point[known[item.name]] = item.value
        else:
            raise UsageError(f"{called}: {item.name} is not a variable of the expression "
                             f"(its variables: {listing})", code="unknown_variable")
    missing = [name for name, v in known.items() if v not in point]
    if require_all and missing:
        example = (",".join(f"{n}=..." for n in known) if text
                   else "{" + ", ".join(f"{n!r}: ..." for n in known) + "}")
        raise UsageError(f"{called}: no value for {', '.join(missing)}; give {example}",
                         code="missing_variable")
    return point


def choose_variable(variables: Sequence[sp.Symbol], name: str | None, *, option: str,
                    purpose: str) -> sp.Symbol:
    """The one variable a single-variable command works in: named, or the only one."""
    if name is not None:
        for v in variables:
            if v.name == name:
                return v
        if variables:
            listing = ", ".join(v.name for v in variables)
            raise UsageError(f"{option} {name}: not a variable of the expression "
                             f"(its variables: {listing})", code="unknown_variable")
        return symbol(name)
    if len(variables) == 1:
        return variables[0]
    if not variables:
        raise UsageError(f"the expression has no variable to {purpose}", code="no_variable")
    listing = ", ".join(v.name for v in variables)
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
    """`x=a:b:n`, `a:b:n` or `a:b` (n points from a to b inclusive); messages call the
    text `option` (`--range`, or `ranges`)."""
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
    return _grid(name, start, stop, count, option=option, shown=repr(text),
                 max_count=max_count)


def _grid(name: str | None, start: sp.Expr, stop: sp.Expr, count: int, *, option: str,
          shown: str, max_count: int) -> Grid:
    if not 1 <= count <= max_count:
        raise UsageError(f"{option}: the number of points must be between 1 and {max_count}",
                         code="bad_value")
    if not bool(sp.N(stop - start) > 0):
        raise UsageError(f"{option} {shown}: the end must be greater than the start",
                         code="bad_value")
    return Grid(name, start, stop, count)


def to_range(value: object, *, param: str, spelling: Spelling = KEYWORDS,
             name: str | None = None, default_count: int = 11,
             max_count: int = 10_000_000) -> Grid:
    """A range as text (`x=a:b:n`, `a:b`) or as a tuple (a, b) or (a, b, n). Messages name
    `param` as `spelling` does."""
    say = spelling
    called = say.name(param)
    if isinstance(value, str):
        grid = parse_range(value, option=called, default_count=default_count,
                           max_count=max_count)
        if name is not None and grid.variable is not None and grid.variable != name:
            raise UsageError(f"{called}: the range of {name} names {grid.variable}",
                             code="bad_value")
        return Grid(name or grid.variable, grid.start, grid.stop, grid.count)
    where = f"{called} of {name}" if name else called
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise UsageError(f"{where} must be (a, b), (a, b, n) or a string 'a:b:n', not "
                         f"{value!r}", code="bad_value")
    start = constant(value[0], what=f"the start of {where}")
    stop = constant(value[1], what=f"the end of {where}")
    count = default_count
    if len(value) == 3:
        n = value[2]
        if not isinstance(n, numbers.Integral) or isinstance(n, bool):
            raise UsageError(f"{where}: the number of points must be a whole number, "
                             f"not {n!r}", code="bad_value")
        count = int(n)
    return _grid(name, start, stop, count, option=where, shown=repr(tuple(value)),
                 max_count=max_count)


def to_grids(value: object, *, param: str = "ranges", spelling: Spelling = KEYWORDS,
             max_count: int = 10_000_000) -> list[Grid]:
    """Ranges for a grid: `x=a:b:n` text (or a list of such), or {name: (a, b, n)};
    messages name `param` as `spelling` does."""
    if value is None:
        return []
    if isinstance(value, str):
        return [to_range(value, param=param, spelling=spelling, max_count=max_count)]
    if isinstance(value, Mapping):
        return [to_range(r, param=param, spelling=spelling, max_count=max_count,
                         name=_key_name(k, spelling.name(param))) for k, r in value.items()]
    if isinstance(value, (list, tuple)) and all(isinstance(r, str) for r in value):
        return [to_range(r, param=param, spelling=spelling, max_count=max_count)
                for r in value]
    raise UsageError(f"{spelling.name(param)} must be a dict such as {{'x': (0, 1, 11)}} or "
                     f"strings such as 'x=0:1:11', not {value!r}", code="bad_value")


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
