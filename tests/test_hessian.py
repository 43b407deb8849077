"""hessian: the matrix, the second-derivative test, critical points, finite differences.

Most tests call the operation in-process and assert on the result's fields; what a
person reads is checked on the renderers' text. Through the command line: what the CLI
decides (which mode the flags ask for, flag combinations, --func and its point flags,
batches, exit codes and error objects), and one JSON contract test.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import calctool
from calctool.core.engines import usercode as uc
from calctool.core.errors import CalcError, ComputationTimeout, UsageError
from calctool.core.ops.hessian import (
    HessianOptions,
    classify,
    hessian,
    hessian_expression,
    hessian_function,
)
from calctool.core.results.hessian import HessianResult

FIXTURES = Path(__file__).parent / "fixtures"
MLP = str(FIXTURES / "mlp.py")
BASE_KEYS = {"ok", "command", "input", "expression"}

mlp = uc.load_module(Path(MLP))


def bowl(p: np.ndarray) -> float:
    return float(np.sum(p**2))


def quartic(p: np.ndarray) -> float:
    return float(np.sum(p**4))


def saddle(v: np.ndarray) -> float:
    return float(v[0] ** 2 - v[1] ** 2 + v[0] * v[1])


def shown(result: HessianResult) -> str:
    """What the command prints for this result to a pipe (the plain renderer)."""
    from calctool.render import plain
    from calctool.render.report import build_report

    out = io.StringIO()
    plain.render(build_report(result), out)
    return out.getvalue()


def latex(result: HessianResult) -> str:
    """What --latex prints for this result."""
    from calctool.render import latex as latex_renderer
    from calctool.render.report import build_report

    out = io.StringIO()
    latex_renderer.render(build_report(result), out)
    return out.getvalue()


# --------------------------------------------------------------------------- classification


CASES = [
    ("x^2 + y^2", "local minimum", [2, 2], 4, "positive definite"),
    ("-x^2 - y^2", "local maximum", [-2, -2], 4, "negative definite"),
    ("x^2 - y^2", "saddle point", [-2, 2], -4, "indefinite"),
    ("x^4 + y^4", "inconclusive", [0, 0], 0, "zero"),
]


@pytest.mark.parametrize(("expr", "kind", "eigenvalues", "det", "definiteness"), CASES,
                         ids=[c[1] for c in CASES])
def test_classification_at_the_origin(expr: str, kind: str, eigenvalues: list[int],
                                      det: int, definiteness: str) -> None:
    r = hessian(expr, at="x=0,y=0")
    d = r.to_dict()
    assert d["classification"] == kind
    assert d["eigenvalues"] == eigenvalues and d["determinant"] == det
    assert d["definiteness"] == definiteness and d["exact"] is True
    assert d["critical"] is True and d["gradient"] == [0, 0]
    assert f"classification = {kind}" in shown(r)


def test_inconclusive_explains_why() -> None:
    text = shown(hessian("x^4 + y^4", at="x=0,y=0"))
    assert "inconclusive: 2 eigenvalues are 0" in text
    assert "second-derivative test cannot decide" in text


def test_not_a_critical_point_is_said() -> None:
    r = hessian("x^2 + y^2", at="x=1,y=2")
    assert r.critical is False and r.gradient == (2.0, 4.0)
    assert r.curvature is not None
    assert r.curvature.classification == "local minimum"  # the curvature, as the field says
    text = shown(r)
    assert "classification = not a critical point (∇f ≠ 0)" in text
    assert "curvature      = positive definite: f curves up in every direction" in text
    # no line calls the point a minimum: "local minimum" appears only as a conditional
    assert "local minimum:" not in text
    assert "would make a local minimum" in text


def test_exact_zero_eigenvalue_and_mixed_signs() -> None:
    one = classify(sp.ImmutableMatrix([[1, 1], [1, 1]]), np.array([[1.0, 1.0], [1.0, 1.0]]))
    assert one.exact and one.zero == 1 and one.positive == 1
    assert one.classification == "inconclusive" and one.definiteness == "positive semidefinite"
    assert one.eigenvalues == (0.0, 2.0)  # the exact zero, not rounding noise
    mixed = classify(sp.ImmutableMatrix(sp.diag(1, -1, 0)), np.diag([1.0, -1.0, 0.0]))
    assert mixed.classification == "saddle point"  # indefinite decides, whatever the zero
    tiny = classify(sp.ImmutableMatrix([[sp.Rational(1, 10**30), 0], [0, 1]]),
                    np.array([[1e-30, 0.0], [0.0, 1.0]]))
    assert tiny.classification == "local minimum"  # exact: 1e-30 is not zero


def test_numeric_zero_uses_a_scaled_tolerance() -> None:
    h = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-15]])
    assert classify(None, h).classification == "inconclusive"
    assert classify(None, np.array([[2.0, 0.0], [0.0, 1e-3]])).classification == "local minimum"
    # a finite-difference error estimate widens what counts as zero
    near = classify(None, np.array([[2.0, 0.0], [0.0, 1e-7]]), error=1e-7)
    assert near.classification == "inconclusive" and near.zero_tolerance == pytest.approx(1e-6)


def test_irrational_point_is_classified_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # closed-form eigenvalues have a time budget; a loaded machine must not drop them here
    monkeypatch.setattr("calctool.core.ops.hessian.EIGEN_SECONDS", 60.0)
    d = hessian("x^2*y + y^3", at="x=sqrt(2),y=pi").to_dict()
    assert d["exact"] is True and d["classification"] == "local minimum"
    assert len(d["eigenvalues_exact"]) == 2


# --------------------------------------------------------------------------- critical points


def test_critical_points_of_the_lecture_example() -> None:
    r = hessian("x^3 - 3*x + y^2", critical=True)
    d = r.to_dict()
    points = {(p["point"]["x"], p["point"]["y"]): p for p in d["critical_points"]}
    assert set(points) == {(1.0, 0.0), (-1.0, 0.0)}
    assert points[(1.0, 0.0)]["classification"] == "local minimum"
    assert points[(-1.0, 0.0)]["classification"] == "saddle point"
    assert points[(1.0, 0.0)]["eigenvalues"] == [2, 6]
    assert points[(-1.0, 0.0)]["value"] == 2
    assert d["complete"] is True and d["families"] == []
    text = shown(r)
    assert "2 critical points" in text
    assert "local minimum" in text and "saddle point" in text


def test_critical_points_with_irrational_eigenvalues_and_exp_factor() -> None:
    r = hessian("x*y*exp(-x^2 - y^2)", critical=True)
    assert r.critical_points is not None
    kinds = sorted(p.curvature.classification for p in r.critical_points)
    assert kinds == ["local maximum"] * 2 + ["local minimum"] * 2 + ["saddle point"]
    assert r.complete is True  # exp(...) is never 0: the equations are polynomial


def test_infinitely_many_critical_points_are_said() -> None:
    r = hessian("(x - y)^2", critical=True)
    assert r.critical_points == () and r.families == ("x = y (y any real number)",)
    text = shown(r)
    assert "infinitely many critical points" in text
    assert "solutions = infinitely many: 1 family of critical points" in text
    assert "0 critical points" not in text
    r = hessian("sin(x)", critical=True)
    assert r.complete is False and "n any integer" in r.families[0]
    assert r.critical_points is not None
    assert {p.curvature.classification for p in r.critical_points} == {"local maximum",
                                                                      "local minimum"}


def test_only_real_critical_points_are_listed() -> None:
    d = hessian("x^4/4 + x^2/2 + y^2", critical=True).to_dict()  # x = ±i too
    assert [p["point"] for p in d["critical_points"]] == [{"x": 0.0, "y": 0.0}]
    assert d["complete"] is True


def test_no_critical_points() -> None:
    r = hessian("exp(x) + y", critical=True)
    assert r.critical_points == () and r.complete is True
    assert "none: ∇f = 0 has no real solution" in shown(hessian("exp(x)", critical=True))


def test_critical_with_parameters_fixed_by_at() -> None:
    d = hessian("x^2 + a*y^2", variables="x,y", critical=True, at="a=-1").to_dict()
    assert d["critical_points"][0]["classification"] == "saddle point"
    assert d["parameters"] == {"a": -1.0}
    with pytest.raises(UsageError) as info:
        hessian("x^2 + a*y^2", variables="x,y", critical=True)
    assert info.value.code == "missing_variable" and info.value.exit_status == 2


def test_a_family_of_critical_points_says_where_it_is_real() -> None:
    r = hessian("(x^2 + y^2 - 1)^2", critical=True)
    assert sorted(r.families) == ["y = -sqrt(1 - x**2) (x in [-1, 1])",
                                  "y = sqrt(1 - x**2) (x in [-1, 1])"]


def test_solver_time_limit_is_an_error_with_a_hint() -> None:
    f = "x^7*y^5 - 3*x^4*y^6 + x^3*y - 7*x*y^8 + y^9 - 2*x^9 + x*y"
    try:
        hessian(f, critical=True, timeout=0.5)
    except ComputationTimeout as exc:
        assert exc.code == "timeout" and exc.exit_status == 3
        if "solving ∇f = 0" in exc.message:  # (else the limit struck before the solver)
            assert exc.hint is not None and "raise the limit with timeout=SECONDS" in exc.hint
    else:
        pytest.skip("sympy solved it within the limit on this machine")


# --------------------------------------------------------------------------- numeric


def test_numeric_hessian_beside_the_symbolic_one() -> None:
    r = hessian("exp(x)*sin(y) + x^2*y", at="x=0.3,y=-0.7", numeric=True)
    d = r.to_dict()
    assert d["numeric"] is True and d["max_difference"] < 1e-6
    assert d["numeric_evaluations"] > 0 and d["numeric_error"] < 1e-5
    h = np.array(d["numeric_values"])
    assert np.allclose(h, h.T, rtol=0, atol=0)  # exactly symmetric
    assert np.allclose(h, np.array(d["values"]), atol=1e-6)
    text = shown(r)
    assert "finite-difference H" in text and "largest difference" in text


@pytest.mark.parametrize(("f", "at", "kind"), [
    (bowl, [1, 2, 3], "local minimum"), (saddle, [0, 0], "saddle point"),
    (quartic, [0, 0], "inconclusive")])
def test_python_functions_are_classified_by_finite_differences(f: Any, at: list[int],
                                                               kind: str) -> None:
    d = hessian(f, at=at).to_dict()
    assert d["classification"] == kind
    assert d["expression"] is None and d["exact"] is False and d["input"] == f.__name__
    assert len(d["matrix"]) == len(at)
    assert all(isinstance(v, str) for row in d["matrix"] for v in row)
    if f is quartic:
        assert d["critical"] is True
        assert d["zero_tolerance"] > max(abs(e) for e in d["eigenvalues"])
    if f is bowl:
        assert d["critical"] is False and d["values"] == pytest.approx(2 * np.eye(3), abs=1e-6)


def test_the_hessian_of_the_mlp_from_an_array() -> None:
    theta = np.random.default_rng(0).standard_normal(31)
    r = hessian(mlp.loss, at=theta)
    assert r.values is not None
    h = np.array(r.values)
    assert h.shape == (31, 31) and np.array_equal(h, h.T)
    assert r.names[:2] == ("theta[0]", "theta[1]")
    assert "the 31×31 matrix is not shown" in shown(r)


def test_an_exception_in_a_python_function_is_theirs() -> None:
    def f(p: np.ndarray) -> float:
        return float(p[5])  # 2 parameters: IndexError

    with pytest.raises(uc.UserCodeError) as info:
        calctool.hessian(f, at=[1.0, 2.0])
    e = info.value
    assert e.code == "user_code_error" and e.exit_status == 3
    assert "f raised IndexError" in e.message and "test_hessian.py" in e.message
    assert "calctool/core" not in e.message and "p[5]" in e.to_dict()["traceback"]


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=6, max_size=6),
       st.tuples(st.floats(-2, 2), st.floats(-2, 2)))
def test_symbolic_and_numeric_hessians_agree(coeffs: list[int], point: tuple[float, float]
                                             ) -> None:
    a, b, c, d, e, f = coeffs
    text = (f"{a}*x^2 + {b}*x*y + {c}*y^2 + {d}*x^3*y + {e}*sin(x*y) + {f}*exp(x - y)"
            " + x^4*y^2/7")
    r = hessian(text, at={"x": point[0], "y": point[1]}, numeric=True, variables="x,y")
    assert r.numeric is not None and r.values is not None
    h = np.array(r.values)
    assert np.array_equal(h, h.T)
    assert r.numeric.max_rel_difference is not None and r.numeric.max_rel_difference < 1e-5


# --------------------------------------------------------------------------- kinks and jumps


@pytest.mark.parametrize(("expr", "at", "below", "above"), [
    ("relu(x)^2", "x=0", "0", "2"),  # heaviside(0) = 1/2 once made this read f'' = 0.5
    ("x*abs(x)", "x=0", "-2", "2"),
    ("x^2*sign(x)", "x=0", "-2", "2"),
    ("relu(x)^2 + y^2", "x=0,y=0", "0", "2"),
])
def test_no_hessian_where_a_first_derivative_has_a_kink(expr: str, at: str, below: str,
                                                        above: str) -> None:
    r = hessian(expr, at=at)  # a proven fact: an answer (exit 0) with its evidence
    d = r.to_dict()
    assert d["exists"] is False and "values" not in d
    assert f"is {below} as x → 0 from below and {above} from above" in d["reason"]
    assert (d["one_sided"]["left"], d["one_sided"]["right"]) == (below, above)


def test_a_kink_function_that_stays_smooth_enough_still_has_a_hessian() -> None:
    # |x|³ has f'' = 6|x|: a kink function switches at 0, but f'' is 0 from both sides
    assert hessian("abs(x)^3 + y^2", at="x=0,y=0").values == ((0.0, 0.0), (0.0, 2.0))
    # away from the switch nothing changes
    assert hessian("relu(x)^2", at="x=1").values == ((2.0,),)


@pytest.mark.parametrize(("expr", "at"), [("floor(x)*y", "x=1,y=1"), ("heaviside(x)", "x=0")])
def test_no_hessian_where_f_jumps(expr: str, at: str) -> None:  # exit 0, exists false
    """The second derivatives of floor(x)*y are 0, yet f jumps at x = 1."""
    d = hessian(expr, at=at).to_dict()
    assert d["exists"] is False and "f jumps there" in d["reason"]
    assert hessian("floor(x)*y", at="x=0.5,y=1").values == ((0.0, 0.0), (0.0, 0.0))


# --------------------------------------------------------------------------- output


def test_vars_order_and_latex_bmatrix() -> None:
    d = hessian("x^2*y + z", variables="y,x").to_dict()
    assert d["variables"] == ["y", "x"] and d["matrix"] == [["0", "2*x"], ["2*x", "2*y"]]
    assert latex(hessian("x^2*y")).startswith(
        r"\[ H = \begin{bmatrix}2 y & 2 x\\2 x & 0\end{bmatrix}")
    text = latex(hessian("x^2*y", at="x=1,y=2"))
    assert r"\begin{bmatrix}4 & 2\\2 & 0\end{bmatrix}" in text
    assert r"\text{(not a critical point)}" in text  # ∇f = (4, 1) there


def test_plain_output_writes_matrices_row_by_row(cli) -> None:
    assert "H = ∇²f = [[2, 3], [3, -6*y]]" in shown(hessian("x^2 + 3*x*y - y^3"))
    r = cli("hessian", "-", stdin="x^2*y\nx*y\n")  # a batch: one line per answer
    assert r.stdout.splitlines() == ["[[2*y, 2*x], [2*x, 0]]", "[[0, 1], [1, 0]]"]


def test_python_values_read_as_their_text() -> None:
    x, y = sp.symbols("x y")
    ours = hessian(x**3 - 3 * x * y**2, variables=[y, "x"], at={x: 1, "y": sp.Rational(1, 2)})
    text = hessian("x^3 - 3*x*y^2", variables="y,x", at="x=1,y=1/2")
    a, b = ours.to_dict(), text.to_dict()
    assert a.pop("input") == "x**3 - 3*x*y**2" and b.pop("input") == "x^3 - 3*x*y^2"
    assert a == b and a["variables"] == ["y", "x"]


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(("args", "kwargs", "code", "words"), [
    (("x*y",), {"numeric": True}, "missing_variable",
     "numeric compares the matrices at a point: give at='x=...,y=...'"),
    (("x*y",), {"numeric": True, "critical": True, "at": "x=1"}, "bad_option",
     "numeric compares at one point (at); with critical"),
    (("x*y + a",), {"variables": "x,y", "critical": True}, "missing_variable",
     "give values for the other names (a) with at='a=...', or list them in variables"),
    (("x*y",), {"critical": True, "at": "x=1"}, "bad_option",
     "critical finds the points itself: at only fixes names that are not in variables"),
    (("x*y",), {"variables": "z"}, "unknown_variable", "variables: 'z' is not a variable"),
    (("x*y",), {"variables": "x,x"}, "bad_value", "variables names x twice"),
    (("x*y",), {"at": "x=1"}, "missing_variable", "at: no value for y"),
    (("3",), {}, "no_variable", "no variables"),
    ((bowl,), {}, "missing_point", "give the point: at"),
    ((bowl,), {"at": [1.0], "critical": True}, "bad_option", "critical solves grad f = 0"),
    ((bowl,), {"at": [1.0], "variables": "x"}, "bad_option", "variables names"),
    ((bowl,), {"at": np.zeros(2001)}, "bad_value", "f takes at most 2,000 parameters"),
])
def test_the_api_names_its_parameters(args: tuple[Any, ...], kwargs: dict[str, Any],
                                      code: str, words: str) -> None:
    with pytest.raises(UsageError) as info:
        calctool.hessian(*args, **kwargs)
    assert info.value.code == code and words in info.value.message
    assert "--" not in info.value.message


def test_a_hessian_of_python_code_that_would_outlive_the_time_limit_is_refused() -> None:
    def slow(p: np.ndarray) -> float:
        return float(np.sum(np.sin(np.outer(p, p))))

    x = np.zeros(400)
    with pytest.raises(CalcError) as info:
        hessian_function(slow, x, budget=1e-6)
    assert info.value.code == "too_slow" and info.value.exit_status == 3
    assert "more than timeout 1e-06 s allows" in info.value.message


def test_the_mode_functions_take_options_objects() -> None:
    r = hessian_expression("x^3 - 3*x + y^2", options=HessianOptions(critical=True))
    assert r.critical_points is not None and len(r.critical_points) == 2
    f = hessian_function(saddle, [0.0, 0.0])
    assert f.curvature is not None and f.curvature.classification == "saddle point"
    assert f.to_dict()["point"] == "x=[0.0, 0.0]"


# --------------------------------------------------------------------------- the command line


def test_json_contract(cli, tmp_path: Path) -> None:
    d = cli("hessian", "x^2*y", "--json").json
    assert BASE_KEYS | {"variables", "matrix"} <= d.keys() and d["ok"] is True
    assert d["command"] == "hessian" and d["expression"] == "x**2*y"
    assert all(isinstance(v, str) for row in d["matrix"] for v in row)
    for row in d["matrix"]:
        for v in row:
            sp.sympify(v)
    d = cli("hessian", "x^2*y", "--at", "x=1,y=2", "--fd-check", "--json").json
    assert {"values", "eigenvalues", "determinant", "classification", "numeric_values"} \
        <= d.keys()
    assert all(isinstance(v, float | int) for row in d["values"] for v in row)
    d = cli("hessian", "x^3 - 3*x + y^2", "--critical", "--json").json
    assert len(d["critical_points"]) == 2
    for p in d["critical_points"]:
        assert {"point", "eigenvalues", "classification"} <= p.keys()
    d = cli("hessian", "x^2 + a*y^2", "--vars", "x,y", "--critical", "--at", "a=-1",
            "--json").json
    assert d["variables"] == ["x", "y"] and d["parameters"] == {"a": -1.0}
    d = cli("hessian", "--func", f"{MLP}:loss", "--at", ",".join(["0.1"] * 31), "--json").json
    assert d["expression"] is None and d["input"] == d["func"] == f"{MLP}:loss"
    assert d["point"] == "--at " + ",".join(["0.1"] * 31) and len(d["matrix"]) == 31
    theta = np.full((1, 3), 0.5)
    np.save(tmp_path / "p.npy", theta)
    (tmp_path / "bowl.py").write_text(
        "import numpy as np\n\ndef bowl(p):\n    return float(np.sum(p**2))\n")
    d = cli("hessian", "--func", f"{tmp_path / 'bowl.py'}:bowl", "--x0",
            str(tmp_path / "p.npy"), "--json").json
    assert d["classification"] == "local minimum" and d["point"] == f"--x0 {tmp_path}/p.npy"
    assert d["variables"] == ["p[0, 0]", "p[0, 1]", "p[0, 2]"]


BAD_INPUT = [
    (["hessian"], 2, "missing_argument"),
    (["hessian", "x*y", "--fd-check"], 2, "missing_variable"),
    (["hessian", "x*y", "--x0", "p.npy"], 2, "bad_option"),
    (["hessian", "x^2", "--func", f"{MLP}:loss"], 2, "bad_option"),
    (["hessian", "--func", f"{MLP}:loss", "--critical", "--at", "1"], 2, "bad_option"),
    (["hessian", "--func", f"{MLP}:loss", "--vars", "x", "--at", "1"], 2, "bad_option"),
    (["hessian", "--func", f"{MLP}:loss"], 2, "missing_point"),
    (["hessian", "--func", f"{MLP}:loss", "--at", "1", "--x0", "p.npy"], 2, "bad_option"),
    (["hessian", "--func", "nowhere.py:f", "--at", "1"], 2, "file_not_found"),
    (["hessian", "--func", f"{MLP}:loss", "--at", "1,2"], 3, "user_code_error"),
    (["hessian", "log(x)", "--at", "0"], 3, "undefined"),
    (["hessian", "1/x + y", "--at", "x=0,y=1"], 3, "undefined"),
]


@pytest.mark.parametrize(("args", "code", "error_code"), BAD_INPUT,
                         ids=[" ".join(a[1:])[-50:] or "none" for a, _, _ in BAD_INPUT])
def test_bad_input_has_exit_codes_and_json_errors(cli, args: list[str], code: int,
                                                  error_code: str) -> None:
    r = cli(*args, "--json")
    assert r.code == code, r.stdout + r.stderr
    d = json.loads(r.stdout)
    assert d["ok"] is False and d["error"]["code"] == error_code
    text = cli(*args)
    assert text.code == code and text.stderr.startswith("calctool: error: ")
    assert "calctool/core" not in text.stderr


def test_command_line_messages_name_the_flags(cli) -> None:
    for args, words in [
        (["x*y", "--fd-check"],
         "--fd-check compares the matrices at a point: give --at x=...,y=..."),
        (["x*y + a", "--vars", "x,y", "--critical"],
         "give values for the other names (a) with --at a=..., or list them in --vars"),
        (["x*y", "--critical", "--at", "x=1"],
         "--critical finds the points itself: --at only fixes names that are not in --vars"),
        (["x*y", "--vars", "x,x"], "--vars names x twice"),
    ]:
        r = cli("hessian", *args, "--json")
        assert r.code == 2 and words in r.json["error"]["message"], r.stdout


def test_no_hessian_is_exit_0_on_the_command_line(cli) -> None:
    r = cli("hessian", "x*abs(x)", "--at", "x=0", "--json")
    assert r.code == 0 and r.json["exists"] is False
    r = cli("hessian", "x*abs(x)", "--at", "x=0")
    assert r.code == 0 and "does not exist" in r.stdout and r.stderr == ""
    # a point that is not critical is an answer too (exit 0), said in words
    r = cli("hessian", "x^2 + y^2", "--at", "x=1,y=1", "--json")
    assert r.code == 0 and r.json["critical"] is False and r.json["exists"] is True


def test_numeric_is_a_deprecated_alias_of_fd_check(cli) -> None:
    new = cli("hessian", "x^2*y", "--at", "x=1,y=2", "--fd-check", "--json")
    old = cli("hessian", "x^2*y", "--at", "x=1,y=2", "--numeric", "--json")
    assert new.code == old.code == 0
    assert old.json["numeric_values"] == new.json["numeric_values"]
    assert "--numeric is deprecated: use --fd-check" in old.stderr and new.stderr == ""
    assert "--numeric" not in cli("hessian", "--help").stdout  # hidden: one name shown
