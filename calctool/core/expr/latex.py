"""LaTeX input: translated into the plain syntax, then read by the same parser.

What is pasted from slides and notebooks: `\\frac{a}{b}`, `x^{2}`, `e^{2x}`,
`\\sqrt{x}`, `\\sqrt[n]{x}`, `\\sin x` (no brackets: the argument runs to the
next `+`, `-`, `\\cdot`, function or closing bracket), `\\sin^2 x`, `\\ln`,
`\\log_b x`, `\\exp`, `\\pi` and the other Greek letters, `\\infty`,
`\\cdot`/`\\times`/`\\div`, `\\left(`/`\\right)`, `|x|`/`\\lvert x\\rvert`,
`\\operatorname{relu}`, `\\mathrm{d}`, `x_{0}`, `\\le`/`\\ge`, thin spaces,
`\\frac{d}{dx}` (differentiate), and the delimiters `$...$`, `$$...$$`,
`\\(...\\)`, `\\[...\\]`. Letters written together are separate symbols, as
LaTeX typesets them: `2xy` is 2·x·y (in the plain syntax it is 2 times the
variable xy).

Nothing is expanded or executed: the translator knows the commands above and
refuses any other (`\\input`, `\\def`, `\\catcode`, `\\newcommand` ...) with a
parse error (exit 2) at the command, as it refuses nesting deeper than
MAX_DEPTH. The plain text it produces keeps, for each of its characters, the
position in the LaTeX it came from, so the parser's caret points into what
the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calctool.core.errors import CalcError, ParseError

if TYPE_CHECKING:
    from calctool.core.expr.parse import ParsedInput

MAX_DEPTH = 50

# Functions written \name; their plain names are the same unless listed here.
# f^{-1} written after these names is the inverse function (sin^{-1} x = arcsin x)
_INVERTIBLE = {name: "a" + name for name in (
    "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "coth", "sech", "csch")}

_FUNCTIONS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "arccot",
    "sinh", "cosh", "tanh", "coth", "sech", "csch", "arsinh", "arcosh", "artanh",
    "exp", "ln", "log", "lg", "sgn", "max", "min",
}
_RENAMED = {"lg": "log10", "max": "max", "min": "min"}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega",
}
_SYMBOLS = {
    "pi": "pi", "infty": "oo", "cdot": "*", "times": "*", "div": "/", "ast": "*",
    "le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "lt": "<", "gt": ">",
    "lvert": "|", "rvert": "|", "vert": "|", "mid": "|",
    "lbrack": "[", "rbrack": "]", "land": " and ", "lor": " or ", "wedge": " and ",
    "vee": " or ",
}
_SPACES = {",", ";", ":", "!", " ", "quad", "qquad", "thinspace", "medspace", "thickspace",
           "displaystyle", "textstyle", "limits"}
# Delimiters after \left, \right, \bigl ...: what they stand for ("" for the invisible ".").
_DELIMITERS = {"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", ".": "",
               "\\lvert": "|", "\\rvert": "|", "\\vert": "|", "\\lbrack": "[", "\\rbrack": "]"}
_SIZED = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "biggl", "biggr"}
_TEXT_FONTS = {"mathrm", "operatorname", "text", "mathit", "textrm", "mathbf", "rm"}
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|(\s+)|(.)", re.S)
_DELIMITED = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str  # "cmd" (\name, text without the backslash), "char", "space"
    text: str
    pos: int


def tokenize(text: str, start: int, end: int) -> list[Tok]:
    tokens = []
    for m in _TOKEN.finditer(text, start, end):
        if m.group(1) is not None:
            tokens.append(Tok("cmd", m.group(1), m.start()))
        elif m.group(2) is not None:
            tokens.append(Tok("space", " ", m.start()))
        else:
            tokens.append(Tok("char", m.group(3), m.start()))
    return tokens


@dataclass
class _Out:
    """Plain text being written, with the LaTeX position of each character."""

    chars: list[str] = field(default_factory=list)
    where: list[int] = field(default_factory=list)

    def emit(self, text: str, pos: int) -> None:
        for ch in text:
            self.chars.append(ch)
            self.where.append(pos)

    @property
    def text(self) -> str:
        return "".join(self.chars)


class _Translator:
    def __init__(self, source: str, tokens: list[Tok], end: int) -> None:
        self.source = source
        self.tokens = tokens
        self.i = 0
        self.end = end
        self.depth = 0
        self.out = _Out()

    # -- helpers ------------------------------------------------------------
    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    def skip_spaces(self) -> None:
        while (t := self.peek()) is not None and (
                t.kind == "space" or (t.kind == "cmd" and t.text in _SPACES)):
            self.i += 1

    def error(self, message: str, pos: int, hint: str | None = None) -> ParseError:
        return ParseError(message, position=pos, source=self.source, hint=hint)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the LaTeX is nested too deeply (limit {MAX_DEPTH} levels)",
                             code="too_deep", position=pos, source=self.source)

    def leave(self) -> None:
        self.depth -= 1

    # -- reading ------------------------------------------------------------
    def translate(self) -> None:
        self.sequence(stop=None)

    def sequence(self, stop: str | None) -> None:
        """Tokens up to the closing `stop` ("}" or "]" of an optional argument) or the end."""
        while (t := self.peek()) is not None:
            if t.kind == "char" and t.text == stop:
                return
            self.item()
        if stop is not None:
            raise self.error(f"missing {stop!r}", self.end)

    def group(self, what: str) -> int:
        """A {...} argument or a single token, written out in brackets; returns its position."""
        self.skip_spaces()
        t = self.peek()
        if t is None:
            raise self.error(f"{what} needs an argument", self.end)
        if t.kind == "char" and t.text == "{":
            self.i += 1
            self.enter(t.pos)
            self.out.emit("(", t.pos)
            self.sequence("}")
            close = self.peek()
            assert close is not None
            self.i += 1
            self.out.emit(")", close.pos)
            self.leave()
            return t.pos
        if t.kind == "char" and t.text in "}^_":
            raise self.error(f"{what} needs an argument", t.pos)
        self.out.emit("(", t.pos)
        self.item(single=True)
        self.out.emit(")", t.pos)
        return t.pos

    def raw_group(self) -> tuple[str, int]:
        """The text of a {...} (or single-token) argument, as written: `\\mathrm{d}`, `x_{0}`."""
        self.skip_spaces()
        t = self.peek()
        if t is None:
            raise self.error("an argument is missing", self.end)
        if t.kind == "char" and t.text == "{":
            j = self.i + 1
            parts = []
            while j < len(self.tokens) and not (self.tokens[j].kind == "char"
                                                and self.tokens[j].text == "}"):
                tok = self.tokens[j]
                if tok.kind == "cmd" or tok.text == "{":
                    raise self.error("expected plain letters or digits here", tok.pos)
                parts.append(tok.text)
                j += 1
            if j == len(self.tokens):
                raise self.error("missing '}'", self.end)
            self.i = j + 1
            return "".join(parts).strip(), t.pos
        if t.kind == "cmd":
            raise self.error("expected plain letters or digits here", t.pos)
        self.i += 1
        return t.text, t.pos

    def item(self, single: bool = False) -> None:
        t = self.peek()
        assert t is not None
        if t.kind == "space":
            self.i += 1
            self.out.emit(" ", t.pos)
            return
        if t.kind == "char":
            self.char(t, single)
            return
        self.command(t)

    def char(self, t: Tok, single: bool) -> None:
        ch = t.text
        self.i += 1
        if ch == "{":
            self.enter(t.pos)
            self.out.emit("(", t.pos)
            self.sequence("}")
            close = self.peek()
            assert close is not None
            self.i += 1
            self.out.emit(")", close.pos)
            self.leave()
        elif ch == "}":
            raise self.error("unmatched '}'", t.pos)
        elif ch in "^":
            self.out.emit("^", t.pos)
            self.group("^")
        elif ch == "_":
            self.subscript(t)
        elif ch.isalpha():
            # Letters written together are separate symbols: 2xy is 2·x·y.
            self.out.emit(" " + ch, t.pos)
        elif ch.isdigit() and single:
            self.out.emit(ch, t.pos)  # \frac12: one digit per argument
        elif ch in "&#%~":
            raise self.error(f"{ch!r} has no meaning in an expression", t.pos)
        else:
            self.out.emit(ch, t.pos)

    def subscript(self, t: Tok) -> None:
        """x_0, x_{12}, w_{ij}: part of the name (only after a letter)."""
        if not self.out.chars or not (self.out.chars[-1].isalnum()):
            raise self.error("a subscript needs a letter before it", t.pos,
                             hint="write x_0 or x_{12}")
        text, pos = self.raw_group()
        if not text or not text.isalnum():
            raise self.error("a subscript is letters or digits (x_0, x_{12})", pos)
        self.out.emit("_" + text, pos)

    def command(self, t: Tok) -> None:
        name = t.text
        self.i += 1
        if name in _SPACES:
            self.out.emit(" ", t.pos)
        elif name in ("frac", "dfrac", "tfrac"):
            self.fraction(t)
        elif name == "sqrt":
            self.root(t)
        elif name in _FUNCTIONS:
            self.function(_RENAMED.get(name, name), t)
        elif name in _GREEK:
            self.out.emit(" " + name.removeprefix("var") + " ", t.pos)
        elif name in _SYMBOLS:
            self.out.emit(" " + _SYMBOLS[name] + " ", t.pos)
        elif name in _SIZED:
            self.delimiter(t)
        elif name in _TEXT_FONTS:
            text, pos = self.raw_group()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text):
                raise self.error(f"\\{name}{{...}} holds a name here", pos)
            if text in _FUNCTIONS or name == "operatorname":
                self.function(_RENAMED.get(text, text), t)
            else:
                self.out.emit(" " + text + " ", pos)
        elif name in ("{", "}"):
            raise self.error(f"\\{name} (a literal brace) is not part of an expression", t.pos)
        elif name == "|":
            raise self.error("\\| (a norm) is not part of an expression", t.pos,
                             hint="write |x| for the absolute value")
        else:
            raise self.error(f"the LaTeX command \\{name} is not supported", t.pos,
                             hint="calctool reads the math of fractions, powers, roots, "
                                  "functions and Greek letters; nothing else is expanded")

    def delimiter(self, t: Tok) -> None:
        self.skip_spaces()
        d = self.peek()
        if d is None:
            raise self.error(f"\\{t.text} needs a delimiter after it", self.end)
        key = ("\\" + d.text) if d.kind == "cmd" else d.text
        if key not in _DELIMITERS:
            raise self.error(f"unsupported delimiter after \\{t.text}", d.pos,
                             hint="use ( ), [ ] or | |")
        self.i += 1
        self.out.emit(_DELIMITERS[key], d.pos)

    def fraction(self, t: Tok) -> None:
        leibniz = self.leibniz(t)
        if leibniz is not None:
            self.out.emit(leibniz, t.pos)
            return
        self.enter(t.pos)
        self.out.emit("(", t.pos)
        self.group("\\frac")
        self.out.emit("/", t.pos)
        self.group("\\frac")
        self.out.emit(")", t.pos)
        self.leave()

    _D = r"(?:d|\\mathrm\s*\{\s*d\s*\}|\\mathrm\s*d|\\operatorname\s*\{\s*d\s*\})"
    _LEIBNIZ = re.compile(
        rf"\s*\{{\s*{_D}\s*(?:\^\s*\{{?\s*(\d+)\s*\}}?)?\s*\}}"
        rf"\s*\{{\s*{_D}\s*([A-Za-z]|\\[A-Za-z]+)\s*(?:\^\s*\{{?\s*(\d+)\s*\}}?)?\s*\}}")

    def leibniz(self, t: Tok) -> str | None:
        """\\frac{d}{dx}, \\frac{d^2}{dx^2}, \\frac{\\mathrm{d}}{\\mathrm{d}t}: 'd/dx '."""
        after = t.pos + 1 + len(t.text)
        m = self._LEIBNIZ.match(self.source, after)
        if m is None:
            return None
        var = m.group(2).lstrip("\\")
        if m.group(2).startswith("\\") and var not in _GREEK:
            return None
        top, bottom = m.group(1), m.group(3)
        while (tok := self.peek()) is not None and tok.pos < m.end():
            self.i += 1
        if top or bottom:
            return f"d^{top or 1}/d{var}^{bottom or 1} "
        return f"d/d{var} "

    def root(self, t: Tok) -> None:
        self.skip_spaces()
        nxt = self.peek()
        degree = None
        if nxt is not None and nxt.kind == "char" and nxt.text == "[":
            self.i += 1
            degree, pos = self.bracketed_degree()
            if degree not in ("2", "3") and not degree.isdigit():
                raise self.error("the degree of \\sqrt[n]{...} is a whole number", pos)
        self.enter(t.pos)
        if degree in (None, "2"):
            self.out.emit("sqrt", t.pos)
            self.group("\\sqrt")
        elif degree == "3":
            self.out.emit("cbrt", t.pos)
            self.group("\\sqrt")
        else:
            self.out.emit("root(", t.pos)
            self.group("\\sqrt")
            self.out.emit(f", {degree})", t.pos)
        self.leave()

    def bracketed_degree(self) -> tuple[str, int]:
        parts, start = [], self.i
        while (tok := self.peek()) is not None and not (tok.kind == "char" and tok.text == "]"):
            if tok.kind == "cmd":
                raise self.error("the degree of \\sqrt[n]{...} is a whole number", tok.pos)
            parts.append(tok.text)
            self.i += 1
        if self.peek() is None:
            raise self.error("missing ']'", self.end)
        self.i += 1
        pos = self.tokens[start].pos if start < len(self.tokens) else self.end
        return "".join(parts).strip(), pos

    def function(self, name: str, t: Tok) -> None:
        """\\sin x, \\sin(x), \\sin^2 x, \\log_2 x, \\log_{b}(x)."""
        base: tuple[str, list[int]] | None = None
        power_at: int | None = None
        power: _Out | None = None
        while True:
            self.skip_spaces()
            nxt = self.peek()
            if nxt is not None and nxt.kind == "char" and nxt.text == "_" and name == "log" \
                    and base is None:
                self.i += 1
                base = self.captured(lambda: self.group("the base of \\log"))
            elif nxt is not None and nxt.kind == "char" and nxt.text == "^" and power is None:
                self.i += 1
                power_at = nxt.pos
                power = _Out()
                text, where = self.captured(lambda: self.group("^"))
                power.emit(text, 0)
                power.where[:] = where
            else:
                break
        if power is not None and name in _INVERTIBLE and \
                "".join(power.chars).replace(" ", "").strip("()") == "-1":
            name, power = _INVERTIBLE[name], None  # \sin^{-1} x is arcsin x, as in textbooks
        self.enter(t.pos)
        self.out.emit(" " + name + "(", t.pos)
        self.argument(t)
        if base is not None:
            self.out.emit(", ", t.pos)
            self.out.chars.extend(base[0])
            self.out.where.extend(base[1])
        self.out.emit(")", t.pos)
        if power is not None and power_at is not None:
            self.out.emit("^", power_at)
            self.out.chars.extend(power.chars)
            self.out.where.extend(power.where)
        self.leave()

    def captured(self, read: Callable[[], object]) -> tuple[str, list[int]]:
        """What `read` writes, taken out of the output (to be placed later)."""
        mark = len(self.out.chars)
        read()
        chars, where = self.out.chars[mark:], self.out.where[mark:]
        del self.out.chars[mark:], self.out.where[mark:]
        return "".join(chars), where

    def argument(self, fn: Tok) -> None:
        """A function's argument: a bracket, or (LaTeX without brackets) the factors up
        to the next + or -, relation, comma, \\cdot, function or closing bracket."""
        self.skip_spaces()
        t = self.peek()
        if t is None:
            raise self.error(f"\\{fn.text} needs an argument", self.end)
        if t.kind == "char" and t.text in "([":
            self.bracketed()
            return
        if t.kind == "cmd" and t.text in _SIZED:
            self.bracketed()
            return
        if t.kind == "char" and t.text == "{":
            self.group(f"\\{fn.text}")
            return
        started = False
        while (t := self.peek()) is not None:
            if t.kind == "space":
                self.i += 1
                continue
            if t.kind == "char" and t.text in "+-=<>,)]}|/":
                if t.text in "+-" and not started:
                    self.item()
                    continue
                break
            if t.kind == "cmd" and (t.text in _FUNCTIONS or t.text in _SIZED
                                    or t.text in ("cdot", "times", "div", "frac", "le", "leq",
                                                  "ge", "geq", "operatorname", "ast")):
                if not started and t.text == "frac":
                    self.item()
                    started = True
                    continue
                break
            self.item()
            started = True
        if not started:
            raise self.error(f"\\{fn.text} needs an argument", t.pos if t else self.end)

    def bracketed(self) -> None:
        """( ... ) or \\left( ... \\right): copied through, matching brackets counted."""
        depth = 0
        while (t := self.peek()) is not None:
            opening = (t.kind == "char" and t.text in "([") or (
                t.kind == "cmd" and t.text in ("left", "bigl", "Bigl", "biggl"))
            closing = (t.kind == "char" and t.text in ")]") or (
                t.kind == "cmd" and t.text in ("right", "bigr", "Bigr", "biggr"))
            self.item()
            if opening:
                depth += 1
            elif closing:
                depth -= 1
                if depth == 0:
                    return


# `\,dx` (a spacing command, then d or \mathrm{d} and one letter) ending the formula: the
# differential of a pasted integral, which as letters would be the product d*x.
_DIFFERENTIAL = re.compile(r"(?:\\[,;:!]|\\quad|\\qquad)\s*(?P<d>d|\\mathrm\{d\}|\\text\{d\})"
                           r"\s*(?P<var>[A-Za-z])\s*$")


def _strip_delimiters(text: str) -> tuple[int, int]:
    """The span inside $...$, \\(...\\), \\[...\\] (the whole text when there are none)."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    for left, right in _DELIMITED:
        if text.startswith(left, start) and text.endswith(right, 0, end) \
                and end - start >= len(left) + len(right):
            return start + len(left), end - len(right)
    return start, end


def translate(text: str) -> tuple[str, list[int]]:
    """The plain-syntax text of LaTeX `text`, and for each of its characters the
    position in `text` it came from."""
    start, end = _strip_delimiters(text)
    if "$" in text[start:end]:
        pos = text.index("$", start)
        raise ParseError("unexpected '$'", position=pos, source=text,
                         hint="give one formula: $...$ around the whole of it, or no $")
    trailing = _DIFFERENTIAL.search(text[start:end])
    if trailing is not None:
        var = trailing.group("var")
        raise ParseError(f"'d{var}' at the end is the differential of an integral, not the "
                         f"product d·{var}", position=start + trailing.start("d"), source=text,
                         hint=f"leave it out: calctool integrate \"...\" --wrt {var}")
    translator = _Translator(text, tokenize(text, start, end), end)
    translator.translate()
    return translator.out.text, translator.out.where


def parse_latex(text: str, *, derivative: bool = False) -> ParsedInput:
    """Read LaTeX: translate, then parse the plain text; errors point into the LaTeX."""
    from calctool.core.expr.parse import read_plain

    plain, where = translate(text)
    try:
        return read_plain(plain, derivative=derivative)
    except CalcError as exc:
        if exc.position is not None and exc.source == plain:
            exc.position = where[exc.position] if exc.position < len(where) else len(text)
            exc.source = text
        elif exc.source == plain:
            exc.source = text
        raise
