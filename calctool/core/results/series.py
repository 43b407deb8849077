"""The result of `series`: a Taylor (Laurent, Puiseux) expansion and its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from calctool.core.engines.plotdata import PlotData
from calctool.core.engines.taylor import Check, DerivativeRow, Term
from calctool.core.results.base import (
    Display,
    Result,
    Table,
    expr_number,
    expr_str,
    inline,
    number,
    point_dict,
    point_math,
    table,
    tex,
)

KIND_NAMES = {"taylor": "Taylor series", "maclaurin": "Maclaurin series",
              "laurent": "Laurent series", "puiseux": "Puiseux series",
              "log": "logarithmic expansion"}


class Ascending(sp.Expr):
    """A sum printed term by term in the order given: a series reads from its lowest
    power up (sympy's printers would sort x - x³/6 into -x³/6 + x). Each argument is
    a Tuple (sign, term) with sign ±1; every printer writes it the same way."""

    precedence = PRECEDENCE["Add"]

    def __new__(cls, *pairs: sp.Tuple) -> Ascending:
        return sp.Expr.__new__(cls, *pairs)

    def _join(self, printer: Any, minus: str, latex: bool = False) -> str:
        if not self.args:
            return "0"
        out = []
        for i, (sign, term) in enumerate(self.args):
            body = printer._print(term)
            if term.is_Add:  # -(x - pi), never -x - pi
                body = f"\\left({body}\\right)" if latex else f"({body})"
            if i == 0:
                out.append(("-" if sign < 0 else "") + body)
            else:
                out.append((f" {minus} " if sign < 0 else " + ") + body)
        return "".join(out)

    def _sympystr(self, printer: Any) -> str:
        return self._join(printer, "-")

    def _unicodestr(self, printer: Any) -> str:
        return self._join(printer, "-")

    def _latex(self, printer: Any) -> str:
        return self._join(printer, "-", latex=True)

    @property
    def value(self) -> sp.Expr:
        """The sum as an ordinary (evaluated) sympy expression."""
        return sp.Add(*(sign * term for sign, term in self.args))


def ascending(terms: list[sp.Expr]) -> Ascending:
    pairs = []
    for term in terms:
        coeff, rest = term.as_coeff_Mul()
        if coeff.is_negative:
            pairs.append(sp.Tuple(-1, _mul(-coeff, rest)))
        else:
            pairs.append(sp.Tuple(1, term))
    return Ascending(*pairs)


def _mul(c: sp.Expr, rest: sp.Expr) -> sp.Expr:
    if c == 1:
        return rest
    if rest == 1:
        return c
    return sp.Mul(c, rest, evaluate=False)


def power_terms(terms: tuple[Term, ...], base: sp.Expr, dummy: sp.Symbol | None = None
                ) -> list[sp.Expr]:
    """c·(x - a)^k, the power kept whole ((x - 1)²/2, not expanded)."""
    out = []
    for term in terms:
        c = term.coefficient
        if dummy is not None:
            c = c.xreplace({dummy: base})
        e = term.exponent
        if e == 0:
            out.append(c)
            continue
        power = base if e == 1 else sp.Pow(base, e, evaluate=not base.is_Add)
        out.append(_term(c, power))
    return out


def _term(c: sp.Expr, power: sp.Expr) -> sp.Expr:
    if c == 1:
        return power
    if not (power.is_Add or (power.is_Pow and power.base.is_Add)):
        return c * power  # a power of x itself reads best as sympy writes it: a²·x²/2
    return sp.Mul(c, power, evaluate=False)


@dataclass(frozen=True)
class Evaluation:
    """The approximation at one point against f's true value there."""

    at: dict[sp.Symbol, sp.Expr]
    approximation: sp.Expr  # exact
    true_value: sp.Float  # f(X) in high precision (mpmath through evalf)
    error: sp.Float  # f(X) - P(X)
    bound: sp.Float | None = None  # sampled Lagrange bound

    def to_dict(self) -> dict[str, Any]:
        return {"at": point_dict(self.at), "approximation": expr_number(self.approximation),
                "approximation_exact": expr_str(self.approximation),
                "true_value": expr_number(self.true_value), "error": expr_number(self.error),
                "remainder_bound": expr_number(self.bound) if self.bound is not None else None}


@dataclass(frozen=True)
class OrderRow:
    """The polynomial of one order at X, and its error."""

    order: int
    approximation: sp.Float
    error: sp.Float

    def to_dict(self) -> dict[str, Any]:
        return {"order": self.order, "approximation": expr_number(self.approximation),
                "error": expr_number(self.error)}


@dataclass(frozen=True)
class SeriesResult(Result):
    """f's series about a point to order N: the terms with exponents below N + 1.

    One variable: `terms` (coefficient, exponent) in powers of x - a, `kind`
    taylor, laurent, puiseux or log, `sides` where the series was checked
    to be f's ("+" above a, "-" below). Several variables: `value`,
    `gradient`, `hessian` and the polynomial by total degree.
    """

    command: ClassVar[str] = "series"
    variables: tuple[sp.Symbol, ...] = ()
    point: dict[sp.Symbol, sp.Expr] | None = None
    order: int = 0
    kind: str = "taylor"
    terms: tuple[Term, ...] = ()
    shown: Ascending | None = None  # the polynomial, in ascending powers
    polynomial: sp.Expr = sp.S.Zero  # the same, as an ordinary expression
    pole_order: int = 0
    removable: bool = False
    sides: tuple[str, ...] = ("+", "-")
    reflect: bool = False  # the series is in powers of a - x (f real below a only)
    checks: tuple[Check, ...] = ()
    remainder: sp.Expr | None = None  # Lagrange: f^(N+1)(ξ)/(N+1)!·(x - a)^(N+1)
    xi: sp.Symbol | None = None
    derivatives: tuple[DerivativeRow, ...] = ()
    evaluation: Evaluation | None = None
    table: tuple[OrderRow, ...] = ()
    value: sp.Expr | None = None  # several variables: f(a)
    gradient: tuple[sp.Expr, ...] | None = None
    hessian: sp.Matrix | None = None
    parameters: dict[sp.Symbol, sp.Expr] | None = None  # values the check gave the others
    digits: int = 10
    notes: tuple[str, ...] = ()
    plot: PlotData | None = None

    @property
    def multivariable(self) -> bool:
        return len(self.variables) > 1

    @property
    def variable(self) -> sp.Symbol:
        return self.variables[0]

    @property
    def maclaurin(self) -> bool:
        return self.kind == "taylor" and self.point is not None and \
            all(v == 0 for v in self.point.values())

    @property
    def kind_name(self) -> str:
        return KIND_NAMES["maclaurin" if self.maclaurin else self.kind]

    @property
    def base(self) -> sp.Expr:
        assert self.point is not None
        x = self.variable
        return self.point[x] - x if self.reflect else x - self.point[x]

    def big_o(self) -> sp.Expr:
        """O((x - a)^(N+1)) (one variable)."""
        assert self.point is not None
        n = self.order + 1
        x = self.variable
        return sp.Order(self.base ** n, (x, self.point[x]))

    def series_text(self) -> str:
        """The series as sympy reads it: terms, then + O(...)."""
        assert self.shown is not None and self.point is not None
        head = expr_str(self.shown)
        n = self.order + 1
        if self.multivariable:
            coords = ", ".join(expr_str(v - self.point[v]) for v in self.variables)
            return f"{head} + O(|({coords})|^{n})"
        return f"{head} + {expr_str(self.big_o())}"

    @property
    def check_passed(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        assert self.point is not None and self.shown is not None
        out["variables"] = [str(v) for v in self.variables]
        out["at"] = point_dict(self.point)
        out["at_exact"] = {str(k): expr_str(v) for k, v in self.point.items()}
        out["order"] = self.order
        out["kind"] = "maclaurin" if self.maclaurin else self.kind
        out["polynomial"] = expr_str(self.shown)
        out["series"] = self.series_text()
        out["result"] = expr_str(self.polynomial)
        out["latex"] = tex(self.shown)
        out["valid"] = {("+", "-"): "both", ("+",): "above", ("-",): "below"}.get(
            tuple(s for s in ("+", "-") if s in self.sides), "both")
        out["check"] = {
            "passed": self.check_passed,
            "digits": max((c.digits for c in self.checks), default=None),
            "observed_order": [{s: o for s, o in c.observed.items()} for c in self.checks],
            "rows": [{"h": expr_number(r.h), "error": r.error if r.error is None
                      else expr_number(sp.Float(r.error))}
                     for c in self.checks[:1] for r in c.rows],
        }
        if not self.multivariable:
            out["terms"] = [{"exponent": expr_str(t.exponent),
                             "coefficient": expr_str(t.coefficient.xreplace(
                                 {sp.Symbol("t", real=True): self.base}))}
                            for t in self.terms]
        if self.kind == "laurent":
            out["pole_order"] = self.pole_order
            out["principal_part"] = expr_str(sp.Add(*(
                t.coefficient * self.base ** t.exponent for t in self.terms if t.exponent < 0)))
        if self.removable:
            out["removable"] = True
        if self.remainder is not None:
            out["remainder"] = expr_str(self.remainder)
        if self.derivatives:
            out["derivatives"] = [{"k": d.k, "derivative": expr_str(d.derivative),
                                   "value": expr_str(d.value),
                                   "coefficient": expr_str(d.coefficient)}
                                  for d in self.derivatives]
        if self.evaluation is not None:
            out["evaluation"] = self.evaluation.to_dict()
        if self.table:
            out["table"] = [row.to_dict() for row in self.table]
        if self.multivariable:
            assert self.value is not None and self.gradient is not None
            out["value"] = expr_str(self.value)
            out["gradient"] = {str(v): expr_str(g) for v, g in zip(self.variables, self.gradient)}
            if self.hessian is not None:
                out["hessian"] = [[expr_str(self.hessian[i, j])
                                   for j in range(self.hessian.cols)]
                                  for i in range(self.hessian.rows)]
        if self.parameters:
            out["check_parameters"] = point_dict(self.parameters)
        if self.plot is not None:
            out["plot"] = self.plot.to_dict()
        out["notes"] = self.all_notes()
        return out

    def display(self) -> Display:
        assert self.point is not None and self.shown is not None
        where = inline(point_math(self.point))
        title = f"{self.kind_name} of {inline(self.expression)} about {where}"
        answer = tex(self.shown) + " + " + (tex(self.big_o()) if not self.multivariable
                                             else f"O(\\lVert x - a\\rVert^{{{self.order + 1}}})")
        fields: list[tuple[str, str]] = [("order", str(self.order))]
        if self.remainder is not None:
            fields.append(("remainder (Lagrange)", inline(self.remainder)))
        if self.evaluation is not None:
            ev = self.evaluation
            fields.append(("approximation", number(float(ev.approximation), self.digits)))
            fields.append(("true value", number(float(ev.true_value), self.digits)))
            fields.append(("error", number(float(ev.error), 3)))
        tables: tuple[Table, ...] = ()
        if self.table:
            tables = (table(["order", "P(X)", "error"],
                            [(str(r.order), number(float(r.approximation), self.digits),
                              number(float(r.error), 3)) for r in self.table]),)
        return Display(title, answer, tuple(fields), tables, self.notes)
