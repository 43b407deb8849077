"""Piecewise functions at a point: the piece that holds there.

sympy cannot always evaluate a Piecewise built without evaluation (its
conditions then hold unevaluated numbers such as 8751/8750 written as a
product, which its canonicalisation turns into zoo). The numeric engines,
which substitute points without evaluation on purpose, first replace each
Piecewise by the piece its conditions choose at the point.
"""

from __future__ import annotations

import sympy as sp


def piece_at(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """`expr` with each Piecewise replaced by its piece at `point` (when the
    conditions can be decided there; otherwise it is left as it is)."""
    if not expr.has(sp.Piecewise):
        return expr

    def choose(*pairs: tuple[sp.Expr, sp.Basic]) -> sp.Expr:
        for value, condition in pairs:
            truth = condition.xreplace(point) if condition is not sp.true else sp.true
            if truth is sp.true:
                return value
            if truth is not sp.false:
                return sp.Piecewise(*pairs)
        return sp.nan  # no piece holds: undefined there

    return expr.replace(sp.Piecewise, choose)


_TINY = (sp.Integer(10) ** -30, sp.Integer(10) ** -45)


def side_piece(expr: sp.Expr, var: sp.Symbol, a: sp.Expr, sign: str) -> sp.Expr:
    """`expr` with each Piecewise replaced by its piece on one side of var = a
    (sign "+": just above, "-": just below; at ±oo, far out), for one-sided limits:
    sympy's limit of a Piecewise at a break may take the wrong piece.

    The side's piece is the one chosen at two points very close to a (10^-30 and
    10^-45 away, 10^30 and 10^45 for a = ±oo); when they disagree, or the
    conditions cannot be decided there, the Piecewise is left as it is.
    """
    if not expr.has(sp.Piecewise):
        return expr
    if a in (sp.oo, sp.S.NegativeInfinity):
        points = [sp.sign(a) / t for t in _TINY]
    else:
        step = 1 if sign == "+" else -1
        points = [a + step * t for t in _TINY]

    def choose(*pairs: tuple[sp.Expr, sp.Basic]) -> sp.Expr:
        chosen = {_index(pairs, {var: p}) for p in points}
        if len(chosen) == 1:
            k = chosen.pop()
            if k is not None:
                return pairs[k][0]
        return sp.Piecewise(*pairs)

    return expr.replace(sp.Piecewise, choose)


def _index(pairs: tuple[tuple[sp.Expr, sp.Basic], ...],
           point: dict[sp.Symbol, sp.Expr]) -> int | None:
    for k, (_, condition) in enumerate(pairs):
        truth = condition.xreplace(point) if condition is not sp.true else sp.true
        if truth is sp.true:
            return k
        if truth is not sp.false:
            return None
    return None
