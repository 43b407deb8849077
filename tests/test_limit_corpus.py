"""The limit corpus: limits with independently established answers, against calctool.

tests/data/limits.tsv holds one limit per line (see COLUMNS): the expression in
calctool's syntax, the point (`VAR=A`), the direction (`both`, `+`, `-`; `both` at
±oo), the expected answer (a value such as `1/2`, `e`, `pi/4`, `oo`, `-oo`, or
`DNE`) and, for a two-sided `DNE`, the one-sided answers (`left`, `right`: a value,
`DNE` when that side has no limit either, `undefined` when the expression as written
has no real values there). `source` names the textbook rule or table the answer
comes from; `hints` steer the numeric check (`slow`, `probe=`, `depth=`, `tol=`,
`params=`); `xfail` carries the reason when calctool is known to be wrong on the
entry (the test stays green; remove the flag when it is fixed); `evidence` is the
numeric check's summary when the row was written (documentation only).

Every answer is confirmed by numbers that owe nothing to calctool or to sympy:

* `test_corpus_answers_have_numeric_evidence` evaluates each expression with
  mpmath (its own small parser below: real semantics, odd roots of negatives real,
  adaptive precision from 40 digits up to 3000) on several approach sequences per
  side: geometric h = 10^-k, irregular h = 10^-k (1 + 0.37 sin k), seeded random
  offsets (x = ±10^k and the like at ±oo), per-entry probes near the zeros of inner
  factors (`probe=`: x as a formula in k), and, for limits that settle at a
  logarithmic rate (`slow`), two super-geometric ladders h = 10^-(2^j). A value must
  be approached on every sequence, ±oo grown toward, a `DNE` side must keep spreading
  and turning without running off to one infinity, an `undefined` side must have no
  real values. (Each criterion was checked against 949 deliberately wrong answers:
  every one is refuted.)
* `test_calctool_against_corpus` runs `calctool limit --to VAR=A [--dir D]
  --timeout 10 --json EXPR` in-process for every entry and classifies the answer:
  right; cannot decide (exit 3, an honest refusal); error (another non-zero exit:
  not an answer, reported but not failed); wrong (exit 0 and an answer that
  disagrees: a different value, `exists` true for a limit that does not exist or
  false for one that does, or a one-sided value that is false). It fails only on
  wrong answers not flagged `xfail` in the data, and prints the table of every
  wrong answer. Values are compared symbolically (sympy, `simplify(a - b) == 0`,
  then 50 digits), numeric answers (`numeric: true`) within one unit of the last
  digit shown.

Both are slow (CI runs them; about 70 s and 80 s). `LIMIT_CORPUS_ONLY=id1,id2`
runs only those entries; `LIMIT_CORPUS_REPORT=path.json` writes every entry's
outcome there.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import pytest

DATA = Path(__file__).resolve().parent / "data" / "limits.tsv"
COLUMNS = ["id", "class", "expr", "to", "dir", "expected", "left", "right", "source",
           "hints", "xfail", "evidence"]
mp = mpmath.mp


# --------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Case:
    id: str
    cls: str
    expr: str
    var: str
    point: str  # the value after VAR=
    direction: str  # both, +, -
    expected: str  # a value or DNE
    left: str
    right: str
    source: str
    hints: str
    xfail: str

    @property
    def to(self) -> str:
        return f"{self.var}={self.point}"

    def hint(self, name: str) -> list[str]:
        out = []
        for part in self.hints.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                out.append(value)
        return out

    @property
    def slow(self) -> bool:
        return "slow" in [p.strip() for p in self.hints.split(";")]

    def sides(self) -> list[tuple[int, str]]:
        """(side, expected one-sided answer): -1 from below, +1 from above."""
        if self.point in ("oo", "-oo"):
            return [(-1 if self.point == "oo" else 1, self.expected)]
        if self.direction == "+":
            return [(1, self.expected)]
        if self.direction == "-":
            return [(-1, self.expected)]
        if self.expected != "DNE":
            return [(-1, self.expected), (1, self.expected)]
        return [(s, v) for s, v in ((-1, self.left), (1, self.right)) if v]


def load_corpus(path: Path = DATA) -> list[Case]:
    cases = []
    with path.open(newline="", encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")),
                              delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in rows:
            var, _, point = row["to"].partition("=")
            cases.append(Case(row["id"], row["class"], row["expr"], var, point,
                              row["dir"] or "both", row["expected"], row["left"] or "",
                              row["right"] or "", row["source"], row["hints"] or "",
                              row["xfail"] or ""))
    return cases


def selected(cases: list[Case]) -> list[Case]:
    only = os.environ.get("LIMIT_CORPUS_ONLY", "").strip()
    if not only:
        return cases
    wanted = {s.strip() for s in only.split(",")}
    return [c for c in cases if c.id in wanted]


# ------------------------------------------------------------------- an independent evaluator
#
# A tiny recursive-descent parser for the corpus's expressions that builds mpmath
# closures with the real-valued semantics SPEC section 1 asks for. It shares no code
# with calctool and does not use sympy.


class Undefined(Exception):
    """The expression has no real value at this point."""


Env = dict[str, Any]


@dataclass
class Node:
    fn: Callable[[Env], Any]
    const: Fraction | None = None  # an exact rational constant, for powers like x^(1/3)
    names: frozenset[str] = field(default_factory=frozenset)


def _real(v: Any) -> Any:
    if isinstance(v, mpmath.mpc):
        if v.imag == 0:
            return v.real
        raise Undefined
    if mpmath.isnan(v):
        raise Undefined
    return v


def _heaviside(v: Any) -> Any:
    return mpmath.mpf(1) if v > 0 else (mpmath.mpf(0) if v < 0 else mpmath.mpf(1) / 2)


def _sign(v: Any) -> Any:
    return mpmath.mpf((v > 0) - (v < 0))


def _log(v: Any, base: Any = None) -> Any:
    if v <= 0:
        raise Undefined
    if base is None:
        return mpmath.log(v)
    if base <= 0 or base == 1:
        raise Undefined
    return mpmath.log(v) / mpmath.log(base)


def _sqrt(v: Any) -> Any:
    if v < 0:
        raise Undefined
    return mpmath.sqrt(v)


def _root(v: Any, n: Any) -> Any:
    n = int(n)
    if v < 0:
        if n % 2 == 0:
            raise Undefined
        return -mpmath.root(-v, n)
    return mpmath.root(v, n)


def _gamma(v: Any) -> Any:
    if v <= 0 and v == mpmath.floor(v):
        raise Undefined
    return mpmath.gamma(v)


def _asin(v: Any) -> Any:
    if abs(v) > 1:
        raise Undefined
    return mpmath.asin(v)


def _acos(v: Any) -> Any:
    if abs(v) > 1:
        raise Undefined
    return mpmath.acos(v)


def _acosh(v: Any) -> Any:
    if v < 1:
        raise Undefined
    return mpmath.acosh(v)


def _atanh(v: Any) -> Any:
    if abs(v) >= 1:
        raise Undefined
    return mpmath.atanh(v)


def _nonzero(v: Any) -> Any:
    if v == 0:
        raise Undefined
    return v


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": lambda v: mpmath.tan(v),
    "sec": lambda v: 1 / _nonzero(mpmath.cos(v)), "csc": lambda v: 1 / _nonzero(mpmath.sin(v)),
    "cot": lambda v: mpmath.cos(v) / _nonzero(mpmath.sin(v)),
    "asin": _asin, "arcsin": _asin, "acos": _acos, "arccos": _acos,
    "atan": mpmath.atan, "arctan": mpmath.atan,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh,
    "asinh": mpmath.asinh, "arcsinh": mpmath.asinh, "acosh": _acosh, "arccosh": _acosh,
    "atanh": _atanh, "arctanh": _atanh,
    "exp": mpmath.exp, "log": _log, "ln": _log,
    "log10": lambda v: _log(v, 10), "log2": lambda v: _log(v, 2),
    "sqrt": _sqrt, "cbrt": lambda v: _root(v, 3), "root": _root,
    "abs": abs, "sign": _sign, "floor": mpmath.floor, "ceil": mpmath.ceil,
    "ceiling": mpmath.ceil, "heaviside": _heaviside, "step": _heaviside,
    "relu": lambda v: v if v > 0 else mpmath.mpf(0),
    "leaky_relu": lambda v, a=None: v if v > 0 else (mpmath.mpf(1) / 100 if a is None else a) * v,
    "sigmoid": lambda v: 1 / (1 + mpmath.exp(-v)),
    "softplus": lambda v: mpmath.log1p(mpmath.exp(v)) if v < 0 else v + mpmath.log1p(
        mpmath.exp(-v)),
    "gamma": _gamma, "factorial": lambda v: _gamma(v + 1), "erf": mpmath.erf,
    "min": lambda *a: min(a), "max": lambda *a: max(a),
}
CONSTANTS: dict[str, Callable[[], Any]] = {
    "pi": lambda: +mpmath.pi, "e": lambda: +mpmath.e, "E": lambda: +mpmath.e,
    "EulerGamma": lambda: +mpmath.euler,
}
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^(),!]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"cannot read {text!r} at {pos}")
        num, name, op = m.groups()
        out.append(("num", num) if num else ("name", name) if name else ("op", op))
        pos = m.end()
    return out


def _const(value: Fraction) -> Node:
    return Node(lambda _env: mpmath.mpf(value.numerator) / value.denominator, value)


def _binary(op: str, a: Node, b: Node) -> Node:
    names = a.names | b.names
    if a.const is not None and b.const is not None and not (op == "/" and b.const == 0):
        value = {"+": a.const + b.const, "-": a.const - b.const, "*": a.const * b.const,
                 "/": a.const / b.const if b.const else None}[op]
        if value is not None:
            return _const(value)
    fa, fb = a.fn, b.fn
    if op == "+":
        return Node(lambda env: fa(env) + fb(env), names=names)
    if op == "-":
        return Node(lambda env: fa(env) - fb(env), names=names)
    if op == "*":
        return Node(lambda env: fa(env) * fb(env), names=names)
    return Node(lambda env: fa(env) / _nonzero(fb(env)), names=names)


def _power(base: Node, exponent: Node) -> Node:
    names = base.names | exponent.names
    q = exponent.const
    if (q is not None and base.const is not None and q.denominator == 1 and abs(q) < 64
            and (base.const != 0 or q > 0)):
        return _const(base.const ** int(q))
    fb, fe = base.fn, exponent.fn
    if q is not None:
        p, d = q.numerator, q.denominator

        def rational_power(env: Env) -> Any:
            b = fb(env)
            if d == 1:
                if b == 0 and p <= 0:
                    raise Undefined
                return b ** p
            if b > 0:
                return b ** (mpmath.mpf(p) / d)
            if b == 0:
                if p > 0:
                    return mpmath.mpf(0)
                raise Undefined
            if d % 2 == 0:
                raise Undefined
            return (-1) ** (p % 2) * (-b) ** (mpmath.mpf(p) / d)

        return Node(rational_power, names=names)

    def power(env: Env) -> Any:
        b, ex = fb(env), fe(env)
        if b > 0:
            return mpmath.exp(ex * mpmath.log(b))
        if b == 0:
            if ex > 0:
                return mpmath.mpf(0)
            raise Undefined
        if ex == mpmath.floor(ex):
            return b ** int(ex)
        raise Undefined

    return Node(power, names=names)


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ValueError(f"expected {value!r} at token {self.i}: {self.toks}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.sum()
        if self.peek() is not None:
            raise ValueError(f"trailing input at token {self.i}: {self.toks}")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.peek() and self.peek()[1] in "+-" and self.peek()[0] == "op":
            op = self.take()[1]
            node = _binary(op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek() and self.peek()[0] == "op" and self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = _binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok and tok == ("op", "-"):
            self.take()
            return _binary("-", _const(Fraction(0)), self.unary())
        if tok and tok == ("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Node:
        node = self.postfix()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in ("^", "**"):
            self.take()
            return _power(node, self.unary())
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while self.peek() == ("op", "!"):
            self.take()
            inner = node
            node = Node(lambda env, f=inner.fn: _gamma(f(env) + 1), names=inner.names)
        return node

    def atom(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return _const(Fraction(text))
        if kind == "op" and text == "(":
            node = self.sum()
            self.take(")")
            return node
        if kind != "name":
            raise ValueError(f"unexpected {text!r}")
        if self.peek() == ("op", "("):
            self.take("(")
            args = [self.sum()]
            while self.peek() == ("op", ","):
                self.take(",")
                args.append(self.sum())
            self.take(")")
            if text not in FUNCTIONS:
                raise ValueError(f"unknown function {text}")
            fn = FUNCTIONS[text]
            if text == "root":
                exponent = args[1].const
                assert exponent is not None and exponent.denominator == 1
            fns = [a.fn for a in args]
            names = frozenset().union(*(a.names for a in args))
            return Node(lambda env: _real(fn(*[f(env) for f in fns])), names=names)
        if text in CONSTANTS:
            c = CONSTANTS[text]
            return Node(lambda _env: c())
        return Node(lambda env, n=text: env[n], names=frozenset([text]))


def compile_expr(text: str) -> Node:
    return _Parser(text.replace("**", "^")).parse()


def mp_value(text: str, env: Env | None = None) -> Any:
    """A constant (or parameter) expression at the current precision; oo as mpf('inf')."""
    if text.strip() in ("oo", "+oo"):
        return mpmath.inf
    if text.strip() == "-oo":
        return -mpmath.inf
    return compile_expr(text).fn(env or {})


# --------------------------------------------------------------------------- numeric evidence

UNDEF = "undefined"


def evaluate(f: Node, var: str, make_x: Callable[[], Any], base_dps: int,
             params: Env, cap: int = 3000) -> Any:
    """f(x) with enough digits: two precisions must agree; UNDEF; or None when unsure.

    An exact 0 or "no real value" can come from cancellation at too few digits
    (1 - erf(x) when erf(x) rounds to 1), so those must persist up to `cap` digits.
    """
    previous: Any = None
    dps = base_dps
    while dps <= cap:
        with mp.workdps(dps):
            try:
                env = {k: mp_value(v) for k, v in params.items()}
                env[var] = make_x()
                value = _real(f.fn(env))
                value = +value
            except (Undefined, ZeroDivisionError, ValueError):
                value = UNDEF
            except OverflowError:
                value = None
        exact = value is UNDEF or (value is not None and value == 0)
        if previous is not None and value is not None:
            if previous is UNDEF or value is UNDEF:
                if previous is value and dps * 2 > cap:
                    return UNDEF
            elif exact and previous == 0:
                if dps * 2 > cap:
                    return value
            else:
                diff = abs(previous - value)
                scale = max(abs(previous), abs(value))
                if not exact and (diff <= scale * mpmath.mpf(10) ** -25 or
                                  diff <= mpmath.mpf(10) ** -((dps // 2) // 2)):
                    return value
        previous = value
        dps *= 2
    return None


@dataclass
class Sequence:
    name: str
    points: list[tuple[float, Any]]  # (depth: -log10 h, or log10 x at oo; value)


def _depths(case: Case) -> dict[str, list[tuple[float, Callable[[], Any], int]]]:
    """Sequences of (depth, make offset/point at current precision, base dps)."""
    rng = random.Random(case.id)
    at_infinity = case.point in ("oo", "-oo")
    top = 40 if at_infinity else 22
    if case.hint("depth"):  # where the expression needs more digits than we spend
        top = float(case.hint("depth")[0])
    seqs: dict[str, list[tuple[float, Callable[[], Any], int]]] = {}

    def dps_for(depth: float) -> int:
        return int(40 + 8 * depth)

    ks = [k for k in range(2, 41) if k <= top] or [top]
    if ks[-1] < top:
        ks = ks + [top]
    ks = [k for k in ks] if top >= 2 else [top * j / 10 for j in range(3, 11)]
    seqs["geometric"] = [(k, lambda k=k: mpmath.mpf(10) ** (k if at_infinity else -k),
                          dps_for(k)) for k in ks]
    seqs["irregular"] = [(k, lambda k=k: mpmath.mpf(10) ** (k if at_infinity else -k)
                          * (1 + mpmath.mpf(37) / 100 * mpmath.sin(k)), dps_for(k))
                         for k in ks]
    draws = sorted(rng.uniform(min(2, top / 3), top) for _ in range(20))
    seqs["random"] = [(u, lambda u=u: mpmath.mpf(10) ** (mpmath.mpf(u) if at_infinity
                                                          else -mpmath.mpf(u)), dps_for(u))
                      for u in draws]
    if case.slow:
        far = case.point in ("0", "oo", "-oo")  # no absorption into the point: any depth

        def ladder(j: int, wobble: bool) -> Callable[[], Any]:
            def make() -> Any:
                e = mpmath.mpf(2) ** j * ((1 + mpmath.mpf(37) / 100 * mpmath.sin(j))
                                         if wobble else 1)
                return mpmath.mpf(10) ** (e if at_infinity else -e)
            return make

        js = range(3, 14 if far else 9)
        extra = 0 if far else 2
        seqs["ladder"] = [(2 ** j, ladder(j, False), 40 + 2 ** j * extra) for j in js]
        seqs["ladder-irregular"] = [(2 ** j * (1 + 0.37 * math.sin(j)), ladder(j, True),
                                     40 + int(2 ** j * 1.4) * extra) for j in js]
    return seqs


def collect(case: Case, side: int, params: Env | None = None) -> list[Sequence]:
    """f on every approach sequence from one side (side -1: below, +1: above)."""
    params = params or {}
    f = compile_expr(case.expr)
    out = []
    sign = 1 if case.point == "oo" else -1
    for name, seq in _depths(case).items():
        pts = []
        for _, mk, dps in seq:
            with mp.workdps(30):
                depth = float(mpmath.log10(mk())) * (1 if case.point in ("oo", "-oo") else -1)
            if case.point in ("oo", "-oo"):
                value = evaluate(f, case.var, lambda mk=mk: sign * mk(), dps, params)
            else:
                value = evaluate(f, case.var, lambda mk=mk: mp_value(case.point) + side * mk(),
                                 dps, params)
            pts.append((depth, value))
        out.append(Sequence(name, pts))
    for n, probe in enumerate(case.hint("probe")):
        pts = []
        for k in range(1, 21):
            def make(k: int = k, probe: str = probe) -> Any:
                scope = {"k": mpmath.mpf(k), "pi": +mpmath.pi, "e": +mpmath.e,
                         "sqrt": mpmath.sqrt, "exp": mpmath.exp, "log": mpmath.log,
                         "mpf": mpmath.mpf}
                return eval(probe, {"__builtins__": {}}, scope)  # our own data

            with mp.workdps(60 + 10 * k):
                x = make()
                a = mp_value(case.point) if case.point not in ("oo", "-oo") else None
                on_side = (a is None) or ((x - a) * side > 0)
                depth = float(-mpmath.log10(abs(x - a))) if a is not None else float(
                    mpmath.log10(abs(x)))
            if not on_side:
                continue
            pts.append((depth, evaluate(f, case.var, make, 60 + 10 * k, params)))
        out.append(Sequence(f"probe{n + 1}", pts))
    return out


def _usable(seq: Sequence) -> list[tuple[float, Any]]:
    return [(d, v) for d, v in seq.points if v is not None and v is not UNDEF]


def _reversals(values: list[Any]) -> int:
    """How often the values, in order of depth, turn from rising to falling or back."""
    turns, direction, anchor = 0, 0, None
    for v in values:
        if anchor is None:
            anchor = v
            continue
        step = v - anchor
        if abs(step) <= mpmath.mpf(10) ** -3 * max(1, abs(v), abs(anchor)):
            continue
        now = 1 if step > 0 else -1
        if direction and now != direction:
            turns += 1
        direction, anchor = now, v
    return turns


def judge_side(case: Case, expected: str, seqs: list[Sequence],
               params: Env | None = None) -> tuple[bool, str]:
    """Do the numbers support the expected one-sided answer? (verdict, evidence).

    A value: on every sequence the last three points are within 1e-6 (relative to
    max(1, |value|); `tol=` overrides) and the error has not grown. ±oo: the deeper
    half of every sequence has the sign, the last point is beyond 10^6 and above the
    middle one. DNE: beyond depth 8 (h < 10^-8, |x| > 10^8), and again beyond 14,
    the values spread over more than 0.1 and do not all run off to one infinity.
    `slow` limits (logarithmic rates) are decided on the two super-geometric
    ladders, which must end within 10^-3 (values) or have doubled (±oo) while the
    error shrinks (the growth continues); the other sequences are shown as they are.
    """
    total = sum(len(s.points) for s in seqs)
    undef = sum(1 for s in seqs for _, v in s.points if v is UNDEF)
    unsure = sum(1 for s in seqs for _, v in s.points if v is None)
    if expected == UNDEF:
        ok = undef == total - unsure and undef >= total // 2
        return ok, f"{undef}/{total} points have no real value"
    usable = [(s.name, _usable(s)) for s in seqs]
    usable = [(n, pts) for n, pts in usable if len(pts) >= 3]
    if not usable:
        return False, f"no usable points ({undef} undefined, {unsure} unsure of {total})"
    if case.slow:
        deciding = [(n, pts) for n, pts in usable if n.startswith("ladder")]
        if len(deciding) < 2:
            return False, "the ladders gave too few usable points"
    else:
        deciding = usable
    deep = 8.0
    if expected == "DNE":
        tail = [v for _, pts in usable for d, v in pts if d >= deep]
        if len(tail) < 6:
            return False, "too few deep points"
        lo, hi = min(tail), max(tail)
        same_sign_huge = all(v > 10 ** 6 for v in tail) or all(v < -10 ** 6 for v in tail)
        ok = hi - lo > mpmath.mpf(1) / 10 and not same_sign_huge
        # the spread must persist deeper in too, not only in a slowly settling middle
        deeper = [v for _, pts in usable for d, v in pts if d >= 14]
        if len(deeper) >= 4:
            ok = ok and (max(deeper) - min(deeper)) > mpmath.mpf(1) / 10
        # and it must go up and down: a monotone run to ±oo spreads too
        merged = sorted((d, v) for _, pts in usable for d, v in pts if d >= deep)
        turns = _reversals([v for _, v in merged])
        ok = ok and turns >= 2
        # nor may its lower (upper) envelope run off to +oo (-oo): x(2 + sin x) → oo
        first, second = merged[: len(merged) // 2], merged[len(merged) // 2:]
        if first and second:
            lo1, lo2 = min(v for _, v in first), min(v for _, v in second)
            hi1, hi2 = max(v for _, v in first), max(v for _, v in second)
            ok = ok and not (lo2 > 0 and lo2 > 10 * max(1, lo1)) \
                and not (hi2 < 0 and -hi2 > 10 * max(1, -hi1))
        return ok, (f"keeps spreading: values in [{mpmath.nstr(lo, 4)}, {mpmath.nstr(hi, 4)}] "
                    f"with {turns} reversals on {len(tail)} points beyond depth {deep:g} of "
                    f"{len(usable)} sequences")
    if expected in ("oo", "-oo"):
        sign = 1 if expected == "oo" else -1
        bad = []
        for name, pts in deciding:
            vals = [sign * v for _, v in pts]
            half = vals[len(vals) // 2:]
            ok = all(v > 0 for v in half) and vals[-1] > vals[len(vals) // 2]
            if case.slow:
                ok = ok and all(b > a for a, b in zip(vals[-3:], vals[-2:])) and \
                    vals[-1] > 2 * vals[0] > 0
            else:
                ok = ok and vals[-1] > 10 ** 6
            if not ok:
                bad.append(f"{name} ends {[mpmath.nstr(sign * v, 4) for v in vals[-3:]]}")
        smallest = min(sign * pts[-1][1] for _, pts in deciding)
        return not bad, ("grows " + ("+" if sign > 0 else "-") +
                         f": |f| ≥ {mpmath.nstr(smallest, 3)} at the end of {len(deciding)} "
                         f"sequences" + ("; " + "; ".join(bad) if bad else ""))
    with mp.workdps(60):
        target = mp_value(expected, {k: mp_value(v) for k, v in (params or {}).items()})
        scale = max(1, abs(target))
        tol = mpmath.mpf(case.hint("tol")[0] if case.hint("tol") else "1e-6") * scale
        bad, worst = [], mpmath.mpf(0)
        for name, pts in deciding:
            errors = [abs(v - target) for _, v in pts]
            last = errors[-3:]
            if case.slow:  # shrinking over the ladder, and close at its end
                first_half = max(errors[: len(errors) // 2])
                second_half = max(errors[len(errors) // 2:])
                ok = last[-1] < mpmath.mpf(10) ** -3 * scale and second_half < first_half
            else:
                ok = all(err < tol for err in last) and (last[-1] <= errors[0] or
                                                         last[-1] < mpmath.mpf(10) ** -20)
            worst = max(worst, last[-1])
            if not ok:
                bad.append(f"{name} ends {[mpmath.nstr(v, 8) for _, v in pts[-3:]]}")
        return not bad, (f"→ {mpmath.nstr(target, 12)}: last error ≤ {mpmath.nstr(worst, 2)} "
                         f"on {len(deciding)} sequences" +
                         ("; " + "; ".join(bad) if bad else ""))


def case_params(case: Case) -> list[Env]:
    """Values for free parameters (e.g. x in a difference quotient in h)."""
    spec = case.hint("params")
    if not spec:
        return [{}]
    out = []
    for choice in spec[0].split("|"):
        env = {}
        for item in choice.split(","):
            k, _, v = item.partition(":")
            env[k.strip()] = v.strip()
        out.append(env)
    return out


def numeric_evidence(case: Case) -> tuple[bool, str]:
    notes, ok = [], True
    for params in case_params(case):
        for side, expected in case.sides():
            seqs = collect(case, side, params)
            good, note = judge_side(case, expected, seqs, params)
            label = {-1: "below", 1: "above"}[side]
            if case.point in ("oo", "-oo"):
                label = "x→" + case.point
            if params:
                label += " at " + ",".join(f"{k}={v}" for k, v in params.items())
            notes.append(f"{label}: {note}")
            ok = ok and good
    return ok, " | ".join(notes)


def consistent(case: Case) -> str | None:
    """The row itself makes sense (a DNE two-sided limit has a reason)."""
    if case.direction not in ("both", "+", "-"):
        return "bad direction"
    if case.point in ("oo", "-oo") and case.direction != "both":
        return "a limit at ±oo has one direction only: leave dir as both"
    if case.expected == "DNE" and case.direction == "both" and case.point not in ("oo", "-oo"):
        if not (case.left and case.right):
            return "a two-sided DNE needs both one-sided answers"
        if case.left == case.right and case.left not in ("DNE", UNDEF):
            return "equal one-sided values: the limit exists"
    if case.expected != "DNE" and (case.left or case.right):
        return "one-sided values are recorded only for DNE"
    return None


# --------------------------------------------------------------------------- comparing answers


def _sympy_value(text: str) -> Any:
    import sympy as sp

    local = {"e": sp.E, "E": sp.E, "pi": sp.pi, "oo": sp.oo, "EulerGamma": sp.EulerGamma,
             "AccumBounds": sp.AccumBounds, "I": sp.I, "zoo": sp.zoo, "nan": sp.nan}
    for name in ("x", "a", "h", "t", "n", "y"):
        local[name] = sp.Symbol(name, real=True)
    return sp.sympify(text.replace("^", "**"), locals=local)


def _decimal_ulp(text: str) -> float | None:
    """One unit in the last digit of a decimal numeral, or None when not a decimal."""
    m = re.fullmatch(r"\s*[-+]?(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?\s*", text)
    if not m or not (m.group(1) or m.group(2)) or ("." not in text and "e" not in text.lower()):
        return None
    return 10.0 ** (-len(m.group(2)) + int(m.group(3) or 0))


def same_value(expected: str, reported: str, numeric: bool) -> bool:
    """Is the reported value (a sympy string) the expected one?"""
    import sympy as sp

    try:
        want = _sympy_value(expected)
        got = _sympy_value(reported)
    except (sp.SympifyError, SyntaxError, TypeError, ValueError):
        return False
    if want in (sp.oo, -sp.oo) or got in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return bool(want == got)
    if isinstance(got, sp.AccumBounds) or got.has(sp.AccumBounds, sp.I, sp.zoo, sp.nan):
        return False
    ulp = _decimal_ulp(reported) if numeric else None
    if ulp is not None or (numeric and got.is_Float):
        tol = ulp if ulp is not None else 1e-9
        try:
            return abs(float(sp.N(want - got, 30))) <= tol * (1 + 1e-9)
        except TypeError:
            return False
    try:
        if sp.simplify(want - got) == 0:
            return True
        diff = sp.N(want - got, 50)
        return bool(diff.is_number and abs(diff) < sp.Float("1e-40"))
    except (TypeError, ValueError, AttributeError):
        return False


def oscillation_claim(reported: str) -> bool:
    return reported.replace(" ", "").startswith("AccumBounds")


def side_problem(expected: str, reported: str | None, numeric: bool) -> str | None:
    """Why a reported one-sided value is false, or None when it is fine (or absent)."""
    if reported is None or expected == "":
        return None
    if expected == UNDEF:
        return f"a value {reported} from a side with no real values"
    if expected == "DNE":
        if oscillation_claim(reported):
            return None
        return f"{reported} from a side that has no limit"
    if oscillation_claim(reported):
        return f"says it oscillates ({reported}); it tends to {expected}"
    if not same_value(expected, reported, numeric):
        return f"{reported} instead of {expected}"
    return None


def classify(case: Case, code: int, doc: Any) -> tuple[str, str]:
    """('right' | 'cannot decide' | 'error' | 'wrong', what was said)."""
    if code == 3:
        return "cannot decide", (doc.get("error", {}).get("message", "") if isinstance(
            doc, dict) else "")
    if code != 0 or not isinstance(doc, dict) or not doc.get("ok"):
        msg = doc.get("error", {}).get("message", "") if isinstance(doc, dict) else ""
        return "error", f"exit {code}: {msg}"
    exists, result = doc.get("exists"), doc.get("result")
    numeric = bool(doc.get("numeric"))
    said = (f"exists={exists} result={result} left={doc.get('left')} "
            f"right={doc.get('right')}" + (" numeric" if numeric else ""))
    problems = []
    if case.expected == "DNE":
        if exists:
            problems.append(f"says the limit is {result}; it does not exist")
    elif not exists:
        problems.append(f"says there is no limit; it is {case.expected}")
    elif result is None or not same_value(case.expected, str(result), numeric):
        problems.append(f"says {result}; it is {case.expected}")
    if case.point in ("oo", "-oo"):
        key = "left" if case.point == "oo" else "right"
        p = side_problem(case.expected, doc.get(key), numeric) if case.expected != "DNE" \
            else None
        if p:
            problems.append(f"{key}: {p}")
    else:
        for side, expected in case.sides():
            key = "left" if side < 0 else "right"
            p = side_problem(expected, doc.get(key), numeric)
            if p:
                problems.append(f"{key}: {p}")
    if problems:
        return "wrong", said + " — " + "; ".join(dict.fromkeys(problems))
    return "right", said


def command(case: Case) -> list[str]:
    args = ["limit", "--to", case.to]
    if case.direction != "both":
        args += ["--dir", case.direction]
    args += ["--timeout", "10", "--json"]
    # an expression starting with "-" follows "--" (SPEC section 2)
    return args + (["--", case.expr] if case.expr.startswith("-") else [case.expr])


def shell_line(case: Case) -> str:
    parts = ["calctool"] + command(case)
    return " ".join(p if re.fullmatch(r"[-\w=+./]+", p) else f'"{p}"' for p in parts)


# --------------------------------------------------------------------------- the tests


def test_corpus_is_well_formed() -> None:
    cases = load_corpus()
    assert len(cases) >= 300
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate ids"
    keys = [(c.expr, c.to, c.direction) for c in cases]
    assert len(keys) == len(set(keys)), "duplicate limits"
    for c in cases:
        assert not consistent(c), (c.id, consistent(c))
        compile_expr(c.expr)  # our evaluator reads every expression
        if c.expected != "DNE":
            _sympy_value(c.expected)
        assert c.source, c.id


@pytest.mark.slow
def test_corpus_answers_have_numeric_evidence() -> None:
    """Every expected answer is backed by high-precision numbers on several sequences."""
    failures = []
    for case in selected(load_corpus()):
        ok, note = numeric_evidence(case)
        if not ok:
            failures.append(f"{case.id} {case.expr} → {case.to} {case.direction} "
                            f"expects {case.expected}: {note}")
    assert not failures, "\n".join(failures)


def run_all(cli: Callable[..., Any], cases: list[Case]) -> Iterator[dict[str, Any]]:
    for case in cases:
        start = time.perf_counter()
        r = cli(*command(case))
        elapsed = time.perf_counter() - start
        try:
            doc = r.json
        except (json.JSONDecodeError, ValueError):
            doc = None
        verdict, said = classify(case, r.code, doc)
        yield {"id": case.id, "class": case.cls, "command": shell_line(case),
               "expected": case.expected, "left": case.left, "right": case.right,
               "code": r.code, "verdict": verdict, "said": said, "xfail": case.xfail,
               "seconds": round(elapsed, 3)}


@pytest.mark.slow
def test_calctool_against_corpus(cli: Callable[..., Any]) -> None:
    cases = selected(load_corpus())
    start = time.perf_counter()
    rows = list(run_all(cli, cases))
    wall = time.perf_counter() - start
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    report = os.environ.get("LIMIT_CORPUS_REPORT")
    if report:
        Path(report).write_text(json.dumps({"counts": counts, "wall_seconds": round(wall, 1),
                                            "rows": rows}, indent=1, ensure_ascii=False))
    import calctool

    print(f"\ncalctool {calctool.__version__} from {Path(calctool.__file__).parent}")
    print(f"limit corpus: {len(rows)} entries in {wall:.1f} s: " +
          ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    fixed = [r for r in rows if r["xfail"] and r["verdict"] != "wrong"]
    for r in fixed:
        print(f"  no longer wrong (remove its xfail flag): {r['id']} {r['command']}: "
              f"{r['verdict']}")
    wrong = [r for r in rows if r["verdict"] == "wrong"]
    if wrong:
        width = max(len(r["id"]) for r in wrong)
        print("wrong answers (x = known, flagged xfail in the data):")
        for r in wrong:
            print(f"  {'x' if r['xfail'] else '!'} {r['id']:<{width}}  {r['command']}\n"
                  f"      {r['said']}")
    new = [r for r in wrong if not r["xfail"]]
    assert not new, "wrong answers: " + ", ".join(f"{r['id']} ({r['said']})" for r in new)
    slowest = max(rows, key=lambda r: r["seconds"]) if rows else None
    if slowest:
        print(f"slowest: {slowest['id']} {slowest['seconds']} s")
    assert math.isfinite(wall)
