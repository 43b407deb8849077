"""The Python API: `import calctool` is cheap, each function's result is the CLI's --json,
Python values (dicts, Symbols, tuples, sympy.oo) mean what their strings mean, and bad
ones are usage errors."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

import calctool
from calctool.render.json import dumps

x, y = sp.symbols("x y")  # plain sympy Symbols, as a notebook user writes them


def as_json(result: Any) -> Any:
    """The result's document exactly as the CLI writes it (non-finite numbers as strings)."""
    return json.loads(dumps(result.to_dict()))


# --------------------------------------------------------------------------- import


def test_import_calctool_does_not_import_sympy() -> None:
    r = subprocess.run([sys.executable, "-c",
                        "import calctool, sys; assert 'sympy' not in sys.modules, 'sympy'; "
                        "assert 'numpy' not in sys.modules, 'numpy'; print('ok')"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_the_one_line_example_prints_the_derivative() -> None:
    r = subprocess.run([sys.executable, "-c", "import calctool; "
                        "print(calctool.diff('x^3*cos(x)').to_dict()['result'])"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    t = sp.Symbol("t")
    printed = sp.sympify(r.stdout.strip(), locals={"x": t})
    assert sp.simplify(printed - (3 * t**2 * sp.cos(t) - t**3 * sp.sin(t))) == 0


def test_the_api_names_are_the_operations() -> None:
    from calctool.core.ops import diff, eval, gradcheck, hessian, limit, tangent

    assert calctool.diff is diff.diff and calctool.evaluate is eval.evaluate
    assert calctool.tangent is tangent.tangent and calctool.limit is limit.limit
    assert calctool.gradcheck is gradcheck.gradcheck and calctool.hessian is hessian.hessian
    assert issubclass(calctool.UsageError, calctool.CalcError)


def readme_python_example() -> str:
    """The code block of the README's "Use it from Python" section."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the section has one python example"
    return blocks[0]


def test_the_readme_python_example_runs_and_prints_what_it_says() -> None:
    code = readme_python_example()
    # each print(...) is followed by a comment saying what it prints
    promised = [m.group(1) for m in re.finditer(r"^print\(.*\)  # (.*)$", code, flags=re.M)]
    assert len(promised) >= 4
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue().splitlines() == promised


# --------------------------------------------------------------------------- Python == --json

# (function, command, expression, keyword arguments, the same as command-line options)
SAME_AS_CLI: list[tuple[str, str, str, dict[str, Any], list[str]]] = [
    ("diff", "diff", "x^3*cos(x)", {}, []),
    ("diff", "diff", "x^2*y + y^3", {"wrt": ["x", y]}, ["--wrt", "x,y"]),
    ("diff", "diff", "x^2 + 3*x*y", {"at": {"x": 1, "y": 2}}, ["--at", "x=1,y=2"]),
    ("diff", "diff", "sin(x)", {"order": 3, "at": sp.pi / 4}, ["--order", "3", "--at", "pi/4"]),
    ("evaluate", "eval", "sin(x)", {"at": {x: sp.pi / 4}}, ["--at", "x=pi/4"]),
    ("evaluate", "eval", "x^2*y", {"at": [{"x": 1, "y": 2}, "x=3,y=4"]},
     ["--at", "x=1,y=2", "--at", "x=3,y=4"]),
    ("evaluate", "eval", "exp(-x^2)", {"ranges": {"x": (-2, 2, 9)}}, ["--grid", "x=-2:2:9"]),
    ("tangent", "tangent", "x^2", {"at": 3}, ["--at", "3"]),
    ("tangent", "tangent", "abs(x)", {"at": {"x": 0}, "secants": True},
     ["--at", "x=0", "--secants"]),
    ("tangent", "tangent", "x^2 + y^2", {"at": {"x": 1, y: 2}}, ["--at", "x=1,y=2"]),
    ("limit", "limit", "sin(x)/x", {"to": 0}, ["--to", "0"]),
    ("limit", "limit", "(1 + 1/x)^x", {"to": sp.oo}, ["--to", "oo"]),
    ("limit", "limit", "1/x", {"to": ("x", 0), "direction": "+"}, ["--to", "x=0", "--dir", "+"]),
    ("gradcheck", "gradcheck", "x^2*y + sin(x*y)", {"at": {"x": 1, "y": 2}},
     ["--at", "x=1,y=2"]),
    ("gradcheck", "gradcheck", "x^2*y + sin(x*y)",
     {"grad": "2*x*y, x^2 + x*cos(x*y)", "at": "x=1,y=2"},
     ["--grad", "2*x*y, x^2 + x*cos(x*y)", "--at", "x=1,y=2"]),
    ("gradcheck", "gradcheck", "x^3*cos(x)", {"at": 2, "method": "richardson"},
     ["--at", "2", "--method", "richardson"]),
    ("hessian", "hessian", "x^2 + 3*x*y - y^3", {}, []),
    ("hessian", "hessian", "x^3 - 3*x + y^2", {"critical": True}, ["--critical"]),
    ("hessian", "hessian", "x^2 - y^2", {"at": {"x": 0, "y": 0}}, ["--at", "x=0,y=0"]),
]


@pytest.mark.parametrize(("function", "command", "text", "kwargs", "options"), SAME_AS_CLI)
def test_to_dict_is_the_cli_json(cli, monkeypatch, function: str, command: str, text: str,
                                 kwargs: dict[str, Any], options: list[str]) -> None:
    # The likely-mistake diagnosis of a wrong hand gradient has a 1 s wall-clock
    # budget: under load one run could drop it and the two documents differ.
    monkeypatch.setattr("calctool.core.ops.gradcheck.DIAGNOSIS_SECONDS", 60.0)
    result = getattr(calctool, function)(text, **kwargs)
    r = cli(command, text, *options, "--json")
    assert r.code in (0, 1), r.stdout + r.stderr  # 1: a gradient check that fails
    assert as_json(result) == json.loads(r.stdout)
    assert result.to_dict()["command"] == command and result.to_dict()["input"] == text


def test_a_python_function_checks_like_func_file(cli, tmp_path) -> None:
    """gradcheck and hessian of Python code: the callable in Python, --func FILE:NAME on
    the command line; everything but the names of the code is the same."""
    import numpy as np

    code = ("import numpy as np\n"
            "def loss(w):\n    return float(np.sum(w**2) + w[0]*w[1])\n"
            "def loss_grad(w):\n    g = 2*w\n    g[0] += w[1]\n    g[1] += w[0]\n    return g\n")
    path = tmp_path / "model.py"
    path.write_text(code)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(path), "exec"), namespace)
    naming = {"input", "func", "grad", "point"}

    def same(result: Any, r: Any) -> None:
        ours, theirs = as_json(result), json.loads(r.stdout)
        assert {k: v for k, v in ours.items() if k not in naming} == \
            {k: v for k, v in theirs.items() if k not in naming}

    at = np.array([0.5, 1.0, -2.0])
    result = calctool.gradcheck(namespace["loss"], namespace["loss_grad"], at=at)
    assert result.passed and [c["analytic"] for c in result.to_dict()["components"]] == \
        [2 * 0.5 + 1.0, 2 * 1.0 + 0.5, 2 * -2.0]
    same(result, cli("gradcheck", "--func", f"{path}:loss", "--grad", f"{path}:loss_grad",
                     "--at", "0.5,1,-2", "--json"))
    result = calctool.hessian(namespace["loss"], at=[0.5, 1.0, -2.0])
    assert result.to_dict()["eigenvalues"] == pytest.approx([1, 2, 3], abs=1e-6)
    same(result, cli("hessian", "--func", f"{path}:loss", "--at", "0.5,1,-2", "--json"))


# --------------------------------------------------------------------------- Python values

# (function, the call with Python values, the same call with strings, what to check)
SAME_AS_TEXT: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("diff", {"f": x**2 * y, "at": {x: 1, y: 3}}, {"f": "x^2*y", "at": "x=1,y=3"}),
    ("diff", {"f": "x*y", "at": {"x": 0.1, "y": "pi"}}, {"f": "x*y", "at": "x=0.1,y=pi"}),
    ("diff", {"f": "x^2*y^3", "wrt": (x, "y", "y")}, {"f": "x^2*y^3", "wrt": "x,y,y"}),
    ("diff", {"f": sp.cbrt(x), "at": -8}, {"f": "x^(1/3)", "at": "-8"}),
    ("evaluate", {"f": "x/y", "at": {y: sp.Rational(1, 3), "x": 2}}, {"f": "x/y",
                                                                      "at": "x=2,y=1/3"}),
    ("evaluate", {"f": "x^2", "at": (1, 2.5, sp.sqrt(2))}, {"f": "x^2",
                                                           "at": ["1", "2.5", "sqrt(2)"]}),
    ("evaluate", {"f": "x+y", "ranges": {"x": (0, 1, 3), y: ("-1", "1", 3)}},
     {"f": "x+y", "ranges": ["x=0:1:3", "y=-1:1:3"]}),
    ("evaluate", {"f": "x*y", "ranges": {"x": "0:1:5"}, "at": {"y": 2}},
     {"f": "x*y", "ranges": "x=0:1:5", "at": "y=2"}),
    ("tangent", {"f": "sin(x)", "at": sp.pi / 4, "plot": True, "plot_range": (0, 2)},
     {"f": "sin(x)", "at": "pi/4", "plot": True, "plot_range": "0:2"}),
    ("limit", {"f": "exp(-x)", "to": {x: sp.oo}}, {"f": "exp(-x)", "to": "x=oo"}),
    ("limit", {"f": "exp(x)", "to": float("-inf")}, {"f": "exp(x)", "to": "-oo"}),
    ("limit", {"f": "x*y", "to": (y, sp.pi / 2)}, {"f": "x*y", "to": "y=pi/2"}),
    ("hessian", {"f": "x^2*y", "at": {x: 1, y: 2}}, {"f": "x^2*y", "at": "x=1,y=2"}),
    ("gradcheck", {"f": x * sp.exp(y), "at": {"x": 1, "y": 0}}, {"f": "x*exp(y)",
                                                                 "at": "x=1,y=0"}),
]


@pytest.mark.parametrize(("function", "python", "text"), SAME_AS_TEXT)
def test_python_values_mean_what_their_text_means(function: str, python: dict[str, Any],
                                                  text: dict[str, Any]) -> None:
    call = getattr(calctool, function)
    ours, theirs = call(**python).to_dict(), call(**text).to_dict()
    ours.pop("input"), theirs.pop("input")  # a sympy expression's input is its printed form
    assert ours == theirs


@pytest.mark.parametrize(("call", "key", "expected"), [
    # the answers themselves, computed by hand
    (lambda: calctool.diff(x**2 * y, wrt=x, at={x: 1, y: 3}), "value", 6.0),
    (lambda: calctool.diff(x**2 * y, at={x: 1, y: 3}), "value", {"x": 6.0, "y": 1.0}),
    (lambda: calctool.diff(sp.cbrt(x), at=-8), "value", 1 / 12),  # (1/3)(-8)^(-2/3)
    (lambda: calctool.evaluate("x*y", at={"x": 2, y: sp.pi / 4}), "value", math.pi / 2),
    (lambda: calctool.evaluate("x^(1/3)", at=-8.0), "value", -2.0),
    (lambda: calctool.tangent("x^2", at={"x": 3}), "slope", 6.0),
    (lambda: calctool.tangent("x^2", at=3), "intercept", -9.0),
    (lambda: calctool.limit("(1 + 1/x)^x", to=sp.oo), "value", math.e),
    (lambda: calctool.limit("sin(x)/x", to=("x", 0)), "result", "1"),
    (lambda: calctool.limit("abs(x)/x", to={x: 0}), "exists", False),
    (lambda: calctool.limit("abs(x)/x", to={x: 0}, direction="-"), "result", "-1"),
])
def test_python_values_give_the_right_answers(call: Any, key: str, expected: Any) -> None:
    got = call().to_dict()[key]
    assert got == (pytest.approx(expected, rel=1e-14) if isinstance(expected, float)
                   else expected)


def test_a_sympy_expression_follows_the_tools_conventions() -> None:
    """Plain sympy Symbols become real variables: d|x|/dx is sign(x), not re/im."""
    d = calctool.diff(sp.Abs(x)).to_dict()
    assert d["result"] == "sign(x)" and d["input"] == "Abs(x)"
    assert calctool.evaluate(x + 1, at={x: 2}).to_dict()["value"] == 3.0


def test_timeout_bounds_the_work() -> None:
    with pytest.raises(calctool.ComputationTimeout):
        calctool.diff("sin(x)^200*cos(x)^200", order=60, simplify=True, timeout=0.2)
    assert calctool.diff("x^2", timeout=None).to_dict()["result"] == "2*x"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: calctool.diff(["x^2"]), "the expression must be a string or a sympy expression, "
                                     "not a list"),
    (lambda: calctool.diff(sp.Matrix([x])), "must be a string or a sympy expression, not a "
                                            "MutableDenseMatrix"),
    (lambda: calctool.diff(sp.Eq(x, 1)), "the expression must be a sympy expression, not "
                                         "an Equality"),
    (lambda: calctool.diff(x + sp.I), "the expression must be real"),
    (lambda: calctool.diff(x * sp.EulerGamma), "sympy's EulerGamma has no meaning"),
    (lambda: calctool.evaluate("x", at={x: sp.Catalan}), "sympy's Catalan has no meaning"),
    (lambda: calctool.diff("x^2", at={"x": [1]}), "the value of x in at must be a number"),
    (lambda: calctool.diff("x^2", at={1: 2}), "at: a variable must be a name or a sympy "
                                              "Symbol, not an int"),
    (lambda: calctool.diff("x^2", at={"x": float("nan")}), "must be a number, not nan"),
    (lambda: calctool.diff("x^2", at={"x": 1, x: 2}), "at gives x more than once"),
    (lambda: calctool.diff("x^2", at=True), "at must be a number, a dict"),
    (lambda: calctool.diff("x^2", at={"x": "y + 1"}), "not an expression in y"),
    (lambda: calctool.diff("x*y", at=1), "at=1: the expression has several variables (x, y)"),
    (lambda: calctool.diff("x*y", at={"x": 1}), "at: no value for y"),
    (lambda: calctool.diff("x^2", at={"z": 1}), "at: z is not a variable of the expression"),
    (lambda: calctool.diff("x^2", wrt=3), "wrt must be variable names"),
    (lambda: calctool.diff("x^2", wrt=["x", 2]), "wrt: a variable must be a name"),
    (lambda: calctool.diff("x^2", order=1.5), "order must be a whole number"),
    (lambda: calctool.diff("x^2", at=1, digits=None), "digits must be a whole number"),
    (lambda: calctool.diff("x^2", plot=True, plot_range=(1,)), "plot_range must be (a, b)"),
    (lambda: calctool.evaluate("x^2", ranges={"x": (1, 0, 5)}), "the end must be greater"),
    (lambda: calctool.evaluate("x^2", ranges={"x": (0, 1, 2.5)}), "must be a whole number"),
    (lambda: calctool.evaluate("x^2", ranges=(0, 1)), "ranges must be a dict"),
    (lambda: calctool.evaluate("x^2", at=3, digits="many"), "digits must be a whole number"),
    (lambda: calctool.limit("1/x", to=[0]), "to must be a number, a dict"),
    (lambda: calctool.limit("1/x", to=0, direction=1), "direction must be '+', '-' or None"),
    (lambda: calctool.limit("1/x", to=sp.I), "the value in to must be real"),
    (lambda: calctool.tangent("x^2", at=object()), "at must be a number, a dict"),
    (lambda: calctool.tangent("x^2", at=1, k_max=2.0), "k_max must be a whole number"),
])
def test_bad_python_values_are_usage_errors(call: Any, message: str) -> None:
    with pytest.raises(calctool.UsageError) as info:
        call()
    assert message in info.value.message
    assert info.value.exit_status == 2


# --------------------------------------------------------------------------- naming parameters

# Python messages name keywords, whatever shape the value has (a string too);
# the CLI's messages name its flags (it passes them as a Spelling).
KEYWORD_MESSAGES: list[tuple[Any, str]] = [
    (lambda: calctool.diff("x^2", at="y=1"), "at: y is not a variable of the expression"),
    (lambda: calctool.diff("x*y", at="x=1"), "at: no value for y; give x=...,y=..."),
    (lambda: calctool.diff("x*y", at={"x": 1}), "at: no value for y; give {'x': ..., 'y': ...}"),
    (lambda: calctool.diff("x*y", at="1"), "at='1': the expression has several variables "
                                           "(x, y); name them, e.g. at='x=1,y=1'"),
    (lambda: calctool.diff("x^2", at="x=1,,y=2"), "at 'x=1,,y=2': an empty item between commas"),
    (lambda: calctool.diff("x^2", order=0), "order must be between 1 and 100, not 0"),
    (lambda: calctool.diff("x*y", order=2), "order needs wrt when the expression has several"),
    (lambda: calctool.diff("x*y", wrt="x,y", order=2),
     "order applies to a single wrt variable; for mixed partials list each variable: "
     "wrt='x,x,y'"),
    (lambda: calctool.diff("x^2", wrt="1x"), "wrt: '1x' is not a variable name"),
    (lambda: calctool.diff("x*y", plot=True), "give wrt and fix the others with at"),
    (lambda: calctool.diff("x*y", wrt="x", plot=True),
     "plot draws functions of one variable; fix y with at"),
    (lambda: calctool.diff("x^2", plot=True, plot_range="1:0"),
     "plot_range '1:0': the end must be greater than the start"),
    (lambda: calctool.evaluate("x", digits=0), "digits must be between 1 and 10000, not 0"),
    (lambda: calctool.evaluate("x*y"), "give a point: at='x=...,y=...'"),
    (lambda: calctool.evaluate("x^2", ranges="x=1:0"), "ranges 'x=1:0': the end must be "),
    (lambda: calctool.evaluate("x*y", ranges="0:1"),
     "ranges needs a variable name when the expression has several variables: "
     "ranges='x=0:1:11'"),
    (lambda: calctool.evaluate("x*y", ranges="x=0:1", at=["y=1", "y=2"]),
     "with ranges or csv_text, at may fix the other variables once"),
    (lambda: calctool.evaluate("x*y", ranges="x=0:1"), "fix them with at='y=...'"),
    (lambda: calctool.evaluate("x^2", ranges="x=0:1:20000", digits=20),
     "digits above 15 evaluates point by point"),
    (lambda: calctool.tangent("x^2", at=None),
     "give the point of tangency with at, e.g. at='x=1' (or at=1)"),
    (lambda: calctool.tangent("x^2", at=1, k_max=30), "k_max must be between 0 and 20, not 30"),
    (lambda: calctool.tangent("x*y", at="x=1,y=2", secants=True), "secants needs a function"),
    (lambda: calctool.tangent("x^2", at=3, plot=True, plot_range="5:6"),
     "plot_range='5:6': the point x = 3 is outside the range"),
]


@pytest.mark.parametrize(("call", "message"), KEYWORD_MESSAGES)
def test_python_messages_name_keywords(call: Any, message: str) -> None:
    with pytest.raises(calctool.UsageError) as info:
        call()
    assert message in info.value.message
    assert "--" not in info.value.message + (info.value.hint or "")


def test_a_hint_names_keywords_in_python() -> None:
    with pytest.raises(calctool.UsageError) as info:
        calctool.evaluate("x^2", ranges="x=0:1:200000")
    assert info.value.hint == ("add summary (count, min, max, mean) or write them all with "
                               "output=FILE.csv or output=FILE.npy")
    with pytest.raises(calctool.ComputationTimeout) as timeout:
        calctool.diff("sin(x)^200*cos(x)^200", order=60, simplify=True, timeout=0.2)
    assert timeout.value.hint == "raise the limit with timeout=SECONDS"


@pytest.mark.parametrize(("args", "message"), [
    (["diff", "x^2", "--at", "y=1"], "--at: y is not a variable of the expression"),
    (["diff", "x*y", "--wrt", "x,y", "--order", "2"],
     "--order applies to a single --wrt variable; for mixed partials list each variable: "
     "--wrt x,x,y"),
    (["eval", "x*y"], "give a point: --at x=...,y=..."),
    (["eval", "x^2", "--grid", "x=1:0"], "--grid 'x=1:0': the end must be "),
    (["tangent", "x^2", "--at", "3", "--plot", "--range", "5:6"],
     "--range 5:6: the point x = 3 is outside the range"),
])
def test_the_same_messages_name_flags_on_the_command_line(cli, args: list[str],
                                                          message: str) -> None:
    r = cli(*args)
    assert r.code == 2 and message in r.stderr


def test_a_time_limit_hints_in_the_spelling_of_the_limit_around_it() -> None:
    """The CLI's runner spells --timeout; a limit inside an operation that passes no
    spelling of its own (limit, gradcheck, hessian) hints with the runner's."""
    import time

    from calctool.core.budget import time_limit
    from calctool.core.errors import Spelling

    with pytest.raises(calctool.ComputationTimeout) as info, time_limit(0.05):
        time.sleep(1)
    assert info.value.hint == "raise the limit with timeout=SECONDS"
    runner = Spelling({"timeout": "--timeout"})
    with pytest.raises(calctool.ComputationTimeout) as info, time_limit(30, spelling=runner), \
            time_limit(0.05):
        time.sleep(1)
    assert info.value.hint == "raise the limit with --timeout SECONDS"
