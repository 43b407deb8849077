"""Text -> sympy expression, by a small hand-written parser.

Nothing here evaluates the input as Python: the text is split into tokens
(numbers, names, operators) and a recursive-descent parser builds the sympy
tree by calling constructors from an allow-list. A name is a variable, a
constant, a function from FUNCTIONS, or a single-letter abstract function;
there is no attribute access, no call of anything not in the table, and
names starting with `_` are refused, so `__import__('os').system('id')` is
only a parse error.

Grammar (lowest precedence first):

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary | <juxtaposition> power)*
    unary   := ("+" | "-") unary | power
    power   := postfix ("^" unary)?             right-associative; "**" is "^"
    postfix := atom ("!" | "'")*
    atom    := NUMBER | NAME | NAME "(" args ")" | "(" expr ")" | "[" expr "]"

Juxtaposition (implicit multiplication) is allowed before a name or a
bracket: `2x`, `3sin(x)`, `(x+1)(x-1)`, `x y`; a number after something else
(`x 2`) is an error, since it is more often a typo than a product.
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp

from calctool.core.errors import DomainError, ParseError, ResourceLimitError
from calctool.core.expr import activations as _activation
from calctool.core.expr.functions import (
    RealRoot,
    ceiling,
    floor,
    leaky_relu,
    relu,
    sigmoid,
    softplus,
)
from calctool.core.expr.notes import add_note
from calctool.core.expr.syntax import current_syntax

MAX_LENGTH = 10_000
MAX_DEPTH = 100
# Exact integers are kept below this many bits (about 30,000 digits): beyond
# it, exact arithmetic on huge numbers can run for minutes inside C code where
# no timer can stop it, so such input is refused before it is evaluated.
MAX_INT_BITS = 100_000
MAX_FACTORIAL_ARG = 2_000
MAX_DECIMAL_EXPONENT = 400

# ---------------------------------------------------------------------------
# Tokens

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Greek letters only, not the whole Greek block: U+0387 (·) and U+037E (;) are
# punctuation that looks like an operator and must not vanish into a name.
_GREEK = "\u0391-\u03a1\u03a3-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5"
_NAME = re.compile(rf"[A-Za-z{_GREEK}][A-Za-z0-9_{_GREEK}]*")
# 0x1F, 0b101, 0o17: Python's integer prefixes, which would otherwise read as 0*x1F.
_PREFIXED_INTEGER = re.compile(r"0([xX][0-9a-fA-F]+|[bB][01]+|[oO][0-7]+)\b")
_SPACE = re.compile(r"\s+")
_DIGITS = frozenset("0123456789")  # str.isdigit() is also true of ², ³ and other scripts
# Typographic variants people paste from notes and slides.
_CHAR_ALIASES = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u00d7": "*",  # multiplication sign
    "\u22c5": "*",  # dot operator
    "\u00b7": "*",  # middle dot
    "\u2217": "*",  # asterisk operator
    "\u00f7": "/",
    "\u2215": "/",
}
_SUPERSCRIPTS = {"\u00b2": "2", "\u00b3": "3", "\u00b9": "1", "\u2070": "0", "\u2074": "4",
                 "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9"}
# Python's keywords are never names here (`lambda` stays usable: a common parameter).
_KEYWORDS = frozenset(keyword.kwlist) - {"lambda"}
_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")", "[", "]", ",", "!", "'",
              "|", "<=", ">=", "<", ">", ":", "\u221a", "\u221b", "\u221c")
# Radical signs: √x is sqrt(x), ∛x cbrt(x), ∜x root(x, 4).
_RADICALS = {"\u221a": 2, "\u221b": 3, "\u221c": 4}
# Words that join the conditions of a piecewise function.
_LOGIC_WORDS = frozenset({"and", "or"})
_COMPARISONS = ("<", "<=", ">", ">=")
_RELATIONS = {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num", "name", "op", "sup" (superscript digits), "end"
    text: str
    pos: int


def tokenize(text: str, start: int = 0) -> list[Token]:
    """The tokens of text[start:] (positions count from the start of `text`)."""
    tokens: list[Token] = []
    i, n = start, len(text)
    while i < n:
        ch = text[i]
        m = _SPACE.match(text, i)
        if m:
            i = m.end()
            continue
        ch = _CHAR_ALIASES.get(ch, ch)
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            if _PREFIXED_INTEGER.match(text, i):
                raise ParseError("hexadecimal, binary and octal numbers are not read here",
                                 position=i, source=text,
                                 hint="write the number in decimal (0x1F is 31)")
            m = _NUMBER.match(text, i)
            assert m is not None
            tokens.append(Token("num", m.group(), i))
            i = m.end()
        elif ch in _SUPERSCRIPTS:
            j = i
            while j < n and text[j] in _SUPERSCRIPTS:
                j += 1
            digits = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
            tokens.append(Token("sup", digits, i))
            i = j
        elif ch == "π":
            tokens.append(Token("name", "pi", i))
            i += 1
        elif ch == "∞":
            tokens.append(Token("name", "oo", i))
            i += 1
        elif ch == "_" or _NAME.match(text, i):
            if ch == "_":
                raise ParseError(
                    "names cannot start with '_'", position=i, source=text,
                    hint="variable names start with a letter, e.g. x_0",
                )
            m = _NAME.match(text, i)
            assert m is not None
            name = m.group()
            if name in _LOGIC_WORDS:
                tokens.append(Token("op", name, i))
                i = m.end()
                continue
            if name in _KEYWORDS:
                raise ParseError(f"{name!r} is a Python keyword, not part of an expression",
                                 position=i, source=text)
            if "__" in name:
                raise ParseError("names cannot contain '__'", position=i + name.index("__"),
                                 source=text)
            tokens.append(Token("name", name, i))
            i = m.end()
            if text.startswith("[", i):
                raise ParseError(
                    f"{name}[...] reads like indexing, which an expression does not have",
                    position=i, source=text,
                    hint=f"write {name}_0 for a subscripted name, or {name}*(...) to multiply")
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None and ch in "-*/":
                op = ch  # a unicode alias of an operator
            if op is None:
                raise ParseError(f"unexpected character {_describe_char(text[i])}",
                                 position=i, source=text, hint=_char_hint(text[i]))
            tokens.append(Token("op", "^" if op == "**" else op, i))
            i += len(op) if text.startswith(op, i) else 1
    tokens.append(Token("end", "", n))
    return tokens


def _describe_char(ch: str) -> str:
    if ch.isprintable() and not ch.isspace():
        return repr(ch)
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


_EQUATION_HINT = "calctool takes an expression, not an equation: write the side you want"


def _char_hint(ch: str) -> str | None:
    if ch == "=":
        return _EQUATION_HINT
    if ch == ".":
        return "attribute access is not part of the expression syntax"
    if ch in "{}":
        return "use ( ) or [ ] for grouping"
    if ch in "\u0387\u2027\u2219":
        return "for multiplication write * (or the middle dot ·)"
    if ch == "\u037e":
        return "this is a Greek question mark, not a semicolon or an operator"
    return None


# ---------------------------------------------------------------------------
# The function table: every name a user can call.

def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(x) if base is None else sp.log(x, base)


def _leaky(x: sp.Expr, a: sp.Expr | None = None) -> sp.Expr:
    return leaky_relu(x, sp.Rational(1, 100) if a is None else a)


def _root(x: sp.Expr, n: sp.Expr) -> sp.Expr:
    if not (n.is_Integer and n >= 2):
        raise ValueError("the degree of root(x, n) must be a whole number >= 2")
    return RealRoot(x, n) if n % 2 == 1 else sp.root(x, n)


def _factorial(x: sp.Expr) -> sp.Expr:
    if x.is_number and x.is_extended_real and x.is_finite and abs(x) > MAX_FACTORIAL_ARG:
        raise ResourceLimitError(
            f"factorial of {x} is too large to compute exactly (limit {MAX_FACTORIAL_ARG})"
        )
    return sp.factorial(x)


def _gamma(x: sp.Expr) -> sp.Expr:
    if x.is_number and x.is_extended_real and x.is_finite and abs(x) > MAX_FACTORIAL_ARG:
        raise ResourceLimitError(
            f"gamma of {x} is too large to compute exactly (limit {MAX_FACTORIAL_ARG})"
        )
    return sp.gamma(x)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    build: Callable[..., sp.Expr]
    min_args: int = 1
    max_args: int | None = 1  # None: any number


_F = FunctionSpec
_ONE_ARG: dict[str, Callable[..., sp.Expr]] = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
    "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "acot": sp.acot, "asec": sp.asec,
    "acsc": sp.acsc,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth, "sech": sp.sech,
    "csch": sp.csch, "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh,
    "acoth": sp.acoth, "asech": sp.asech, "acsch": sp.acsch,
    "exp": sp.exp, "ln": sp.log, "sqrt": sp.sqrt,
    "log10": lambda x: sp.log(x, 10), "log2": lambda x: sp.log(x, 2),
    "cbrt": lambda x: RealRoot(x, 3),
    "abs": sp.Abs, "Abs": sp.Abs, "sign": sp.sign, "sgn": sp.sign,
    "floor": floor, "ceil": ceiling, "ceiling": ceiling,
    "sigmoid": sigmoid, "relu": relu, "softplus": softplus,
    "heaviside": sp.Heaviside, "Heaviside": sp.Heaviside, "step": sp.Heaviside,
    "DiracDelta": sp.DiracDelta,
    "factorial": _factorial, "gamma": _gamma, "erf": sp.erf, "erfc": sp.erfc,
}
# arcsin, arsinh, arcsinh... are the same functions under other names.
for _name in list(_ONE_ARG):
    if _name[0] == "a" and _name[1:] in _ONE_ARG:
        _ONE_ARG["arc" + _name[1:]] = _ONE_ARG[_name]
        if _name.endswith("h"):
            _ONE_ARG["ar" + _name[1:]] = _ONE_ARG[_name]

FUNCTIONS: dict[str, FunctionSpec] = {name: _F(fn) for name, fn in _ONE_ARG.items()}
FUNCTIONS.update({
    "log": _F(_log, 1, 2),
    "leaky_relu": _F(_leaky, 1, 2),
    "root": _F(_root, 2, 2),
    "atan2": _F(sp.atan2, 2, 2),
    # The value at the jump: heaviside(x, 1) is 1 at 0 (sympy's default, 1/2, without it).
    "heaviside": _F(sp.Heaviside, 1, 2), "Heaviside": _F(sp.Heaviside, 1, 2),
    "step": _F(sp.Heaviside, 1, 2),
    "min": _F(sp.Min, 1, None), "Min": _F(sp.Min, 1, None),
    "max": _F(sp.Max, 1, None), "Max": _F(sp.Max, 1, None),
})

FUNCTIONS.update({name: _F(_activation.build(name), *_activation.arity(name))
                  for name in _activation.ACTIVATIONS})

CONSTANTS: dict[str, sp.Expr] = {
    "e": sp.E, "E": sp.E, "pi": sp.pi, "oo": sp.oo, "inf": sp.oo, "infinity": sp.oo,
}


# Function names that are also common variable names (a learning rate gamma):
# used without brackets they are variables.
NAMES_ALSO_VARIABLES = frozenset({"gamma", "step"})


@lru_cache(maxsize=4096)
def symbol(name: str) -> sp.Symbol:
    """The one real-valued Symbol for a variable name."""
    return sp.Symbol(name, real=True)


# ---------------------------------------------------------------------------
# The parser


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        # Single-letter names used as plain variables somewhere: `x(x+1)` then
        # means x*(x+1), while `f(x)` (f never used alone) is a function.
        self.variables = {
            t.text for k, t in enumerate(tokens)
            if t.kind == "name" and not (tokens[k + 1].kind == "op" and tokens[k + 1].text == "(")
        }
        # Where the input is defined, as written: sympy's own arithmetic may
        # erase it (sqrt(x)^2 -> x, x/x -> 1), so it is kept beside the result.
        self.conditions: list[Condition] = []
        # Inside |...|: a "|" closes it (outside, it opens a new one: |x||y|).
        self.in_abs = False
        self.notes: list[str] = []  # how ambiguous text was read

    def require(self, kind: str, arg: sp.Expr, node: sp.Expr,
                shown: str | Callable[[], str]) -> None:
        if arg.free_symbols:
            self.conditions.append(Condition(kind, arg, node, shown))

    # -- helpers -----------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at_op(self, *ops: str) -> bool:
        t = self.tok
        return t.kind == "op" and t.text in ops

    def error(self, message: str, tok: Token | None = None, hint: str | None = None) -> ParseError:
        tok = tok or self.tok
        return ParseError(message, position=tok.pos, source=self.text, hint=hint)

    @staticmethod
    def _describe(tok: Token) -> str:
        if tok.kind == "end":
            return "the end of the input"
        return repr(tok.text)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"the expression is nested too deeply (limit {MAX_DEPTH} levels)",
                             code="too_deep", position=self.tok.pos, source=self.text)

    # -- grammar -----------------------------------------------------------
    def parse(self) -> sp.Expr:
        if self.tok.kind == "end":
            raise ParseError("the expression is empty", code="empty_input", position=0,
                             source=self.text, hint="give an expression such as x^2*sin(x)")
        expr = self.expr()
        if self.tok.kind != "end":
            tok = self.tok
            if tok.kind == "op" and tok.text in ")]":
                raise self.error(f"unmatched {tok.text!r}",
                                 hint="remove it or add an opening bracket")
            if tok.kind == "num":
                raise self.error("expected an operator before this number",
                                 hint="write * for multiplication, e.g. x*2")
            if tok.kind == "op" and tok.text in _COMPARISONS + tuple(_LOGIC_WORDS) + (":",):
                raise self.error(f"unexpected {self._describe(tok)}",
                                 hint="comparisons belong in the conditions of a piecewise "
                                      "function: piecewise(x < 0: -x, x^2)")
            raise self.error(f"unexpected {self._describe(tok)}")
        return expr

    def expr(self) -> sp.Expr:
        self.enter()
        left = self.term()
        while self.at_op("+", "-"):
            op = self.advance()
            right = self.term()
            left = self.combine(op, left, right)
        self.depth -= 1
        return left

    def term(self) -> sp.Expr:
        left = self.unary()
        division: Token | None = None  # the '/' just before, while no other operator follows
        while True:
            if self.at_op("*", "/"):
                op = self.advance()
                right = self.unary()
                left = self.combine(op, left, right)
                division = op if op.text == "/" else None
            elif (self.tok.kind == "name" or self.at_op("(", "[", *_RADICALS)
                  or (self.at_op("|") and not self.in_abs)):
                op = Token("op", "*", self.tok.pos)
                right = self.power()
                left = self.combine(op, left, right)
                if division is not None:
                    self.divided_then_juxtaposed(division, op)
                    division = None
            else:
                return left

    def divided_then_juxtaposed(self, division: Token, product: Token) -> None:
        """`1/2x` is (1/2)*x, as `1/2*x` is: say so, since 1/(2x) is often meant."""
        end = self.tok.pos if self.tok.kind != "end" else len(self.text)
        over = self.text[division.pos + 1:product.pos].strip()
        then = self.text[product.pos:end].strip()
        written = self.text[division.pos:end].strip()
        self.notes.append(f"'{written}' is read as /{over} times {then} (left to right, as "
                          f"with *); for a division by {over}·{then} write /({over}*{then})")

    def unary(self) -> sp.Expr:
        if self.at_op("-", "+"):
            op = self.advance()
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return -operand if op.text == "-" else operand
        return self.power()

    def power(self) -> sp.Expr:
        base = self.postfix()
        if self.tok.kind == "sup":
            sup = self.advance()
            return self.combine(Token("op", "^", sup.pos), base, sp.Integer(int(sup.text)))
        if self.at_op("^"):
            op = self.advance()
            if self.tok.kind == "end":
                raise self.error("expected an exponent after '^'")
            self.enter()
            exponent = self.unary()
            self.depth -= 1
            return self.combine(op, base, exponent)
        return base

    def postfix(self) -> sp.Expr:
        start = self.tok
        value = self.atom()
        while self.at_op("!", "'"):
            op = self.advance()
            if op.text == "'":
                raise self.error("prime notation is not an expression",
                                 op, hint="use `calctool diff` to differentiate")
            value = self.apply(start, FUNCTIONS["factorial"], "factorial", [value])
        return value

    def atom(self) -> sp.Expr:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return self.number(tok)
        if tok.kind == "name":
            self.advance()
            if self.at_op("("):
                return self.call(tok)
            if tok.text in CONSTANTS:
                return CONSTANTS[tok.text]
            if tok.text in FUNCTIONS and tok.text not in NAMES_ALSO_VARIABLES:
                power = self.tok.kind == "sup" or self.at_op("^")
                raise ParseError(f"{tok.text} is a function: write {tok.text}(...)",
                                 code="parse_error", position=tok.pos, source=self.text,
                                 hint=(f"for a power of {tok.text}, raise the call: "
                                       f"{tok.text}(x)^2, not {tok.text}^2(x)") if power
                                 else f"e.g. {tok.text}(x); arguments go in brackets")
            return symbol(tok.text)
        if self.at_op("|"):
            return self.bars()
        if self.at_op(*_RADICALS):
            op = self.advance()
            self.enter()
            operand = self.power()  # √x^2 is √(x^2), as -x^2 is -(x^2)
            self.depth -= 1
            degree = _RADICALS[op.text]
            if degree == 2:
                return self.apply(op, FUNCTIONS["sqrt"], "sqrt", [operand])
            if degree == 3:
                return self.apply(op, FUNCTIONS["cbrt"], "cbrt", [operand])
            return self.apply(op, FUNCTIONS["root"], "root", [operand, sp.Integer(degree)])
        if self.at_op("(", "["):
            open_ = self.advance()
            close = ")" if open_.text == "(" else "]"
            if self.at_op(close):
                raise self.error("empty brackets: expected an expression inside")
            saved, self.in_abs = self.in_abs, False
            inner = self.expr()
            self.in_abs = saved
            if not self.at_op(close):
                if self.tok.kind == "end":
                    raise ParseError(f"unclosed {open_.text!r}: expected {close!r}",
                                     position=open_.pos, source=self.text,
                                     hint=f"add {close!r} at the end")
                raise self.error(f"expected {close!r} to close the {open_.text!r} "
                                 f"at position {open_.pos + 1}, found {self._describe(self.tok)}")
            self.advance()
            return inner
        if tok.kind == "end":
            raise self.error("unexpected end of input: expected a number, a name or '('")
        if tok.kind == "sup":
            raise self.error("a superscript needs something before it")
        raise self.error(f"unexpected {tok.text!r}: expected a number, a name or '('")

    def bars(self) -> sp.Expr:
        """|...|: the absolute value."""
        open_ = self.advance()
        saved, self.in_abs = self.in_abs, True
        inner = self.expr()
        self.in_abs = saved
        if not self.at_op("|"):
            if self.tok.kind == "end":
                raise ParseError("unclosed '|': expected '|'", position=open_.pos,
                                 source=self.text, hint="add '|' at the end, or write abs(...)")
            raise self.error(f"expected '|' to close the '|' at position {open_.pos + 1}, "
                             f"found {self._describe(self.tok)}")
        self.advance()
        return self.apply(open_, FUNCTIONS["abs"], "abs", [inner])

    # -- piecewise ---------------------------------------------------------
    def piecewise(self, name_tok: Token) -> sp.Expr:
        """piecewise(cond: value, cond: value, ..., otherwise): the first true condition wins."""
        open_ = self.advance()  # "("
        saved, self.in_abs = self.in_abs, False
        pieces: list[tuple[sp.Expr, Any]] = []
        otherwise: sp.Expr | None = None
        while True:
            start = self.tok
            if otherwise is not None:
                raise self.error("the value without a condition comes last in piecewise(...)",
                                 start, hint="piecewise(x < 0: -x, x^2): conditions first")
            head = self.condition()
            if self.at_op(":"):
                if not _is_condition(head):
                    raise self.error("expected a condition such as x < 0 before ':'", start)
                self.advance()
                value = self.expr()
                pieces.append((value, head))
            elif _is_condition(head):
                raise self.error("a condition needs its value after ':'",
                                 hint="e.g. piecewise(x < 0: -x, x^2)")
            else:
                otherwise = head
            if self.at_op(","):
                self.advance()
                continue
            if self.at_op(")"):
                self.advance()
                break
            if self.tok.kind == "end":
                raise ParseError(f"unclosed '(' of {name_tok.text}(: expected ')'",
                                 position=open_.pos, source=self.text, hint="add ')' at the end")
            raise self.error(f"expected ',' or ')' in piecewise(...), found "
                             f"{self._describe(self.tok)}")
        self.in_abs = saved
        if not pieces:
            raise self.error("piecewise(...) needs at least one condition: value pair",
                             name_tok, hint="e.g. piecewise(x < 0: -x, x^2)")
        args = [*pieces, (otherwise, True)] if otherwise is not None else pieces
        return sp.Piecewise(*args)

    def condition(self) -> Any:
        """comparisons joined by `and` / `or` (and binds tighter); or a plain expression."""
        left = self.conjunction()
        while self.at_op("or"):
            op = self.advance()
            right = self.conjunction()
            left = sp.Or(self.boolean(left, op), self.boolean(right, op))
        return left

    def conjunction(self) -> Any:
        left = self.comparison()
        while self.at_op("and"):
            op = self.advance()
            right = self.comparison()
            left = sp.And(self.boolean(left, op), self.boolean(right, op))
        return left

    def boolean(self, value: Any, op: Token) -> Any:
        if not _is_condition(value):
            raise self.error(f"'{op.text}' joins conditions such as x < 0, "
                             f"not {sp.sstr(value)}", op)
        return value

    def comparison(self) -> Any:
        """a < b, a <= b < c (a chain: a <= b and b < c), or an expression alone."""
        left = self.expr()
        relations = []
        while self.at_op(*_COMPARISONS):
            op = self.advance()
            right = self.expr()
            relations.append(_RELATIONS[op.text](left, right))
            left = right
        if not relations:
            return left
        for rel, shown in ((r, sp.sstr(r)) for r in relations):
            if rel not in (sp.true, sp.false) and rel.has(sp.I):
                raise self.error(f"{shown} compares complex numbers")
        return sp.And(*relations)

    def number(self, tok: Token) -> sp.Expr:
        mantissa, _, exp_text = tok.text.lower().partition("e")
        if exp_text and abs(int(exp_text)) > MAX_DECIMAL_EXPONENT:
            raise ResourceLimitError(
                f"the number {tok.text} is out of range (exponent limit ±{MAX_DECIMAL_EXPONENT})",
                position=tok.pos, source=self.text)
        if len(mantissa.replace(".", "")) > 1000:
            raise ResourceLimitError("a number has more than 1000 digits",
                                     position=tok.pos, source=self.text)
        # Decimals are exact rationals: 0.5 is 1/2, so x^0.5 is sqrt(x).
        return sp.Rational(tok.text) if ("." in tok.text or exp_text) else sp.Integer(tok.text)

    def call(self, name_tok: Token) -> sp.Expr:
        name = name_tok.text
        if name == "piecewise":
            return self.piecewise(name_tok)
        spec = FUNCTIONS.get(name)
        if spec is None:
            if name in CONSTANTS:
                # `e(x+1)`, `pi(r^2)`: a constant times a bracket.
                return CONSTANTS[name]
            if len(name) == 1:
                if name in self.variables:
                    return symbol(name)  # `x(x+1)`: the caller multiplies
                args = self.arguments(name_tok)
                return sp.Function(name)(*args)  # an abstract function f(x)
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            if name == "sigma":  # \sigma(z) from slides; calctool itself writes sigmoid σ
                hint = "for the logistic function σ(z) write sigmoid(z)"
            elif close:
                hint = f"did you mean {close[0]}?"
            elif self._has_comma_before_close(name_tok):
                hint = ("that is not one of calctool's functions (the list is in "
                        "README.md, Expressions)")
            else:
                hint = (f"{name} is not one of calctool's functions; for a product "
                        f"write {name}*(...)")
            raise ParseError(f"unknown function {name!r}", code="unknown_function",
                             position=name_tok.pos, source=self.text, hint=hint)
        args = self.arguments(name_tok)
        return self.apply(name_tok, spec, name, args)

    def _has_comma_before_close(self, name_tok: Token) -> bool:
        """Does the bracket after `name_tok` hold a comma at its own depth (norm(x, y))?"""
        depth = 0
        for tok in self.tokens[self.tokens.index(name_tok) + 1:]:
            if tok.kind != "op":
                continue
            if tok.text in "([":
                depth += 1
            elif tok.text in ")]":
                depth -= 1
                if depth == 0:
                    return False
            elif tok.text == "," and depth == 1:
                return True
        return False

    def arguments(self, name_tok: Token) -> list[sp.Expr]:
        open_ = self.advance()  # "("
        args: list[sp.Expr] = []
        if self.at_op(")"):
            raise self.error(f"{name_tok.text}() needs an argument")
        saved, self.in_abs = self.in_abs, False
        while True:
            args.append(self.expr())
            if self.at_op(","):
                self.advance()
                continue
            if self.at_op(")"):
                self.advance()
                self.in_abs = saved
                return args
            if self.tok.kind == "end":
                raise ParseError(f"unclosed '(' of {name_tok.text}(: expected ')'",
                                 position=open_.pos, source=self.text, hint="add ')' at the end")
            raise self.error(f"expected ',' or ')' in the arguments of {name_tok.text}, "
                             f"found {self._describe(self.tok)}")

    def apply(self, tok: Token, spec: FunctionSpec, name: str, args: Sequence[sp.Expr]) -> sp.Expr:
        n = len(args)
        if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
            if spec.max_args is None:
                want = f"at least {spec.min_args}"
            elif spec.min_args == spec.max_args:
                want = str(spec.min_args)
            else:
                want = f"{spec.min_args} or {spec.max_args}"
            plural = "" if want == "1" else "s"
            raise ParseError(f"{name}() takes {want} argument{plural}, got {n}",
                             code="wrong_arguments", position=tok.pos, source=self.text)
        try:
            result = spec.build(*args)
        except (ResourceLimitError, DomainError) as exc:
            exc.position, exc.source = tok.pos, self.text
            raise
        except (ValueError, TypeError) as exc:
            raise ParseError(f"{name}(): {exc}", code="wrong_arguments",
                             position=tok.pos, source=self.text) from None
        def shown() -> str:
            return f"{name}({', '.join(sp.sstr(a) for a in args)})"

        kind = DOMAIN_OF.get(name)
        if kind is not None and (name != "root" or (args[1].is_Integer and args[1] % 2 == 0)):
            self.require(kind, args[0], result, shown)
        return self.check_defined(tok, result, args, shown)

    def combine(self, op: Token, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if op.text in "*/" and _coefficient_bits(left) + _coefficient_bits(right) > MAX_INT_BITS:
            raise ResourceLimitError(
                "the product is too large to compute exactly", position=op.pos, source=self.text,
                hint="calctool keeps exact numbers below about 30,000 digits")
        if op.text == "^":
            result = self.pow(op, left, right)
        elif op.text == "*":
            result = left * right
        elif op.text == "/":
            result = left / right
            written = sp.Mul(left, sp.Pow(right, -1, evaluate=False), evaluate=False)
            self.require("nonzero", right, 1 / right, lambda: sp.sstr(written))
        elif op.text == "+":
            result = left + right
        else:
            result = left - right
        if op.text in "+-*" and result not in (sp.nan, sp.zoo) and not result.has(sp.I):
            return result  # only oo - oo or 0*oo make these undefined, at the top
        return self.check_defined(op, result, (left, right), None)

    def pow(self, op: Token, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if exponent.is_number:
            _check_power_size(base, exponent, op.pos, self.text)
        if exponent.is_Rational and not exponent.is_Integer and exponent.q % 2 == 0:
            self.require("nonneg", base, base**exponent, lambda: sp.sstr(base**exponent))
        if exponent.is_number and exponent.is_negative:
            self.require("nonzero", base, base**exponent, lambda: sp.sstr(base**exponent))
        # Odd roots of real quantities are real: x^(1/3) at -8 is -2.
        if (exponent.is_Rational and not exponent.is_Integer and exponent.q % 2 == 1
                and not base.is_extended_nonnegative):
            return RealRoot(base, exponent.q) ** exponent.p
        return base**exponent

    def check_defined(self, tok: Token, result: sp.Expr, operands: Sequence[sp.Expr],
                      what: str | Callable[[], str] | None) -> sp.Expr:
        """Refuse a step that turns defined operands into an undefined or complex value."""
        def described() -> str:
            if what is not None:
                return what if isinstance(what, str) else what()
            return f"({sp.sstr(operands[0])}){tok.text}({sp.sstr(operands[1])})"

        if result.has(sp.I) and not any(a.has(sp.I) for a in operands):
            raise DomainError(f"{described()} is not a real number (calctool works over the reals)",
                              code="undefined", position=tok.pos, source=self.text)
        bad = (sp.zoo, sp.nan)
        if result.has(*bad) and not any(a.has(*bad) for a in operands):
            if tok.text == "/" or (tok.text == "^" and result.has(sp.zoo)):
                message = "division by zero"
            elif tok.kind == "op":
                message = "an indeterminate form (such as oo - oo or 0*oo)"
            else:
                message = f"{described()} is undefined"
            raise DomainError(message, code="undefined", position=tok.pos, source=self.text)
        return result


def _is_condition(value: Any) -> bool:
    """A comparison, conditions joined by and/or, or one that sympy decided (1 < 2)."""
    return isinstance(value, (sp.core.relational.Relational, sp.And, sp.Or,
                              sp.logic.boolalg.BooleanAtom))


def _coefficient_bits(e: sp.Expr) -> int:
    """The size in bits of e's exact numeric coefficient (3/4 in 3*x/4), 0 if it has none."""
    coefficient = e.as_coeff_Mul()[0] if isinstance(e, sp.Expr) else None
    if coefficient is None or not coefficient.is_Rational:
        return 0
    return int(max(abs(coefficient.p), abs(coefficient.q)).bit_length())


def _check_power_size(base: sp.Expr, exponent: sp.Expr, pos: int, text: str) -> None:
    """Refuse exact powers whose result would have an enormous number of digits:
    of a number, or of the numeric coefficient of a product ((9^9000*x)^4)."""
    if not exponent.is_Rational:
        return
    if not base.is_Rational:
        base = base.as_coeff_Mul()[0]
    if not base.is_Rational or base in (0, 1, -1):
        return
    magnitude = math.log2(max(abs(base.p), abs(base.q), 2))
    if abs(exponent) * magnitude > MAX_INT_BITS:
        shown = f"{base}^{exponent}" if magnitude < 64 else "the power"
        raise ResourceLimitError(
            f"{shown} is too large to compute exactly",
            position=pos, source=text,
            hint="calctool keeps exact numbers below about 30,000 digits",
        )


@dataclass(frozen=True, slots=True)
class Condition:
    """Part of where the input is defined: `arg` nonzero, nonneg (>= 0) or positive."""

    kind: str
    arg: sp.Expr
    node: sp.Expr  # what the input built: while the result still has it, it still checks
    # the input's part that needs it: "sqrt(x)", or a function giving that text (printed
    # only when a message needs it: printing every part of every input is not free)
    written: str | Callable[[], str]

    @property
    def shown(self) -> str:
        return self.written if isinstance(self.written, str) else self.written()


# Functions defined on part of the real line only (sqrt(-1), log(0) are undefined).
DOMAIN_OF = {"sqrt": "nonneg", "root": "nonneg", "log": "positive", "ln": "positive",
             "log2": "positive", "log10": "positive"}


@dataclass(frozen=True)
class ParsedInput:
    """An expression, with the names and the domain its text had before sympy
    simplified it: `sqrt(x)^2` is `x`, but only for x >= 0; `x - x` is 0, in x.

    `notes` say how ambiguous text was read; `function` is the name the input
    gave the function (`g` in `g(x) = ...`, `y` in `y = ...`), `leibniz` the
    variable and order of a leading d/dx or d^2/dx^2 (read only when asked).
    """

    expr: sp.Expr
    names: frozenset[str]
    conditions: tuple[Condition, ...]
    notes: tuple[str, ...] = ()
    function: str | None = None
    leibniz: tuple[sp.Symbol, int] | None = None


def parse_input(text: str, *, derivative: bool = False) -> ParsedInput:
    """Parse one expression. Raises ParseError (exit 2) or DomainError/ResourceLimitError (3).

    Also read: `f(x) = ...` and `y = ...` (the right side, named), and LaTeX
    (see `calctool.core.expr.latex`). A leading `d/dx` is read when
    `derivative` is true (diff) and refused otherwise, pointing to diff.
    The notes also go to the running operation (`notes.add_note`).
    """
    if len(text) > MAX_LENGTH:
        raise ResourceLimitError(
            f"the input is {len(text)} characters long (limit {MAX_LENGTH})", code="too_long")
    syntax = current_syntax()
    if syntax == "latex" or (syntax == "auto" and looks_like_latex(text)):
        from calctool.core.expr.latex import parse_latex

        parsed = parse_latex(text, derivative=derivative)
    else:
        parsed = read_plain(text, derivative=derivative)
    for note in parsed.notes:
        add_note(note)
    return parsed


def looks_like_latex(text: str) -> bool:
    """A backslash, a brace or a `$` never occurs in the plain syntax: they mean LaTeX."""
    return any(ch in text for ch in "\\{}$")


def read_plain(text: str, *, derivative: bool = False) -> ParsedInput:
    """parse_input for text in the plain syntax (no LaTeX detection)."""
    start, defined, equation, lead = 0, None, None, None
    if "=" in text or "d" in text:  # the readers of f(x) = ... and d/dx, when they can apply
        from calctool.core.expr.equation import definition, leibniz_prefix, split_equation

        equation = split_equation(text)
        if equation is not None:
            defined = definition(equation.lhs)
            if defined is None:
                raise ParseError("unexpected '=': calctool takes an expression, not an equation",
                                 position=equation.position, source=text,
                                 hint=_EQUATION_HINT + "; f(x) = ... and y = ... name the "
                                                       "function; diff --implicit y and tangent "
                                                       "take a curve's equation")
            start = equation.rhs_offset
        lead = leibniz_prefix(text, start)
        if lead is not None:
            if not derivative:
                raise ParseError(f"d/d{lead.variable} means 'differentiate'",
                                 code="parse_error", position=lead.start, source=text,
                                 hint="calctool diff reads it: calctool diff \"d/dx x^2\"")
            start = lead.end
    tokens = tokenize(text, start)
    parser = _Parser(text, tokens)
    expr = parser.parse()
    names = frozenset(s.name for c in parser.conditions for s in c.arg.free_symbols)
    names |= {t.text for t in tokens if t.kind == "name" and t.text in parser.variables
              and t.text not in CONSTANTS and t.text not in FUNCTIONS}
    # A condition the result still carries is checked by evaluating the result.
    erased = tuple({(c.arg, c.kind): c for c in parser.conditions
                    if not expr.has(c.node)}.values())
    notes = reading_notes(sorted({*names, *(str(s) for s in expr.free_symbols)}))
    notes += tuple(dict.fromkeys(parser.notes))
    if defined is not None and equation is not None:
        variables = {str(s) for s in expr.free_symbols} | set(names)
        if defined.name in variables:
            raise ParseError(f"{defined.name} is on both sides of '=': this is an equation, "
                             "not a definition", position=equation.position, source=text,
                             hint="write the side you want to work with")
        if defined.variable is None and not variables:
            raise ParseError("unexpected '=': calctool takes an expression, not an equation",
                             position=equation.position, source=text,
                             hint=f"for a value of {defined.name} use --at "
                                  f"{defined.name}={equation.rhs.strip()}")
        if defined.variable is not None and variables and defined.variable not in variables:
            notes += (f"{defined.name}({defined.variable}) is defined by an expression without "
                      f"{defined.variable}",)
    wrt = (symbol(lead.variable), lead.order) if lead is not None else None
    return ParsedInput(expr, names, erased, notes,
                       defined.name if defined is not None else None, wrt)


# Greek letters spelled out: single symbols, never a product of letters.
GREEK_NAMES = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi",
    "chi", "psi", "omega"})
# Names up to this many letters that split into single letters get a note.
SPLIT_NOTE_MAX = 3


def reading_notes(names: Sequence[str]) -> tuple[str, ...]:
    """What to tell the reader about the variable names of the input.

    A name such as `xy` is one variable (SPEC section 1, never split); when it
    has two or three letters and is not a known function, constant or Greek
    letter, the reader learns how it was read and how to write the product.
    `sinx` (a function name run into its argument) gets its own note.
    """
    notes = []
    lookalikes = dict(_lookalikes(names))
    for name in names:
        if name in lookalikes:
            meant = lookalikes[name]
            notes.append(f"'{name}' is read as one variable named {name}; "
                         f"if you meant {meant}, write {meant}")
        elif (2 <= len(name) <= SPLIT_NOTE_MAX and name.isascii() and name.isalpha()
              and name not in GREEK_NAMES and name not in FUNCTIONS
              and name not in CONSTANTS):
            product = "*".join(name)
            notes.append(f"'{name}' is read as one variable named {name}; "
                         f"for the product write {product}")
    return tuple(notes)


def input_variables(parsed: ParsedInput) -> list[sp.Symbol]:
    """The variables the input was written in, sorted: those of the expression
    and those simplification took out (x in x - x)."""
    return free_variables(sp.Tuple(parsed.expr, *(symbol(n) for n in parsed.names)))


def parse(text: str) -> sp.Expr:
    """Parse one expression. Raises ParseError (exit 2) or DomainError/ResourceLimitError (3)."""
    return parse_input(text).expr


def free_variables(expr: sp.Expr) -> list[sp.Symbol]:
    """The expression's variables in sorted order (natural sort: x2 before x10)."""
    return sorted(expr.free_symbols, key=lambda s: natural_key(s.name))


def natural_key(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


# Names that read as a function and its argument run together (sinx, lnx),
# left alone when they are common words (cost, expo...).
_WORDS_NOT_TYPOS = frozenset({"cost", "cosh", "sinh", "tanh", "sect", "logs", "expo", "signs"})


def lookalike_names(expr: sp.Expr) -> list[tuple[str, str]]:
    """Variables that look like a function applied without brackets: [("cosx", "cos(x)")].

    Multi-letter names stay whole (SPEC section 1), so `cosx` is one variable;
    a user who typed it almost surely meant cos(x).
    """
    return _lookalikes(sorted(str(s) for s in expr.free_symbols))


def _lookalikes(names: Sequence[str]) -> list[tuple[str, str]]:
    found = []
    for name in names:
        if name in _WORDS_NOT_TYPOS or name in FUNCTIONS:
            continue
        for fn in sorted(FUNCTIONS, key=len, reverse=True):
            rest = name[len(fn):]
            if name.startswith(fn) and fn.islower() and len(rest) == 1 and rest.isalpha():
                found.append((name, f"{fn}({rest})"))
                break
    return found
