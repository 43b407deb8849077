"""sympy's str and LaTeX printers with the work they repeat done once.

A result prints the same expressions several times: the gradient's components
in `result` and again in `gradient`, the derivative in `result` and in
`latex`. The largest single cost of printing a sum is putting its terms in
order (`Expr.as_ordered_terms`), and both printers do it for every sum they
meet. Here each printer keeps what it printed, and both share the order of
each sum's terms, for the very same objects (kept by identity, with a
reference, so an entry can never be confused with an equal-looking
expression of another precision or assumptions). The text is exactly what
`sympy.sstr` and `sympy.latex` write.
"""

from __future__ import annotations

from typing import Any

from sympy import Basic
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

# Entries kept; the tables are emptied when full (a batch line uses a few dozen).
LIMIT = 4096

_Table = dict[int, tuple[Any, Any]]
_terms: _Table = {}
_str: _Table = {}
_latex: _Table = {}


def _recall(table: _Table, obj: Any) -> Any:
    entry = table.get(id(obj))
    if entry is not None and entry[0] is obj:
        return entry[1]
    return None


def _keep(table: _Table, obj: Any, value: Any) -> None:
    if len(table) >= LIMIT:
        table.clear()
    table[id(obj)] = (obj, value)


class _SharedOrder:
    """The order of a sum's terms, worked out once for every printer."""

    order: Any

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        if (order or self.order) is not None:
            return super()._as_ordered_terms(expr, order)  # type: ignore[misc]
        terms = _recall(_terms, expr)
        if terms is None:
            terms = tuple(expr.as_ordered_terms())
            _keep(_terms, expr, terms)
        return list(terms)


class _Str(_SharedOrder, StrPrinter):
    pass


class _Latex(_SharedOrder, LatexPrinter):
    pass


def sstr(e: Any) -> str:
    """sympy.sstr(e)."""
    if not isinstance(e, Basic):
        return str(_Str().doprint(e))
    text = _recall(_str, e)
    if text is None:
        text = str(_Str().doprint(e))
        _keep(_str, e, text)
    return str(text)


def latex(e: Any) -> str:
    """sympy.latex(e)."""
    if not isinstance(e, Basic):
        return str(_Latex().doprint(e))
    text = _recall(_latex, e)
    if text is None:
        text = str(_Latex().doprint(e))
        _keep(_latex, e, text)
    return str(text)
