"""The `series` operation: Taylor polynomials (Laurent, Puiseux series), checked.

sympy's expansion is never shown on its word: the engine evaluates f and the
series near the point in high-precision arithmetic and requires the error to
shrink like |x - a|^(N+1) (`engines.taylor.check_one`). A series that fails
on a side where f has real values is refused (exit 3, with the evidence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.engines import taylor
from calctool.core.engines.taylor import MAX_ORDER, MAX_ORDER_SEVERAL, Check, Term
from calctool.core.errors import KEYWORDS, ComputeError, DomainError, Spelling, UsageError
from calctool.core.expr.parse import free_variables, parse_input
from calctool.core.expr.points import (
    Point,
    PointLike,
    RangeLike,
    assignments,
    expression_text,
    resolve_point,
    show_coordinate,
    show_point,
    whole_number,
)
from calctool.core.results.base import noting
from calctool.core.results.series import (
    Ascending,
    Evaluation,
    OrderRow,
    SeriesResult,
    ascending,
    power_terms,
)

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData

DEFAULT_ORDER = 5
DEFAULT_ORDER_SEVERAL = 2
MAX_DIGITS = 100
DERIVATIVE_TABLE_MAX = 12  # --steps: f^(k)(a) for k up to this order
REMAINDER_MAX_CHARS = 60  # a longer f^(N+1) is written f^(N+1)(ξ), not spelt out


@noting
def series(f: str | sp.Expr, *, at: PointLike | None = None, order: int | None = None,
           x: PointLike | None = None, table: bool = False, steps: bool = False,
           digits: int = 10, plot: bool = False, plot_range: RangeLike | None = None,
           ylim: RangeLike | None = None, timeout: float | None = DEFAULT_TIMEOUT,
           spelling: Spelling = KEYWORDS) -> SeriesResult:
    """The series of `f` (text or a sympy expression) about `at` to order `order`.

    `at`: "x=1", "1", {"x": 1}, "x=0,y=0" (several variables: the Taylor
    polynomial in all of them); default 0 for every variable (Maclaurin).
    Variables not named in `at` are constants. `order` N: the terms with
    exponents below N + 1 (default 5; 2 with several variables). `x`: a point
    where the approximation is compared with f's true value; `table`: the
    error there against the order. `steps`: the derivatives f^(k)(a) the
    coefficients come from. `digits`: significant digits of decimals shown.
    `plot`: f with polynomials of several orders, over `plot_range` ("a:b"), `ylim`
    its y-window.
    """
    text = expression_text(f)
    if order is not None:
        order = whole_number(order, what=spelling.name("order"))
    digits = whole_number(digits, what=spelling.name("digits"))
    if not 1 <= digits <= MAX_DIGITS:
        raise UsageError(f"{spelling.name('digits')} must be between 1 and {MAX_DIGITS}",
                         code="bad_value")
    with bounded(timeout, spelling=spelling):
        result = _series(text, at=at, order=order, x=x, table=table, steps=steps,
                         digits=digits, say=spelling)
        if plot:
            data = _plot(result, plot_range, spelling)
            if ylim is not None:  # `ylim`: the plot's y-window
                from calctool.core.engines.plotdata import with_ylim

                data = with_ylim(data, ylim, spelling=spelling) or data
            result = replace(result, plot=data)
        return result


def _series(text: str, *, at: PointLike | None, order: int | None, x: PointLike | None,
            table: bool, steps: bool, digits: int, say: Spelling) -> SeriesResult:
    parsed = parse_input(text)
    expr = parsed.expr
    everything = free_variables(expr)
    variables, point = _expansion_point(everything, at, say)
    parameters = [v for v in everything if v not in point]
    if table and x is None:
        raise UsageError(f"{say.name('table')} shows the error at one point against the order: "
                         f"give the point with {say.given('x', '0.5')}", code="missing_option")
    if len(variables) > 1:
        n = DEFAULT_ORDER_SEVERAL if order is None else order
        if not 0 <= n <= MAX_ORDER_SEVERAL:
            raise UsageError(f"{say.name('order')} must be between 0 and {MAX_ORDER_SEVERAL} "
                             "with several variables", code="bad_value")
        return _several(text, expr, variables, point, parameters, n, x, table, digits, say)
    n = DEFAULT_ORDER if order is None else order
    if not 0 <= n <= MAX_ORDER:
        raise UsageError(f"{say.name('order')} must be between 0 and {MAX_ORDER}",
                         code="bad_value")
    return _one(text, expr, variables[0], point, parameters, n, x, table, steps, digits, say)


def _expansion_point(everything: list[sp.Symbol], at: PointLike | None,
                     say: Spelling) -> tuple[list[sp.Symbol], Point]:
    """The variables to expand in (those `at` names; all, when it names none) and the point."""
    from calctool.core.expr.parse import symbol

    if at is None:
        if not everything:
            return [symbol("x")], {symbol("x"): sp.Integer(0)}
        return everything, {v: sp.Integer(0) for v in everything}
    items = assignments(at, param="at", spelling=say)
    if any(item.name is None for item in items):
        if len(everything) > 1:
            listing = ", ".join(v.name for v in everything)
            raise UsageError(f"{say.name('at')}: the expression has several variables "
                             f"({listing}); name the ones to expand in, e.g. "
                             f"{say.given('at', f'{everything[0]}=0')}",
                             code="missing_variable")
        var = everything[0] if everything else symbol("x")
        return [var], resolve_point(at, [var], param="at", spelling=say)
    names = [item.name for item in items]
    known = {v.name: v for v in everything}
    variables = [known.get(name) or symbol(name) for name in names if name is not None]
    unknown = [v.name for v in variables if v not in everything]
    if unknown and everything:
        raise UsageError(f"{say.name('at')}: {', '.join(unknown)} is not a variable of the "
                         f"expression (its variables: {', '.join(known)})",
                         code="unknown_variable")
    point = resolve_point(at, variables, param="at", spelling=say)
    return variables, point


def _check_values(parameters: Sequence[sp.Symbol]) -> dict[sp.Symbol, sp.Expr]:
    """Values for the other symbols in the numeric check: generic, not special (0, 1)."""
    return {p: sp.Rational(7 + 4 * i, 10) for i, p in enumerate(parameters)}


def _refuse(expr: sp.Expr, where: str, checks: Sequence[Check], shown: str) -> ComputeError:
    side_words = {"+": "above", "-": "below"}
    parts = []
    for c in checks:
        for side, ok in c.passed.items():
            if ok is False:
                o = c.observed[side]
                order = f"the error shrinks like h^{o:.2g}" if o is not None else \
                    "the error does not shrink"
                parts.append(f"{side_words[side]} the point {order}, not like h^{c.order + 1}")
    return ComputeError(
        f"the expansion {shown} of {sp.sstr(expr)} about {where} failed the numeric check "
        f"({'; '.join(parts)}): it is not f's series there, so it is not shown "
        "(f may not be smooth at the point, e.g. a corner)", code="check_failed")


# ---------------------------------------------------------------------------
# One variable


def _one(text: str, expr: sp.Expr, var: sp.Symbol, point: Point, parameters: list[sp.Symbol],
         n: int, x: PointLike | None, table: bool, steps: bool, digits: int,
         say: Spelling) -> SeriesResult:
    a = point[var]
    where = f"{var} = {sp.sstr(a)}"
    values = _check_values(parameters)
    reflect = False
    expansion, check = _expand_and_check(expr, var, a, n, values, reflect)
    if check.passed.get("+") is None and check.passed.get("-") is False:
        # f has no real values above a: sympy expanded on the wrong side. The series
        # in powers of a - x (f(a - t), t > 0) is the one for x < a.
        reflect = True
        expansion, check = _expand_and_check(expr, var, a, n, values, reflect)
    t = sp.Symbol("t", real=True)
    base = a - var if reflect else var - a
    shown = ascending(power_terms(expansion.terms, base, t))
    poly = sp.Add(*(term.coefficient.xreplace({t: base}) * base ** term.exponent
                    for term in expansion.terms))
    notes: list[str] = []
    if not check.ok:
        if expansion.kind in ("puiseux", "log") and check.passed.get("+"):
            # A branch point: sympy's expansion is the one from above.
            pass
        elif not any(check.passed.values()):
            if all(v is None for v in check.passed.values()):
                raise DomainError(f"{sp.sstr(expr)} has no real values near {where}",
                                  code="undefined")
            raise _refuse(expr, where, [check], sp.sstr(shown))
        else:
            raise _refuse(expr, where, [check], sp.sstr(shown))
    _check_cases(expr, var, a, n, expansion, parameters, reflect, where)
    sides = check.sides
    kind = expansion.kind
    notes.extend(_kind_notes(kind, expansion.pole_order, expansion.removable, var, a, sides,
                             base))
    if parameters:
        notes.append("the other symbols are constants; the numeric check used "
                     + show_point(values))
    remainder = xi = None
    if kind == "taylor" and not expansion.removable:
        xi = sp.Symbol("xi", real=True)
        d = taylor.lagrange_derivative(expr, var, n)
        marker = d.xreplace({var: xi}) if d is not None and \
            len(sp.sstr(d)) <= REMAINDER_MAX_CHARS else \
            sp.Derivative(sp.Function("f")(xi), (xi, n + 1))
        remainder = marker / sp.factorial(n + 1) * (var - a) ** (n + 1)
        notes.append(f"Lagrange remainder: f({var}) - P({var}) = f^({n + 1})(ξ)/{n + 1}!·"
                     f"{'(' + sp.sstr(var - a) + ')' if a != 0 else str(var)}^{n + 1} for some ξ "
                     f"between {sp.sstr(a)} and {var}")
    if n == 1 and kind == "taylor":
        notes.append(f"order 1 is the tangent line at {where}: y = f({sp.sstr(a)}) + "
                     f"f'({sp.sstr(a)})·({sp.sstr(base)}) (calctool tangent)")
    derivatives: tuple[taylor.DerivativeRow, ...] = ()
    if steps:
        if kind != "taylor" or expansion.removable:
            notes.append("--steps: the coefficients f^(k)(a)/k! exist only for a Taylor series "
                         "of a function defined at a; this expansion came from sympy's series")
        else:
            wanted = min(n, DERIVATIVE_TABLE_MAX)
            derivatives = taylor.derivative_rows(expr, var, a, wanted)
            _agree(derivatives, expansion.terms, expr, where)
            if len(derivatives) <= wanted:
                notes.append(f"--steps: derivatives shown up to order {len(derivatives) - 1}; "
                             "higher ones are too long to write out")
    evaluation = None
    rows: tuple[OrderRow, ...] = ()
    if x is not None:
        target = resolve_point(x, [var], param="x", spelling=say)
        if parameters:
            raise UsageError(f"{say.name('x')}: the expression has other symbols "
                             f"({', '.join(p.name for p in parameters)}), so it has no "
                             "number to compare with", code="bad_value")
        evaluation, rows = _evaluate_one(expr, var, a, target[var], expansion.terms, n, kind,
                                         expansion.removable, table, digits, say, reflect)
        if evaluation.bound is not None:
            notes.append("the remainder bound takes max |f^(N+1)| over 101 points between "
                         f"{show_coordinate(a)} and {show_coordinate(target[var])} "
                         "(sampled, not proved)")
    return SeriesResult(
        text, expr, variables=(var,), point=point, order=n, kind=kind, terms=expansion.terms,
        shown=shown, polynomial=poly, pole_order=expansion.pole_order,
        removable=expansion.removable, sides=sides, reflect=reflect, checks=(check,),
        remainder=remainder,
        xi=xi, derivatives=derivatives, evaluation=evaluation, table=rows,
        parameters=values or None, digits=digits, notes=tuple(notes))


def _check_cases(expr: sp.Expr, var: sp.Symbol, a: sp.Expr, n: int,
                 expansion: taylor.Expansion, parameters: Sequence[sp.Symbol], reflect: bool,
                 where: str) -> None:
    """sympy may answer by cases of the parameters (|x - a| about 0: one formula for
    a = 0, another otherwise); the check above used generic values, so each special
    case (an equation in the parameters) is checked with its own values."""
    if not parameters:
        return
    cases = {sp.Eq(*cond.args) for term in expansion.terms
             for pw in term.coefficient.atoms(sp.Piecewise)
             for _, cond in pw.args if isinstance(cond, (sp.Eq, sp.Ne))}
    for cond in cases:
        try:
            solutions = sp.solve(cond, list(cond.free_symbols & set(parameters)), dict=True)
        except (NotImplementedError, ValueError, TypeError):
            solutions = []
        for values in solutions[:3]:
            if not all(v.is_number and v.is_real for v in values.values()):
                continue
            check_terms = [Term(term.coefficient.xreplace(values), term.exponent)
                           for term in expansion.terms]
            slack = taylor.LOG_SLACK if expansion.kind == "log" else taylor.SLACK
            check = taylor.check_one(expr.xreplace(values), var, a, check_terms, n, slack,
                                     reflect)
            if not check.ok:
                shown = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in values.items())
                raise ComputeError(
                    f"the expansion of {sp.sstr(expr)} about {where} holds by cases of the "
                    f"other symbols, and its case {shown} fails the numeric check (f may not "
                    f"be smooth at the point for {shown}): give the symbols values, or ask "
                    "with a point where no case is special", code="check_failed")


def _expand_and_check(expr: sp.Expr, var: sp.Symbol, a: sp.Expr, n: int,
                      values: dict[sp.Symbol, sp.Expr],
                      reflect: bool) -> tuple[taylor.Expansion, Check]:
    expansion = taylor.expand_one(expr, var, a, n, reflect)
    check_terms = [Term(term.coefficient.xreplace(values), term.exponent)
                   for term in expansion.terms]
    slack = taylor.LOG_SLACK if expansion.kind == "log" else taylor.SLACK
    check = taylor.check_one(expr.xreplace(values), var, a, check_terms, n, slack, reflect)
    return expansion, check


def _kind_notes(kind: str, pole: int, removable: bool, var: sp.Symbol, a: sp.Expr,
                sides: tuple[str, ...], base: sp.Expr) -> list[str]:
    at = f"{var} = {sp.sstr(a)}"
    notes = []
    if kind == "laurent":
        notes.append(f"a Laurent series: f has a pole of order {pole} at {at}, so the series "
                     f"has negative powers (the principal part); it holds for {var} near "
                     f"{sp.sstr(a)}, {var} ≠ {sp.sstr(a)}")
    elif kind == "puiseux":
        notes.append(f"a Puiseux series: f has a branch point at {at}, so the series has "
                     "fractional powers")
    elif kind == "log":
        notes.append(f"no power series exists about {at}: f has a logarithmic singularity "
                     f"there, and its expansion has log({sp.sstr(base)}) terms")
    elif removable:
        notes.append(f"f has no value at {at} itself, but it has a limit there (a removable "
                     "singularity): this is the Taylor series of its continuous extension")
    if tuple(sides) == ("+",):
        notes.append(f"the series is f's for {var} > {sp.sstr(a)} only (checked numerically); "
                     f"below {sp.sstr(a)} f is not real or follows another expansion")
    elif tuple(sides) == ("-",):
        notes.append(f"the series is f's for {var} < {sp.sstr(a)} only (checked numerically)")
    return notes


def _agree(rows: Sequence[taylor.DerivativeRow], terms: Sequence[Term], expr: sp.Expr,
           where: str) -> None:
    """f^(k)(a)/k! must be sympy's coefficient of (x - a)^k: a second, symbolic check."""
    by_exponent = {int(t.exponent): t.coefficient for t in terms}
    for row in rows:
        c = by_exponent.get(row.k, sp.Integer(0))
        difference = sp.simplify(row.coefficient - c)
        if difference != 0 and abs(sp.N(difference, 30)) > sp.Float("1e-25"):
            raise ComputeError(f"the coefficient of order {row.k} of {sp.sstr(expr)} about "
                               f"{where} is {sp.sstr(c)} by sympy's series but "
                               f"{sp.sstr(row.coefficient)} by f^({row.k})(a)/{row.k}!",
                               code="check_failed")


def _evaluate_one(expr: sp.Expr, var: sp.Symbol, a: sp.Expr, target: sp.Expr,
                  terms: Sequence[Term], n: int, kind: str, removable: bool, table: bool,
                  digits: int, say: Spelling,
                  reflect: bool = False) -> tuple[Evaluation, tuple[OrderRow, ...]]:
    work = max(30, digits + 15)
    true = taylor.value_at(expr, {var: target}, work)
    if true is None:
        raise DomainError(f"f has no real value at {say.name('x')} {sp.sstr(target)}",
                          code="undefined")
    t = sp.Symbol("t", real=True)
    h = a - target if reflect else target - a
    poly_at = [term.coefficient.xreplace({t: h}) * h ** term.exponent for term in terms]
    approx = sp.Add(*poly_at)
    approx_value = taylor.value_at(approx, {}, work)
    if approx_value is None:
        raise DomainError(f"the series has no real value at {say.name('x')} {sp.sstr(target)} "
                          f"(it holds on the other side of {sp.sstr(a)})", code="undefined")
    error = sp.Float(true - approx_value, work)
    bound = None
    if kind == "taylor" and not removable:
        d = taylor.lagrange_derivative(expr, var, n)
        bound = taylor.lagrange_bound(d, var, a, target, n) if d is not None else None
    rows: list[OrderRow] = []
    if table:
        for k in range(n + 1):
            partial = sp.Add(*(p for p, term in zip(poly_at, terms) if term.exponent < k + 1))
            v = taylor.value_at(partial, {}, work)
            if v is None:
                continue
            rows.append(OrderRow(k, v, sp.Float(true - v, work)))
    return Evaluation({var: target}, approx, true, error, bound), tuple(rows)


# ---------------------------------------------------------------------------
# Several variables


def _several(text: str, expr: sp.Expr, variables: list[sp.Symbol], point: Point,
             parameters: list[sp.Symbol], n: int, x: PointLike | None, table: bool,
             digits: int, say: Spelling) -> SeriesResult:
    where = show_point(point)
    m = taylor.expand_many(expr, variables, point, n)
    terms = [term for degree in m.by_degree for term in degree if term != 0]
    shown: Ascending = ascending(terms) if terms else ascending([sp.Integer(0)])
    poly = sp.Add(*terms)
    values = _check_values(parameters)
    checks = taylor.check_many(expr.xreplace(values), variables, point,
                               poly.xreplace(values), n)
    if not all(c.ok for c in checks):
        raise _refuse(expr, where, checks, sp.sstr(shown))
    notes = []
    if n == 2:
        names = ", ".join(str(v) for v in variables)
        notes.append(f"the quadratic model f(a) + ∇f(a)·d + ½ dᵀ H d, d = ({names}) - a: "
                     "H is the Hessian (calctool hessian gives its eigenvalues and "
                     "classifies the point)")
    elif n == 1:
        notes.append("the order-1 polynomial is the tangent plane (calctool tangent)")
    notes.append("checked numerically along each axis and one diagonal direction: the error "
                 f"shrinks like |d|^{n + 1} or faster")
    if parameters:
        notes.append("the other symbols are constants; the numeric check used "
                     + show_point(values))
    evaluation = None
    if table:
        raise UsageError(f"{say.name('table')} needs a function of one variable",
                         code="bad_option")
    if x is not None:
        target = resolve_point(x, variables, param="x", spelling=say)
        if parameters:
            raise UsageError(f"{say.name('x')}: the expression has other symbols, so it has no "
                             "number to compare with", code="bad_value")
        work = max(30, digits + 15)
        true = taylor.value_at(expr, target, work)
        approx = poly.xreplace(target)
        approx_value = taylor.value_at(approx, {}, work)
        if true is None or approx_value is None:
            raise DomainError(f"f has no real value at {show_point(target)}", code="undefined")
        evaluation = Evaluation(target, approx, true, sp.Float(true - approx_value, work))
    return SeriesResult(
        text, expr, variables=tuple(variables), point=point, order=n, kind="taylor",
        shown=shown, polynomial=poly, checks=checks, evaluation=evaluation,
        value=m.value, gradient=m.gradient, hessian=m.hessian, parameters=values or None,
        digits=digits, notes=tuple(notes))


# ---------------------------------------------------------------------------
# The plot: f and its polynomials of several orders


def plot_orders(n: int) -> list[int]:
    """The orders drawn: all up to 4, else 1, 3, 5 and N (at most four curves)."""
    if n <= 4:
        return list(range(1, n + 1)) or [0]
    return sorted({1, 3, 5, n})


def _plot(r: SeriesResult, plot_range: RangeLike | None, say: Spelling) -> PlotData:
    from calctool.core.engines.plotdata import Series, parse_plot_range, sample

    if r.multivariable:
        raise UsageError(f"{say.name('plot')} draws a function of one variable and its "
                         "polynomials", code="bad_option")
    assert r.point is not None
    var = r.variable
    a = r.point[var]
    a_f = float(sp.N(a, 17))
    lo, hi = parse_plot_range(plot_range, a_f, half_width=max(2.0, abs(a_f) / 2), spelling=say)
    base = r.base
    t = sp.Symbol("t", real=True)
    curves: list[tuple[str, sp.Expr]] = []
    orders = plot_orders(r.order) if r.kind == "taylor" else [r.order]
    for k in orders:
        poly = sp.Add(*(term.coefficient.xreplace({t: base}) * base ** term.exponent
                        for term in r.terms if term.exponent < k + 1))
        curves.append((f"order {k}", poly))
    title = "{f} and its Taylor polynomials" if r.kind == "taylor" else "{f} and its series"
    data = sample([(f"f({var})", r.expression)], var, lo, hi, title=title,
                  subject=r.expression, spelling=say)
    polys = sample(curves, var, lo, hi, title=title, spelling=say)
    ylo, yhi = data.ylim if data.ylim else (-1.0, 1.0)
    # A polynomial leaves f's window fast away from a: drawn only inside it.
    clipped = tuple(Series(s.label, s.x, tuple(v if v is not None and ylo <= v <= yhi else None
                                               for v in s.y))
                    for s in polys.series)
    return replace(data, series=data.series + clipped)
