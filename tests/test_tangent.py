"""tangent: slopes, lines, corners, jumps, vertical tangents, planes, secants and plots.

Slopes are checked against independent one-sided difference quotients computed
here in 40-digit mpmath arithmetic, not against calctool's own numbers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import mpmath
import pytest
import sympy as sp

from calctool.core.errors import DomainError, UsageError
from calctool.core.expr.parse import symbol
from calctool.core.ops.tangent import tangent
from calctool.render.plot import build
from calctool.render.report import build_report

x, y, t = (symbol(n) for n in "xyt")
SPEC_KEYS = {"ok", "command", "input", "expression", "point", "slope", "intercept", "line",
             "normal", "exists", "vertical"}

mpmath.mp.dps = 40


def one_sided_quotients(f: Callable[[mpmath.mpf], mpmath.mpf], a: float,
                        ks: range = range(4, 12)) -> tuple[list[mpmath.mpf], list[mpmath.mpf]]:
    """(f(a+h) - f(a))/h for h = -10^-k and h = +10^-k, in 40-digit arithmetic."""
    a_mp = mpmath.mpf(a)
    fa = f(a_mp)
    below = [(f(a_mp - mpmath.mpf(10) ** -k) - fa) / (-mpmath.mpf(10) ** -k) for k in ks]
    above = [(f(a_mp + mpmath.mpf(10) ** -k) - fa) / (mpmath.mpf(10) ** -k) for k in ks]
    return below, above


def assert_converges(values: list[mpmath.mpf], target: float, tol: float = 1e-6) -> None:
    """The numbers approach `target` (error shrinking overall, last one within tol)."""
    errors = [abs(v - target) for v in values]
    assert errors[-1] <= tol, (values[-1], target)
    assert errors[-1] <= errors[0] or errors[0] <= tol


def assert_diverges(values: list[mpmath.mpf], sign: int) -> None:
    """The numbers grow without bound with the given sign."""
    assert all(sign * v > 0 for v in values)
    assert abs(values[-1]) > 1e3 * abs(values[0])


# ---------------------------------------------------------------------------
# The lecture: the tangent to t^2 ("velocity 2t is the steepness of the tangent")


@pytest.mark.parametrize("t0", [-2, -1, 0, sp.Rational(1, 2), 1, 3, 10])
def test_tangent_to_t_squared(t0: sp.Expr) -> None:
    r = tangent("t^2", at=f"t={t0}")
    assert r.exists and not r.vertical
    assert r.slope == 2 * t0
    assert r.intercept == -t0**2
    assert r.line is not None and sp.simplify(r.line.rhs - (2 * t0 * t - t0**2)) == 0
    # The tangent touches the parabola at t0 and stays below it: t^2 - line = (t - t0)^2.
    assert sp.expand(t**2 - r.line.rhs - (t - t0) ** 2) == 0
    below, above = one_sided_quotients(lambda v: v**2, float(t0))
    assert_converges(below, float(2 * t0))
    assert_converges(above, float(2 * t0))


def test_tangent_to_t_squared_json(cli) -> None:
    r = cli("tangent", "t^2", "--at", "t=3", "--json")
    assert r.code == 0, r.stderr
    d = r.json
    assert d["point"] == {"x": 3, "y": 9}
    assert d["slope"] == 6 and d["intercept"] == -9
    assert d["line"] == "y = 6*t - 9"
    assert d["exists"] is True and d["vertical"] is False


def test_normal_line_is_perpendicular() -> None:
    r = tangent("x^2", at="3")
    assert r.normal is not None and r.line is not None
    m_normal = sp.diff(r.normal.rhs, x)
    assert sp.simplify(m_normal * r.slope) == -1
    assert r.normal.rhs.subs(x, 3) == 9  # through the point


def test_horizontal_tangent_has_vertical_normal() -> None:
    r = tangent("x^2", at="0")
    assert r.slope == 0
    assert r.line is not None and r.line.text() == "y = 0"
    assert r.normal is not None and r.normal.text() == "x = 0"


def test_irrational_point_keeps_exact_values() -> None:
    r = tangent("sin(x)", at="pi/4")
    assert r.slope == sp.sqrt(2) / 2
    assert sp.simplify(r.intercept - (sp.sqrt(2) / 2 - sp.sqrt(2) * sp.pi / 8)) == 0
    below, above = one_sided_quotients(mpmath.sin, float(mpmath.pi / 4))
    assert_converges(above, math.sqrt(2) / 2)
    assert_converges(below, math.sqrt(2) / 2)


# ---------------------------------------------------------------------------
# Corners, jumps, vertical tangents: "derivatives are undefined at corners and jumps"


def test_abs_at_zero_has_no_tangent() -> None:
    r = tangent("abs(x)", at="0")
    assert r.exists is False and r.kind == "corner"
    assert (r.left_slope, r.right_slope) == (-1, 1)
    assert r.line is None and r.slope is None
    below, above = one_sided_quotients(abs, 0.0)
    assert_converges(below, -1.0)
    assert_converges(above, 1.0)


def test_abs_at_zero_json(cli) -> None:
    d = cli("tangent", "abs(x)", "--at", "0", "--json").json
    assert d.keys() >= SPEC_KEYS
    assert d["exists"] is False
    assert d["left_slope"] == -1 and d["right_slope"] == 1
    assert d["slope"] is None and d["line"] is None and d["normal"] is None


def test_abs_at_zero_says_so(cli) -> None:
    r = cli("tangent", "abs(x)", "--at", "0")
    assert r.code == 0
    assert "corner" in r.stdout and "does not exist" in r.stdout
    assert "-1" in r.stdout


def test_relu_corner() -> None:
    r = tangent("relu(x)", at="0")
    assert not r.exists and r.kind == "corner"
    assert (r.left_slope, r.right_slope) == (0, 1)
    below, above = one_sided_quotients(lambda v: max(v, 0), 0.0)
    assert_converges(below, 0.0)
    assert_converges(above, 1.0)


def test_heaviside_jump() -> None:
    r = tangent("heaviside(x)", at="0")
    assert not r.exists and r.kind == "jump"
    assert r.left_slope == sp.oo and r.right_slope == sp.oo  # (f(h) - 1/2)/h blows up
    below, above = one_sided_quotients(lambda v: 1 if v > 0 else (0 if v < 0 else 0.5), 0.0)
    assert_diverges(below, +1)
    assert_diverges(above, +1)


def test_smooth_point_of_abs() -> None:
    r = tangent("abs(x)", at="-2")
    assert r.exists and r.slope == -1 and r.line is not None and r.line.text() == "y = -x"


@pytest.mark.parametrize("text", ["cbrt(x)", "x^(1/3)"])
def test_vertical_tangent(cli, text: str) -> None:
    r = tangent(text, at="0")
    assert r.exists and r.vertical and r.kind == "vertical"
    assert r.line is not None and r.line.text() == "x = 0"
    d = cli("tangent", text, "--at", "0", "--json").json
    assert d["vertical"] is True and d["slope"] == "inf" and d["line"] == "x = 0"
    assert d["normal"] == "y = 0"
    cube_root = lambda v: mpmath.sign(v) * abs(v) ** (mpmath.mpf(1) / 3)  # noqa: E731
    below, above = one_sided_quotients(cube_root, 0.0)
    assert_diverges(below, +1)
    assert_diverges(above, +1)


def test_cusp_is_not_vertical() -> None:
    r = tangent("x^(2/3)", at="0")
    assert not r.exists and not r.vertical and r.kind == "cusp"
    assert (r.left_slope, r.right_slope) == (-sp.oo, sp.oo)


def test_domain_edge() -> None:
    r = tangent("sqrt(x)", at="0")
    assert not r.exists and r.kind == "domain edge"
    assert r.left_slope is None and r.right_slope == sp.oo


def test_outside_the_domain_is_exit_3(cli) -> None:
    with pytest.raises(DomainError):
        tangent("log(x)", at="-1")
    r = cli("tangent", "log(x)", "--at", "-1")
    assert r.code == 3
    assert "log(x)" in r.stderr and "Traceback" not in r.stderr
    j = cli("tangent", "log(x)", "--at=-1", "--json")
    assert j.code == 3
    assert j.json["ok"] is False and j.json["error"]["code"] == "undefined"


def test_corner_sympy_cannot_take_the_limits_of() -> None:
    # sympy's limit raises NotImplementedError for max(x, x^2) at 1: slopes come from numbers.
    r = tangent("max(x, x^2)", at="1")
    assert r.numeric and not r.exists and r.kind == "corner"
    assert float(r.left_slope) == pytest.approx(1.0) and float(r.right_slope) == pytest.approx(2.0)
    below, above = one_sided_quotients(lambda v: max(v, v * v), 1.0)
    assert_converges(below, 1.0)
    assert_converges(above, 2.0)
    assert r.to_dict()["numeric"] is True


@pytest.mark.parametrize(("text", "kind", "left", "right"), [
    ("abs(x)", "corner", -1.0, 1.0),
    ("heaviside(x)", "jump", sp.oo, sp.oo),
    ("cbrt(x)", "vertical", sp.oo, sp.oo),
    ("x*abs(x)", "one-sided limits agree", 0.0, 0.0),
])
def test_numeric_slopes_when_sympy_gives_up(monkeypatch: pytest.MonkeyPatch, text: str,
                                            kind: str, left: object, right: object) -> None:
    import calctool.core.engines.pointwise as calculus

    def refuse(*args: object, **kwargs: object) -> sp.Expr:
        raise NotImplementedError("not today")

    monkeypatch.setattr(calculus, "one_sided_limit", refuse)
    r = tangent(text, at="0")
    assert r.numeric and r.kind == kind
    assert r.left_slope == pytest.approx(left) and r.right_slope == pytest.approx(right)


# ---------------------------------------------------------------------------
# Several variables: the tangent plane


def test_tangent_plane() -> None:
    r = tangent("x^2+y^2", at="x=1,y=2")
    assert r.exists and r.gradient == (2, 4)
    assert r.line is not None and r.line.text() == "z = 2*x + 4*y - 5"


def test_tangent_plane_json(cli) -> None:
    r = cli("tangent", "x^2+y^2", "--at", "x=1,y=2", "--json")
    assert r.code == 0
    d = r.json
    assert SPEC_KEYS | {"gradient", "plane", "normal_vector"} <= d.keys()
    assert d["point"] == {"x": 1, "y": 2, "z": 5}
    assert d["gradient"] == {"x": 2, "y": 4}
    assert d["line"] == d["plane"] == "z = 2*x + 4*y - 5"
    assert d["normal_vector"] == [2, 4, -1]
    assert d["slope"] is None and d["intercept"] == -5
    # The plane string reads back and touches the surface at the point.
    plane = sp.sympify(d["plane"].split("=", 1)[1])
    assert plane.subs({sp.Symbol("x"): 1, sp.Symbol("y"): 2}) == 5


def test_tangent_plane_where_a_partial_does_not_exist() -> None:
    r = tangent("abs(x) + y^2", at="x=0,y=1")
    assert not r.exists and r.failed_variable == x
    assert (r.left_slope, r.right_slope) == (-1, 1)


def test_tangent_plane_refuses_secants_and_plot(cli) -> None:
    assert cli("tangent", "x*y", "--at", "x=1,y=1", "--secants").code == 2
    assert cli("tangent", "x*y", "--at", "x=1,y=1", "--plot").code == 2


# ---------------------------------------------------------------------------
# Secants


def test_secant_table_is_float64_difference_quotients() -> None:
    r = tangent("x^2", at="3", secants=True, k_max=8)
    assert len(r.secants) == 18
    above = [row for row in r.secants if row.h > 0]
    below = [row for row in r.secants if row.h < 0]
    assert [row.h for row in above] == [10.0 ** -k for k in range(9)]
    assert [row.h for row in below] == [-(10.0 ** -k) for k in range(9)]
    for row in r.secants:
        expected = ((3.0 + row.h) ** 2 - 9.0) / row.h  # the same float64 arithmetic
        assert row.slope == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert row.error == pytest.approx(row.slope - 6.0)
    # Truncation error of (f(a+h) - f(a))/h for x^2 is exactly h: both sides converge.
    for row in above[:5] + below[:5]:
        assert row.error == pytest.approx(row.h, rel=1e-6)


def test_secants_show_cancellation_taking_over() -> None:
    r = tangent("x^2", at="3", secants=True, k_max=16)
    errors = {row.h: abs(row.error) for row in r.secants if row.error is not None}
    assert errors[1e-16] > 100 * min(errors.values())  # rounding wins at tiny h
    assert r.secant_turnover and 1e-12 <= r.secant_turnover["+"] <= 1e-6
    notes = " ".join(build_report(r).notes)
    assert "float64" in notes and "cancels" in notes


def test_secants_at_a_corner_use_the_one_sided_slopes() -> None:
    r = tangent("abs(x)", at="0", secants=True, k_max=3)
    assert {row.slope for row in r.secants if row.h > 0} == {1.0}
    assert {row.slope for row in r.secants if row.h < 0} == {-1.0}
    assert all(row.error == 0 for row in r.secants)


def test_secants_json(cli) -> None:
    d = cli("tangent", "sin(x)", "--at", "1", "--secants", "--k-max", "4", "--json").json
    assert len(d["secants"]) == 10
    assert {"h", "slope", "error"} == d["secants"][0].keys()
    assert d["secants"][4]["error"] == pytest.approx(
        (math.sin(1 + 1e-4) - math.sin(1)) / 1e-4 - math.cos(1), abs=1e-9)


def test_secant_table_in_text(cli) -> None:
    r = cli("tangent", "x^2", "--at", "3", "--secants")
    assert r.code == 0
    assert "Secant slopes" in r.stdout and "1e-08" in r.stdout
    assert "float64" in r.stdout


# ---------------------------------------------------------------------------
# Plots


def test_plot_shows_curve_tangent_and_point() -> None:
    r = tangent("x^2", at="3", plot=True)
    assert r.plot is not None
    labels = [s.label for s in r.plot.series]
    assert labels == ["f(x)", "tangent"]
    assert r.plot.points == (("(3, 9)", 3.0, 9.0, False),)  # a filled point: f(3) = 9
    text = build(r.plot, width=80, height=24, color=False)
    assert "●" in text
    assert "f(x)" in text and "tangent" in text and "(3, 9)" in text
    assert "\x1b[" not in text
    # The tangent series lies on y = 6x - 9 wherever it is drawn.
    line = r.plot.series[1]
    assert all(abs(v - (6 * u - 9)) < 1e-9 for u, v in zip(line.x, line.y) if v is not None)


def test_plot_window_and_range() -> None:
    r = tangent("x^2", at="3", plot=True)
    assert r.plot is not None
    xs = r.plot.series[0].x
    assert xs[0] < 3 < xs[-1]
    r2 = tangent("x^2", at="3", plot=True, plot_range="0:10")
    assert r2.plot is not None and (r2.plot.series[0].x[0], r2.plot.series[0].x[-1]) == (0, 10)
    with pytest.raises(UsageError):
        tangent("x^2", at="3", plot=True, plot_range="5:10")


def test_plot_at_a_corner_shows_both_one_sided_tangents() -> None:
    r = tangent("abs(x)", at="0", plot=True)
    assert r.plot is not None
    text = build(r.plot, width=80, height=24, color=False)
    assert "slope from below" in text and "slope from above" in text and "●" in text


def test_plot_of_a_vertical_tangent() -> None:
    r = tangent("cbrt(x)", at="0", plot=True)
    assert r.plot is not None
    vertical = r.plot.series[1]
    assert set(vertical.x) == {0.0} and "x = 0" in vertical.label


def test_plot_json_is_data(cli) -> None:
    d = cli("tangent", "x^2", "--at", "1", "--plot", "--json").json
    assert [s["label"] for s in d["plot"]["series"]] == ["f(x)", "tangent"]


# ---------------------------------------------------------------------------
# Bad input, other formats, batch


@pytest.mark.parametrize(("args", "code"), [
    (["x^2"], 2),  # no --at
    (["x^2", "--at", "x=abc"], 2),  # not a number
    (["x^2", "--at", "y=1"], 2),  # not a variable of the expression
    (["x^2+y", "--at", "1"], 2),  # several variables, bare value
    (["x^2", "--at", "x=1", "--k-max", "99"], 2),
    (["1/x", "--at", "0"], 3),  # undefined there
    (["sqrt(x)", "--at", "-4"], 3),
])
def test_bad_input(cli, args: list[str], code: int) -> None:
    r = cli("tangent", *args)
    assert r.code == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.startswith(("calctool: error", "Usage"))
    j = cli("tangent", *args, "--json")
    assert j.code == code
    doc = json.loads(j.stdout)
    assert doc["ok"] is False and doc["error"]["message"]


def test_missing_at_message(cli) -> None:
    r = cli("tangent", "x^2")
    assert "--at" in r.stderr


def test_negative_point_forms(cli) -> None:
    a = cli("tangent", "x^3", "--at=-1", "--json").json
    b = cli("tangent", "x^3", "--at", "x=-1", "--json").json
    assert a["slope"] == b["slope"] == 3 and a["line"] == "y = 3*x + 2"


def test_constant_function(cli) -> None:
    d = cli("tangent", "5", "--at", "x=2", "--json").json
    assert d["slope"] == 0 and d["line"] == "y = 5" and d["normal"] == "x = 2"


def test_latex(cli) -> None:
    r = cli("tangent", "x^2", "--at", "3", "--latex")
    assert r.code == 0 and r.stdout.strip() == r"\[ y = 6 x - 9 \]"


def test_plain_text_output(cli) -> None:
    r = cli("tangent", "x^2", "--at", "3")
    assert "tangent line y = 6*x - 9" in r.stdout
    assert "normal line y" in r.stdout and "\x1b[" not in r.stdout


def test_batch_json_lines(cli) -> None:
    r = cli("tangent", "-", "--at", "0", "--json", stdin="x^2\nabs(x)\nlog(x)\nsin(x)\n")
    lines = r.json_lines
    assert [d["ok"] for d in lines] == [True, True, False, True]
    assert lines[0]["line"] == "y = 0" and lines[1]["exists"] is False
    assert lines[3]["line"] == "y = x"
    assert r.code == 3


def test_batch_text_is_one_line_each(cli) -> None:
    r = cli("tangent", "-", "--at", "0", stdin="x^2+x\nabs(x)\n")
    assert r.stdout.splitlines() == ["y = x", "no tangent (corner): slope -1 from below, "
                                     "1 from above"]
