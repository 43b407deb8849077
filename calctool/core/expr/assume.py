"""Facts about symbols: `--assume "a>0, n integer"`, read without eval.

One form, for the command line and Python alike: items separated by commas,
each a name compared with 0 (`a>0`, `a>=0`, `a<0`, `a<=0`, `a!=0`) or a name
followed by words (`n integer`, `k positive odd`). The words are sympy's
assumption names that make sense for a real variable: positive, negative,
nonnegative, nonpositive, nonzero, integer, even, odd. From Python a mapping
works too: {"a": "positive", "n": ["integer", "positive"]}.

`assumed(expr, facts)` gives the expression with those symbols replaced by
symbols that carry the facts, which sympy's limit, simplify and solve use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import sympy as sp

from calctool.core.errors import UsageError

WORDS = ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer", "even",
         "odd")
_COMPARISONS = {">": "positive", ">=": "nonnegative", "<": "negative", "<=": "nonpositive",
                "!=": "nonzero"}
_COMPARISON = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*(>=|<=|!=|>|<)\s*(\S.*?)\s*$")
_WORDED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)((?:\s+[A-Za-z]+)+)\s*$")

Facts = dict[str, frozenset[str]]  # name -> assumption words


def parse_assumptions(value: object, *, option: str = "assume") -> Facts:
    """`"a>0, n integer"` (or a mapping) -> {"a": {"positive"}, "n": {"integer"}}."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k): _words(v, f"{option}[{k!r}]") for k, v in value.items()}
    if not isinstance(value, str):
        raise UsageError(f"{option} must be text such as \"a>0, n integer\" or a mapping "
                         "{'a': 'positive'}", code="bad_value")
    facts: dict[str, set[str]] = {}
    for item in (p for p in value.split(",") if p.strip()):
        name, words = _item(item, option)
        facts.setdefault(name, set()).update(words)
    return {k: _consistent(k, frozenset(v), option) for k, v in facts.items()}


def _item(item: str, option: str) -> tuple[str, set[str]]:
    m = _COMPARISON.match(item)
    if m:
        name, op, bound = m.groups()
        if bound.strip() not in ("0", "0.0"):
            raise UsageError(f"{option} {item.strip()!r}: a name is compared with 0 only "
                             "(a>0, a<=0, a!=0); write a new name for a - c instead",
                             code="bad_value")
        return name, {_COMPARISONS[op]}
    m = _WORDED.match(item)
    if m:
        name, words = m.group(1), m.group(2).split()
        return name, set(_words(words, f"{option} {item.strip()!r}"))
    raise UsageError(f"{option} {item.strip()!r}: expected NAME>0 (or >=, <, <=, != 0) or "
                     f"NAME WORD, with WORD one of {', '.join(WORDS)}", code="bad_value")


def _words(value: object, where: str) -> frozenset[str]:
    words = [value] if isinstance(value, str) else list(value) \
        if isinstance(value, Iterable) else [value]
    out = set()
    for w in words:
        if not isinstance(w, str) or w.strip().lower() not in WORDS:
            raise UsageError(f"{where}: {w!r} is not one of {', '.join(WORDS)}",
                             code="bad_value")
        out.add(w.strip().lower())
    return frozenset(out)


def _consistent(name: str, words: frozenset[str], option: str) -> frozenset[str]:
    contradictions = [("positive", "negative"), ("positive", "nonpositive"),
                      ("negative", "nonnegative"), ("even", "odd")]
    for p, q in contradictions:
        if p in words and q in words:
            raise UsageError(f"{option}: {name} cannot be both {p} and {q}", code="bad_value")
    return words


def assumed(expr: sp.Expr, facts: Facts) -> tuple[sp.Expr, dict[sp.Symbol, sp.Symbol]]:
    """expr with each named symbol replaced by one carrying its facts (real, and the
    words); the mapping back restores calctool's plain real symbols."""
    if not facts:
        return expr, {}
    by_name = {s.name: s for s in expr.free_symbols}
    unknown = sorted(set(facts) - set(by_name))
    if unknown:
        raise UsageError(f"assume: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} "
                         "not in the expression", code="unknown_variable")
    forward = {by_name[n]: sp.Symbol(n, real=True, **dict.fromkeys(w, True))
               for n, w in facts.items()}
    return expr.xreplace(forward), {v: k for k, v in forward.items()}


def describe(facts: Facts) -> str:
    """The facts in words, as a note: "a > 0, n integer"."""
    symbols = {"positive": "> 0", "negative": "< 0", "nonnegative": "≥ 0",
               "nonpositive": "≤ 0", "nonzero": "≠ 0"}
    parts = []
    for name, words in sorted(facts.items()):
        for w in sorted(words):
            parts.append(f"{name} {symbols[w]}" if w in symbols else f"{name} {w}")
    return ", ".join(parts)
