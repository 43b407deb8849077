"""The `diff` operation: derivatives, partials, gradients, values at a point."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.errors import KEYWORDS, DomainError, Spelling, UsageError
from calctool.core.expr.parse import free_variables, parse_input, symbol
from calctool.core.results.base import expr_number
from calctool.core.results.diff import DiffResult

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
    from calctool.core.engines.values import Value
    from calctool.core.expr.points import PointLike, RangeLike

# Values at a point (--at), plots and steps import their machinery when asked
# (so do Python values: expr.points reads them): a plain `calctool diff` pays
# only for parsing and differentiating.

MAX_ORDER = 100


def differentiation_sequence(expr: sp.Expr, wrt: str | Sequence[str | sp.Symbol] | None,
                             order: int, *, spelling: Spelling = KEYWORDS
                             ) -> tuple[list[sp.Symbol], bool]:
    """The variables to differentiate by, in turn, and whether the answer is a gradient.
    Messages name `order` and `wrt` as `spelling` does."""
    say = spelling
    if not isinstance(order, int) or isinstance(order, bool):
        from calctool.core.expr.points import whole_number

        order = whole_number(order, what=say.name("order"))
    if not 1 <= order <= MAX_ORDER:
        raise UsageError(f"{say.name('order')} must be between 1 and {MAX_ORDER}, not {order}",
                         code="bad_value")
    variables = free_variables(expr)
    if wrt:
        from calctool.core.expr.points import variable_names

        names = variable_names(wrt, param="wrt", spelling=say)
        for n in names:
            if not n.isidentifier() or n.startswith("_"):
                raise UsageError(f"{say.name('wrt')}: {n!r} is not a variable name",
                                 code="bad_value")
        if len(names) > 1 and order != 1:
            raise UsageError(f"{say.name('order')} applies to a single {say.name('wrt')} "
                             "variable; for mixed partials list each variable: "
                             f"{say.given('wrt', 'x,x,y')}", code="bad_value")
        return [symbol(n) for n in names] * order, False
    if len(variables) <= 1:
        var = variables[0] if variables else symbol("x")
        return [var] * order, False
    if order != 1:
        listing = ", ".join(v.name for v in variables)
        raise UsageError(f"{say.name('order')} needs {say.name('wrt')} when the expression has "
                         f"several variables ({listing})", code="missing_variable")
    return list(variables), True


def diff(f: str | sp.Expr, *, wrt: str | Sequence[str | sp.Symbol] | None = None,
         order: int = 1, at: PointLike | None = None, simplify: bool = False,
         digits: int = 15, plot: bool = False, plot_range: RangeLike | None = None,
         steps: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
         spelling: Spelling = KEYWORDS, ylim: RangeLike | None = None) -> DiffResult:
    """Differentiate `f` (text such as "x^3*cos(x)", or a sympy expression).

    `wrt`: the variables to differentiate by, in turn ("x,y" or ["x", "y"]:
    the mixed partial d/dy(d/dx f)); absent, the only variable, or the
    gradient when there are several. `order`: for a single variable. `at`: a
    point ("x=1,y=2", {"x": 1, "y": 2} or a bare number) to give the value
    there too. `plot_range`: "a:b" or (a, b). With `steps`, also the derivation
    rule by rule (`calctool.core.engines.steps`), ending in exactly the
    derivative returned. The work stops after `timeout` seconds (None: no limit).
    Messages name the parameters as `spelling` does (the CLI passes its flags).
    """
    if not isinstance(f, str):
        from calctool.core.expr.points import expression_text

        f = expression_text(f)
    if not isinstance(digits, int) or isinstance(digits, bool):
        from calctool.core.expr.points import whole_number

        digits = whole_number(digits, what=spelling.name("digits"))
    with bounded(timeout, spelling=spelling):
        result = _diff(f, wrt=wrt, order=order, at=at, simplify=simplify, digits=digits,
                       plot=plot, plot_range=plot_range, steps=steps, say=spelling)
    if ylim is not None and result.plot is not None:  # `ylim`: the plot's y-window
        from dataclasses import replace

        from calctool.core.engines.plotdata import with_ylim

        result = replace(result, plot=with_ylim(result.plot, ylim, spelling=spelling))
    return result


def _diff(text: str, *, wrt: str | Sequence[str | sp.Symbol] | None, order: int,
          at: PointLike | None, simplify: bool, digits: int, plot: bool,
          plot_range: RangeLike | None, steps: bool, say: Spelling) -> DiffResult:
    parsed = parse_input(text)
    expr = parsed.expr
    if expr.has(sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan):
        raise DomainError(f"{sp.sstr(expr)} is not finite (it contains ∞), so it has no "
                          "derivative; ∞ belongs in limit --to", code="undefined")
    sequence, is_gradient = differentiation_sequence(expr, wrt, order, spelling=say)
    tidy = sp.simplify if simplify else (lambda e: e)
    point = None
    if at is not None:
        from calctool.core.engines.domain import require_inside
        from calctool.core.expr.points import resolve_point, show_point

        # the variables of --wrt may be absent from f (d/dy x^2 = 0): their values are fine
        point = resolve_point(at, free_variables(expr), param="at", spelling=say,
                              vanished=parsed.names | {str(v) for v in sequence})
        require_inside(parsed.conditions, point, show_point(point))
    if is_gradient:
        components = tuple(tidy(sp.diff(expr, v)) for v in sequence)
        values: tuple[Value, ...] = ()
        if point is not None:
            values = tuple(_value_at(expr, [v], point, digits) for v in sequence)
        if plot:
            raise UsageError(f"{say.name('plot')} draws a function of one variable and its "
                             f"derivative; give {say.name('wrt')} and fix the others with "
                             f"{say.name('at')}", code="bad_option")
        derivation = None
        if steps:
            from calctool.core.engines.steps import explain_gradient

            derivation = explain_gradient(expr, sequence, components, simplify)
        return DiffResult(text, expr, tuple(sequence), gradient=components, point=point,
                          values=values, simplified=simplify, steps=derivation)
    derivative = expr
    for var in sequence:  # x, x, y: d/dy (d/dx (d/dx f))
        derivative = sp.diff(derivative, var)
    derivative = tidy(derivative)
    values = (_value_at(expr, sequence, point, digits),) if point is not None else ()
    plot_data = _plot(expr, derivative, sequence, point, plot_range, say,
                      parsed.conditions) if plot else None
    derivation = None
    if steps:
        from calctool.core.engines.steps import explain

        derivation = explain(expr, sequence, derivative, simplify)
    return DiffResult(text, expr, tuple(sequence), derivative=derivative, point=point,
                      values=values, simplified=simplify, plot=plot_data, steps=derivation)


def _plot(expr: sp.Expr, derivative: sp.Expr, sequence: Sequence[sp.Symbol],
          point: dict[sp.Symbol, sp.Expr] | None, plot_range: RangeLike | None,
          say: Spelling, conditions: Sequence[object] = ()) -> PlotData:
    from calctool.core.engines.plotdata import parse_plot_range, sample, written_domain

    var = sequence[-1]
    if len(set(sequence)) > 1:
        raise UsageError(f"{say.name('plot')} needs a derivative by one variable",
                         code="bad_option")
    fixed = {k: v for k, v in (point or {}).items() if k != var}
    f, d = expr.xreplace(fixed), derivative.xreplace(fixed)
    center = float(sp.N(point[var])) if point and var in point else None
    lo, hi = parse_plot_range(plot_range, center, spelling=say)
    order = len(sequence)
    marks = "'" * order if order <= 3 else f"^({order})"
    # Each is drawn only where f is defined as written (sqrt(x)^2: x >= 0), and f' only
    # where f is: 1/x is not log(x)'s derivative for x < 0.
    written = written_domain(conditions)
    domain = written.xreplace(fixed) if written is not None else None
    return sample([(f"f({var})", f, domain), (f"f{marks}({var})", d,
                   written_domain([], domain, f))], var, lo, hi,
                  title="f = {f} and its derivative", subject=expr, spelling=say)


def _value_at(expr: sp.Expr, sequence: Sequence[sp.Symbol], point: dict[sp.Symbol, sp.Expr],
              digits: int) -> Value:
    from calctool.core.engines.pointwise import derivative_value

    # d/dx of an expression without x is 0 everywhere: x needs no value in --at.
    point = {**{v: sp.Integer(0) for v in sequence if v not in point}, **point}
    value, info = derivative_value(expr, sequence, point, digits)
    if value.ok:
        return value
    from calctool.core.expr.points import show_point

    where = show_point(point)
    label = "the derivative" if len(sequence) == 1 else "this derivative"
    if info is not None and value.problem and value.problem.startswith("infinite"):
        raise DomainError(f"{label} is infinite at {where} (a vertical tangent)",
                          code="infinite_derivative",
                          details={"left": _side(info.left), "right": _side(info.right)})
    if info is not None and not info.exists:
        left, right = _side(info.left), _side(info.right)
        def shown(v: sp.Expr | None) -> str:
            if v is None:
                return "undefined"
            return f"{float(v):.12g}" if v.is_Float else sp.sstr(v)

        if info.kind == "domain edge":
            side = "left" if info.left is None else "right"
            why = (f"the function is not defined to the {side} of it "
                   f"(from the left {shown(info.left)}, from the right {shown(info.right)})")
        else:
            why = (f"the function has a {info.kind} there "
                   f"(from the left {shown(info.left)}, from the right {shown(info.right)})")
        raise DomainError(
            f"{label} does not exist at {where}: {why}",
            code="not_differentiable",
            details={"kind": info.kind, "left": left, "right": right})
    raise DomainError(f"{label} is undefined at {where}: {value.problem}", code="undefined")


def _side(v: sp.Expr | None) -> float | str | None:
    return None if v is None else expr_number(v)
