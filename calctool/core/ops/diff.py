"""The `diff` operation: derivatives, partials, gradients, values at a point."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

from calctool.core.budget import DEFAULT_TIMEOUT, bounded
from calctool.core.errors import KEYWORDS, DomainError, Spelling, UsageError
from calctool.core.expr.parse import free_variables, parse_input, symbol
from calctool.core.results.base import noting
from calctool.core.results.diff import DiffResult, OneSided

if TYPE_CHECKING:
    from calctool.core.engines.plotdata import PlotData
    from calctool.core.engines.values import Value
    from calctool.core.expr.points import PointLike, RangeLike
    from calctool.core.results.implicit import ImplicitDiffResult

# Values at a point (--at), plots and steps import their machinery when asked
# (so do Python values: expr.points reads them): a plain `calctool diff` pays
# only for parsing and differentiating.

MAX_ORDER = 100


def differentiation_sequence(expr: sp.Expr, wrt: str | Sequence[str | sp.Symbol] | None,
                             order: int, *, spelling: Spelling = KEYWORDS,
                             parameters: str | Sequence[str | sp.Symbol] | None = None
                             ) -> tuple[list[sp.Symbol], bool]:
    """The variables to differentiate by, in turn, and whether the answer is a gradient.

    `parameters` (--vars w,b) names the parameters: the answer is the gradient
    over them, in that order, even for one; the other symbols are constants.
    `wrt` is the differentiation sequence; the two are exclusive.
    Messages name `order`, `wrt` and `variables` as `spelling` does."""
    say = spelling
    if parameters is not None:
        return _parameters(expr, wrt, order, parameters, say), True
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


def _parameters(expr: sp.Expr, wrt: object, order: object,
                variables: str | Sequence[str | sp.Symbol], say: Spelling) -> list[sp.Symbol]:
    """The gradient's variables named by --vars, in that order (a name that is not a
    variable of f is an error, as in hessian and gradcheck: a typo is likelier)."""
    if wrt:
        raise UsageError(f"give {say.name('wrt')} (the differentiation sequence: x,y is the "
                         f"mixed partial) or {say.name('variables')} (the gradient's "
                         "variables; the other symbols are constants), not both",
                         code="bad_option")
    if order != 1:
        raise UsageError(f"{say.name('order')} applies to a single {say.name('wrt')} "
                         f"variable, not to the gradient over {say.name('variables')}",
                         code="bad_value")
    from calctool.core.expr.points import select_variables

    return select_variables(free_variables(expr), variables, param="variables", spelling=say)


@noting
def diff(f: str | sp.Expr, *, wrt: str | Sequence[str | sp.Symbol] | None = None,
         variables: str | Sequence[str | sp.Symbol] | None = None,
         order: int = 1, at: PointLike | None = None, simplify: bool = False,
         digits: int = 15, plot: bool = False, plot_range: RangeLike | None = None,
         steps: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
         spelling: Spelling = KEYWORDS,
         implicit: str | sp.Symbol | None = None,
         ylim: RangeLike | None = None) -> DiffResult | ImplicitDiffResult:
    """Differentiate `f` (text such as "x^3*cos(x)", or a sympy expression).

    `wrt`: the variables to differentiate by, in turn ("x,y" or ["x", "y"]:
    the mixed partial d/dy(d/dx f)); absent, the only variable, or the
    gradient when there are several. `order`: for a single variable. `at`: a
    point ("x=1,y=2", {"x": 1, "y": 2} or a bare number) to give the value
    there too. `plot_range`: "a:b" or (a, b). With `steps`, also the derivation
    rule by rule (`calctool.core.engines.steps`), ending in exactly the
    derivative returned. The work stops after `timeout` seconds (None: no limit).
    Messages name the parameters as `spelling` does (the CLI passes its flags).

    `implicit`: `f` is an equation ("x^2 + y^2 = 1") defining this variable as a
    function of the other (or of `wrt`): the answer is d^n y/dx^n on the curve,
    with `at` a point on it (`calctool.core.engines.implicit`).
    `variables` ("w,b" or ["w", "b"]): the gradient over these parameters
    only, in this order (not with `wrt`); the other symbols are constants
    (data), and need a value in `at` when a number is asked for.
    """
    if implicit is not None:
        with bounded(timeout, spelling=spelling):
            return _implicit(f, implicit, wrt=wrt, order=order, at=at, steps=steps,
                             plot=plot, say=spelling)
    if not isinstance(f, str):
        from calctool.core.expr.points import expression_text

        f = expression_text(f)
    if not isinstance(digits, int) or isinstance(digits, bool):
        from calctool.core.expr.points import whole_number

        digits = whole_number(digits, what=spelling.name("digits"))
    with bounded(timeout, spelling=spelling):
        result = _diff(f, wrt=wrt, order=order, at=at, simplify=simplify, digits=digits,
                       variables=variables, plot=plot, plot_range=plot_range, steps=steps,
                       say=spelling)
    if ylim is not None and result.plot is not None:  # `ylim`: the plot's y-window
        from dataclasses import replace

        from calctool.core.engines.plotdata import with_ylim

        result = replace(result, plot=with_ylim(result.plot, ylim, spelling=spelling))
    return result


def _diff(text: str, *, wrt: str | Sequence[str | sp.Symbol] | None,
          variables: str | Sequence[str | sp.Symbol] | None, order: int,
          at: PointLike | None, simplify: bool, digits: int, plot: bool,
          plot_range: RangeLike | None, steps: bool, say: Spelling) -> DiffResult:
    parsed = parse_input(text, derivative=True)
    expr = parsed.expr
    if expr.has(sp.oo, sp.S.NegativeInfinity, sp.zoo, sp.nan):
        raise DomainError(f"{sp.sstr(expr)} is not finite (it contains ∞), so it has no "
                          "derivative; ∞ belongs in limit --to", code="undefined")
    if parsed.leibniz is not None:
        wrt, order = _leibniz_sequence(parsed.leibniz, wrt, order, say)
    sequence, is_gradient = differentiation_sequence(expr, wrt, order, spelling=say,
                                                     parameters=variables)
    _note_absent(expr, parsed.names, sequence)
    values: tuple[Value, ...] = ()
    missing: tuple[OneSided | None, ...] = ()
    tidy = sp.simplify if simplify else (lambda e: e)
    point = None
    if at is not None:
        from calctool.core.engines.domain import require_inside
        from calctool.core.expr.points import resolve_point, show_point

        # the variables of --wrt may be absent from f (d/dy x^2 = 0): their values are fine
        point = resolve_point(at, free_variables(expr), param="at", spelling=say,
                              vanished=parsed.names | {str(v) for v in sequence},
                              require_all=variables is None)
        if variables is not None:
            from calctool.core.engines.parameters import require_values

            require_values(free_variables(expr), sequence, point, at, spelling=say)
        require_inside(parsed.conditions, point, show_point(point))
    if is_gradient:
        components = tuple(tidy(sp.diff(expr, v)) for v in sequence)
        if point is not None:
            found = [_value_at(expr, [v], point, digits) for v in sequence]
            values = tuple(v for v, _ in found)
            missing = tuple(m for _, m in found)
        if plot:
            raise UsageError(f"{say.name('plot')} draws a function of one variable and its "
                             f"derivative; give {say.name('wrt')} and fix the others with "
                             f"{say.name('at')}", code="bad_option")
        derivation = None
        if steps:
            from calctool.core.engines.steps import explain_gradient

            derivation = explain_gradient(expr, sequence, components, simplify)
        return DiffResult(text, expr, tuple(sequence), gradient=components, point=point,
                          values=values, missing=missing, simplified=simplify,
                          steps=derivation, function=parsed.function or "f")
    derivative = expr
    for var in sequence:  # x, x, y: d/dy (d/dx (d/dx f))
        derivative = sp.diff(derivative, var)
    derivative = tidy(derivative)
    values = ()
    missing = ()
    if point is not None:
        value, why = _value_at(expr, sequence, point, digits)
        values, missing = (value,), (why,)
    plot_data = _plot(expr, derivative, sequence, point, plot_range, say,
                      parsed.conditions) if plot else None
    derivation = None
    if steps:
        from calctool.core.engines.steps import explain

        derivation = explain(expr, sequence, derivative, simplify)
    return DiffResult(text, expr, tuple(sequence), derivative=derivative, point=point,
                      values=values, missing=missing, simplified=simplify, plot=plot_data,
                      steps=derivation, function=parsed.function or "f")


def _leibniz_sequence(leibniz: tuple[sp.Symbol, int], wrt: str | Sequence[str | sp.Symbol] | None,
                      order: int, say: Spelling) -> tuple[list[str], int]:
    """The variable and order of a written d/dx (or d^2/dx^2), checked against wrt and order."""
    var, written = leibniz
    if wrt:
        from calctool.core.expr.points import variable_names

        names = variable_names(wrt, param="wrt", spelling=say)
        if names != [var.name]:
            raise UsageError(f"the input says d/d{var.name} but {say.name('wrt')} says "
                             f"{','.join(names)}: give one of them", code="bad_option")
    if order not in (1, written):
        raise UsageError(f"the input gives the order ({written}) and so does "
                         f"{say.name('order')} ({order}): give one of them", code="bad_option")
    return [var.name], written


def _note_absent(expr: sp.Expr, names: frozenset[str], sequence: Sequence[sp.Symbol]) -> None:
    """d/dy of an expression without y is 0: say so, it is often a typo in --wrt."""
    from calctool.core.expr.notes import add_note

    present = {s.name for s in expr.free_symbols} | set(names)
    for var in dict.fromkeys(sequence):
        if var.name not in present:
            add_note(f"f does not depend on {var.name}, so its derivative with respect to "
                     f"{var.name} is 0")


def _implicit(f: str | sp.Expr, implicit: str | sp.Symbol, *,
              wrt: str | Sequence[str | sp.Symbol] | None, order: int, at: PointLike | None,
              steps: bool, plot: bool, say: Spelling) -> ImplicitDiffResult:
    """Implicit differentiation: the maths is in engines.implicit, the result its own."""
    from calctool.core.engines import implicit as engine
    from calctool.core.expr.curve import parse_equation
    from calctool.core.expr.points import expression_text, resolve_point
    from calctool.core.results.implicit import ImplicitDiffResult

    text = expression_text(f)
    if plot:
        raise UsageError(f"{say.name('plot')} is not available with {say.name('implicit')}",
                         code="bad_option")
    equation = parse_equation(text)
    x, y = engine.roles(equation, implicit, wrt, say=say)
    found = engine.derivatives(equation, x, y, order)
    point = at_point = None
    if at is not None:
        # the curve's other symbols are constants (a in a*x^2 + y^2 = 1): --at may fix them
        others = [s for s in free_variables(equation.zero) if s not in (x, y)]
        point = resolve_point(at, [x, y, *others], param="at", spelling=say,
                              require_all=False)
        missing = [v.name for v in (x, y) if v not in point]
        if missing:
            raise UsageError(f"{say.name('at')}: no value for {', '.join(missing)}; give the "
                             f"point on the curve, e.g. {say.given('at', f'{x}=1,{y}=2')}",
                             code="missing_variable")
        at_point = engine.at_point(found, point)
    return ImplicitDiffResult(text, sp.Eq(equation.lhs, equation.rhs, evaluate=False),
                              equation=equation, found=found, order=order,
                              point=point, at=at_point, steps=steps,
                              notes=engine.notes(found, at_point))


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
              digits: int) -> tuple[Value, OneSided | None]:
    """The derivative's value at the point; when it provably does not exist there (a
    corner, jump, cusp, domain edge, or an infinite slope), no value and the one-sided
    slopes that show why: an answer, not an error. Where f itself has no value the
    question has no answer: an error (exit 3)."""
    from calctool.core.engines.pointwise import derivative_value

    # d/dx of an expression without x is 0 everywhere: x needs no value in --at.
    point = {**{v: sp.Integer(0) for v in sequence if v not in point}, **point}
    value, info = derivative_value(expr, sequence, point, digits)
    if value.ok:
        return value, None
    if info is not None and value.problem and value.problem.startswith("infinite"):
        return value, OneSided("vertical", info.left, info.right, info.numeric)
    if info is not None and not info.exists:
        return value, OneSided(info.kind, info.left, info.right, info.numeric)
    from calctool.core.expr.points import show_point

    label = "the derivative" if len(sequence) == 1 else "this derivative"
    raise DomainError(f"{label} is undefined at {show_point(point)}: {value.problem}",
                      code="undefined")


