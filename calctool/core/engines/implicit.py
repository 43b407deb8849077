"""Implicit differentiation: dy/dx (and higher) on a curve F(x, y) = G(x, y).

The derivation is done the way it is taught: differentiate both sides with
respect to x, y being a function of x (the chain rule brings in y'), collect
the y' terms and solve. The answer is cross-checked against the formula
dy/dx = -F_x/F_y (F = lhs - rhs), computed separately; higher orders
differentiate the previous one again and substitute y'.

At a point, the point must be on the curve (the residual lhs - rhs is
reported otherwise), and the slope is checked against the curve itself:
y is solved from the equation at x0 ± h with mpmath's findroot near y0, in
40-digit arithmetic, and the central difference must agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from calctool.core.errors import KEYWORDS, ComputeError, Spelling, UsageError
from calctool.core.expr.curve import Equation
from calctool.core.expr.functions import to_elementary
from calctool.core.expr.points import show_coordinate

MAX_ORDER = 6
SIMPLIFY_OPS = 200  # simplify() only what is small enough to simplify quickly
ON_CURVE_TOLERANCE = sp.Float("1e-12")
NUMERIC_DIGITS = 40
NUMERIC_STEP = sp.Rational(1, 10**10)


@dataclass(frozen=True)
class Step:
    """One line of the derivation: `title`, then lhs = rhs (sympy expressions)."""

    title: str
    lhs: sp.Expr
    rhs: sp.Expr


@dataclass(frozen=True)
class ImplicitDerivatives:
    x: sp.Symbol
    y: sp.Symbol
    zero: sp.Expr  # F = lhs - rhs
    derivatives: tuple[sp.Expr, ...]  # dy/dx, d²y/dx², ... in x and y
    on_curve: tuple[sp.Expr | None, ...]  # the same reduced with the equation (or None)
    steps: tuple[Step, ...]


def prime(y: sp.Symbol, k: int) -> sp.Symbol:
    """y', y'', y''' as symbols (for the derivation's lines)."""
    return sp.Symbol(f"{y.name}{chr(39) * k}" if k <= 3 else f"{y.name}^({k})")


def _tidy(e: sp.Expr) -> sp.Expr:
    e = sp.together(e)
    return sp.factor(sp.simplify(e)) if sp.count_ops(e) <= SIMPLIFY_OPS else e


def derivatives(eq: Equation, x: sp.Symbol, y: sp.Symbol, order: int) -> ImplicitDerivatives:
    """dy/dx, ..., d^n y/dx^n on the curve, with the derivation of each."""
    if not 1 <= order <= MAX_ORDER:
        raise UsageError(f"the order of an implicit derivative must be between 1 and "
                         f"{MAX_ORDER}", code="bad_value")
    zero = eq.zero
    if not zero.has(y):
        raise UsageError(f"{y} does not appear in the equation, so it does not define {y} "
                         f"as a function of {x}", code="bad_value")
    Y = sp.Function(y.name)(x)  # noqa: N806 - y(x), the function
    y1 = prime(y, 1)
    steps: list[Step] = []
    lhs, rhs = eq.lhs, eq.rhs
    steps.append(Step(f"differentiate both sides with respect to {x} ({y} is a function "
                      f"of {x})", sp.Derivative(lhs, x), sp.Derivative(rhs, x)))

    def with_primes(e: sp.Expr, k: int) -> sp.Expr:
        """d/dx of e (in x, y, y', ...) with y = y(x), written back with y', y'', ..."""
        primes = [prime(y, j) for j in range(1, k + 1)]
        as_functions = e.xreplace({p: sp.Derivative(Y, (x, j))
                                   for j, p in enumerate(primes, 1)}).xreplace({y: Y})
        d = sp.diff(as_functions, x)
        back = {sp.Derivative(Y, (x, j)): prime(y, j) for j in range(k + 1, 0, -1)}
        for derivative, symbol in back.items():
            d = d.subs(derivative, symbol)
        return d.subs(Y, y)

    d_lhs, d_rhs = with_primes(lhs, 0), with_primes(rhs, 0)
    steps.append(Step(f"the chain rule brings in {y1} = d{y}/d{x}", d_lhs, d_rhs))
    moved = sp.expand(d_lhs - d_rhs)
    a = moved.coeff(y1, 1)
    b = sp.expand(moved - a * y1)
    if b.has(y1) or a == 0:
        raise ComputeError("the differentiated equation is not linear in "
                           f"{y1}", code="unsupported")
    steps.append(Step(f"collect the {y1} terms on one side", sp.factor(a) * y1, -b))
    first = _tidy(-b / a)
    steps.append(Step(f"solve for {y1}", y1, first))
    formula = -sp.diff(zero, x) / sp.diff(zero, y)
    if sp.simplify(first - formula) != 0 and not _numerically_equal(first, formula, x, y):
        raise ComputeError(f"the derivation gave {sp.sstr(first)}, the formula -F_x/F_y "
                           f"gives {sp.sstr(formula)}", code="check_failed")
    found = [first]
    for k in range(2, order + 1):
        previous = found[-1]
        yk = prime(y, k)
        again = with_primes(previous, 0)  # in x, y, y'
        steps.append(Step(f"differentiate {prime(y, k - 1)} again ({y} is still a function of "
                          f"{x})", yk, again))
        substituted = _tidy(again.subs(y1, first))
        steps.append(Step(f"substitute {y1} from step 4", yk, substituted))
        found.append(substituted)
    on_curve = tuple(_on_curve(d, zero, x, y) for d in found)
    for k, reduced in enumerate(on_curve, 1):
        if reduced is not None and k > 1:
            steps.append(Step("simplify with the equation of the curve", prime(y, k),
                              reduced))
    return ImplicitDerivatives(x, y, zero, tuple(found), on_curve, tuple(steps))


def _numerically_equal(a: sp.Expr, b: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> bool:
    samples = ((sp.Rational(3, 7), sp.Rational(5, 11)), (sp.Rational(-2, 3), sp.Rational(7, 5)))
    for xv, yv in samples:
        try:
            va, vb = sp.N(a.xreplace({x: xv, y: yv}), 30), sp.N(b.xreplace({x: xv, y: yv}), 30)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if va.is_number and vb.is_number and abs(va - vb) > 1e-20 * max(1, abs(vb)):
            return False
    return True


def _on_curve(d: sp.Expr, zero: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> sp.Expr | None:
    """d with its numerator reduced modulo the curve's polynomial (x² + y² - 1 turns
    -(x² + y²)/y³ into -1/y³), when the equation is polynomial and that is shorter."""
    if not zero.free_symbols <= {x, y} or not zero.is_polynomial(x, y):
        return None
    num, den = sp.fraction(sp.together(d))
    if not num.is_polynomial(x, y):
        return None
    try:
        _, remainder = sp.reduced(sp.expand(num), [sp.expand(zero)], x, y)
    except (sp.PolynomialError, sp.polys.polyerrors.PolificationFailed):
        return None
    candidate = _tidy(remainder / den)
    if sp.count_ops(candidate) < sp.count_ops(d) and sp.simplify(candidate - d) != 0:
        return candidate
    return None


# ---------------------------------------------------------------------------
# At a point


@dataclass(frozen=True)
class AtPoint:
    residual: sp.Expr  # lhs - rhs at the point: 0 on the curve
    exact: bool  # the residual is exactly 0 (not only within the tolerance)
    fx: sp.Expr  # F_x there
    fy: sp.Expr  # F_y there
    values: tuple[sp.Expr | None, ...]  # dy/dx, ... there (None: infinite or undefined)
    vertical: bool  # F_y = 0, F_x ≠ 0: dy/dx is infinite, the tangent is x = x0
    singular: bool  # F_x = F_y = 0: no single tangent line
    numeric_slope: sp.Float | None  # from solving the curve near the point


def _simplest(e: sp.Expr) -> sp.Expr:
    return sp.nsimplify(e) if e.is_Float else (sp.simplify(e) if sp.count_ops(e) < 100 else e)


def at_point(found: ImplicitDerivatives, point: dict[sp.Symbol, sp.Expr]) -> AtPoint:
    """Check that the point is on the curve and evaluate the derivatives there.

    Off the curve: a UsageError (exit 2) that gives the residual.
    """
    x, y, zero = found.x, found.y, found.zero
    residual = _simplest(zero.xreplace(point))
    exact = residual == 0
    if not exact:
        value = sp.N(residual, 30)
        scale = max([1.0] + [abs(float(sp.N(v, 17))) for v in point.values()])
        if not value.is_number or abs(value) > ON_CURVE_TOLERANCE * scale:
            raise UsageError(
                f"the point ({show_coordinate(point[x])}, {show_coordinate(point[y])}) is not on "
                "the curve: "
                f"lhs - rhs = {sp.sstr(residual)} ≈ {sp.sstr(sp.Float(value, 6))} there, not 0",
                code="not_on_curve", details={"residual": sp.sstr(residual)})
    fx = _simplest(sp.diff(zero, x).xreplace(point))
    fy = _simplest(sp.diff(zero, y).xreplace(point))
    singular = fx == 0 and fy == 0
    vertical = fy == 0 and fx != 0
    values: list[sp.Expr | None] = []
    for d in found.derivatives:
        v = None if fy == 0 else _simplest(d.xreplace(point))
        if v is not None and (v.has(sp.zoo, sp.nan) or v.is_finite is False):
            v = None
        values.append(v)
    constants = {k: v for k, v in point.items() if k not in (x, y)}
    if singular:
        _tangent_cone_or_refuse(zero.xreplace(constants), x, y, point)
    numeric = None if singular else _numeric_slope(zero.xreplace(constants), x, y, point,
                                                   vertical)
    if numeric is not None and values and values[0] is not None:
        exact_slope = sp.N(values[0], 30)
        if abs(numeric - exact_slope) > sp.Float("1e-6") * max(1, abs(exact_slope)):
            raise ComputeError(f"dy/dx = {sp.sstr(values[0])} at the point, but the curve "
                               f"solved numerically near it has slope {sp.Float(numeric, 10)}",
                               code="check_failed")
    if vertical and numeric is not None and abs(numeric) > sp.Float("1e-6"):
        raise ComputeError(f"dy/dx is infinite at the point (F_y = 0), but the curve solved "
                           f"numerically near it has dx/dy ≈ {sp.Float(numeric, 10)}, not 0",
                           code="check_failed")
    return AtPoint(residual, exact, fx, fy, tuple(values), vertical, singular, numeric)


def _tangent_cone_or_refuse(zero: sp.Expr, x: sp.Symbol, y: sp.Symbol,
                            point: dict[sp.Symbol, sp.Expr], highest: int = 6) -> None:
    """At a singular point (F_x = F_y = 0) "no single tangent line" is shown only when the
    tangent cone (the lowest-degree homogeneous part of F about the point) has two or more
    real lines (a crossing) or none (an isolated point). One real line cannot tell a
    smooth point (y^3 = x^3 is the line y = x) from a cusp (y^2 = x^3): exit 3."""
    import mpmath

    from calctool.core.budget import time_limit
    from calctool.core.errors import ComputationTimeout

    u, v, t, s = sp.symbols("u v t s", real=True)
    x0, y0 = point[x], point[y]
    directions: dict[object, bool] = {}  # direction -> odd multiplicity
    cone: sp.Expr | None = None
    try:
        with time_limit(3.0):
            g = to_elementary(zero).xreplace({x: x0 + t * u, y: y0 + t * v})
            expanded = sp.expand(sp.series(g, t, 0, highest + 1).removeO())
            for k in range(2, highest + 1):
                part = sp.expand(expanded.coeff(t, k))
                if part != 0:
                    cone = sp.factor(part)
                    break
            if cone is not None:
                # real directions of the cone, with the parity of their multiplicity: a
                # line of odd multiplicity surely carries a real branch of the curve
                degree = sp.Poly(sp.expand(cone), u, v).total_degree()
                poly = sp.Poly(sp.expand(cone.xreplace({u: 1, v: s})), s)
                if degree - poly.degree() > 0:
                    directions["vertical"] = (degree - poly.degree()) % 2 == 1
                for factor, power in sp.sqf_list(poly.as_expr(), s)[1]:
                    fpoly = sp.Poly(factor, s)
                    for root in (fpoly.nroots(n=30) if fpoly.degree() > 0 else ()):
                        if abs(sp.im(root)) < 1e-20:
                            directions[round(float(sp.re(root)), 9)] = power % 2 == 1
    except (ComputationTimeout, NotImplementedError, ValueError, TypeError, ArithmeticError,
            sp.PolynomialError, sp.PoleError, mpmath.libmp.NoConvergence):
        cone = None
    if cone is not None and (not directions or sum(directions.values()) >= 2):
        return  # an isolated point, or two real branches crossing
    where = f"({show_coordinate(x0)}, {show_coordinate(y0)})"
    if cone is None:
        raise ComputeError(
            f"∂F/∂{x} = ∂F/∂{y} = 0 at {where}: the implicit function theorem does not apply, "
            "and the tangent cone there could not be found, so whether the curve has a "
            "tangent line cannot be decided", code="cannot_decide")
    lines = [f"{x} = {show_coordinate(x0)}" if d == "vertical" else
             f"{y} = {sp.sstr(sp.nsimplify(sp.Float(d, 12)) * (x - x0) + y0)}"
             for d in directions]
    raise ComputeError(
        f"∂F/∂{x} = ∂F/∂{y} = 0 at {where}: the implicit function theorem does not apply. "
        f"The tangent cone {sp.sstr(cone.xreplace({u: x - x0, v: y - y0}))} = 0 has the real "
        f"line{'s' if len(lines) > 1 else ''} {', '.join(lines)}, not two real branches "
        "crossing for sure: the curve may be smooth there (y^3 = x^3 is the line y = x) or "
        "have a cusp (y^2 = x^3): cannot decide", code="cannot_decide",
        details={"tangent_cone_lines": lines})


def _numeric_slope(zero: sp.Expr, x: sp.Symbol, y: sp.Symbol, point: dict[sp.Symbol, sp.Expr],
                   vertical: bool) -> sp.Float | None:
    """The curve's slope near the point from the equation alone: y solved (findroot, near
    y0) at x0 ± h, central difference. For a vertical tangent, x is solved at y0 ± h
    instead and the answer is dx/dy (0 there)."""
    import mpmath

    f = to_elementary(zero)
    free, along = (x, y) if vertical else (y, x)
    try:
        g = sp.lambdify((along, free), f, modules="mpmath")
        with mpmath.workdps(NUMERIC_DIGITS):
            a0 = mpmath.mpf(sp.N(point[along], NUMERIC_DIGITS))
            b0 = mpmath.mpf(sp.N(point[free], NUMERIC_DIGITS))
            h = mpmath.mpf(NUMERIC_STEP)
            up = mpmath.findroot(lambda b: g(a0 + h, b), b0)
            down = mpmath.findroot(lambda b: g(a0 - h, b), b0)
            if abs(up - b0) > 1e-3 or abs(down - b0) > 1e-3:
                return None  # another branch of the curve
            return sp.Float((up - down) / (2 * h), 20)
    except (ValueError, ZeroDivisionError, TypeError, NameError, OverflowError):
        return None


# ---------------------------------------------------------------------------
# Which variable is which; what to tell the reader


def roles(eq: Equation, implicit: object, wrt: object = None, *,
          say: Spelling = KEYWORDS) -> tuple[sp.Symbol, sp.Symbol]:
    """(x, y): `implicit` names y, `wrt` (or the only other variable) x."""
    from calctool.core.expr.parse import free_variables, symbol
    from calctool.core.expr.points import variable_names

    names = variable_names(str(implicit) if isinstance(implicit, sp.Symbol) else implicit,
                           param="implicit", spelling=say)
    if len(names) != 1:
        raise UsageError(f"{say.name('implicit')} names one variable (y in x^2 + y^2 = 1)",
                         code="bad_value")
    variables = free_variables(eq.zero)
    y = symbol(names[0])
    if y not in variables:
        listing = ", ".join(v.name for v in variables) or "none"
        raise UsageError(f"{say.name('implicit')} {y}: not a variable of the equation "
                         f"(its variables: {listing})", code="unknown_variable")
    others = [v for v in variables if v != y]
    if wrt:
        chosen = variable_names(wrt, param="wrt", spelling=say)
        if len(chosen) != 1:
            raise UsageError(f"{say.name('wrt')} names the one independent variable with "
                             f"{say.name('implicit')}", code="bad_value")
        x = symbol(chosen[0])
        if x == y:
            raise UsageError(f"{say.name('wrt')} and {say.name('implicit')} name the same "
                             "variable", code="bad_value")
        return x, y
    if len(others) == 1:
        return others[0], y
    if not others:
        raise UsageError(f"the equation has no variable besides {y} for it to depend on",
                         code="no_variable")
    listing = ", ".join(v.name for v in others)
    raise UsageError(f"{y} could be a function of any of {listing}: say which with "
                     f"{say.name('wrt')}", code="missing_variable")


def curve_roles(eq: Equation) -> tuple[sp.Symbol, sp.Symbol]:
    """(x, y) for a plane curve: y is the variable named y, else the second of two."""
    from calctool.core.expr.parse import free_variables

    variables = free_variables(eq.zero)
    if len(variables) != 2:
        listing = ", ".join(v.name for v in variables) or "none"
        raise UsageError(f"the tangent to a curve needs an equation in two variables "
                         f"(this one has: {listing})", code="bad_value")
    named_y = [v for v in variables if v.name == "y"]
    y = named_y[0] if named_y else variables[1]
    x = variables[0] if variables[0] != y else variables[1]
    return x, y


def notes(found: ImplicitDerivatives, at: AtPoint | None) -> tuple[str, ...]:
    x, y = found.x, found.y
    out = [f"{y} is taken as a function of {x} near each point of the curve; d{y}/d{x} = "
           f"-F_{x}/F_{y} (F = lhs - rhs) holds where ∂F/∂{y} ≠ 0 (the implicit function "
           "theorem), and the derivation was checked against that formula"]
    if at is not None:
        if not at.exact:
            out.append("the point is on the curve to within the rounding of its coordinates "
                       f"(lhs - rhs = {sp.sstr(sp.Float(at.residual, 3))})")
        if at.vertical:
            out.append(f"∂F/∂{y} = 0 and ∂F/∂{x} ≠ 0 here: d{y}/d{x} is infinite, the "
                       f"tangent is vertical ({x} is locally a function of {y}, with "
                       f"d{x}/d{y} = 0)")
        elif at.singular:
            out.append(f"∂F/∂{x} = ∂F/∂{y} = 0 here: a singular point of the curve (a "
                       "crossing, a cusp or an isolated point), with no single tangent line")
        if at.numeric_slope is not None:
            out.append(f"numeric check: the curve was solved for {x if at.vertical else y} "
                       f"near the point (mpmath findroot, {NUMERIC_DIGITS} digits) and its "
                       "central difference agrees")
    return tuple(out)
