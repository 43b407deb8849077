"""hessian: the matrix, the second-derivative test, critical points, finite differences."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calctool.core.ops.hessian import classify, hessian

FIXTURES = Path(__file__).parent / "fixtures"
MLP = str(FIXTURES / "mlp.py")
BASE_KEYS = {"ok", "command", "input", "expression"}


@pytest.fixture
def quadratics(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.py"
    path.write_text(
        "import numpy as np\n\n"
        "def bowl(p):\n    return float(np.sum(p**2))\n\n"
        "def quartic(p):\n    return float(np.sum(p**4))\n\n"
        "def saddle(v):\n    return v[0]**2 - v[1]**2 + v[0]*v[1]\n\n"
        "def oops(v):\n    return v[5]\n")
    return path


# --------------------------------------------------------------------------- classification


CASES = [
    ("x^2 + y^2", "local minimum", [2, 2], 4, "positive definite"),
    ("-x^2 - y^2", "local maximum", [-2, -2], 4, "negative definite"),
    ("x^2 - y^2", "saddle point", [-2, 2], -4, "indefinite"),
    ("x^4 + y^4", "inconclusive", [0, 0], 0, "zero"),
]


@pytest.mark.parametrize(("expr", "kind", "eigenvalues", "det", "definiteness"), CASES,
                         ids=[c[1] for c in CASES])
def test_classification_at_the_origin(cli, expr: str, kind: str, eigenvalues: list[int],
                                      det: int, definiteness: str) -> None:
    r = cli("hessian", "--at", "x=0,y=0", "--json", "--", expr)
    assert r.code == 0, r.stdout + r.stderr
    d = r.json
    assert d["classification"] == kind
    assert d["eigenvalues"] == eigenvalues and d["determinant"] == det
    assert d["definiteness"] == definiteness and d["exact"] is True
    assert d["critical"] is True and d["gradient"] == [0, 0]
    text = cli("hessian", "--at", "x=0,y=0", "--", expr)
    assert f"classification = {kind}" in text.stdout


def test_inconclusive_explains_why(cli) -> None:
    r = cli("hessian", "x^4 + y^4", "--at", "x=0,y=0")
    assert "inconclusive: 2 eigenvalues are 0" in r.stdout
    assert "second-derivative test cannot decide" in r.stdout


def test_not_a_critical_point_is_said(cli) -> None:
    d = cli("hessian", "x^2 + y^2", "--at", "x=1,y=2", "--json").json
    assert d["critical"] is False and d["gradient"] == [2.0, 4.0]
    assert d["classification"] == "local minimum"  # the curvature, as the field says
    r = cli("hessian", "x^2 + y^2", "--at", "x=1,y=2")
    assert "classification = not a critical point (∇f ≠ 0)" in r.stdout
    assert "curvature      = positive definite: f curves up in every direction" in r.stdout
    # no line calls the point a minimum: "local minimum" appears only as a conditional
    assert "local minimum:" not in r.stdout
    assert "would make a local minimum" in r.stdout


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


def test_irrational_point_is_classified_exactly(cli, monkeypatch) -> None:
    # closed-form eigenvalues have a time budget; a loaded machine must not drop them here
    monkeypatch.setattr("calctool.core.ops.hessian.EIGEN_SECONDS", 60.0)
    d = cli("hessian", "x^2*y + y^3", "--at", "x=sqrt(2),y=pi", "--json").json
    assert d["exact"] is True and d["classification"] == "local minimum"
    assert len(d["eigenvalues_exact"]) == 2


# --------------------------------------------------------------------------- critical points


def test_critical_points_of_the_lecture_example(cli) -> None:
    r = cli("hessian", "x^3 - 3*x + y^2", "--critical", "--json")
    assert r.code == 0
    d = r.json
    points = {(p["point"]["x"], p["point"]["y"]): p for p in d["critical_points"]}
    assert set(points) == {(1.0, 0.0), (-1.0, 0.0)}
    assert points[(1.0, 0.0)]["classification"] == "local minimum"
    assert points[(-1.0, 0.0)]["classification"] == "saddle point"
    assert points[(1.0, 0.0)]["eigenvalues"] == [2, 6]
    assert points[(-1.0, 0.0)]["value"] == 2
    assert d["complete"] is True and d["families"] == []
    text = cli("hessian", "x^3 - 3*x + y^2", "--critical")
    assert "2 critical points" in text.stdout
    assert "local minimum" in text.stdout and "saddle point" in text.stdout


def test_critical_points_with_irrational_eigenvalues_and_exp_factor(cli) -> None:
    d = cli("hessian", "x*y*exp(-x^2 - y^2)", "--critical", "--json").json
    kinds = sorted(p["classification"] for p in d["critical_points"])
    assert kinds == ["local maximum"] * 2 + ["local minimum"] * 2 + ["saddle point"]
    assert d["complete"] is True  # exp(...) is never 0: the equations are polynomial


def test_infinitely_many_critical_points_are_said(cli) -> None:
    d = cli("hessian", "(x - y)^2", "--critical", "--json").json
    assert d["critical_points"] == [] and d["families"] == ["x = y (y any real number)"]
    text = cli("hessian", "(x - y)^2", "--critical")
    assert "infinitely many critical points" in text.stdout
    assert "solutions = infinitely many: 1 family of critical points" in text.stdout
    assert "0 critical points" not in text.stdout
    d = cli("hessian", "sin(x)", "--critical", "--json").json
    assert d["complete"] is False and "n any integer" in d["families"][0]
    assert {p["classification"] for p in d["critical_points"]} == {"local maximum",
                                                                   "local minimum"}


def test_only_real_critical_points_are_listed(cli) -> None:
    d = cli("hessian", "x^4/4 + x^2/2 + y^2", "--critical", "--json").json  # x = ±i too
    assert [p["point"] for p in d["critical_points"]] == [{"x": 0.0, "y": 0.0}]
    assert d["complete"] is True


def test_no_critical_points(cli) -> None:
    d = cli("hessian", "exp(x) + y", "--critical", "--json").json
    assert d["critical_points"] == [] and d["complete"] is True
    assert "none: ∇f = 0 has no real solution" in cli("hessian", "exp(x)", "--critical").stdout


def test_critical_with_parameters_fixed_by_at(cli) -> None:
    d = cli("hessian", "x^2 + a*y^2", "--vars", "x,y", "--critical", "--at", "a=-1",
            "--json").json
    assert d["critical_points"][0]["classification"] == "saddle point"
    assert d["parameters"] == {"a": -1.0}
    r = cli("hessian", "x^2 + a*y^2", "--vars", "x,y", "--critical", "--json")
    assert r.code == 2 and r.json["error"]["code"] == "missing_variable"


# --------------------------------------------------------------------------- numeric


def test_numeric_hessian_beside_the_symbolic_one(cli) -> None:
    d = cli("hessian", "exp(x)*sin(y) + x^2*y", "--at", "x=0.3,y=-0.7", "--numeric",
            "--json").json
    assert d["numeric"] is True and d["max_difference"] < 1e-6
    assert d["numeric_evaluations"] > 0 and d["numeric_error"] < 1e-5
    h = np.array(d["numeric_values"])
    assert np.allclose(h, h.T, rtol=0, atol=0)  # exactly symmetric
    assert np.allclose(h, np.array(d["values"]), atol=1e-6)
    text = cli("hessian", "exp(x)*sin(y) + x^2*y", "--at", "x=0.3,y=-0.7", "--numeric")
    assert "finite-difference H" in text.stdout and "largest difference" in text.stdout


def test_func_hessians_classify_by_finite_differences(cli, quadratics: Path) -> None:
    for name, at, kind in [("bowl", "1,2,3", "local minimum"), ("saddle", "0,0", "saddle point"),
                           ("quartic", "0,0", "inconclusive")]:
        r = cli("hessian", "--func", f"{quadratics}:{name}", "--at", at, "--json")
        assert r.code == 0, r.stdout + r.stderr
        d = r.json
        assert d["classification"] == kind, name
        assert d["expression"] is None and d["exact"] is False
        assert len(d["matrix"]) == len(at.split(","))
        assert all(isinstance(v, str) for row in d["matrix"] for v in row)
    assert d["critical"] is True and d["zero_tolerance"] > max(abs(e) for e in d["eigenvalues"])
    d = cli("hessian", "--func", f"{quadratics}:bowl", "--at", "1,2,3", "--json").json
    assert d["critical"] is False and d["values"] == pytest.approx(2 * np.eye(3), abs=1e-6)


def test_func_hessian_of_the_mlp_from_an_npy_point(cli, tmp_path: Path) -> None:
    theta = np.random.default_rng(0).standard_normal(31)
    np.save(tmp_path / "theta.npy", theta)
    d = cli("hessian", "--func", f"{MLP}:loss", "--x0", str(tmp_path / "theta.npy"),
            "--json").json
    h = np.array(d["values"])
    assert h.shape == (31, 31) and np.array_equal(h, h.T)
    assert d["variables"][:2] == ["theta[0]", "theta[1]"]
    text = cli("hessian", "--func", f"{MLP}:loss", "--x0", str(tmp_path / "theta.npy"))
    assert "the 31×31 matrix is not shown" in text.stdout


# --------------------------------------------------------------------------- output


def test_vars_order_and_latex_bmatrix(cli) -> None:
    d = cli("hessian", "x^2*y + z", "--vars", "y,x", "--json").json
    assert d["variables"] == ["y", "x"] and d["matrix"] == [["0", "2*x"], ["2*x", "2*y"]]
    r = cli("hessian", "x^2*y", "--latex")
    assert r.stdout.startswith(r"H = \begin{bmatrix}2 y & 2 x\\2 x & 0\end{bmatrix}")
    r = cli("hessian", "x^2*y", "--at", "x=1,y=2", "--latex")
    assert r"\begin{bmatrix}4 & 2\\2 & 0\end{bmatrix}" in r.stdout
    assert r"\text{(not a critical point)}" in r.stdout  # ∇f = (4, 1) there


def test_plain_output_writes_matrices_row_by_row(cli) -> None:
    r = cli("hessian", "x^2 + 3*x*y - y^3")
    assert "H = ∇²f = [[2, 3], [3, -6*y]]" in r.stdout
    r = cli("hessian", "-", stdin="x^2*y\nx*y\n")
    assert r.stdout.splitlines() == ["[[2*y, 2*x], [2*x, 0]]", "[[0, 1], [1, 0]]"]


def test_json_contract(cli) -> None:
    d = cli("hessian", "x^2*y", "--json").json
    assert BASE_KEYS | {"variables", "matrix"} <= d.keys() and d["ok"] is True
    assert d["command"] == "hessian" and d["expression"] == "x**2*y"
    assert all(isinstance(v, str) for row in d["matrix"] for v in row)
    for row in d["matrix"]:
        for v in row:
            sp.sympify(v)
    d = cli("hessian", "x^2*y", "--at", "x=1,y=2", "--json").json
    assert {"values", "eigenvalues", "determinant", "classification"} <= d.keys()
    assert all(isinstance(v, float | int) for row in d["values"] for v in row)
    d = cli("hessian", "x^3 - 3*x + y^2", "--critical", "--json").json
    for p in d["critical_points"]:
        assert {"point", "eigenvalues", "classification"} <= p.keys()


BAD_INPUT = [
    (["hessian"], 2, "missing_argument"),
    (["hessian", "x*y", "--numeric"], 2, "missing_variable"),
    (["hessian", "x*y", "--vars", "z"], 2, "unknown_variable"),
    (["hessian", "x*y", "--at", "x=1"], 2, "missing_variable"),
    (["hessian", "log(x)", "--at", "0"], 3, "undefined"),
    (["hessian", "1/x + y", "--at", "x=0,y=1"], 3, "undefined"),
    (["hessian", "x^2", "--func", f"{MLP}:loss"], 2, "bad_option"),
    (["hessian", "--func", f"{MLP}:loss", "--critical", "--at", "1"], 2, "bad_option"),
    (["hessian", "--func", f"{MLP}:loss"], 2, "missing_point"),
    (["hessian", "--func", "nowhere.py:f", "--at", "1"], 2, "file_not_found"),
    (["hessian", "--func", f"{MLP}:loss", "--at", "1,2"], 3, "user_code_error"),
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


def test_solver_time_limit_is_an_error_with_a_hint(cli) -> None:
    r = cli("hessian", "x^7*y^5 - 3*x^4*y^6 + x^3*y - 7*x*y^8 + y^9 - 2*x^9 + x*y", "--critical",
            "--timeout", "0.5", "--json")
    if r.code == 0:
        pytest.skip("sympy solved it within the limit on this machine")
    assert r.code == 3 and r.json["error"]["code"] == "timeout"


# --------------------------------------------------------------------------- properties


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(-3, 3), min_size=6, max_size=6),
       st.tuples(st.floats(-2, 2), st.floats(-2, 2)))
def test_symbolic_and_numeric_hessians_agree(coeffs: list[int], point: tuple[float, float]
                                             ) -> None:
    a, b, c, d, e, f = coeffs
    text = (f"{a}*x^2 + {b}*x*y + {c}*y^2 + {d}*x^3*y + {e}*sin(x*y) + {f}*exp(x - y)"
            " + x^4*y^2/7")
    at = f"x={point[0]!r},y={point[1]!r}"
    r = hessian(text, at=at, numeric=True, variables="x,y")
    assert r.numeric is not None and r.values is not None
    h = np.array(r.values)
    assert np.array_equal(h, h.T)
    assert r.numeric.max_rel_difference is not None and r.numeric.max_rel_difference < 1e-5


@pytest.mark.parametrize(("expr", "at", "below", "above"), [
    ("relu(x)^2", "x=0", "0", "2"),  # heaviside(0) = 1/2 once made this read f'' = 0.5
    ("x*abs(x)", "x=0", "-2", "2"),
    ("x^2*sign(x)", "x=0", "-2", "2"),
    ("relu(x)^2 + y^2", "x=0,y=0", "0", "2"),
])
def test_no_hessian_where_a_first_derivative_has_a_kink(cli, expr, at, below, above) -> None:
    r = cli("hessian", expr, "--at", at, "--json")
    assert r.code == 3 and r.json["error"]["code"] == "not_differentiable"
    assert f"is {below} as x → 0 from below and {above} from above" in r.json["error"]["message"]


def test_a_kink_function_that_stays_smooth_enough_still_has_a_hessian(cli) -> None:
    # |x|³ has f'' = 6|x|: a kink function switches at 0, but f'' is 0 from both sides
    d = cli("hessian", "abs(x)^3 + y^2", "--at", "x=0,y=0", "--json").json
    assert d["ok"] and d["values"] == [[0.0, 0.0], [0.0, 2.0]]
    # away from the switch nothing changes
    d = cli("hessian", "relu(x)^2", "--at", "x=1", "--json").json
    assert d["values"] == [[2.0]]


def test_a_family_of_critical_points_says_where_it_is_real(cli) -> None:
    d = cli("hessian", "(x^2 + y^2 - 1)^2", "--critical", "--json").json
    assert sorted(d["families"]) == ["y = -sqrt(1 - x**2) (x in [-1, 1])",
                                     "y = sqrt(1 - x**2) (x in [-1, 1])"]


@pytest.mark.parametrize(("expr", "at"), [("floor(x)*y", "x=1,y=1"), ("heaviside(x)", "x=0")])
def test_no_hessian_where_f_jumps(cli, expr: str, at: str) -> None:
    """The second derivatives of floor(x)*y are 0, yet f jumps at x = 1."""
    r = cli("hessian", expr, "--at", at, "--json")
    assert r.code == 3 and r.json["error"]["code"] == "not_differentiable"
    assert "f jumps there" in r.json["error"]["message"]
    assert cli("hessian", "floor(x)*y", "--at", "x=0.5,y=1", "--json").json["values"] == \
        [[0.0, 0.0], [0.0, 0.0]]
