"""jacobian: the matrix of first partials (#16).

Expected values come from outside the code under test: mpmath's numerical
differentiation at 50 digits of the functions written here in mpmath, and
textbook determinants (polar r, spherical r^2 sin(phi)).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import calctool
from calctool.core.errors import UsageError

mpmath.mp.dps = 50


def mp_jacobian(fs, point):
    """J[i][j] by mpmath.diff (50-digit numerical differentiation) of mpmath functions."""
    rows = []
    for f in fs:
        row = []
        for j in range(len(point)):
            def along(t, f=f, j=j):
                p = [mpmath.mpf(v) for v in point]
                p[j] = t
                return f(*p)
            row.append(float(mpmath.diff(along, mpmath.mpf(point[j]))))
        rows.append(row)
    return rows


def test_must_show_three_by_two(cli) -> None:
    r = cli("jacobian", "x*y, x+y, sin(x)", "--vars", "x,y", "--at", "x=1,y=2", "--json")
    assert r.code == 0, r.stderr
    d = r.json
    assert d["shape"] == [3, 2]
    assert len(d["values"]) == 3 and all(len(row) == 2 for row in d["values"])
    expected = mp_jacobian([lambda x, y: x * y, lambda x, y: x + y,
                            lambda x, _y: mpmath.sin(x)], [1, 2])
    assert np.allclose(d["values"], expected, rtol=1e-14, atol=1e-15)
    assert d["matrix"] == [["y", "x"], ["1", "1"], ["cos(x)", "0"]]
    assert "determinant" not in d
    assert d["finite_difference"]["agrees"] is True
    assert any("not square" in n for n in d["notes"])


def test_textbook_determinants() -> None:
    polar = calctool.jacobian("r*cos(theta), r*sin(theta)", variables="r,theta").to_dict()
    assert polar["determinant"] == "r"
    sph = calctool.jacobian("r*sin(p)*cos(t), r*sin(p)*sin(t), r*cos(p)", variables="r,p,t",
                            at="r=2,p=0.7,t=0.3").to_dict()
    assert sph["determinant"] == "r**2*sin(p)"
    assert sph["determinant_value"] == pytest.approx(4 * math.sin(0.7), rel=1e-14)
    j = mp_jacobian([lambda r, p, t: r * mpmath.sin(p) * mpmath.cos(t),
                     lambda r, p, t: r * mpmath.sin(p) * mpmath.sin(t),
                     lambda r, p, _t: r * mpmath.cos(p)], [2, 0.7, 0.3])
    assert np.allclose(sph["values"], j, rtol=1e-13, atol=1e-15)


def test_an_entry_at_a_kink_does_not_exist_exit_0(cli) -> None:
    r = cli("jacobian", "abs(x) + y, x*y", "--at", "x=0,y=2", "--json")
    assert r.code == 0
    d = r.json
    assert d["exists"] is False
    assert d["values"][0][0] is None and d["values"][1] == [2.0, 0.0]
    assert d["missing"] == [{"row": 0, "column": 0, "kind": "corner", "left": -1.0,
                             "right": 1.0}]
    assert "determinant_value" not in d


def test_constants_need_values(cli) -> None:
    r = cli("jacobian", "a*x + y, x*y", "--vars", "x,y", "--at", "x=1,y=2", "--json")
    assert r.code == 2
    assert "no value for the constant a (not in --vars)" in r.json["error"]["message"]
    d = cli("jacobian", "a*x + y, x*y", "--vars", "x,y", "--at", "x=1,y=2,a=3", "--json").json
    assert d["values"] == [[3.0, 1.0], [2.0, 1.0]]
    assert d["notes"][0] == "constants (not in the variables): a"


def test_parse_error_points_into_the_whole_list(cli) -> None:
    r = cli("jacobian", "x, (y", "--json")
    assert r.code == 2
    assert r.json["error"]["position"] == 3  # the unclosed bracket, in the whole input
    assert "function 2" in r.json["error"]["message"]


def test_undefined_entry_is_exit_3(cli) -> None:
    r = cli("jacobian", "x, log(y)", "--at", "x=1,y=0")
    assert r.code == 3 and "Traceback" not in r.stderr


def test_latex_has_the_matrix_and_determinant(cli) -> None:
    out = cli("jacobian", "r*cos(theta), r*sin(theta)", "--vars", "r,theta", "--at",
              "r=2,theta=0", "--latex").stdout
    assert "\\begin{bmatrix}" in out
    assert "\\det J = r = 2" in out


def test_batch_one_json_line_per_list(cli) -> None:
    r = cli("jacobian", "-", "--json", stdin="x*y, x+y\nx^2\nx, (\n")
    lines = r.json_lines
    assert [d["ok"] for d in lines] == [True, True, False]
    assert lines[1]["matrix"] == [["2*x"]]


@pytest.mark.usefixtures("workdir")
def test_func_polar_by_finite_differences(cli) -> None:
    r = cli("jacobian", "--func", "mapping.py:polar", "--at", "2,0.5", "--json")
    assert r.code == 0, r.stderr
    d = r.json
    rr, th = 2.0, 0.5
    expected = [[math.cos(th), -rr * math.sin(th)], [math.sin(th), rr * math.cos(th)]]
    assert np.allclose(d["values"], expected, rtol=1e-9, atol=1e-10)
    # the error estimates cover the actual errors
    actual = np.abs(np.array(d["values"]) - expected)
    assert np.all(actual <= np.array(d["errors"]) + 1e-15)
    assert d["determinant_value"] == pytest.approx(rr, rel=1e-9)
    # rows share evaluations: about one gradient's cost (4n + 11), not m times it
    assert d["evaluations"] <= 4 * 2 + 11 + 4


def test_api_callable_and_errors() -> None:
    d = calctool.jacobian(lambda v: np.array([v[0] * v[1], v[0] ** 2, 3 * v[1]]),
                          at=[1.0, 2.0]).to_dict()
    assert d["shape"] == [3, 2]
    assert np.allclose(d["values"], [[2, 1], [2, 0], [0, 3]], atol=1e-8)
    with pytest.raises(UsageError, match="give the point"):
        calctool.jacobian(lambda v: v)
    with pytest.raises(UsageError, match="names an expression's variables"):
        calctool.jacobian(lambda v: v, variables="x", at=[1.0])
    with pytest.raises(UsageError, match="must return real numbers"):
        calctool.jacobian(lambda _v: "abc", at=[1.0])


@pytest.mark.usefixtures("workdir")
def test_func_errors_are_theirs(cli) -> None:
    r = cli("jacobian", "--func", "model.py:boom", "--at", "1,2")
    assert r.code == 3
    assert "boom" in r.stderr
    r = cli("jacobian", "--func", "mapping.py:polar", "--vars", "x", "--at", "1,2")
    assert r.code == 2


@pytest.mark.usefixtures("workdir")
def test_gradcheck_of_a_vector_jacobian_product(cli, tmp_path) -> None:
    r = cli("gradcheck", "--func", "mapping.py:polar", "--vjp", "mapping.py:polar_vjp", "--at",
            "2,0.5", "--json")
    assert r.code == 0, r.stderr
    assert r.json["vjp"] is True and r.json["passed"] is True
    # J^T u against the Jacobian computed here, for the u the check drew (seed 0, unit)
    u = np.random.default_rng([0, 4]).standard_normal(2)
    u /= np.linalg.norm(u)
    jac = np.array([[math.cos(0.5), -2 * math.sin(0.5)], [math.sin(0.5), 2 * math.cos(0.5)]])
    assert [c["analytic"] for c in r.json["components"]] == pytest.approx(list(jac.T @ u))
    wrong = tmp_path / "wrong.py"
    wrong.write_text("import numpy as np\n\ndef polar(v):\n"
                     "    return [v[0] * np.cos(v[1]), v[0] * np.sin(v[1])]\n\n"
                     "def vjp(v, u):  # sign error in the second column\n"
                     "    c, s = np.cos(v[1]), np.sin(v[1])\n"
                     "    return np.array([c * u[0] + s * u[1], v[0] * (c * u[1] + s * u[0])])\n")
    for extra in ([], ["--fast"]):
        bad = cli("gradcheck", "--func", f"{wrong}:polar", "--vjp", "vjp", "--at", "2,0.5",
                  *extra, "--json")
        assert bad.code == 1 and bad.json["passed"] is False
    both = cli("gradcheck", "--func", "mapping.py:polar", "--vjp", "polar_vjp", "--grad",
               "polar_vjp", "--at", "1,2")
    assert both.code == 2
