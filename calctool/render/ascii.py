"""`--ascii`: the text of a report (labels, notes, table headings) in plain ASCII.

Math drawn from sympy expressions is already ASCII under `--ascii` (the
renderers print it with unicode off); this module handles the words around
it: "∂f/∂x" becomes "df/dx", "x → 0⁺" becomes "x -> 0+", "∇f" becomes
"grad f". Anything without a spelling here falls back to its
compatibility decomposition, then to its unicode name, so the result is
always ASCII.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

from calctool.render.report import Report

_WORDS = {
    "∇": "grad ", "∂": "d", "·": "*", "×": "x", "±": "+/-",
    "∞": "oo", "→": "->", "−": "-", "…": "...", "⋮": "...", "≈": "~", "≠": "!=",
    "≤": "<=", "≥": ">=", "√": "sqrt", "∛": "cbrt", "∜": "root4 ", "—": "--",
    "–": "-", "‖": "||", "●": "*", "ᵢ": "_i", "π": "pi", "σ": "sigma", "′": "'",
    "“": '"', "”": '"', "‘": "'", "’": "'", "∫": "integral",
}
_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾", "0123456789-+()"))
_SUPER_RUN = re.compile(f"[{''.join(_SUPERSCRIPT)}]+")
_WORD = re.compile("|".join(re.escape(k) for k in sorted(_WORDS, key=len, reverse=True)))


def text(s: str) -> str:
    """`s` in ASCII: x² -> x^2, x → 0⁻ -> x -> 0-, ∂²f/∂x² -> d^2f/dx^2."""
    if s.isascii():
        return s

    def superscript(m: re.Match[str]) -> str:
        run = "".join(_SUPERSCRIPT[c] for c in m.group())
        # A bare sign (a one-sided approach, 0⁺) is just the sign; a power gets ^.
        return run if run in "+-" else "^" + run

    s = _SUPER_RUN.sub(superscript, s.replace("∇²", "hessian "))
    s = _WORD.sub(lambda m: _WORDS[m.group()], s)
    return "".join(c if c.isascii() else _fallback(c) for c in s)


def _fallback(c: str) -> str:
    decomposed = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
    if decomposed:
        return decomposed
    name = unicodedata.name(c, "")
    if name.startswith("GREEK "):  # GREEK SMALL LETTER ALPHA -> alpha
        word = name.rsplit(" ", 1)[-1].lower()
        return word.capitalize() if "CAPITAL" in name else word
    return "?"


def _cell(value: Any) -> Any:
    return text(value) if isinstance(value, str) else value


def report(rep: Report) -> Report:
    """A copy of `rep` whose words are ASCII (its sympy math is left to the renderer)."""
    return dataclasses.replace(
        rep,
        title=text(rep.title),
        fields=[dataclasses.replace(f, label=text(f.label), value=_cell(f.value),
                                    approx=f.approx and text(f.approx))
                for f in rep.fields],
        tables=[dataclasses.replace(
                    t, columns=[text(c) for c in t.columns],
                    rows=[[_cell(c) for c in row] for row in t.rows],
                    title=t.title and text(t.title), note=t.note and text(t.note))
                for t in rep.tables],
        notes=[n.__class__(text(n)) for n in rep.notes],  # an Alert stays one
        steps=[dataclasses.replace(s, title=text(s.title), note=s.note and text(s.note))
               for s in rep.steps],
        primary=_cell(rep.primary),
    )
