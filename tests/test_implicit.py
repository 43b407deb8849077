"""Implicit differentiation (`diff EQ --implicit y`, `tangent EQ --at x=..,y=..`).

Independent evidence: the curve is solved for y near the point by mpmath's findroot
here in the test (not by the code under test) and the slope taken by finite
differences; where the curve has an explicit branch (y = sqrt(1 - x^2)), mpmath
differentiates that branch directly.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import calctool
from calctool.core.errors import ParseError, UsageError
from calctool.core.expr.curve import equals_sign, parse_equation

x, y = sp.symbols("x y", real=True)


def curve_slope(f, x0: float, y0: float, h: float = 1e-6) -> float:
    """dy/dx of the curve f(x, y) = 0 through (x0, y0), from the curve itself."""
    with mpmath.workdps(40):
        up = mpmath.findroot(lambda t: f(x0 + h, t), y0)
        down = mpmath.findroot(lambda t: f(x0 - h, t), y0)
        return float((up - down) / (2 * h))


def curve_second(f, x0: float, y0: float, h: float = 1e-4) -> float:
    with mpmath.workdps(40):
        y_up = mpmath.findroot(lambda t: f(x0 + h, t), y0)
        y_down = mpmath.findroot(lambda t: f(x0 - h, t), y0)
        return float((y_up - 2 * mpmath.mpf(y0) + y_down) / h**2)


# --------------------------------------------------------------------------- must show


def test_circle_dy_dx_is_minus_x_over_y() -> None:
    d = calctool.diff("x^2 + y^2 = 1", implicit="y").to_dict()
    assert sp.simplify(sp.sympify(d["result"]) + sp.Symbol("x") / sp.Symbol("y")) == 0
    assert d["command"] == "diff" and d["implicit"] == "y" and d["variables"] == ["x"]


def test_circle_second_derivative_against_the_explicit_branch() -> None:
    r = calctool.diff("x^2 + y^2 = 1", implicit="y", order=2, at="x=3/5,y=4/5")
    d = r.to_dict()
    assert d["result"] == "-1/y**3"  # simplified with the equation
    assert d["value_exact"] == "-125/64"
    with mpmath.workdps(30):
        expected = mpmath.diff(lambda t: mpmath.sqrt(1 - t**2), mpmath.mpf(3) / 5, 2)
    assert abs(d["value"] - float(expected)) < 1e-12


def test_tangent_to_the_circle_at_3_4() -> None:
    d = calctool.tangent("x^2 + y^2 = 25", at="x=3,y=4").to_dict()
    assert d["line"] == "y = -3*x/4 + 25/4"
    assert d["slope"] == -0.75 and d["intercept"] == 6.25
    assert d["exists"] is True and d["vertical"] is False
    assert abs(d["slope"] - curve_slope(lambda u, v: u**2 + v**2 - 25, 3, 4)) < 1e-8


def test_vertical_tangent_at_5_0() -> None:
    d = calctool.tangent("x^2 + y^2 = 25", at="x=5,y=0").to_dict()
    assert d["line"] == "x = 5" and d["vertical"] is True and d["slope"] == "inf"
    assert d["kind"] == "vertical"


# --------------------------------------------------------------------------- against the curve

CURVES = [
    # (equation, point, the same curve as f(x, y) = 0 for mpmath)
    ("x^3 + y^3 = 6*x*y", (3, 3), lambda u, v: u**3 + v**3 - 6 * u * v),
    ("x^2 + y^2 = 25", (-4, 3), lambda u, v: u**2 + v**2 - 25),
    ("x*exp(y) = x - y", (0, 0), lambda u, v: u * mpmath.exp(v) - u + v),
    ("sin(x*y) = y", ("pi/2", 1), lambda u, v: mpmath.sin(u * v) - v),
    ("x^2/4 + y^2/9 = 1", (1, "3*sqrt(3)/2"), lambda u, v: u**2 / 4 + v**2 / 9 - 1),
    ("y^3 + y = x", (2, 1), lambda u, v: v**3 + v - u),
    ("exp(x*y) = 2", ("log(2)", 1), lambda u, v: mpmath.exp(u * v) - 2),
    ("x^2*y + y^3 = 10", (3, 1), lambda u, v: u**2 * v + v**3 - 10),
]


@pytest.mark.parametrize(("equation", "point", "f"), CURVES, ids=[c[0] for c in CURVES])
def test_slopes_agree_with_the_curve_solved_numerically(equation: str, point: tuple,
                                                         f: object) -> None:
    at = f"x={point[0]},y={point[1]}"
    r = calctool.diff(equation, implicit="y", order=2, at=at).to_dict()
    x0 = float(sp.N(sp.sympify(str(point[0]))))
    y0 = float(sp.N(sp.sympify(str(point[1]))))
    first = calctool.diff(equation, implicit="y", at=at).to_dict()["value"]
    assert abs(first - curve_slope(f, x0, y0)) < 1e-7 * max(1, abs(first))
    assert abs(r["value"] - curve_second(f, x0, y0)) < 1e-5 * max(1, abs(r["value"]))
    line = calctool.tangent(equation, at=at).to_dict()
    assert abs(line["slope"] - first) < 1e-12


# --------------------------------------------------------------------------- points, errors


def test_a_point_off_the_curve_is_a_usage_error_with_the_residual(cli) -> None:
    with pytest.raises(UsageError, match="not on the curve") as err:
        calctool.diff("x^2 + y^2 = 1", implicit="y", at="x=1,y=1")
    assert err.value.details["residual"] == "1"
    r = cli("tangent", "x^2 + y^2 = 25", "--at", "x=1,y=1", "--json")
    assert r.code == 2 and r.json["error"]["code"] == "not_on_curve"


def test_a_singular_point_has_no_tangent() -> None:
    d = calctool.tangent("y^2 = x^2", at="x=0,y=0").to_dict()
    assert d["exists"] is False and d["kind"] == "singular point" and d["line"] is None


def test_infinite_derivative_at_a_vertical_point() -> None:
    d = calctool.diff("x^2 + y^2 = 1", implicit="y", at="x=1,y=0").to_dict()
    assert d["value"] == "inf" and d["vertical"] is True


def test_steps_differentiate_both_sides_then_solve() -> None:
    d = calctool.diff("x^2 + y^2 = 1", implicit="y", steps=True).to_dict()
    steps = d["implicit_steps"]
    assert steps[0]["title"].startswith("differentiate both sides")
    assert steps[0]["lhs"] == "Derivative(x**2 + y**2, x)"
    assert steps[1]["lhs"] == "2*x + 2*y*y'"
    assert steps[-1]["title"].startswith("solve") and steps[-1]["rhs"] == "-x/y"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"implicit": "z"}, "not a variable"),
    ({"implicit": "y", "order": 7}, "between 1 and"),
    ({"implicit": "y", "plot": True}, "plot"),
])
def test_implicit_usage_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        calctool.diff("x^2 + y^2 = 1", **kwargs)


def test_three_variables_need_wrt() -> None:
    with pytest.raises(UsageError, match="wrt"):
        calctool.diff("x^2 + y^2 + z^2 = 1", implicit="y")
    d = calctool.diff("x^2 + y^2 + z^2 = 1", implicit="y", wrt="x").to_dict()
    assert d["result"] == "-x/y"


# --------------------------------------------------------------------------- the equation reader


def test_the_equation_is_split_on_its_top_level_equals_sign() -> None:
    assert equals_sign("x^2 + y^2 = 1") == 10
    assert equals_sign("x^2 + y^2") is None
    eq = parse_equation("log(x, 2) = y")
    assert eq.rhs == y
    with pytest.raises(ParseError) as err:
        parse_equation("x = y = 1")
    assert err.value.position == 6
    with pytest.raises(ParseError) as err:
        parse_equation("x^2 + y^2 = (1")
    assert err.value.position == 12 and err.value.source == "x^2 + y^2 = (1"


def test_the_equation_reader_keeps_the_parser_safe() -> None:
    with pytest.raises(ParseError):
        parse_equation("__import__('os') = 1")


def test_cli(cli) -> None:
    r = cli("diff", "x^2 + y^2 = 1", "--implicit", "y")
    assert r.code == 0 and "-x/y" in r.stdout
    r = cli("tangent", "x^2 + y^2 = 25", "--at", "x=3,y=4", "--latex")
    assert r.stdout.strip() == r"\[ y = -\frac{3 x}{4} + \frac{25}{4} \]"
    r = cli("diff", "-", "--implicit", "y", "--json", stdin="x^2 + y^2 = 1\nx*y = 1\n")
    assert [d["result"] for d in r.json_lines] == ["-x/y", "-y/x"]


def test_at_may_give_the_curves_constants(cli) -> None:
    """a in a*x^2 + y^2 = 2 is a constant of the curve: --at a=1 fixes it (it was refused
    as "not a variable of the expression"); x and y are still required."""
    r = cli("diff", "a*x^2 + y^2 = 2", "--implicit", "y", "--wrt", "x", "--at", "x=1,y=1,a=1",
            "--json")
    assert r.code == 0, r.stdout
    assert r.json["result"] == "-a*x/y" and r.json["value"] == -1
    assert r.json["at"] == {"x": 1, "y": 1, "a": 1}
    text = cli("diff", "a*x^2 + y^2 = 2", "--implicit", "y", "--wrt", "x", "--at", "x=1,y=1,a=1")
    assert "at (1, 1) with a=1 = -1" in text.stdout
    missing = cli("diff", "a*x^2 + y^2 = 2", "--implicit", "y", "--wrt", "x", "--at", "x=1,a=1")
    assert missing.code == 2 and "no value for y" in missing.stderr


@pytest.mark.parametrize("equation", ["y^3 = x^3", "(y - x)^2 = 0"])
def test_a_singular_point_on_a_smooth_curve_is_not_called_tangentless(cli, equation) -> None:
    """F_x = F_y = 0 at (0, 0), yet over the reals y^3 = x^3 is the line y = x
    (y^3 - x^3 = (y - x)(y^2 + xy + x^2), the second factor is > 0 off the origin), with
    tangent y = x: "no single tangent line" (exit 0) would be wrong. The tangent cone has
    one real line, which cannot tell a smooth point from a cusp: exit 3, not a guess."""
    r = cli("tangent", equation, "--at", "x=0,y=0", "--json")
    assert r.code == 3, r.stdout
    assert r.json["error"]["code"] == "cannot_decide"
    assert "y = x" in r.json["error"]["message"]
    r = cli("diff", equation, "--implicit", "y", "--at", "x=0,y=0", "--json")
    assert r.code == 3


@pytest.mark.parametrize("equation", ["y^2 = x^2*(x + 1)", "x^2 + y^2 = 0", "x*y = 0"])
def test_crossings_and_isolated_points_still_have_no_tangent(equation) -> None:
    """Two real tangent lines (a node: y = ±x, or the axes) or none (an isolated point):
    no single tangent, as textbooks say."""
    d = calctool.tangent(equation, at="x=0,y=0").to_dict()
    assert d["exists"] is False and d["kind"] == "singular point"
