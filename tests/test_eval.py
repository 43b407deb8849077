"""eval: values at points, exact and numeric, one or many (vectorised), with clear domain errors."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from calctool.core.engines.numeric import evaluate_many
from calctool.core.errors import DomainError, UsageError
from calctool.core.expr.parse import parse, symbol
from calctool.core.ops.eval import evaluate
from calctool.core.results.eval import UNCHECKED

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
    d = evaluate(text, at=[at]).to_dict()
    assert d["value"] == pytest.approx(expected, rel=1e-14)
    assert d["value_exact"] == exact


def test_constant_expression_needs_no_point() -> None:
    assert evaluate("2+2").to_dict()["value"] == 4.0
    assert evaluate("pi").to_dict()["value"] == pytest.approx(math.pi)


def test_arbitrary_precision() -> None:
    d = evaluate("sqrt(2)", digits=50).to_dict()
    assert d["value_text"] == "1.4142135623730950488016887242096980785696718753769"
    d = evaluate("sin(x)", at=["pi/4"], digits=40).to_dict()
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
        evaluate(text, at=[at])
    assert problem in info.value.message
    assert info.value.exit_status == 3


def test_several_points_report_problems_per_point() -> None:
    d = evaluate("1/x", at=["1", "0", "-2"]).to_dict()
    assert [p["value"] for p in d["points"]] == [1.0, None, -0.5]
    assert "division by zero" in d["points"][1]["error"]
    assert d["undefined"] == 1


def test_range_is_vectorised_and_right() -> None:
    d = evaluate("x^2", ranges=["x=0:1:5"]).to_dict()
    assert [p["x"] for p in d["points"]] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [p["value"] for p in d["points"]] == [0.0, 0.0625, 0.25, 0.5625, 1.0]


def test_grid_over_two_variables_and_fixed_values() -> None:
    d = evaluate("x*y", ranges=["x=0:1:2", "y=1:3:3"]).to_dict()
    assert d["count"] == 6
    assert all(p["value"] == pytest.approx(p["x"] * p["y"]) for p in d["points"])
    d = evaluate("x*y", ranges=["x=0:1:3"], at=["y=2"]).to_dict()
    assert [p["value"] for p in d["points"]] == [0.0, 1.0, 2.0]


def test_range_domain_problems_are_per_point() -> None:
    d = evaluate("log(x)", ranges=["-1:1:3"]).to_dict()
    values = [p["value"] for p in d["points"]]
    assert values[2] == 0.0
    assert d["points"][0]["error"] == "not a real number"
    assert d["undefined"] == 2


def test_csv_points() -> None:
    d = evaluate("x*y + 1", csv_text="x,y\n1,2\n3,4\n").to_dict()
    assert [p["value"] for p in d["points"]] == [3.0, 13.0]
    d = evaluate("x^2", csv_text="1\n2\n3\n").to_dict()
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
        evaluate("x*y", **kwargs)  # type: ignore[arg-type]
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
    d = cli("eval", "x^2", "--grid", "x=0:1:1000001", "--summary", "--json").json
    assert "points" not in d
    assert d["summary"]["count"] == 1_000_001
    assert d["summary"]["max"] == 1.0 and d["summary"]["min"] == 0.0
    assert d["summary"]["mean"] == pytest.approx(1 / 3, rel=1e-5)


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_output_file(cli, tmp_path, suffix: str) -> None:
    path = tmp_path / f"points{suffix}"
    r = cli("eval", "1/x", "--grid", "x=-1:1:5", "--output", str(path))
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
    r = cli("eval", "log(x)", "--grid", "x=-1:1:3")
    assert r.stdout.splitlines() == ["x,value,why", "-1,undefined,not a real number",
                                     "0,undefined,infinite (division by zero or log(0))",
                                     "1,0,"]
    assert "note:" in r.stderr


# Float64 overflows or underflows on the way although the true value is finite:
# such points are evaluated again exactly. Checked against mpmath at 50 digits.
OVERFLOW_CASES = [
    ("log(sigmoid(1000*x))", "x=-2:2:5", lambda v: mpmath.log(1 / (1 + mpmath.exp(-1000 * v)))),
    ("log(1+exp(x))", "x=700:800:3", lambda v: mpmath.log(1 + mpmath.exp(v))),
    ("exp(x)/(1+exp(x))", "x=-800:800:5", lambda v: mpmath.exp(v) / (1 + mpmath.exp(v))),
    ("(1+exp(x))/(2+exp(x))", "x=0:1000:5", lambda v: (1 + mpmath.exp(v)) / (2 + mpmath.exp(v))),
    ("cosh(x)/sinh(x)", "x=1:901:4", lambda v: mpmath.coth(v)),
    ("log(cosh(x))", "x=-900:900:7", lambda v: mpmath.log(mpmath.cosh(v))),
    ("log(exp(x) + exp(-x))", "x=-900:900:7", lambda v: mpmath.log(mpmath.exp(v) + mpmath.exp(-v))),
    ("log(1 + exp(x*y))", "x=100:1000:4", lambda v: mpmath.log(1 + mpmath.exp(v))),
]


@pytest.mark.parametrize(("text", "grid", "truth"), OVERFLOW_CASES,
                         ids=[c[0] for c in OVERFLOW_CASES])
def test_overflowing_intermediates_give_the_true_value(text: str, grid: str, truth) -> None:
    at = ["y=2"] if "y" in text else []
    d = evaluate(text, ranges=[grid], at=at).to_dict()
    assert d["undefined"] == 0 and d["summary"]["undefined"] == 0
    name = grid.split("=")[0]
    with mpmath.workdps(50):
        for p in d["points"]:
            point = mpmath.mpf(p[name]) * (2 if "y" in text else 1)
            want = float(truth(point))
            assert "error" not in p
            assert p["value"] == pytest.approx(want, rel=1e-13, abs=1e-300), (text, p)
    values = [p["value"] for p in d["points"]]
    assert d["summary"]["min"] == min(values) and d["summary"]["max"] == max(values)


def test_the_reported_case_on_the_command_line(cli) -> None:
    r = cli("eval", "log(sigmoid(1000*x))", "--grid", "x=-2:2:5")
    assert r.stdout.splitlines() == ["x,value", "-2,-2000", "-1,-1000", "0,-0.693147180559945",
                                     "1,0", "2,0"]
    d = cli("eval", "log(sigmoid(1000*x))", "--grid", "x=-2:2:5", "--summary", "--json").json
    assert d["summary"]["min"] == -2000.0 and d["summary"]["undefined"] == 0
    assert d["summary"]["mean"] == pytest.approx((-2000 - 1000 - math.log(2)) / 5, rel=1e-14)
    r = cli("eval", "log(1+exp(z))", "--grid", "z=700:800:3")
    assert r.stdout.splitlines() == ["z,value", "700,700", "750,750", "800,800"]
    assert "-inf" not in cli("eval", "log(sigmoid(1000*x))", "--grid", "x=-2:2:5",
                             "--json").stdout


def test_values_too_large_for_a_float_are_decimal_text() -> None:
    d = evaluate("exp(x)", ranges=["x=0:1000:3"]).to_dict()
    big = d["points"][2]["value"]
    assert isinstance(big, str) and "error" not in d["points"][2]
    with mpmath.workdps(30):
        assert float(mpmath.mpf(big) / mpmath.exp(1000)) == pytest.approx(1, rel=1e-14)
    assert d["undefined"] == 0
    assert d["summary"]["max"] == big and d["summary"]["min"] == 1.0
    assert d["notes"] and "too large" in d["notes"][0]


@pytest.mark.parametrize(("text", "grid", "row", "value", "problem"), [
    ("log(x)", "x=-1:1:3", 1, "-inf", "infinite (division by zero or log(0))"),
    ("log(x)", "x=-1:1:3", 0, None, "not a real number"),
    ("1/x", "x=-1:1:3", 1, "inf", "infinite (division by zero or log(0))"),
    ("sqrt(x)", "x=-2:0:3", 0, None, "not a real number"),
    ("x*log(x)", "x=0:1:3", 0, None, "an indeterminate form"),
    ("log(x - 1)", "x=1:2:2", 0, "-inf", "infinite (division by zero or log(0))"),
    ("sqrt(1 - exp(x))", "x=800:900:2", 1, None, "not a real number"),
    ("log(1 - cosh(x))", "x=0:800:3", 0, "-inf", "infinite (division by zero or log(0))"),
    ("log(1 - cosh(x))", "x=0:800:3", 2, None, "not a real number"),
])
def test_truly_undefined_points_are_still_said(text: str, grid: str, row: int, value: object,
                                               problem: str) -> None:
    d = evaluate(text, ranges=[grid]).to_dict()
    assert d["points"][row]["value"] == value
    assert d["points"][row]["error"] == problem


def test_summary_counts_the_points_it_leaves_out(cli) -> None:
    d = evaluate("log(x)", ranges=["x=-1:1:5"], summary=True).to_dict()
    assert d["summary"] == {"count": 5, "undefined": 3, "unchecked": 0, "min": math.log(0.5),
                            "max": 0.0, "mean": math.log(0.5) / 2}
    r = cli("eval", "log(x)", "--grid", "x=-1:1:5", "--summary")
    assert "undefined = 3" in r.stdout
    assert "over the 2 points with a value; 3 undefined points left out" in r.stdout


def test_rechecking_is_bounded_and_says_so(cli, monkeypatch) -> None:
    import calctool.core.ops.eval as ev

    monkeypatch.setattr(ev, "MAX_RECHECKED", 3)
    d = evaluate("log(1+exp(z))", ranges=["z=710:800:10"]).to_dict()
    assert [p["value"] for p in d["points"][:3]] == pytest.approx([710, 720, 730], rel=1e-14)
    assert all(p["error"] == UNCHECKED for p in d["points"][3:])
    assert d["undefined"] == 7 and d["summary"]["unchecked"] == 7
    assert d["summary"]["max"] == pytest.approx(730)
    assert "not evaluated again exactly" in d["notes"][0]
    r = cli("eval", "log(1+exp(z))", "--grid", "z=710:800:10")
    assert "7 points of 10 gave inf or nan" in r.stderr
    # without a time limit rechecking takes RECHECK_SECONDS; none at all: nothing rechecked
    monkeypatch.setattr(ev, "RECHECK_SECONDS", 0.0)
    d = evaluate("log(1+exp(z))", ranges=["z=710:800:10"], timeout=None).to_dict()
    assert d["summary"]["unchecked"] == 10


def test_rechecking_stays_within_the_timeout(cli) -> None:
    # every point overflows in float64: far more than can be rechecked in 1 s
    r = cli("eval", "log(1+exp(z))", "--grid", "z=710:800:200001", "--summary", "--json",
            "--timeout", "2")
    assert r.code == 0, r.stdout
    s = r.json["summary"]
    assert s["unchecked"] >= 200001 - 2000 and s["undefined"] == s["unchecked"]
    assert s["min"] == pytest.approx(710.0)


@pytest.mark.parametrize(("args", "lines"), [
    (["2+3"], ["value = 5"]),
    (["10^20+1"], ["value = 100000000000000000001 ≈ 1.0e+20"]),
    (["10^20+1", "--digits", "25"], ["value = 100000000000000000001"]),
    (["sqrt(2)"], ["value = sqrt(2) ≈ 1.4142135623731"]),
    (["sqrt(2)", "--digits", "50"],
     ["value = sqrt(2) ≈ 1.4142135623730950488016887242096980785696718753769"]),
    (["pi", "--digits", "1"], ["value = pi ≈ 3"]),
    (["1/3"], ["value = 1/3 ≈ 0.333333333333333"]),
    (["0.25"], ["value = 0.25"]),
    (["x/4", "--at", "x=1"], ["f(x)   = x/4", "at x=1 = 0.25"]),
    (["x^2", "--at", "x=3"], ["f(x)   = x**2", "at x=3 = 9"]),
])
def test_a_value_prints_once_exact_then_decimal(cli, args: list[str], lines: list[str]) -> None:
    assert cli("eval", *args).stdout.splitlines() == lines


def test_one_digit_is_one_significant_digit() -> None:
    assert evaluate("pi", digits=1).to_dict()["value_text"] == "3"
    assert evaluate("E", digits=2).to_dict()["value_text"] == "2.7"
    assert evaluate("31.4", digits=1).to_dict()["value_text"] == "3e+1"


def test_infinite_csv_coordinates_are_reported_not_crashed(cli) -> None:
    r = cli("eval", "log(x)", "--csv", "-", stdin="x\ninf\nnan\n1\n-inf\n")
    assert r.code == 0
    assert r.stdout.splitlines()[1:] == ["inf,undefined,infinite",
                                         "nan,undefined,an indeterminate form", "1,0,",
                                         "-inf,undefined,infinite"]


@pytest.mark.parametrize("tiny", ["1e-20", "1e-25", "1e-300"])
def test_log_of_a_number_next_to_one_is_not_zero(cli, tiny: str) -> None:
    """sympy evaluates log(1 + 10^-20) to 0 at 15 digits: more precision is used."""
    import mpmath

    d = cli("eval", "log(1+x)", "--at", f"x={tiny}", "--json").json
    with mpmath.workdps(50):
        truth = float(mpmath.log1p(mpmath.mpf(tiny)))
    assert d["value"] == pytest.approx(truth, rel=1e-14)


def test_latex_of_a_table_is_a_tabular(cli) -> None:
    out = cli("eval", "log(x)*y", "--grid", "x=-1:1:3", "--at", "y=2", "--latex").stdout
    lines = out.splitlines()
    assert lines[0] == r"\begin{tabular}{rrr}" and lines[-1] == r"\end{tabular}"
    assert r"$x$ & $y$ & $f(x, y)$ \\" in lines
    assert r"$-1$ & $2$ & \text{undefined} \\" in lines
    assert r"$1$ & $2$ & $0$ \\" in lines


def test_functions_numpy_lacks_evaluate_on_a_range(cli) -> None:
    """DiracDelta (an internal error here before) is compiled as plots compile it."""
    rows = cli("eval", "DiracDelta(x)", "--grid", "x=0:1:3", "--json").json["points"]
    assert [r["value"] for r in rows] == [None, 0, 0]


def test_listing_more_points_than_the_cap_is_refused_before_the_work(cli) -> None:
    """10^7 points as JSON once ran 35 s and 3.8 GiB past --timeout 2: refused up front."""
    from calctool.core.ops.eval import MAX_LISTED_POINTS

    r = cli("eval", "x^2", "--grid", f"x=0:1:{MAX_LISTED_POINTS + 1}", "--json",
            "--timeout", "2")
    assert r.code == 2 and r.json["error"]["code"] == "too_many_points"
    assert "--summary" in r.json["error"]["hint"]
    summary = cli("eval", "x^2", "--grid", f"x=0:1:{MAX_LISTED_POINTS + 1}", "--summary",
                  "--json").json["summary"]
    assert summary["count"] == MAX_LISTED_POINTS + 1 and summary["max"] == 1.0


def test_csv_errors_never_quote_a_file_line_that_is_not_a_header(cli, tmp_path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    for expression in ("x*y", "x"):
        r = cli("eval", expression, "--csv", str(secret))
        assert r.code == 2
        assert "root" not in r.stderr and "not a header" in r.stderr
    cells = tmp_path / "cells.csv"
    cells.write_text("x\n1\n" + "s3cr3t-" * 10 + "\n")
    r = cli("eval", "x", "--csv", str(cells))
    assert r.code == 2 and "s3cr3t" not in r.stderr and "row 3" in r.stderr


def test_csv_input_is_bounded_and_a_bom_is_not_part_of_the_header(cli, tmp_path,
                                                                 monkeypatch) -> None:
    from calctool.cli.commands import eval as command

    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfx,y\n1,2\n3,4\n")
    assert [p["value"] for p in cli("eval", "x*y", "--csv", str(bom), "--json").json[
        "points"]] == [2.0, 12.0]
    monkeypatch.setattr(command, "MAX_CSV_BYTES", 100)
    big = tmp_path / "big.csv"
    big.write_text("x\n" + "1\n" * 100)
    r = cli("eval", "x", "--csv", str(big), "--json")
    assert r.code == 2 and r.json["error"]["code"] == "input_too_long"


def test_range_ends_beyond_float64_are_refused(cli) -> None:
    """x=-1e400:1e400:3 gave nan rows with exit 0."""
    r = cli("eval", "x", "--grid", "x=-1e400:1e400:3", "--json")
    assert r.code == 2 and "float64" in r.json["error"]["message"]
    assert len(r.json["error"]["message"]) < 200  # the ends are shown short


def test_grid_is_the_sampling_option_and_range_a_deprecated_alias(cli) -> None:
    new = cli("eval", "x^2", "--grid", "x=0:1:3", "--json")
    old = cli("eval", "x^2", "--range", "x=0:1:3", "--json")
    assert new.code == old.code == 0 and new.json["points"] == old.json["points"]
    assert "eval --range X=A:B:N is deprecated: use --grid X=A:B:N" in old.stderr
    assert new.stderr == ""
    # --range is the plot's window in eval too; its help names the old grid spelling
    assert "deprecated spelling of --grid" in " ".join(cli("eval", "--help").stdout.split())


def test_a_variable_given_two_ranges_is_an_error_not_dropped(cli) -> None:
    for flags in (["--grid", "x=0:1:3", "--grid", "x=1:2:3"],
                  ["--range", "x=0:1:3", "--range", "x=1:2:3"],
                  ["--grid", "x=0:1:3", "--range", "x=1:2:3"]):
        r = cli("eval", "x", *flags, "--json")
        assert r.code == 2, flags
        assert r.json["error"]["code"] == "bad_value"
        assert "gives x twice" in r.json["error"]["message"]
    # two variables: the grid over both, 3 x 2 points
    r = cli("eval", "x*y", "--grid", "x=0:1:3", "--grid", "y=1:2:2", "--json")
    assert r.code == 0 and len(r.json["points"]) == 6


# --- eval --plot: f over a window, the evaluated points on it -------------------------


def test_plot_marks_the_point_on_the_curve(cli) -> None:
    d = cli("eval", "sin(x)", "--at", "x=pi/4", "--plot", "--json").json
    (point,) = d["plot"]["points"]
    assert point["x"] == pytest.approx(math.pi / 4) and point["y"] == pytest.approx(2 ** -0.5)
    assert point["open"] is False
    assert d["plot"]["xlim"] == pytest.approx([math.pi / 4 - 5, math.pi / 4 + 5])


def test_plot_of_a_grid_spans_it_and_breaks_at_the_pole(cli) -> None:
    d = cli("eval", "1/x", "--grid", "x=-2:2:9", "--plot", "--json").json
    plot = d["plot"]
    lo, hi = plot["xlim"]
    assert lo < -2 and hi > 2 and hi - lo < 5  # the grid's span, a little wider
    assert len(plot["points"]) == 8  # x = 0 has no value: not marked
    assert all(p["y"] == pytest.approx(1 / p["x"]) for p in plot["points"])
    (pole,) = plot["asymptotes"]
    assert abs(pole) < 1e-6
    (series,) = plot["series"]
    assert 0.0 in series["breaks"] or any(abs(b) < 1e-6 for b in series["breaks"])


def test_plot_window_and_the_old_grid_spelling(cli) -> None:
    r = cli("eval", "x^2", "--at", "1", "--range", "-1:1")
    assert r.code == 2 and "--plot" in r.stderr
    d = cli("eval", "x^2", "--at", "1", "--plot", "--range", "-1:2", "--json").json
    assert d["plot"]["xlim"] == [-1.0, 2.0]
    r = cli("eval", "x^2", "--range", "x=0:1:3", "--json")  # X=A:B:N: still the grid
    assert r.code == 0 and r.json["count"] == 3 and "deprecated" in r.stderr


def test_plot_needs_one_variable(cli) -> None:
    r = cli("eval", "x*y", "--at", "x=1,y=2", "--plot")
    assert r.code == 2 and "one variable" in r.stderr
