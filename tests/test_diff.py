"""diff: symbolic derivatives, checked against the lectures and against central differences."""

from __future__ import annotations

import math
import random

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calctool.core.errors import CalcError, DomainError, UsageError
from calctool.core.expr.functions import sigmoid
from calctool.core.expr.parse import parse, symbol
from calctool.core.ops.diff import diff

x, y, t, z, w, b = (symbol(n) for n in "xytzwb")


def central_difference(expr: sp.Expr, var: sp.Symbol, point: dict[sp.Symbol, float],
                       h: str = "1e-15") -> float:
    """An independent numeric derivative: a central difference computed at 50 digits.

    At that precision a step of 1e-15 loses nothing to cancellation, and its
    truncation error (about f3 * h^2) is far below the tolerance even for steep
    functions such as sin(exp(6x)).
    """
    step = sp.Float(h, 50)

    def at(v: sp.Float) -> sp.Expr:
        subs = {**{k: sp.Float(val, 50) for k, val in point.items()}, var: v}
        return sp.N(expr.xreplace(subs), 50)

    x0 = sp.Float(point[var], 50)
    return float((at(x0 + step) - at(x0 - step)) / (2 * step))


def assert_matches_central_difference(expr: sp.Expr, derivative: sp.Expr, var: sp.Symbol,
                                      seed: int = 0, points: int = 5,
                                      low: float = -2.0, high: float = 2.0) -> None:
    rng = random.Random(seed)
    variables = sorted(expr.free_symbols, key=str)
    checked = 0
    for _ in range(points * 4):
        point = {v: rng.uniform(low, high) for v in variables}
        try:
            exact = float(sp.N(derivative.xreplace({k: sp.Float(v, 30) for k, v in point.items()})))
            numeric = central_difference(expr, var, point)
        except (TypeError, ValueError):
            continue  # outside the domain at this point
        if not (math.isfinite(exact) and math.isfinite(numeric)) or abs(exact) > 1e8:
            continue  # undefined, or so steep (sin(exp(exp(3x)))) that no step resolves it
        assert numeric == pytest.approx(exact, rel=1e-6, abs=1e-6), (expr, point)
        checked += 1
        if checked == points:
            return
    assert checked > 0, f"no point of the domain was found for {expr}"


# The lectures' worked examples (seeds/): expression, variable, expected derivative.
LECTURE_EXAMPLES = [
    ("x^3*cos(x)", x, 3 * x**2 * sp.cos(x) - x**3 * sp.sin(x)),  # product rule
    ("cos(x^3)", x, -3 * x**2 * sp.sin(x**3)),  # chain rule
    ("2x^3 + 3x^4 + 5ln(x)", x, 6 * x**2 + 12 * x**3 + 5 / x),  # linearity and table
    ("t^2 + ln(t) + 4sin(t)", t, 2 * t + 1 / t + 4 * sp.cos(t)),
    ("sigmoid(z)", z, sigmoid(z) * (1 - sigmoid(z))),
    ("tanh(x)", x, 1 - sp.tanh(x) ** 2),
    ("exp(2x)", x, 2 * sp.exp(2 * x)),
    ("x^2", x, 2 * x),
    ("1/x", x, -1 / x**2),
    ("sqrt(x)", x, 1 / (2 * sp.sqrt(x))),
    ("sin(x)/x", x, sp.cos(x) / x - sp.sin(x) / x**2),
    ("softplus(x)", x, sigmoid(x)),
    ("log(x, 2)", x, 1 / (x * sp.log(2))),
    ("asin(x)", x, 1 / sp.sqrt(1 - x**2)),
    ("abs(x)", x, sp.sign(x)),
    ("(sigmoid(w*x+b) - t)^2", w, 2 * (sigmoid(w * x + b) - t) * sigmoid(w * x + b)
     * (1 - sigmoid(w * x + b)) * x),
]


@pytest.mark.parametrize(("text", "var", "expected"), LECTURE_EXAMPLES)
def test_lecture_examples(text: str, var: sp.Symbol, expected: sp.Expr) -> None:
    r = diff(text, wrt=str(var) if len(parse(text).free_symbols) > 1 else None)
    got = r.derivative
    assert got is not None
    assert sp.simplify(sp.expand(got - expected)) == 0 or sp.simplify(
        got.rewrite(sp.exp) - expected.rewrite(sp.exp)) == 0
    assert_matches_central_difference(parse(text), got, var, low=0.1, high=2.0)


def test_sigmoid_derivative_reads_as_in_the_lecture() -> None:
    r = diff("sigmoid(z)")
    assert r.to_dict()["result"] == "(1 - sigmoid(z))*sigmoid(z)"


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("sin(x)", 2, -sp.sin(x)),
    ("sin(x)", 4, sp.sin(x)),
    ("x^5", 3, 60 * x**2),
    ("exp(3x)", 5, 243 * sp.exp(3 * x)),
])
def test_higher_order(text: str, order: int, expected: sp.Expr) -> None:
    r = diff(text, order=order)
    assert sp.simplify(r.derivative - expected) == 0
    assert r.to_dict()["variables"] == ["x"] * order


def test_partial_and_mixed_partials() -> None:
    assert diff("x^2*y + y^3", wrt="y").derivative == x**2 + 3 * y**2
    mixed = diff("x^2*y^3", wrt="x,y")
    assert mixed.derivative == 6 * x * y**2
    assert mixed.to_dict()["variables"] == ["x", "y"]
    assert diff("x^3*y", wrt="x", order=2).derivative == 6 * x * y


def test_gradient_of_multivariable_function() -> None:
    r = diff("x^2 + 3*x*y - y^3")
    d = r.to_dict()
    assert d["gradient"] == {"x": "2*x + 3*y", "y": "3*x - 3*y**2"}
    assert d["variables"] == ["x", "y"]
    assert sp.sympify(d["result"]) == [sp.sympify("2*x + 3*y"), sp.sympify("3*x - 3*y**2")]


def test_value_at_a_point() -> None:
    d = diff("x^3*cos(x)", at="2").to_dict()
    assert d["at"] == {"x": 2.0}
    expected = 12 * math.cos(2) - 8 * math.sin(2)
    assert d["value"] == pytest.approx(expected, rel=1e-14)
    assert sp.simplify(sp.sympify(d["value_exact"]) - (12 * sp.cos(2) - 8 * sp.sin(2))) == 0
    d = diff("x^2 + y^2", at="x=1,y=-2").to_dict()
    assert d["value"] == {"x": 2.0, "y": -4.0}
    d = diff("sin(x)", at="x=pi/4").to_dict()
    assert d["value"] == pytest.approx(math.sqrt(2) / 2)


@pytest.mark.parametrize(("text", "at", "left", "right", "kind"), [
    ("abs(x)", "0", -1.0, 1.0, "corner"),
    ("relu(x)", "0", 0.0, 1.0, "corner"),
    ("abs(x - 1)", "1", -1.0, 1.0, "corner"),
    ("max(x, 0)", "0", 0.0, 1.0, "corner"),
    ("leaky_relu(x)", "0", 0.01, 1.0, "corner"),
    ("max(x, x^2)", "1", 1.0, 2.0, "corner"),  # sympy's limits give up: decided numerically
])
def test_kinks_are_reported_with_one_sided_values(text: str, at: str, left: float,
                                                  right: float, kind: str) -> None:
    """A derivative that provably does not exist is an answer (exit 0), with evidence."""
    r = diff(text, at=at)
    assert not r.exists
    d = r.to_dict()
    assert d["exists"] is False and d["value"] is None
    assert d["left_slope"] == pytest.approx(left)
    assert d["right_slope"] == pytest.approx(right)
    assert d["kind"] == kind
    assert "does not exist" in d["reason"]


def test_jump_and_vertical_tangent() -> None:
    assert diff("heaviside(x)", at="0").to_dict()["kind"] == "jump"
    for text in ("cbrt(x)", "x^(1/3)"):
        d = diff(text, at="0").to_dict()
        assert d["exists"] is False and d["kind"] == "vertical"
        assert d["left_slope"] == d["right_slope"] == "inf"


def test_one_sided_slopes_agree_with_difference_quotients() -> None:
    """The slopes diff reports at a corner are the limits of (f(a+h) - f(a))/h, checked
    with mpmath at 50 digits, not with the code under test."""
    import mpmath

    cases = [("abs(x - 1)", 1, lambda x: abs(x - 1)),
             ("max(x, x^2)", 1, lambda x: max(x, x**2)),
             ("leaky_relu(x)", 0, lambda x: x if x > 0 else mpmath.mpf("0.01") * x)]
    for text, a, f in cases:
        d = diff(text, at=str(a)).to_dict()
        with mpmath.workdps(50):  # never the global precision: other tests rely on it
            h = mpmath.mpf("1e-30")
            left = (f(a - h) - f(a)) / -h
            right = (f(a + h) - f(a)) / h
        assert d["left_slope"] == pytest.approx(float(left), rel=1e-12), text
        assert d["right_slope"] == pytest.approx(float(right), rel=1e-12), text


def test_gradient_with_a_missing_component_keeps_the_others() -> None:
    d = diff("abs(x) + x*y", at="x=0,y=2").to_dict()
    assert d["exists"] is False
    assert d["value"] == {"x": None, "y": 0.0}
    assert set(d["one_sided"]) == {"x"}
    assert d["one_sided"]["x"]["left_slope"] == pytest.approx(1.0)  # -1 + y
    assert d["one_sided"]["x"]["right_slope"] == pytest.approx(3.0)  # 1 + y


def test_where_f_has_no_value_there_is_no_question_exit_3() -> None:
    with pytest.raises(DomainError) as info:
        diff("1/x", at="0")
    assert info.value.exit_status == 3


def test_smooth_points_of_nonsmooth_functions_are_fine() -> None:
    assert diff("abs(x)", at="-3").values[0].number == -1.0
    assert diff("x*abs(x)", at="0").values[0].number == 0.0  # differentiable at 0
    assert diff("relu(x)", at="2").values[0].number == 1.0


def test_second_derivative_of_abs_at_zero_does_not_exist() -> None:
    r = diff("abs(x)", order=2, at="0")
    assert not r.exists and r.to_dict()["value"] is None


def test_undefined_point() -> None:
    with pytest.raises(DomainError) as info:
        diff("1/x", at="0")
    assert info.value.code == "undefined"
    with pytest.raises(DomainError):
        diff("log(x)", at="-1")


def test_abstract_functions_product_and_chain_rule() -> None:
    from calctool.render.views.diff import report

    chain = diff("f(g(x))")
    assert "Derivative" in chain.to_dict()["result"]  # sympy-parseable
    rep = report(chain)
    assert sp.sstr(rep.primary) == "f'(g(x))*g'(x)"
    product = report(diff("f(x)*g(x)"))
    assert sp.sstr(product.primary) in ("f(x)*g'(x) + f'(x)*g(x)", "f'(x)*g(x) + f(x)*g'(x)")


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"order": 0}, "bad_value"),
    ({"order": 2, "wrt": "x,y"}, "bad_value"),
    ({"at": "z=1"}, "unknown_variable"),
    ({"at": "x=1"}, "missing_variable"),
    ({"at": "3"}, "missing_variable"),
    ({"at": "x=a,y=1"}, "bad_value"),
    ({"wrt": "2x"}, "bad_value"),
])
def test_bad_options(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(UsageError) as info:
        diff("x*y", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
    assert info.value.exit_status == 2


def test_order_needs_wrt_for_several_variables() -> None:
    from calctool.cli.commands.diff import FLAGS

    with pytest.raises(UsageError) as info:
        diff("x*y", order=2, spelling=FLAGS)  # as the CLI calls it (Python: test_api.py)
    assert "--wrt" in info.value.message


_unary = ["sin", "cos", "exp", "atan", "tanh", "sigmoid", "softplus"]


@st.composite
def smooth_expressions(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(["x", "2", "3x", "x^2", "0.5"]))
    kind = draw(st.sampled_from(["+", "*", "fn", "pow"]))
    if kind == "fn":
        return f"{draw(st.sampled_from(_unary))}({draw(smooth_expressions(depth - 1))})"
    if kind == "pow":
        return f"({draw(smooth_expressions(depth - 1))})^{draw(st.integers(2, 4))}"
    return f"({draw(smooth_expressions(depth - 1))}){kind}({draw(smooth_expressions(depth - 1))})"


@settings(max_examples=60, deadline=None)
@given(smooth_expressions(), st.integers(0, 10_000))
def test_derivative_agrees_with_central_difference(text: str, seed: int) -> None:
    try:
        r = diff(text)
    except CalcError:
        return
    if not r.expression.free_symbols:
        assert r.derivative == 0
        return
    assert_matches_central_difference(r.expression, r.derivative, x, seed=seed, points=2,
                                      low=-1.5, high=1.5)


def test_derivative_by_an_absent_variable_at_a_point_is_zero() -> None:
    # Found by bench/fuzz.py: this was an internal error (KeyError).
    assert diff("relu(y)", wrt="x", at="y=0").values[0].number == 0.0


# ---------------------------------------------------------------------------
# floor and ceiling: 0 between the jumps, no derivative at them


@pytest.mark.parametrize("text", ["floor(x)", "ceiling(x)", "ceil(x)", "floor(2*x + 1)",
                                  "ceiling(x^2)", "3*floor(sin(x))"])
def test_floor_and_ceiling_have_derivative_zero(text: str) -> None:
    r = diff(text)
    assert r.derivative == 0
    assert "Derivative" not in r.to_dict()["result"]
    # between the jumps the function is constant: a central difference agrees
    for at in (0.3, 1.37, -2.6):
        assert central_difference(r.expression, x, {x: at}) == 0.0
        assert diff(text, at=str(at)).values[0].number == 0.0


def test_products_with_floor_keep_the_other_factor() -> None:
    r = diff("x*floor(x)")
    assert sp.simplify(r.derivative - parse("floor(x)")) == 0
    value = diff("x*floor(x)", at="2.5").values[0].number
    assert value == 2.0 == pytest.approx(central_difference(r.expression, x, {x: 2.5}))


@pytest.mark.parametrize(("text", "at", "left"), [
    ("floor(x)", "1", math.inf), ("ceiling(x)", "2", 0.0), ("floor(2*x)", "1/2", math.inf),
    ("ceil(x)", "-1", 0.0)])
def test_floor_and_ceiling_at_a_jump_have_no_derivative(text: str, at: str,
                                                        left: float) -> None:
    d = diff(text, at=at).to_dict()
    assert d["exists"] is False and d["kind"] == "jump"
    assert (math.inf if d["left_slope"] == "inf" else d["left_slope"]) == left


def test_floor_in_every_output_mode(cli) -> None:
    r = cli("diff", "floor(x)")
    assert r.code == 0 and "Derivative" not in r.stdout
    assert "f'(x) = 0" in r.stdout
    assert "floor(x) jumps where x is an integer" in r.stdout
    assert cli("diff", "floor(x)", "--json").json["result"] == "0"
    plot = cli("diff", "floor(x)", "--plot", env={"COLUMNS": "80"})
    assert plot.code == 0, plot.stderr
    data = cli("diff", "floor(x)", "--plot", "--json").json["plot"]
    assert set(data["series"][1]["y"]) == {0.0}
    steps = cli("diff", "floor(x^2)", "--steps", "--json")
    assert steps.code == 0 and steps.json["steps"]["result"] == "0"
    assert cli("diff", "floor(x)", "--latex").code == 0
    jump = cli("diff", "floor(x)", "--at", "1")
    assert jump.code == 0 and "does not exist" in jump.stdout and "jump" in jump.stdout
    assert cli("diff", "heaviside(x)", "--at", "0").code == 0  # the same as heaviside


def test_no_function_of_the_table_leaves_an_unevaluated_derivative() -> None:
    """Every name a user can call: diff, diff --at, diff --plot either answer (with no
    Derivative left in the answer) or fail with a CalcError, never with anything else."""
    from calctool.core.expr.parse import FUNCTIONS

    for name, spec in sorted(FUNCTIONS.items()):
        text = f"{name}(x, 3)" if spec.min_args == 2 else f"{name}(x)"
        for kwargs in ({}, {"at": "x=0.3"}, {"plot": True}):
            try:
                r = diff(text, **kwargs)  # type: ignore[arg-type]
            except CalcError:
                continue
            assert r.derivative is not None
            assert not r.derivative.has(sp.Derivative), (text, r.derivative)
            assert "Derivative" not in r.to_dict()["result"], text


def test_atan2_across_its_cut_has_no_derivative() -> None:
    # atan2(y, -1) jumps from -pi to pi as y crosses 0: the formula's -1 is no derivative
    d = diff("atan2(y, x)", wrt="y", at="x=-1,y=0").to_dict()
    assert d["exists"] is False and d["kind"] == "jump"
    # along the cut (by x) and right of it, atan2 is smooth
    assert diff("atan2(y, x)", wrt="x", at="x=-1,y=0").values[0].number == 0.0
    assert diff("atan2(y, x)", wrt="y", at="x=1,y=0").values[0].number == 1.0
