"""`series`: Taylor, Laurent and Puiseux series, compared with answers computed elsewhere.

Expected coefficients come from textbook formulas ((-1)^k/(2k+1)! for sin, 1/k! for
exp, ...) or from mpmath (`mpmath.taylor`, numerical differentiation at 30 digits),
never from sympy's `series`, which the command itself uses.
"""

from __future__ import annotations

import json
import math

import mpmath
import pytest
import sympy as sp

import calctool
from calctool.core.engines import taylor
from calctool.core.engines.taylor import Term
from calctool.core.errors import ComputeError, DomainError, UsageError

x, y = sp.symbols("x y", real=True)


def coefficients(result: calctool.core.results.series.SeriesResult) -> dict[sp.Rational, sp.Expr]:
    return {t.exponent: t.coefficient for t in result.terms}


# --------------------------------------------------------------------------- must show


def test_sin_to_order_7_is_the_textbook_maclaurin_series() -> None:
    r = calctool.series("sin(x)", order=7)
    expected = {2 * k + 1: sp.Rational((-1) ** k, math.factorial(2 * k + 1)) for k in range(4)}
    assert coefficients(r) == expected
    d = r.to_dict()
    assert d["kind"] == "maclaurin" and d["polynomial"] == "x - x**3/6 + x**5/120 - x**7/5040"
    assert d["series"].endswith("+ O(x**8)")
    assert sp.sympify(d["remainder"], locals={"xi": sp.Symbol("xi")}) == \
        sp.sin(sp.Symbol("xi")) * sp.Symbol("x") ** 8 / 40320
    assert d["check"]["passed"] is True


def test_log_about_1_is_the_alternating_harmonic_series() -> None:
    r = calctool.series("log(x)", at=1)
    assert coefficients(r) == {k: sp.Rational((-1) ** (k + 1), k) for k in range(1, 6)}
    d = r.to_dict()
    assert d["kind"] == "taylor"
    assert d["polynomial"].startswith("(x - 1) - (x - 1)**2/2 + (x - 1)**3/3")
    # The JSON polynomial reads back as the same polynomial.
    back = sp.sympify(d["polynomial"])
    u = sp.Symbol("x")
    assert sp.expand(back - sum(sp.Rational((-1) ** (k + 1), k) * (u - 1) ** k
                                for k in range(1, 6))) == 0


def test_geometric_series() -> None:
    r = calctool.series("1/(1-x)", order=6)
    assert coefficients(r) == {k: 1 for k in range(7)}


def test_two_variables_order_2_is_value_gradient_and_hessian() -> None:
    r = calctool.series("exp(x)*cos(y)", at="x=0,y=0", order=2)
    d = r.to_dict()
    assert d["value"] == "1" and d["gradient"] == {"x": "1", "y": "0"}
    assert d["hessian"] == [["1", "0"], ["0", "-1"]]
    u, v = sp.symbols("x y")
    assert sp.expand(sp.sympify(d["polynomial"]) - (1 + u + u**2 / 2 - v**2 / 2)) == 0
    # The Hessian against mpmath's numerical second derivatives of f at the point.
    f = lambda u, v: mpmath.exp(u) * mpmath.cos(v)  # noqa: E731
    for (i, j), orders in {(0, 0): (2, 0), (0, 1): (1, 1), (1, 1): (0, 2)}.items():
        assert abs(float(sp.sympify(d["hessian"][i][j])) - mpmath.diff(f, (0, 0), orders)) < 1e-10


def test_one_over_x_at_0_is_a_laurent_series(cli) -> None:
    r = calctool.series("1/x", at=0)
    assert r.kind == "laurent" and r.pole_order == 1
    text = cli("series", "1/x", "--at", "0")
    assert text.code == 0 and "Laurent" in text.stdout
    assert cli("series", "1/x", "--at", "0", "--json").json["kind"] == "laurent"


# --------------------------------------------------------------------------- against mpmath

MPMATH_CORPUS = [
    # (text, point, order, the same function for mpmath)
    ("exp(x)", 0, 8, mpmath.exp),
    ("cos(x)", 1, 6, mpmath.cos),
    ("sqrt(x)", 4, 5, mpmath.sqrt),
    ("atan(x)", 0, 7, mpmath.atan),
    ("tan(x)", 0, 7, mpmath.tan),
    ("1/(1+x^2)", 1, 5, lambda t: 1 / (1 + t**2)),
    ("log(1+x)", 0, 6, lambda t: mpmath.log(1 + t)),
    ("exp(x)*sin(x)", 0, 6, lambda t: mpmath.exp(t) * mpmath.sin(t)),
    ("sigmoid(x)", 0, 6, lambda t: 1 / (1 + mpmath.exp(-t))),
    ("tanh(x)", 0.5, 4, mpmath.tanh),
    ("x^3 - 2*x + 1", 2, 4, lambda t: t**3 - 2 * t + 1),
    ("asin(x)", 0, 7, mpmath.asin),
    ("cosh(x)", -1, 5, mpmath.cosh),
    ("exp(-x^2)", 0, 8, lambda t: mpmath.exp(-t**2)),
    ("sin(x)", "pi/4", 5, mpmath.sin),
]


@pytest.mark.parametrize(("text", "point", "order", "f"), MPMATH_CORPUS,
                         ids=[c[0] + "@" + str(c[1]) for c in MPMATH_CORPUS])
def test_taylor_coefficients_match_mpmath(text: str, point: object, order: int, f: object) -> None:
    r = calctool.series(text, at=point, order=order)
    assert r.kind == "taylor"
    a = float(sp.N(r.point[r.variable], 30))
    with mpmath.workdps(40):
        expected = mpmath.taylor(f, a, order)
    got = coefficients(r)
    d = r.to_dict()  # what is shown is what was computed: the ordered form is the same polynomial
    assert sp.expand(sp.sympify(d["polynomial"]) - sp.sympify(d["result"])) == 0
    for k, c in enumerate(expected):
        assert abs(float(sp.N(got.get(k, 0), 30)) - float(c)) <= 1e-12 * max(1, abs(float(c))), \
            (text, k)


def test_gamma_at_0_is_laurent_with_minus_euler_gamma() -> None:
    r = calctool.series("gamma(x)", at=0, order=1)
    c = coefficients(r)
    assert r.kind == "laurent" and c[-1] == 1
    assert abs(float(sp.N(c[0], 30)) + float(mpmath.euler)) < 1e-15
    # x*gamma(x) = gamma(1+x): the x coefficient is (gamma^2 + pi^2/6)/2
    assert abs(float(sp.N(c[1], 30)) - float((mpmath.euler**2 + mpmath.pi**2 / 6) / 2)) < 1e-14


def test_tan_at_pi_over_2_has_a_simple_pole() -> None:
    r = calctool.series("tan(x)", at="pi/2", order=3)
    assert r.kind == "laurent" and r.pole_order == 1 and coefficients(r)[-1] == -1


def test_puiseux_series_of_exp_sqrt_x() -> None:
    r = calctool.series("exp(sqrt(x))", order=2)
    assert r.kind == "puiseux"
    assert coefficients(r) == {sp.Rational(k, 2): sp.Rational(1, math.factorial(k))
                               for k in range(6)}
    assert r.sides == ("+",)  # no real values below 0
    assert r.to_dict()["valid"] == "above"


def test_a_negative_leading_term_keeps_its_brackets() -> None:
    d = calctool.series("sin(x)", at="pi", order=3).to_dict()
    assert d["polynomial"] == "-(x - pi) + (x - pi)**3/6"
    assert sp.expand(sp.sympify(d["polynomial"]) - sp.sympify(d["result"])) == 0


def test_a_branch_point_with_real_values_below_only() -> None:
    """sqrt(1 - x) at 1: real for x < 1; the series is in powers of 1 - x."""
    r = calctool.series("exp(sqrt(1-x))", at=1, order=1, x=0.75)
    assert r.kind == "puiseux" and r.sides == ("-",) and r.to_dict()["valid"] == "below"
    with mpmath.workdps(30):
        u = mpmath.sqrt(mpmath.mpf("0.25"))
        approx = 1 + u + u**2 / 2 + u**3 / 6  # exp(u) to O(u^4), u = sqrt(1 - x)
        assert abs(r.to_dict()["evaluation"]["approximation"] - float(approx)) < 1e-14


def test_removable_singularity() -> None:
    r = calctool.series("sin(x)/x", order=4)
    assert r.kind == "taylor" and r.removable
    assert coefficients(r) == {0: 1, 2: sp.Rational(-1, 6), 4: sp.Rational(1, 120)}


def test_log_kind() -> None:
    r = calctool.series("x^x", order=2)
    assert r.kind == "log"
    assert any("no power series" in n for n in r.notes)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("text", ["abs(x)", "relu(x)", "abs(sin(x))"])
def test_a_corner_is_refused_with_evidence(text: str) -> None:
    with pytest.raises(ComputeError, match="failed the numeric check"):
        calctool.series(text)


def test_an_essential_singularity_is_refused() -> None:
    with pytest.raises(ComputeError, match="no power series"):
        calctool.series("exp(1/x)")


def test_no_real_values_near_the_point() -> None:
    with pytest.raises(DomainError):
        calctool.series("sqrt(x)", at=-1)


@pytest.mark.parametrize("text", ["abs(x) + y^2", "sqrt(x^2 + y^2)", "relu(x - y) + y"])
def test_several_variables_not_smooth_is_refused(text: str) -> None:
    with pytest.raises((ComputeError, DomainError)):
        calctool.series(text, at="x=0,y=0")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"order": 31}, "order"),
    ({"table": True}, "x"),
    ({"at": "z=0"}, "not a variable"),
])
def test_usage_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        calctool.series("sin(x)", **kwargs)


# --------------------------------------------------------------------------- the check itself


def test_the_check_catches_a_wrong_coefficient() -> None:
    """The evidence is real: one wrong coefficient makes the check fail."""
    right = [Term(sp.Integer(1), sp.Integer(1)), Term(sp.Rational(-1, 6), sp.Integer(3)),
             Term(sp.Rational(1, 120), sp.Integer(5))]
    assert taylor.check_one(sp.sin(x), x, sp.Integer(0), right, 5).ok
    for i in range(3):
        wrong = list(right)
        wrong[i] = Term(wrong[i].coefficient * sp.Rational(101, 100), wrong[i].exponent)
        check = taylor.check_one(sp.sin(x), x, sp.Integer(0), wrong, 5)
        assert not check.ok
        assert all(o is not None and o < 5.5 for o in check.observed.values())


def test_the_check_observes_the_order_of_the_remainder() -> None:
    r = calctool.series("exp(x)", order=4)
    observed = r.to_dict()["check"]["observed_order"][0]
    assert all(abs(o - 5) < 0.05 for o in observed.values())


# --------------------------------------------------------------------------- --x and --table


def test_the_error_at_a_point_against_mpmath() -> None:
    r = calctool.series("cos(x)", order=4, x=0.5, table=True, digits=12)
    ev = r.to_dict()["evaluation"]
    with mpmath.workdps(30):
        true = mpmath.cos(mpmath.mpf("0.5"))
        approx = 1 - mpmath.mpf("0.5") ** 2 / 2 + mpmath.mpf("0.5") ** 4 / 24
        assert abs(ev["true_value"] - float(true)) < 1e-15
        assert abs(ev["error"] - float(true - approx)) < 1e-15
    assert abs(ev["error"]) <= ev["remainder_bound"]  # Lagrange's bound holds
    rows = r.to_dict()["table"]
    assert [row["order"] for row in rows] == list(range(5))
    for row in rows:
        k = row["order"]
        with mpmath.workdps(30):
            partial = sum((-1) ** (j // 2) * mpmath.mpf("0.5") ** j / mpmath.factorial(j)
                          for j in range(0, k + 1, 2))
            assert abs(row["error"] - float(true - partial)) < 1e-15


def test_steps_give_the_derivatives_at_the_point() -> None:
    r = calctool.series("exp(2*x)", order=3, steps=True)
    d = r.to_dict()["derivatives"]
    assert [row["value"] for row in d] == ["1", "2", "4", "8"]
    assert [row["coefficient"] for row in d] == ["1", "2", "2", "4/3"]


def test_order_1_says_it_is_the_tangent_line() -> None:
    r = calctool.series("sin(x)", at="pi/6", order=1)
    assert any("tangent line" in n for n in r.notes)


def test_other_symbols_are_constants() -> None:
    r = calctool.series("exp(a*x)", at="x=0", order=3)
    a = sp.Symbol("a", real=True)
    assert coefficients(r)[3] - a**3 / 6 == 0
    assert r.to_dict()["check_parameters"] == {"a": 0.7}


# --------------------------------------------------------------------------- CLI


def test_cli_json_is_the_api_document(cli) -> None:
    from calctool.render.json import dumps

    r = cli("series", "sin(x)", "--order", "5", "--x", "0.3", "--json")
    assert r.code == 0
    assert r.json == json.loads(dumps(calctool.series("sin(x)", order=5, x=0.3).to_dict()))
    assert isinstance(r.json["notes"], list)


def test_cli_batch_reads_one_expression_per_line(cli) -> None:
    r = cli("series", "-", "--order", "3", "--json", stdin="sin(x)\nabs(x)\nexp(x)\n")
    lines = r.json_lines
    assert [d["ok"] for d in lines] == [True, False, True]
    assert lines[2]["polynomial"] == "1 + x + x**2/2 + x**3/6"


def test_cli_latex(cli) -> None:
    r = cli("series", "sin(x)", "--order", "3", "--latex")
    assert r.code == 0 and r.stdout.strip() == \
        r"\[ \sin{\left(x \right)} = x - \frac{x^{3}}{6} + O\left(x^{4}\right) \]"


def test_cli_exit_codes(cli) -> None:
    assert cli("series", "abs(x)").code == 3
    assert cli("series", "sin(x", "--json").code == 2
    assert cli("series", "sin(x)", "--order", "40").code == 2


def test_cli_digits(cli) -> None:
    r = cli("series", "exp(x)", "--order", "2", "--x", "1", "--digits", "20")
    assert "2.7182818284590452354" in r.stdout


def test_plot_draws_f_and_its_polynomials() -> None:
    r = calctool.series("exp(x)", order=2, plot=True, plot_range="-1:1")
    data = r.to_dict()["plot"]
    labels = [s["label"] for s in data["series"]]
    assert labels == ["f(x)", "order 1", "order 2"]
    order2 = data["series"][2]
    for u, v in zip(order2["x"], order2["y"]):
        if v is not None:
            assert abs(v - (1 + u + u * u / 2)) < 1e-12
    f = data["series"][0]
    assert all(abs(v - math.exp(u)) < 1e-12 for u, v in zip(f["x"], f["y"]))
    with pytest.raises(UsageError):
        calctool.series("x*y", at="x=0,y=0", plot=True)


def test_high_order_stays_quick_when_derivatives_grow() -> None:
    """tan's 16th derivative takes sympy minutes to form: the remainder is then written
    f^(16)(xi), and the series itself is still checked and shown."""
    r = calctool.series("tan(x)", order=15, timeout=30)
    textbook = [1, sp.Rational(1, 3), sp.Rational(2, 15), sp.Rational(17, 315),
                sp.Rational(62, 2835), sp.Rational(1382, 155925), sp.Rational(21844, 6081075),
                sp.Rational(929569, 638512875)]
    assert coefficients(r) == {2 * k + 1: c for k, c in enumerate(textbook)}
    assert "Derivative(f(xi), (xi, 16))" in r.to_dict()["remainder"]


def test_series_plot_window_flags_as_the_other_plotting_commands(cli) -> None:
    """--range without --plot is a usage error (it was silently ignored); --ylim sets the
    y-window as in diff, tangent, limit, integrate and plot."""
    bare = cli("series", "sin(x)", "--range", "-1:1")
    assert bare.code == 2 and "--range" in bare.stderr
    assert cli("series", "sin(x)", "--ylim", "-1:1").code == 2
    r = cli("series", "sin(x)", "--order", "3", "--plot", "--range", "-6:6", "--ylim", "-2:2",
            "--json")
    assert r.code == 0, r.stdout
    assert r.json["plot"]["xlim"] == [-6, 6] and r.json["plot"]["ylim"] == [-2, 2]


def test_no_lagrange_bound_across_a_pole() -> None:
    """tan has a pole at pi/2, between 0 and 2: f^(4) is unbounded on [0, 2], so there is
    no finite Lagrange bound (textbook: the theorem needs f^(N+1) continuous on [a, X]).
    A number from sampling the finite points would be a false bound."""
    ev = calctool.series("tan(x)", order=3, x=2).to_dict()["evaluation"]
    assert ev["remainder_bound"] is None
    assert ev["true_value"] == pytest.approx(float(mpmath.tan(2)), rel=1e-14)
    ev = calctool.series("tan(x)", order=3, x=1).to_dict()["evaluation"]  # no pole in [0, 1]
    assert ev["remainder_bound"] is not None and abs(ev["error"]) <= ev["remainder_bound"]


def test_a_case_of_the_parameters_is_checked_too(cli) -> None:
    """|x - a| about x = 0: sympy answers by cases, and its case a = 0 is the series 0,
    but |x| has no Taylor series at 0 (a corner; textbook). The case must not be shown
    unchecked: either every case passes the numeric check or the answer is refused."""
    r = cli("series", "abs(x-a)", "--at", "x=0", "--order", "2", "--json")
    if r.code == 0:
        assert "Eq(a, 0)" not in r.json["result"]
    else:
        assert r.code == 3 and "a = 0" in r.json["error"]["message"]
    d = calctool.series("exp(a*x)", at={"x": 0}, order=3).to_dict()  # no cases: unchanged
    assert d["ok"] is True
