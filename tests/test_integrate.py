"""integrate: antiderivatives checked before they are shown, definite integrals split at
singularities and cross-checked, steps, Riemann sums, errors.

Expected values come from outside calctool: hand-written mpmath integrands, mpmath
quadrature and numeric differentiation, textbook facts.
"""

from __future__ import annotations

import json
import random

import mpmath
import pytest
import sympy as sp

import calctool
from calctool.core.engines import integrals as ig
from calctool.core.errors import ComputeError, UsageError

X = sp.Symbol("x", real=True)


def _derivative_matches(antiderivative: str, f, points=(-2.3, -0.7, -0.2, 0.3, 0.9, 1.7)):
    """F' (numeric, mpmath.diff of F read back by sympy) = f (a hand-written mpmath
    function) wherever both have real values; at least 3 such points."""
    prim = sp.lambdify(X, sp.parse_expr(antiderivative, local_dict={"x": X}), "mpmath")
    compared = 0
    with mpmath.workdps(30):
        for t in points:
            t = mpmath.mpf(t)
            try:
                fv = f(t)
                dv = mpmath.diff(prim, t)
            except (ValueError, ZeroDivisionError):
                continue
            if mpmath.im(fv) or mpmath.im(dv):
                continue
            assert abs(dv - fv) < 1e-15 * max(1, abs(fv)), (t, dv, fv)
            compared += 1
    assert compared >= 3


# --------------------------------------------------------------------------- must show

INDEFINITE = [
    ("x^2*exp(x)", lambda t: t**2 * mpmath.exp(t)),
    ("1/x", lambda t: 1 / t),
    ("1/(x^2+1)", lambda t: 1 / (t**2 + 1)),
    ("sin(x)^2", lambda t: mpmath.sin(t) ** 2),
    ("x/sqrt(1-x^2)", lambda t: t / mpmath.sqrt(1 - t**2) if abs(t) < 1 else mpmath.mpc(0, 1)),
]


@pytest.mark.parametrize(("text", "f"), INDEFINITE, ids=[t for t, _ in INDEFINITE])
def test_must_show_antiderivatives_are_verified(cli, text: str, f) -> None:
    r = cli("integrate", text, "--json")
    assert r.code == 0, r.stderr
    d = r.json
    assert d["definite"] is False and d["constant"] == "C"
    assert len(d["verification"]["points"]) >= 3
    assert d["verification"]["max_rel_error"] < 1e-12
    _derivative_matches(d["result"], f)


def test_one_over_x_is_log_abs_and_says_so(cli) -> None:
    d = cli("integrate", "1/x", "--json").json
    assert d["result"] == "log(Abs(x))"
    assert any("ln|u|" in n for n in d["notes"])
    # real on both sides of 0: the derivative matches at negative x too
    _derivative_matches(d["result"], lambda t: 1 / t, points=(-3, -1.5, -0.1))


def test_log_keeps_its_domain(cli) -> None:
    """ln x is defined for x > 0 only: x ln x - x, not x ln|x| - x."""
    assert cli("integrate", "log(x)", "--json").json["result"] == "x*log(x) - x"


def test_gaussian_over_the_line_is_sqrt_pi(cli) -> None:
    d = cli("integrate", "exp(-x^2)", "--from", "-oo", "--to", "oo", "--json").json
    assert d["converges"] is True and d["result"] == "sqrt(pi)" and d["numeric"] is False
    assert abs(d["value"] - float(mpmath.sqrt(mpmath.pi))) < 1e-15
    assert d["check"]["agrees"] is True
    assert abs(d["check"]["value"] - d["value"]) < 1e-12


def test_pole_inside_diverges_not_minus_two(cli) -> None:
    r = cli("integrate", "1/x^2", "--from", "-1", "--to", "1", "--json")
    assert r.code == 0
    d = r.json
    assert d["converges"] is False and d["result"] is None and d["value"] is None
    assert d["split_points"] == ["0"]
    v = d["divergence"]
    assert v["point"] == "0" and v["inside"] is True and v["behaviour"] == "oo"
    # the evidence: partial integrals from -1 up to -h are 1/h - 1, running away
    for row in v["evidence"]:
        assert row["partial_integral"] == pytest.approx(1 / row["step"] - 1, rel=1e-9)
    text = cli("integrate", "1/x^2", "--from", "-1", "--to", "1").stdout
    line = next(ln for ln in text.splitlines() if ln.startswith("∫"))
    assert line.endswith("= diverges")


def test_sinc_has_a_numeric_value_with_an_error_estimate(cli) -> None:
    d = cli("integrate", "sin(x)/x", "--from", "0", "--to", "1", "--json").json
    assert d["numeric"] is True and d["closed_form"] is False
    assert d["exact"] == "Si(1)"
    with mpmath.workdps(30):
        truth = mpmath.quad(lambda t: mpmath.sin(t) / t, [0, 1])
    assert 0 < d["error_estimate"] < 1e-15
    assert abs(d["value"] - float(truth)) < 1e-15
    assert d["result"] == d["value_text"] and d["value_text"].startswith("0.94608307036718")
    assert "numeric" in d["numeric_reason"] or "special" in d["numeric_reason"]


# --------------------------------------------------------------------------- definite

@pytest.mark.parametrize(("f", "a", "b", "truth"), [
    ("x^2", "1", "0", -1 / 3),  # reversed bounds
    ("1/sqrt(x)", "0", "1", 2.0),  # integrable singularity at an end
    ("1/sqrt(abs(x))", "-1", "1", 4.0),  # ... and inside
    ("log(abs(x))", "-1", "1", -2.0),
    ("1/(2+cos(x))", "0", "2*pi", float(2 * mpmath.pi / mpmath.sqrt(3))),
    ("sin(x)/x", "0", "oo", float(mpmath.pi / 2)),
    ("1/x", "-2", "-1", -float(mpmath.log(2))),
])
def test_definite_values(cli, f: str, a: str, b: str, truth: float) -> None:
    d = cli("integrate", f, "--from", a, "--to", b, "--json").json
    assert d["converges"] is True
    assert d["value"] == pytest.approx(truth, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize(("f", "a", "b", "point", "inside"), [
    ("1/x", "0", "1", "0", False),
    ("1/x", "1", "oo", "oo", False),
    ("tan(x)", "0", "pi", "pi/2", True),
    ("sin(x)", "0", "oo", "oo", False),
    ("1/x", "-1", "1", "0", True),  # no principal value
])
def test_divergent(cli, f: str, a: str, b: str, point: str, inside: bool) -> None:
    r = cli("integrate", f, "--from", a, "--to", b, "--json")
    assert r.code == 0
    v = r.json["divergence"]
    assert r.json["converges"] is False and v["point"] == point and v["inside"] is inside


def test_no_antiderivative_numeric_answer(cli) -> None:
    d = cli("integrate", "sin(sin(x))", "--from", "0", "--to", "1", "--json").json
    with mpmath.workdps(30):
        truth = mpmath.quad(lambda t: mpmath.sin(mpmath.sin(t)), [0, 1])
    assert d["numeric"] is True and d["exact"] is None
    assert abs(d["value"] - float(truth)) < 1e-14
    assert d["numeric_reason"]


def test_symbolic_bounds(cli) -> None:
    d = cli("integrate", "a*x^2", "--wrt", "x", "--from", "0", "--to", "b", "--json").json
    a, b = sp.symbols("a b", real=True)
    assert sp.simplify(sp.sympify(d["result"], locals={"a": a, "b": b}) - a * b**3 / 3) == 0
    assert any("quadrature agrees" in n for n in d["notes"])


def test_not_real_on_part_of_the_interval(cli) -> None:
    r = cli("integrate", "sqrt(x)", "--from", "-1", "--to", "1", "--json")
    assert r.code == 3 and r.json["error"]["code"] == "undefined"
    assert "[-1, 0)" in r.json["error"]["message"]


def test_digits(cli) -> None:
    d = cli("integrate", "exp(-x^2)", "--from", "-oo", "--to", "oo", "--digits", "5",
            "--json").json
    assert d["value_text"] == "1.7725"


# --------------------------------------------------------------------------- never wrong

def test_a_wrong_antiderivative_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sp, "integrate", lambda _f, x: sp.sin(x) * x)
    with pytest.raises(ig.NotVerified) as info:
        calctool.integrate("x*cos(x)")
    assert info.value.exit_status == 3 and "does not check out" in info.value.message
    assert {"derivative", "integrand", "at"} <= set(info.value.details)


def test_unevaluated_integral_is_exit_3(cli) -> None:
    r = cli("integrate", "sin(sin(x))", "--json")
    assert r.code == 3 and r.json["error"]["code"] == "no_closed_form"


def test_disagreeing_quadrature_is_exit_3_with_both_numbers(
        cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ig, "quadrature", lambda *_args: (0.5, 1e-20, "0.5"))
    r = cli("integrate", "x^2", "--from", "0", "--to", "1", "--json")
    assert r.code == 3
    e = r.json["error"]
    assert e["code"] == "not_verified" and e["quadrature"] == 0.5 and e["exact"] == "1/3"


# --------------------------------------------------------------------------- steps

def _nodes(node: dict) -> list[dict]:
    out = [node]
    for s in node["substeps"]:
        out.extend(_nodes(s))
    return out


@pytest.mark.parametrize(("text", "rule"), [
    ("x^2*exp(x)", "parts"),
    ("x/sqrt(1-x^2)", "substitution"),
    ("1/(x^2-1)", "partial_fractions"),
    ("sin(x)^2", "trig_identity"),
    ("1/(x^2+1)", "table"),
    ("exp(x)*sin(x)", "cyclic_parts"),
    ("3*x^2 + 2*x + 1", "sum"),
])
def test_steps_are_a_real_derivation(cli, text: str, rule: str) -> None:
    r = cli("integrate", text, "--steps", "--json")
    assert r.code == 0
    root = r.json["steps"]
    assert root["rule"] == "integrate" and root["result"] == r.json["result"]
    nodes = _nodes(root)
    assert rule in {n["rule"] for n in nodes}
    dump = json.dumps(root)
    assert "Rule(" not in dump and "_u" not in dump  # no sympy reprs, no dummies
    rng = random.Random(7)
    for n in nodes:  # every node: d/dvar result = expression (rewrite: up to a constant)
        var = sp.Symbol(n["variable"], real=True)
        names = {n["variable"]: var, "x": X}
        result = sp.parse_expr(n["result"], local_dict=names)
        target = sp.parse_expr(n["expression"], local_dict=names)
        if n["rule"] == "rewrite":
            result, target = sp.diff(result, var), sp.diff(target, var)
        else:
            result = sp.diff(result, var)
        checked = 0
        for _ in range(30):
            t = sp.Float(rng.uniform(-0.95, 0.95), 30)
            a, b = complex(sp.N(result.subs(var, t), 30)), complex(sp.N(target.subs(var, t), 30))
            if a.imag or b.imag:
                continue
            assert abs(a - b) < 1e-12 * max(1, abs(b)), (n["rule"], n["expression"], t)
            checked += 1
            if checked == 3:
                break


def test_parts_names_u_and_dv(cli) -> None:
    root = cli("integrate", "x*log(x)", "--steps", "--json").json["steps"]
    parts = next(n for n in _nodes(root) if n["rule"] == "parts")["parts"]
    assert parts["u"] == "log(x)" and parts["dv"] == "x"


def test_substitution_names_u(cli) -> None:
    root = cli("integrate", "x/sqrt(1-x^2)", "--steps", "--json").json["steps"]
    sub = next(n for n in _nodes(root) if n["rule"] == "substitution")["substitution"]
    assert sub == {"variable": "u", "expression": "1 - x**2"}


def test_steps_text_and_latex(cli) -> None:
    out = cli("integrate", "x^2*exp(x)", "--steps").stdout
    assert "integration by parts" in out and "int(x**2*exp(x)) dx" in out
    tex = cli("integrate", "x^2*exp(x)", "--steps", "--latex").stdout
    assert "\\begin{aligned}" in tex and "\\int" in tex and "+ C" in tex


# --------------------------------------------------------------------------- Riemann

@pytest.mark.parametrize(("method", "order"), [
    ("left", 1), ("right", 1), ("mid", 2), ("trapezoid", 2), ("simpson", 4)])
def test_riemann_orders(cli, method: str, order: int) -> None:
    d = cli("integrate", "exp(x)", "--from", "0", "--to", "1", "--riemann", method,
            "--n", "4,8,16,32", "--json").json["riemann"]
    assert d["expected_order"] == order
    assert d["observed_order"] == pytest.approx(order, abs=0.1)
    e = mpmath.e - 1
    n = 4
    h = mpmath.mpf(1) / n
    by_hand = {"left": h * sum(mpmath.exp(i * h) for i in range(n)),
               "right": h * sum(mpmath.exp(i * h) for i in range(1, n + 1)),
               "mid": h * sum(mpmath.exp((i + 0.5) * h) for i in range(n)),
               "trapezoid": h * (sum(mpmath.exp(i * h) for i in range(1, n)) + (1 + mpmath.e) / 2),
               "simpson": h / 3 * (1 + mpmath.e + 4 * (mpmath.exp(h) + mpmath.exp(3 * h))
                                   + 2 * mpmath.exp(2 * h))}[method]
    assert d["rows"][0]["sum"] == pytest.approx(float(by_hand), rel=1e-14)
    assert d["rows"][0]["error"] == pytest.approx(float(by_hand - e), rel=1e-9)


@pytest.mark.parametrize("args", [
    ["x^2", "--riemann", "mid"],  # no bounds
    ["x^2", "--from", "0", "--to", "1", "--riemann", "bogus"],
    ["x^2", "--from", "0", "--to", "1", "--riemann", "simpson", "--n", "3"],
    ["1/x^2", "--from", "-1", "--to", "1", "--riemann", "mid"],  # diverges
    ["x^2", "--from", "0", "--to", "oo", "--riemann", "mid"],
    ["x^2", "--from", "0"],  # one bound
    ["x*y"],  # which variable?
    ["x^2", "--from", "x", "--to", "1"],
])
def test_usage_errors(cli, args: list[str]) -> None:
    r = cli("integrate", *args, "--json")
    assert r.code == 2, r.stdout
    assert r.json["ok"] is False


def test_parse_error_has_a_caret(cli) -> None:
    r = cli("integrate", "x^2 + )")
    assert r.code == 2 and "^" in r.stderr


# --------------------------------------------------------------------------- batch, API, ascii

def test_batch(cli) -> None:
    r = cli("integrate", "-", "--json", stdin="x^2\ncos(x)\nbad)\n")
    lines = r.json_lines
    assert [d["ok"] for d in lines] == [True, True, False]
    assert lines[0]["result"] == "x**3/3" and lines[1]["result"] == "sin(x)"


def test_api() -> None:
    r = calctool.integrate("x^2", lower=0, upper=sp.Rational(1, 2))
    assert r.to_dict()["result"] == "1/24"
    assert calctool.integrate(sp.cos(X)).to_dict()["result"] == "sin(x)"
    with pytest.raises(UsageError):
        calctool.integrate("x^2", lower=0)
    with pytest.raises(ComputeError):
        calctool.integrate("sin(sin(x))")
    assert "\\int" in r._repr_latex_()


def test_ascii_output_is_ascii(cli) -> None:
    for args in (["1/x"], ["1/x^2", "--from", "-1", "--to", "1"], ["x^2*exp(x)", "--steps"]):
        out = cli("integrate", *args, "--ascii", tty=True).stdout
        assert out.isascii(), out


# --------------------------------------------------------------------------- kinks, jumps

@pytest.mark.parametrize(("f", "a", "b", "truth"), [
    ("abs(x)", "-1", "1", 1.0),
    ("floor(x)", "0", "3", 3.0),  # 0 + 1 + 2
    ("sign(x)", "-1", "2", 1.0),
    ("max(x, x^2)", "-1", "2", 19 / 6),  # x^2 on [-1,0] and [1,2], x on [0,1]
    ("cbrt(x)", "-1", "8", 45 / 4),  # odd roots are real: -3/4 + 12
])
def test_kinks_and_jumps(cli, f: str, a: str, b: str, truth: float) -> None:
    d = cli("integrate", f, "--from", a, "--to", b, "--json").json
    assert d["converges"] is True
    assert d["value"] == pytest.approx(truth, rel=1e-12)
    if not d["numeric"]:
        assert d["check"]["error_estimate"] < 1e-12


def test_symbolic_bound_to_infinity_can_diverge(cli) -> None:
    r = cli("integrate", "x", "--wrt", "x", "--from", "a", "--to", "oo", "--json")
    assert r.code == 0 and r.json["converges"] is False
    assert r.json["divergence"]["point"] == "oo"


def test_timeout_names_the_limit(cli) -> None:
    r = cli("integrate", "exp(sin(x))*x^3/(1+x^7)", "--timeout", "0.5", "--json")
    assert r.code == 3 and r.json["error"]["code"] == "timeout"
    assert "--timeout" in r.json["error"]["hint"]


def test_plot_data(cli) -> None:
    d = cli("integrate", "1/x^2", "--from", "-1", "--to", "1", "--plot", "--json").json
    labels = [s["label"] for s in d["plot"]["series"]]
    assert labels == ["f(x)", "area from -1 to 1"]  # y = 0 is the axis the plot draws
    area = d["plot"]["series"][1]
    inside = [y for x, y in zip(area["x"], area["y"]) if -1 <= x <= 1 and y is not None]
    outside = [y for x, y in zip(area["x"], area["y"]) if not -1 <= x <= 1]
    assert inside and all(y is None for y in outside)
    assert None in d["plot"]["series"][0]["y"]  # the curve breaks at the pole
    d = cli("integrate", "x^2", "--plot", "--range", "0:2", "--json").json
    assert [s["label"] for s in d["plot"]["series"]] == ["f(x)", "F(x), C = 0"]


def test_divergence_without_an_antiderivative(cli) -> None:
    """sin(sin x)/x² ~ 1/x at 0: no closed form, yet surely divergent (comparison)."""
    r = cli("integrate", "sin(sin(x))/x^2", "--from", "0", "--to", "1", "--json")
    assert r.code == 0 and r.json["converges"] is False
    v = r.json["divergence"]
    assert v["point"] == "0" and "comparison" in v["reason"]
    rows = v["evidence"]  # ∫ from h to 1 grows like ln(1/h)
    assert rows[-1]["partial_integral"] - rows[-2]["partial_integral"] == pytest.approx(
        float(mpmath.log(100)), rel=1e-3)
    d = cli("integrate", "sin(sin(x))/sqrt(x)", "--from", "0", "--to", "1", "--json").json
    with mpmath.workdps(30):
        truth = mpmath.quad(lambda t: mpmath.sin(mpmath.sin(t)) / mpmath.sqrt(t), [0, 1])
    assert d["converges"] is True and d["value"] == pytest.approx(float(truth), rel=1e-14)


# --- the picture: the signed area shaded, the sum's shapes -----------------------------


def test_plot_shades_the_area_and_draws_the_riemann_shapes(cli) -> None:
    d = cli("integrate", "x^2", "--from", "0", "--to", "1", "--riemann", "left",
            "--n", "4,8", "--plot", "--json").json
    series = d["plot"]["series"]
    assert [s["style"] for s in series] == ["solid", "area", "solid"]
    area = series[1]
    inside = [x for x, y in zip(area["x"], area["y"]) if y is not None]
    assert min(inside) >= 0 and max(inside) <= 1  # shaded only between the bounds
    rect = series[2]
    assert rect["label"] == "left sum, n = 4"  # the coarsest sum: its rectangles show
    tops = {round(y, 12) for y in rect["y"] if y}
    assert tops == {0.0625, 0.25, 0.5625}  # f(0), f(1/4), f(1/2), f(3/4): left heights


def test_hatch_strokes_go_from_the_axis_to_the_curve_and_skip_gaps() -> None:
    from calctool.render.plot import hatch

    xs = [0.0, 1.0, 2.0, 3.0, 4.0]
    ys = [1.0, -1.0, None, 2.0, 2.0]
    strokes = hatch(xs, ys, (0.0, 4.0), (-5.0, 5.0), width_px=12)
    assert strokes
    for (x0, x1), (lo, hi) in strokes:
        assert x0 == x1 and (lo == 0.0 or hi == 0.0)  # vertical, from the axis
        assert not 1.0 < x0 < 3.0  # no stroke across the gap between x = 1 and x = 3


def test_parts_says_which_integral_each_substep_is(cli) -> None:
    """x*exp(x): v = ∫ exp(x) dx and ∫ v du = ∫ exp(x) dx are the same integral; the two
    substeps say which is which instead of looking like a repeated step."""
    root = cli("integrate", "x*exp(x)", "--steps", "--json").json["steps"]
    parts = next(n for n in _nodes(root) if n["rule"] == "parts")
    notes = [s["note"] for s in parts["substeps"]]
    assert notes[0].startswith("v = ∫ dv") and notes[1].startswith("the ∫ v du"), notes
    assert "v = ∫ dv" in cli("integrate", "x*exp(x)", "--steps").stdout


def test_a_sympy_message_in_an_error_is_one_line(cli) -> None:
    """sympy's "\\nUnable to determine the domain ..." is quoted without its line break."""
    r = cli("integrate", "gamma(x)", "--from", "1", "--to", "2")
    assert r.code == 3
    assert "(Unable to determine" in r.stderr, r.stderr


def test_parameter_that_decides_convergence_is_never_a_confident_divergence(cli) -> None:
    """∫_0^∞ e^(-a x) dx is 1/a for a > 0 and diverges for a ≤ 0 (textbook): with a of
    unknown sign, "diverges" (exit 0) would be wrong for every a > 0."""
    r = cli("integrate", "exp(-a*x)", "--wrt", "x", "--from", "0", "--to", "oo", "--json")
    assert r.code == 3, r.stdout
    assert r.json["error"]["code"] == "cannot_decide"
    assert "a" in r.json["error"]["message"]
    with mpmath.workdps(30):  # the evidence: a = 2 converges (to 1/2)
        assert mpmath.quad(lambda t: mpmath.exp(-2 * t), [0, mpmath.inf]) == pytest.approx(0.5)


def test_antiderivative_is_checked_beyond_the_first_periods(cli) -> None:
    """∫|sin x| dx: sympy's Piecewise((cos x, x <= 0), (2 - cos x, x <= pi), (cos x + 4, True))
    has derivative -sin x for x > pi, which is -|sin x| on (2pi, 3pi): it must not be shown.
    Whatever is shown must have |sin t| as its derivative far from 0 (mpmath.diff)."""
    r = cli("integrate", "abs(sin(x))", "--json")
    if r.code == 0:
        _derivative_matches(r.json["result"], lambda t: abs(mpmath.sin(t)),
                            points=(-7.5, -4.1, 0.7, 4.0, 7.3, 13.1))
    else:
        assert r.code == 3 and r.json["error"]["code"] == "not_verified"


def test_an_irrational_end_is_not_rounded_to_a_double() -> None:
    """∫_0^{π/2} √(tan x) dx = π/√2 (textbook, and mpmath). √tan blows up like
    (π/2 - x)^(-1/2) at the end: stopping at float(π/2), 6e-17 short, loses 2·√6e-17 ≈
    1.6e-8, far more than the error estimate shown."""
    d = calctool.integrate("sqrt(tan(x))", lower=0, upper=sp.pi / 2).to_dict()
    with mpmath.workdps(30):
        truth = mpmath.pi / mpmath.sqrt(2)
        quad = mpmath.quad(lambda t: mpmath.sqrt(mpmath.tan(t)), [0, mpmath.pi / 4, mpmath.pi / 2])
        assert abs(truth - quad) < 1e-14
    assert d["converges"] is True
    assert abs(d["value"] - float(truth)) < 1e-14
    assert abs(d["value"] - float(truth)) <= max(d["error_estimate"] or 0, 1e-15)


def test_an_essential_singularity_at_an_end_is_not_a_crash(cli) -> None:
    """exp(-tan x) → 0 as x → pi/2 from below (∫_0^{pi/2} = 0.62144962423581335764 by mpmath);
    exp(tan x) grows faster than any power there: diverges. sympy's leading term raises
    PoleError at such a point: an answer or exit 3, never an internal error (70)."""
    with mpmath.workdps(30):
        truth = mpmath.quad(lambda t: mpmath.exp(-mpmath.tan(t)), [0, mpmath.pi / 2])
    r = cli("integrate", "exp(-tan(x))", "--from", "0", "--to", "pi/2", "--json")
    assert r.code in (0, 3), r.stderr
    if r.code == 0:
        assert r.json["value"] == pytest.approx(float(truth), rel=1e-12)
    r = cli("integrate", "exp(tan(x))", "--from", "0", "--to", "pi/2", "--json")
    assert r.code in (0, 3), r.stderr
    if r.code == 0:
        assert r.json["converges"] is False


# --- a symbolic bound: for which values the formula holds -------------------------------


@pytest.mark.parametrize(("f", "lo", "hi", "condition", "inside"), [
    ("1/x", "-1", "b", "b < 0", -0.5),          # [-1, b] crosses the pole at 0 for b > 0
    ("1/x", "1", "b", "b > 0", 3.0),
    ("1/(x^2-1)", "0", "b", "-1 < b < 1", 0.5),
])
def test_a_symbolic_bound_says_where_the_formula_holds(cli, f, lo, hi, condition,
                                                       inside) -> None:
    """F(b) - F(a) is the integral only while [a, b] reaches no pole: the note names the
    values of b, and the value there agrees with mpmath quadrature (not calctool's)."""
    d = cli("integrate", f, "--from", lo, "--to", hi, "--json").json
    assert any(f"holds for {condition} only" in n for n in d["notes"]), d["notes"]
    exact = sp.sympify(d["result"])
    g = sp.lambdify(sp.Symbol("x"), sp.sympify(f.replace("^", "**")), "mpmath")
    want = mpmath.quad(g, [float(lo), inside])
    assert float(exact.subs(sp.Symbol("b"), inside)) == pytest.approx(float(want), rel=1e-12)


def test_a_bound_of_a_continuous_integrand_holds_for_every_value(cli) -> None:
    d = cli("integrate", "x^2", "--from", "0", "--to", "b", "--json").json
    assert any("holds for every b" in n for n in d["notes"]), d["notes"]
