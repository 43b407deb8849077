"""eval: values at points, exact and numeric, one or many (vectorised), with clear domain errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from calctool.core.errors import DomainError, UsageError
from calctool.core.evaluate import compute_eval
from calctool.core.numeric import evaluate_many
from calctool.core.parse import parse, symbol

x, y = symbol("x"), symbol("y")


@pytest.mark.parametrize(("text", "at", "expected", "exact"), [
    ("sin(x)", "x=pi/4", math.sqrt(2) / 2, "sqrt(2)/2"),
    ("x^2 + 1", "3", 10.0, "10"),
    ("sigmoid(x)", "0", 0.5, "1/2"),
    ("cbrt(x)", "-8", -2.0, "-2"),
    ("x^(1/3)", "-27", -3.0, "-3"),
    ("exp(x)", "1", math.e, "E"),
    ("log(x, 2)", "8", 3.0, "3"),
    ("abs(x)", "-2.5", 2.5, "5/2"),
    ("relu(x) + leaky_relu(x)", "-1", -0.01, "-1/100"),
])
def test_single_point(text: str, at: str, expected: float, exact: str) -> None:
    d = compute_eval(text, at=[at]).to_dict()
    assert d["value"] == pytest.approx(expected, rel=1e-14)
    assert d["value_exact"] == exact


def test_constant_expression_needs_no_point() -> None:
    assert compute_eval("2+2").to_dict()["value"] == 4.0
    assert compute_eval("pi").to_dict()["value"] == pytest.approx(math.pi)


def test_arbitrary_precision() -> None:
    d = compute_eval("sqrt(2)", digits=50).to_dict()
    assert d["value_text"] == "1.4142135623730950488016887242096980785696718753769"
    d = compute_eval("sin(x)", at=["pi/4"], digits=40).to_dict()
    assert d["value_text"].startswith("0.70710678118654752440084436210484903928")


@pytest.mark.parametrize(("text", "at", "problem"), [
    ("log(x)", "0", "infinite"),
    ("1/x", "0", "division by zero"),
    ("sqrt(x)", "-1", "not a real number"),
    ("log(x)", "-1", "not a real number"),
    ("asin(x)", "2", "not a real number"),
])
def test_domain_errors_at_one_point(text: str, at: str, problem: str) -> None:
    with pytest.raises(DomainError) as info:
        compute_eval(text, at=[at])
    assert problem in info.value.message
    assert info.value.exit_status == 3


def test_several_points_report_problems_per_point() -> None:
    d = compute_eval("1/x", at=["1", "0", "-2"]).to_dict()
    assert [p["value"] for p in d["points"]] == [1.0, None, -0.5]
    assert "division by zero" in d["points"][1]["error"]
    assert d["undefined"] == 1


def test_range_is_vectorised_and_right() -> None:
    d = compute_eval("x^2", ranges=["x=0:1:5"]).to_dict()
    assert [p["x"] for p in d["points"]] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [p["value"] for p in d["points"]] == [0.0, 0.0625, 0.25, 0.5625, 1.0]


def test_grid_over_two_variables_and_fixed_values() -> None:
    d = compute_eval("x*y", ranges=["x=0:1:2", "y=1:3:3"]).to_dict()
    assert d["count"] == 6
    assert all(p["value"] == pytest.approx(p["x"] * p["y"]) for p in d["points"])
    d = compute_eval("x*y", ranges=["x=0:1:3"], at=["y=2"]).to_dict()
    assert [p["value"] for p in d["points"]] == [0.0, 1.0, 2.0]


def test_range_domain_problems_are_per_point() -> None:
    d = compute_eval("log(x)", ranges=["-1:1:3"]).to_dict()
    values = [p["value"] for p in d["points"]]
    assert values[2] == 0.0
    assert d["points"][0]["error"] == "not a real number"
    assert d["undefined"] == 2


def test_csv_points() -> None:
    d = compute_eval("x*y + 1", csv_text="x,y\n1,2\n3,4\n").to_dict()
    assert [p["value"] for p in d["points"]] == [3.0, 13.0]
    d = compute_eval("x^2", csv_text="1\n2\n3\n").to_dict()
    assert [p["value"] for p in d["points"]] == [1.0, 4.0, 9.0]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"csv_text": "a,b\n1,2\n"}, "unknown_variable"),
    ({"csv_text": "x,y\n1,oops\n"}, "bad_value"),
    ({"csv_text": ""}, "bad_value"),
    ({"ranges": ["x=1:0:5"]}, "bad_value"),
    ({"ranges": ["x=0:1:zero"]}, "bad_value"),
    ({"ranges": ["x=0:1"]}, "missing_variable"),
    ({"at": ["x=1"]}, "missing_variable"),
    ({}, "missing_variable"),
    ({"at": ["x=1,y=2,z=3"]}, "unknown_variable"),
])
def test_bad_points(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(UsageError) as info:
        compute_eval("x*y", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == code


VECTOR_CASES = ["x^3*cos(x)", "sigmoid(x)*(1-sigmoid(x))", "cbrt(x)", "x^(2/3)", "abs(x) + relu(x)",
                "leaky_relu(x, 0.1)", "softplus(x)", "exp(-x^2)/(1+x^4)", "max(x, x^2)",
                "tanh(x)^5 - x^-2", "erf(x) + gamma(x^2 + 1)", "log(1 + x^2)", "sqrt(abs(x))"]


@pytest.mark.parametrize("text", VECTOR_CASES)
def test_vectorised_matches_pointwise(text: str) -> None:
    expr = parse(text)
    xs = np.linspace(-3, 3, 25) + 0.01
    got = evaluate_many(expr, [x], [xs])
    for xi, gi in zip(xs, got):
        want = complex(sp.N(expr.subs(x, sp.Float(xi, 30)), 20))
        assert gi == pytest.approx(want.real, rel=1e-12, abs=1e-12), (text, xi)


def test_summary_of_a_million_points(cli) -> None:
    d = cli("eval", "x^2", "--range", "x=0:1:1000001", "--summary", "--json").json
    assert "points" not in d
    assert d["summary"]["count"] == 1_000_001
    assert d["summary"]["max"] == 1.0 and d["summary"]["min"] == 0.0
    assert d["summary"]["mean"] == pytest.approx(1 / 3, rel=1e-5)


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_output_file(cli, tmp_path, suffix: str) -> None:
    path = tmp_path / f"points{suffix}"
    r = cli("eval", "1/x", "--range", "x=-1:1:5", "--output", str(path))
    assert r.code == 0
    if suffix == ".npy":
        data = np.load(path)
    else:
        assert path.read_text().splitlines()[0] == "x,value"
        data = np.loadtxt(path, delimiter=",", skiprows=1)
    assert data.shape == (5, 2)
    assert list(data[:, 1][[0, 1, 3, 4]]) == [-1.0, -2.0, 2.0, 1.0]
    assert math.isinf(data[2, 1])


def test_plain_many_points_is_csv(cli) -> None:
    r = cli("eval", "log(x)", "--range", "x=-1:1:3")
    assert r.stdout.splitlines() == ["x,value,why", "-1,undefined,not a real number",
                                     "0,undefined,infinite (division by zero or log(0))",
                                     "1,0,"]
    assert "note:" in r.stderr
