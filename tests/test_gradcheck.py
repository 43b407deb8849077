"""gradcheck: the lecture's single neuron, student mistakes, user code, the JSON contract.

Most tests call the operation in-process and assert on the result's fields; what a
person reads is checked on the plain renderer's text (what the command prints to a
pipe). Through the command line: what the CLI itself decides (which mode the flags
ask for, flag combinations, loading FILE.py:NAME, the point flags, batches, exit
codes and error objects), and one JSON contract test.
"""

from __future__ import annotations

import io
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import calctool
from calctool.core.engines import usercode as uc
from calctool.core.errors import CalcError, ComputeError, DomainError, UsageError
from calctool.core.ops.gradcheck import (
    CheckOptions,
    Sampling,
    gradcheck,
    gradcheck_expression,
    gradcheck_function,
)
from calctool.core.results.gradcheck import GradcheckResult

FIXTURES = Path(__file__).parent / "fixtures"
MLP = str(FIXTURES / "mlp.py")
FAULTY = str(FIXTURES / "faulty.py")
BASE_KEYS = {"ok", "command", "input", "expression"}
SPEC_KEYS = {"passed", "max_abs_error", "max_rel_error", "components"}
COMPONENT_KEYS = {"name", "analytic", "numeric", "abs_error", "rel_error", "passed"}

NEURON = "(sigmoid(w*x + b) - t)^2"
NEURON_AT = "w=0.5,b=0.1,x=2,t=0.8"
S = "sigmoid(w*x + b)"
DL_DW = f"2*({S} - t)*{S}*(1 - {S})*x"
DL_DB = f"2*({S} - t)*{S}*(1 - {S})"

mlp = uc.load_module(Path(MLP))
faulty = uc.load_module(Path(FAULTY))


def _neuron_gradient() -> tuple[float, float]:
    """dL/dw and dL/db of L = (sigmoid(w x + b) - t)^2 by hand, as in the lecture."""
    w, b, x, t = 0.5, 0.1, 2.0, 0.8
    y = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dl_dy = 2.0 * (y - t)
    dy_dz = y * (1.0 - y)
    return dl_dy * dy_dz * x, dl_dy * dy_dz


def shown(result: GradcheckResult) -> str:
    """What the command prints for this result to a pipe (the plain renderer)."""
    from calctool.render import plain
    from calctool.render.report import build_report

    out = io.StringIO()
    plain.render(build_report(result), out)
    return out.getvalue()


def _verdict(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("result"))


def _spec(text: str, default_file: str | None = None) -> uc.UserCode:
    """FILE.py:NAME loaded as --func and --grad load it."""
    spec = uc.parse_spec(text, option="--func",
                         default_file=Path(default_file) if default_file else None)
    return uc.load_spec(spec)


def _check_common(d: dict[str, Any]) -> None:
    assert d.keys() >= BASE_KEYS | SPEC_KEYS
    assert d["ok"] is True and d["command"] == "gradcheck"
    assert isinstance(d["passed"], bool)
    for c in d["components"]:
        assert c.keys() >= COMPONENT_KEYS
        assert isinstance(c["name"], str) and isinstance(c["passed"], bool)
        for key in ("analytic", "numeric", "abs_error", "rel_error"):
            assert isinstance(c[key], (int, float)) or c[key] in ("inf", "-inf", "nan")
    json.dumps(d, allow_nan=False)  # no bare NaN or Infinity can reach the JSON


# --------------------------------------------------------------------------- the seed example


def test_single_neuron_sympy_gradient_agrees_with_finite_differences() -> None:
    r = gradcheck(NEURON, variables="w,b", at=NEURON_AT)
    assert r.passed is True and r.mode == "expression" and r.exit_status == 0
    assert [c.name for c in r.components] == ["w", "b"]
    dw, db = _neuron_gradient()
    by_name = {c.name: c for c in r.components}
    assert by_name["w"].analytic == pytest.approx(dw, rel=1e-14)
    assert by_name["b"].analytic == pytest.approx(db, rel=1e-14)
    for c in r.components:
        assert c.rel_error < 1e-8 and c.passed is True
        assert c.abs_error <= c.tolerance
    assert r.to_dict()["at"] == {"w": 0.5, "b": 0.1, "x": 2.0, "t": 0.8}


def test_single_neuron_hand_gradient_passes() -> None:
    r = gradcheck(NEURON, f"{DL_DW}, {DL_DB}", variables="w,b", at=NEURON_AT)
    assert r.mode == "gradient" and r.passed is True and r.exit_status == 0
    for c in r.components:
        assert c.passed_numeric and c.passed_exact and c.formula_matches
        assert c.analytic == pytest.approx(c.exact, rel=1e-14)


def test_single_neuron_text_output_reads() -> None:
    text = shown(gradcheck(NEURON, variables="w,b", at=NEURON_AT))
    assert "PASS: both components agree" in text
    assert "∂f/∂w" in text and "∂f/∂b" in text
    assert "w=0.5, b=0.1, x=2, t=0.8" in text


def test_python_values_read_as_their_text() -> None:
    """A sympy expression, a point as a dict (names or Symbols), the hand gradient as a
    list of strings and sympy expressions, variables as a list: the same check as text."""
    import sympy as sp

    x, y = sp.symbols("x y")
    ours = gradcheck(x**2 * sp.sin(y), [x**2 * sp.cos(y), "2*x*sin(y)"],
                     at={"x": 1, y: "pi/4"}, variables=[y, "x"])
    text = gradcheck("x^2*sin(y)", "x^2*cos(y), 2*x*sin(y)", at="x=1,y=pi/4", variables="y,x")
    assert ours.passed and [c.name for c in ours.components] == ["y", "x"]
    assert ours.input == "x**2*sin(y)" and text.input == "x^2*sin(y)"
    a, b = ours.to_dict(), text.to_dict()
    a.pop("input"), b.pop("input")
    assert a == b


# --------------------------------------------------------------------------- student mistakes

MISTAKES = [
    # (expression, --at, --vars, --grad, the wrong component, words of the diagnosis)
    (NEURON, NEURON_AT, "w,b", f"-{DL_DW}, {DL_DB}", "w", "sign error"),
    (NEURON, NEURON_AT, "w,b", f"{DL_DB}, {DL_DB}", "w", "missing factor x"),
    (NEURON, NEURON_AT, "w,b", f"2*({S} - t)*x, {DL_DB}", "w", "missing factor"),
    ("sin(x^2)", "x=1.3", None, "cos(x^2)", "x", "missing factor 2*x"),
    ("x^2*y + sin(x*y)", "x=1,y=2", None, "2*x*y, x^2 + x*cos(x*y)", "x", "missing term"),
    ("x^2*y + sin(x*y)", "x=1,y=2", None, "2*x*y + y*cos(x*y), x^2", "y", "missing term"),
    ("exp(2*x)*y", "x=0.3,y=2", None, "exp(2*x)*y, exp(2*x)", "x", "constant factor"),
]


@pytest.mark.parametrize(("expr", "at", "variables", "grad", "wrong", "words"), MISTAKES,
                         ids=["sign", "chain-x", "chain-sigmoid", "chain-inner", "dropped-x",
                              "dropped-y", "factor-2"])
def test_student_mistakes_fail_and_name_the_component(monkeypatch: pytest.MonkeyPatch,
                                                      expr: str, at: str,
                                                      variables: str | None, grad: str,
                                                      wrong: str, words: str) -> None:
    # the diagnosis has a time budget; a loaded machine must not drop it here
    monkeypatch.setattr("calctool.core.ops.gradcheck.DIAGNOSIS_SECONDS", 60.0)
    r = gradcheck(expr, grad, at=at, variables=variables)
    assert r.passed is False and r.exit_status == 1
    assert [c.name for c in r.components if not c.passed] == [wrong]
    bad = next(c for c in r.components if c.name == wrong)
    assert bad.passed_exact is False and bad.formula_matches is False
    assert bad.diagnosis is not None and words in bad.diagnosis
    text = shown(r)
    assert f"∂f/∂{wrong} is wrong" in text and words in text
    assert "FAIL" in text


def test_a_formula_right_only_at_the_point_passes_with_a_warning() -> None:
    r = gradcheck("x^3", "3*x", at="0")
    assert r.exit_status == 0
    c = r.components[0]
    assert c.passed is True and c.formula_matches is False
    assert "passes at this point only" in shown(r)


def test_grad_order_follows_vars_and_is_stated() -> None:
    r = gradcheck("x^2*y", "x^2, 2*x*y", at="x=1,y=3", variables="y,x")
    assert r.exit_status == 0 and r.order == "--vars"
    assert "∂f/∂y, ∂f/∂x (the order of --vars)" in shown(r)
    r = gradcheck("x^2*y", "x^2, 2*x*y", at="x=1,y=3")
    assert r.exit_status == 1  # sorted order is x, y: both components are swapped
    assert "(sorted variable order)" in shown(r)


def test_other_variables_are_constants_fixed_by_at() -> None:
    r = gradcheck("a*x^2", variables="x", at="x=2,a=3")
    assert [c.name for c in r.components] == ["x"]
    assert r.components[0].analytic == pytest.approx(12.0)


@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex"])
def test_every_method_passes_a_correct_gradient(method: str) -> None:
    r = gradcheck("exp(x)*sin(y) + x*y^3", at="x=0.7,y=-1.2", method=method)
    assert r.method == method and r.passed is True and r.exit_status == 0
    bound = {"forward": 1e-6, "central": 1e-9, "richardson": 1e-11, "complex": 1e-14}[method]
    assert r.max_rel_error < bound


def test_tolerance_options_loosen_and_eps_sets_the_step() -> None:
    assert gradcheck("x^2", "2.001*x", at="1").exit_status == 1
    r = gradcheck("x^2", at="1", eps=1e-4)
    assert r.eps == 1e-4 and r.components[0].step == pytest.approx(1e-4, rel=1e-6)
    loose = gradcheck("x^2", "2.001*x", at="1", rtol=1e-2)
    assert loose.components[0].passed_numeric is True


def test_kink_at_the_point_is_not_silently_checked() -> None:
    with pytest.raises(DomainError) as info:
        gradcheck("abs(x)", at="0")
    assert info.value.code == "not_differentiable" and info.value.exit_status == 3
    d = info.value.to_dict()
    assert d["left"] == -1.0 and d["right"] == 1.0


# --------------------------------------------------------------------------- user code


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_mlp_correct_backprop_passes(fast: bool) -> None:
    r = gradcheck(mlp.loss, mlp.loss_grad, dim=31, seed=3, fast=fast)
    assert r.passed is True and r.exit_status == 0
    assert r.fast is fast and r.n == 31 and r.failed == 0 and r.failing == ()
    d = r.to_dict()
    assert d["expression"] is None and d["input"] == "loss" and d["func"] == "loss"


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
@pytest.mark.parametrize("broken", ["broken_grad", "bias_sign_grad"])
def test_mlp_broken_backprop_is_caught(fast: bool, broken: str) -> None:
    r = gradcheck(mlp.loss, getattr(mlp, broken), dim=31, seed=3, fast=fast)
    assert r.passed is False and r.failed >= 1 and r.exit_status == 1
    if not fast and broken == "bias_sign_grad":
        assert r.failing == (30,)  # only the output bias, the last parameter
        worst = r.components[0]
        assert worst.name == "theta[30]" and worst.passed is False
        assert worst.analytic == pytest.approx(-worst.numeric, rel=1e-6)
    if not fast and broken == "broken_grad":
        # the missing tanh' factor spoils the first layer (W1, b1), not w2 and b2
        assert set(r.failing) <= set(range(24)) and len(r.failing) >= 12


def test_full_check_text_shows_the_worst_components() -> None:
    r = gradcheck(mlp.loss, mlp.bias_sign_grad, dim=31, seed=3)
    assert r.exit_status == 1
    text = shown(r)
    assert "the 10 worst of 31 components" in text
    assert "wrong: theta[30]" in text
    assert text.count("FAIL") >= 2  # the verdict and the row


def _model(n_wrong: int = 0, delta: float = 0.0) -> tuple[Any, Any, Any]:
    """f(x) = sum(a sin x + x^2/2) with known a; its gradient; the gradient with
    component `n_wrong` off by `delta` x its RMS."""

    def loss(x: np.ndarray) -> float:
        return float(np.linspace(0.5, 2.0, x.size) @ np.sin(x) + 0.5 * (x @ x))

    def grad(x: np.ndarray) -> np.ndarray:
        return np.linspace(0.5, 2.0, x.size) * np.cos(x) + x

    def one_wrong(x: np.ndarray) -> np.ndarray:
        g = grad(x)
        g[n_wrong] += delta * np.sqrt(np.mean(g * g))
        return g

    return loss, grad, one_wrong


def test_fast_mode_catches_one_component_off_by_1e3_rms_at_large_n() -> None:
    loss, grad, one_wrong = _model(n_wrong=12345, delta=1e-3)
    for seed in range(3):
        good = gradcheck(loss, grad, dim=100_000, seed=seed, fast=True)
        assert good.passed and good.exit_status == 0
        bad = gradcheck(loss, one_wrong, dim=100_000, seed=seed, fast=True)
        assert not bad.passed and bad.exit_status == 1
        assert bad.evaluations < 100 and bad.gradient_evaluations == 1
        assert len(bad.components) == 8
        assert {c.name for c in bad.components} == {f"direction {k}" for k in range(1, 9)}


@pytest.mark.slow
def test_fast_mode_catches_one_component_off_by_1e3_rms_at_a_million() -> None:
    """SPEC section 5: at n = 10^6, a single component off by 1e-3 of the gradient's RMS
    (PyTorch's fast mode misses it already at n = 1000), with O(1) evaluations."""
    n = 1_000_000
    loss, grad, one_wrong = _model(n_wrong=654_321, delta=1e-3)
    for seed in range(2):
        good = gradcheck(loss, grad, dim=n, seed=seed, fast=True)
        assert good.passed and good.n == n
        bad = gradcheck(loss, one_wrong, dim=n, seed=seed, fast=True)
        assert not bad.passed and bad.evaluations < 100 and bad.gradient_evaluations == 1
        assert bad.resolution is not None and bad.resolution < 1e-3


def test_fast_defaults_to_richardson_and_reports_its_resolution() -> None:
    loss, grad, _ = _model()
    runs = {method: gradcheck(loss, grad, dim=10_000, fast=True, method=method)
            for method in (None, "central")}
    assert runs[None].method == "richardson" and runs["central"].method == "central"
    # richardson's smaller error resolves far smaller mistakes, for a few more evaluations
    assert runs[None].resolution is not None and runs["central"].resolution is not None
    assert runs[None].resolution < runs["central"].resolution / 30
    assert runs[None].evaluations - runs["central"].evaluations < 30
    assert gradcheck(loss, grad, dim=5).method == "central"
    assert "resolution: one component off by more than" in shown(runs[None])


def test_points_checks_a_sample_of_components() -> None:
    loss, grad, _ = _model(n_wrong=7, delta=1.0)
    r = gradcheck(loss, grad, dim=5000, points=50)
    assert r.sampled is True and r.checked == 50 and r.n == 5000 and r.passed
    assert r.evaluations < 300
    assert len(r.components) == 10 and r.shown == "worst"
    fast = gradcheck(loss, grad, dim=5000, fast=True, points=3)
    assert fast.checked == 3 and len(fast.components) == 3


def test_large_full_check_lists_all_failures_by_index() -> None:
    loss, _, one_wrong = _model(n_wrong=77, delta=1e-2)
    r = gradcheck(loss, one_wrong, dim=300)
    assert r.failing == (77,) and r.failed == 1 and r.checked == 300
    assert r.components[0].index == 77 and r.components[0].name == "x[77]"
    assert len(r.components) == 10


def test_a_point_array_keeps_its_shape() -> None:
    def loss(w: np.ndarray) -> float:
        assert w.shape == (2, 3)
        return float(np.sum(np.sin(w)))

    r = gradcheck(loss, np.cos, at=np.arange(6.0).reshape(2, 3) / 10)
    assert r.passed is True and r.shape == (2, 3) and r.to_dict()["shape"] == [2, 3]
    assert [c.name for c in r.components][:4] == ["w[0, 0]", "w[0, 1]", "w[0, 2]", "w[1, 0]"]
    loss3, grad3, _ = _model()
    r = gradcheck(loss3, grad3, at=[0.5, 1, math.pi / 4])
    assert r.n == 3 and r.passed is True and r.to_dict()["point"] == \
        "at=[0.5, 1.0, 0.7853981633974483]"


def test_nan_in_the_gradient_fails_with_json_strings() -> None:
    def grad(x: np.ndarray) -> np.ndarray:
        g = 2 * x
        g[1] = np.nan
        return g

    r = gradcheck(lambda x: float(np.sum(x**2)), grad, at=[1, 2, 3])
    assert r.exit_status == 1
    d = r.to_dict()
    assert "NaN" not in json.dumps(d)
    _check_common(d)
    assert d["failing"] == [1] and d["max_abs_error"] == "nan"
    assert d["components"][1]["analytic"] == "nan"


def test_user_prints_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """Their print() must not corrupt --json on stdout: it goes to stderr."""
    r = gradcheck(faulty.noisy, faulty.grad, dim=3)
    assert r.passed is True
    out, err = capsys.readouterr()
    assert out == "" and "debug: loss called" in err


def test_progress_callback_and_time_budget() -> None:
    calls: list[tuple[int, int]] = []
    x = uc.UserPoint(uc.random_point(31, 0), "dim=31", 0)
    r = gradcheck_function(mlp.loss, mlp.loss_grad, x,
                           progress=lambda done, total: calls.append((done, total)))
    assert r.passed and calls and calls[-1] == (31, 31)
    with pytest.raises(ComputeError) as info:
        gradcheck_function(mlp.loss, mlp.loss_grad, x, budget=1e-9)
    assert info.value.code == "too_slow" and "fast" in (info.value.hint or "")


# --------------------------------------------------------------------------- the Python API


def test_python_callables_are_checked_like_func_code() -> None:
    def f(th: np.ndarray) -> float:
        return float((th**2).sum())

    r = calctool.gradcheck(f, lambda th: 2 * th, at=[1.0, 2.0])
    d = r.to_dict()
    _check_common(d)
    # input: the callable's qualified name, as --func's is its FILE.py:NAME
    assert r.passed and d["expression"] is None and d["input"] == f.__qualname__
    assert d["input"].endswith(".<locals>.f") and d["grad"].endswith(".<locals>.<lambda>")
    assert d["mode"] == "function" and d["point"] == "at=[1.0, 2.0]" and d["n"] == 2
    assert [c["name"] for c in d["components"]] == ["th[0]", "th[1]"]
    assert [c["analytic"] for c in d["components"]] == [2.0, 4.0]


def test_an_exception_in_a_callable_is_theirs_with_their_traceback() -> None:
    def loss(w: np.ndarray) -> float:
        return float(w @ np.ones(len(w) + 1))  # shapes do not match

    with pytest.raises(ComputeError) as info:
        calctool.gradcheck(loss, lambda w: w, at=[1.0, 2.0])
    e = info.value
    assert e.code == "user_code_error" and e.exit_status == 3
    assert "loss raised ValueError" in e.message and "Traceback from your code" in e.message
    assert "test_gradcheck.py" in e.message and "w @ np.ones" in e.message
    assert "calctool/core" not in e.message
    assert "Traceback" not in e.to_dict()["message"] and "in loss" in e.to_dict()["traceback"]
    with pytest.raises(UsageError) as bad:
        calctool.gradcheck(faulty.two_args, lambda w: w, at=[1.0])
    assert bad.value.code == "bad_signature"


@pytest.mark.parametrize(("args", "kwargs", "code", "words"), [
    (("x^2",), {"at": "1", "fast": True}, "bad_option", "fast is for a Python function"),
    (("x^2",), {"at": "1", "dim": 3}, "bad_option", "dim is for a Python function"),
    ((np.sum, np.ones_like), {"at": [1.0], "variables": "x"}, "bad_option",
     "variables names an expression's variables"),
    ((np.sum,), {"at": [1.0]}, "missing_argument", "grad is missing"),
    ((np.sum, np.ones_like), {}, "missing_point", "give the point: at"),
    ((np.sum, np.ones_like), {"at": [1.0], "dim": 3}, "bad_option", "one way: at or dim"),
    ((np.sum, 3), {"at": [1.0]}, "not_callable", "grad must be a function"),
    ((np.sum, np.ones_like), {"at": "1,2"}, "bad_value", "at must be an array"),
    (([1, 2],), {"at": "1"}, "bad_value", "f must be a string or a sympy expression"),
])
def test_the_api_names_its_parameters(args: tuple[Any, ...], kwargs: dict[str, Any],
                                      code: str, words: str) -> None:
    with pytest.raises(UsageError) as info:
        calctool.gradcheck(*args, **kwargs)
    assert info.value.code == code and words in info.value.message
    assert "--" not in info.value.message


def test_messages_name_parameters_in_python_and_flags_on_the_command_line(cli) -> None:
    cases = [  # (Python keyword arguments, the same as options, Python words, CLI words)
        ({"at": "1", "method": "magic"}, ["--at", "1", "--method", "magic"],
         "method='magic': expected one of", "--method magic: expected one of"),
        ({"at": "x=1e8", "eps": 1e-10}, ["--at", "x=1e8", "--eps", "1e-10"],
         "eps=1e-10 is below the spacing", "--eps 1e-10 is below the spacing"),
        ({"at": "1", "grad": "1, 2"}, ["--at", "1", "--grad", "1, 2"],
         "grad has 2 components", "--grad has 2 components"),
        ({"at": "1", "variables": "y"}, ["--at", "1", "--vars", "y"],
         "variables: 'y' is not a variable", "--vars: 'y' is not a variable"),
        ({}, [], "give the point to check at: at='x=...'",
         "give the point to check at: --at x=..."),
    ]
    for kwargs, options, python, flags in cases:
        with pytest.raises(CalcError) as info:
            calctool.gradcheck("x^2", **kwargs)
        assert python in info.value.message
        r = cli("gradcheck", "x^2", *options, "--json")
        assert r.code == 2 and flags in r.json["error"]["message"]
    with pytest.raises(CalcError) as info:
        gradcheck_expression("x^2", at="1", options=CheckOptions(method="magic"))
    assert info.value.message.startswith("method='magic'")


# --------------------------------------------------------------------------- the command line


def test_json_contract_in_every_mode(cli) -> None:
    d = cli("gradcheck", "x^2*y", "--at", "x=1,y=2", "--method", "forward", "--rtol", "1e-3",
            "--atol", "1e-9", "--json").json
    _check_common(d)
    assert d["expression"] == "x**2*y" and d["variables"] == ["x", "y"]
    assert {"mode", "method", "rtol", "atol", "eps", "at", "n", "evaluations"} <= d.keys()
    assert (d["method"], d["rtol"], d["atol"], d["eps"]) == ("forward", 1e-3, 1e-9, None)
    d = cli("gradcheck", "x^2*y", "--at", "x=1,y=2", "--grad", "2*x*y, x^2", "--json").json
    _check_common(d)
    assert d["mode"] == "gradient"
    assert {"exact", "formula", "expected", "formula_matches"} <= d["components"][0].keys()
    for fast in ([], ["--fast"]):
        d = cli("gradcheck", "--func", f"{MLP}:loss", "--grad", "loss_grad", "--dim", "31",
                "--json", *fast).json
        _check_common(d)
        assert d["expression"] is None and d["input"] == f"{MLP}:loss"
        assert d["func"] == f"{MLP}:loss" and d["grad"] == "loss_grad" and d["n"] == 31
        assert d["point"] == "--dim 31 --seed 0 (standard normal)" and d["fast"] is bool(fast)
        assert {"failed", "failing", "shown", "evaluations", "point", "seed"} <= d.keys()
    assert {"noise_floor", "tolerance", "step"} <= d["components"][0].keys()


def test_point_flags_of_func_code(cli, tmp_path: Path) -> None:
    """--x0 FILE.npy (any shape), --at numbers, --points, --seed reach the check."""
    np.save(tmp_path / "w.npy", np.arange(6.0).reshape(2, 3) / 10)
    (tmp_path / "mat.py").write_text(
        "import numpy as np\n\ndef loss(W):\n    assert W.shape == (2, 3)\n"
        "    return float(np.sum(np.sin(W)))\n\ndef grad(W):\n    return np.cos(W)\n")
    r = cli("gradcheck", "--func", f"{tmp_path / 'mat.py'}:loss", "--grad", "grad", "--x0",
            str(tmp_path / "w.npy"), "--json")
    assert r.code == 0, r.stdout + r.stderr
    d = r.json
    assert d["passed"] is True and d["shape"] == [2, 3]
    assert d["point"] == f"--x0 {tmp_path / 'w.npy'}"
    assert [c["name"] for c in d["components"]][:4] == ["W[0, 0]", "W[0, 1]", "W[0, 2]",
                                                          "W[1, 0]"]
    d = cli("gradcheck", "--func", f"{MLP}:loss", "--grad", "loss_grad", "--at",
            ",".join(["0.5"] * 30 + ["pi/4"]), "--points", "5", "--seed", "2", "--json").json
    assert d["n"] == 31 and d["passed"] is True and d["checked"] == 5 and d["sampled"]
    assert d["seed"] == 2 and d["point"].startswith("--at 0.5,0.5")


def test_batch_reads_expressions_from_stdin(cli) -> None:
    r = cli("gradcheck", "-", "--at", "x=1", "--json", stdin="x^2\nsin(x)\nx+)\n")
    lines = r.json_lines
    assert [d["ok"] for d in lines] == [True, True, False]
    assert lines[0]["passed"] is True and lines[2]["error"]["code"] == "parse_error"
    assert r.code == 2


def test_user_prints_do_not_corrupt_json(cli) -> None:
    r = cli("gradcheck", "--func", f"{FAULTY}:noisy", "--grad", "grad", "--dim", "3", "--json")
    assert r.code == 0
    assert json.loads(r.stdout)["passed"] is True
    assert "debug: loss called" in r.stderr


# What the command line decides (flags, files, points), and one error of each exit code
# from the operation, through the one error boundary.
BAD_INPUT = [
    (["gradcheck"], 2, "missing_argument"),
    (["gradcheck", "x^2", "--at", "1", "--fast"], 2, "bad_option"),
    (["gradcheck", "x^2", "--at", "1", "--x0", "w.npy"], 2, "bad_option"),
    (["gradcheck", "x^2", "--at", "1", "--grad", "model.py:g"], 2, "bad_option"),
    (["gradcheck", "x", "--func", f"{FAULTY}:loss"], 2, "bad_option"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad", "--vars", "x", "--dim", "3"], 2,
     "bad_option"),
    (["gradcheck", "--func", "model.py", "--grad", "g", "--dim", "3"], 2, "bad_function_spec"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "not a name", "--dim", "3"], 2,
     "bad_function_spec"),
    (["gradcheck", "--func", "no_such_file.py:loss", "--grad", "g", "--dim", "3"], 2,
     "file_not_found"),
    (["gradcheck", "--func", f"{FAULTY}:missing", "--grad", "grad", "--dim", "3"], 2,
     "function_not_found"),
    (["gradcheck", "--func", f"{FAULTY}:NOT_A_FUNCTION", "--grad", "grad", "--dim", "3"], 2,
     "not_callable"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--dim", "3"], 2, "missing_argument"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad"], 2, "missing_point"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad", "--dim", "3", "--at", "1"], 2,
     "bad_option"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad", "--at", "x=1"], 2,
     "bad_value"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad", "--dim", "0"], 2,
     "bad_value"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "short_grad", "--dim", "3"], 2,
     "bad_output"),
    (["gradcheck", "--func", f"{FAULTY}:raises", "--grad", "grad", "--dim", "3"], 3,
     "user_code_error"),
    (["gradcheck", "x^2", "--at", "1", "--method", "magic"], 2, "bad_value"),
    (["gradcheck", "x^2", "--at", "1", "--points", "0"], 2, "bad_value"),
    (["gradcheck", "x^2", "--at", "1", "--grad", "2*x+"], 2, "parse_error"),
    (["gradcheck", "log(x)", "--at", "0"], 3, "undefined"),
]


@pytest.mark.parametrize(("args", "code", "error_code"), BAD_INPUT,
                         ids=[" ".join(a[1:])[-60:] or "none" for a, _, _ in BAD_INPUT])
def test_bad_input_has_exit_codes_and_json_errors(cli, args: list[str], code: int,
                                                  error_code: str) -> None:
    r = cli(*args, "--json")
    assert r.code == code, r.stdout + r.stderr
    d = json.loads(r.stdout)  # exactly one JSON document
    assert d["ok"] is False and d["error"]["code"] == error_code
    text = cli(*args)
    assert text.code == code
    assert text.stdout == "" and text.stderr.startswith("calctool: error: ")
    assert "calctool/core" not in text.stderr and "calctool/cli" not in text.stderr


# Errors of the operation itself, whoever calls it: (call, code, exit status).
OPERATION_ERRORS = [
    (lambda: gradcheck("x^2*y"), "missing_variable", 2),
    (lambda: gradcheck("x^2*y", "2*x*y", at="x=1,y=2"), "wrong_gradient_length", 2),
    (lambda: gradcheck("x^2*y", "2*x*y, x^2, 1", at="x=1,y=2"), "wrong_gradient_length", 2),
    (lambda: gradcheck("x^2", "2*x+", at="1"), "parse_error", 2),
    (lambda: gradcheck("x^2", "2*z", at="1"), "unknown_variable", 2),
    (lambda: gradcheck("x^2", at="1", variables="y"), "unknown_variable", 2),
    (lambda: gradcheck("x^2", at="1", variables="x,x"), "bad_value", 2),
    (lambda: gradcheck("x^2", at="1", method="magic"), "bad_value", 2),
    (lambda: gradcheck("x^2", at="1", eps=-1), "bad_value", 2),
    (lambda: gradcheck("x^2", at="1", rtol=-1), "bad_value", 2),
    (lambda: gradcheck("x^2", at="1", atol=math.nan), "bad_value", 2),
    (lambda: gradcheck("3", at="1"), "no_variable", 2),
    (lambda: gradcheck("log(x)", at="0"), "undefined", 3),
    (lambda: gradcheck(faulty.loss, faulty.grad, dim=3, points=0), "bad_value", 2),
    (lambda: gradcheck(faulty.loss, faulty.short_grad, dim=3), "bad_output", 2),
    (lambda: gradcheck(faulty.returns_none, faulty.grad, dim=3), "bad_output", 2),
    (lambda: gradcheck(faulty.returns_vector, faulty.grad, dim=3), "bad_output", 2),
    (lambda: gradcheck(faulty.two_args, faulty.grad, dim=3), "bad_signature", 2),
    (lambda: gradcheck(faulty.raises, faulty.grad, dim=3), "user_code_error", 3),
    (lambda: gradcheck(faulty.exits, faulty.grad, dim=3), "user_code_error", 3),
    (lambda: gradcheck(lambda _: math.inf, faulty.grad, dim=3), "not_finite", 3),
]


@pytest.mark.parametrize(("call", "code", "status"), OPERATION_ERRORS,
                         ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(OPERATION_ERRORS)])
def test_errors_of_the_operation_have_codes_and_exit_statuses(call: Any, code: str,
                                                              status: int) -> None:
    with pytest.raises(CalcError) as info:
        call()
    assert info.value.code == code and info.value.exit_status == status
    json.dumps(info.value.to_dict(), allow_nan=False)


def test_syntax_error_in_their_file_is_theirs(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import numpy as np\n\ndef loss(w)\n    return 1\n")
    with pytest.raises(uc.UserCodeError) as info:
        _spec(f"{tmp_path / 'broken.py'}:loss")
    e = info.value
    assert e.code == "user_code_error" and e.exit_status == 3
    assert "line 3" in e.to_dict()["traceback"]
    assert "broken.py is not valid Python" in e.message and "def loss(w)" in e.message


def test_user_code_error_shows_their_traceback_only() -> None:
    x = uc.UserPoint(uc.random_point(3, 0), "dim=3", 0)
    with pytest.raises(uc.UserCodeError) as info:
        gradcheck_function(_spec(f"{FAULTY}:raises"), _spec("grad", FAULTY), x)
    message = info.value.message  # what the text output prints after "calctool: error: "
    assert "Traceback from your code" in message
    assert 'faulty.py", line' in message and "in _inner" in message and "in raises" in message
    assert "weights @ w" in message and "ValueError" in message
    assert "calctool/" not in message.replace(str(FIXTURES), "")
    d = info.value.to_dict()
    assert "in _inner" in d["traceback"]
    assert "Traceback" not in d["message"]


# --------------------------------------------------------------------------- rendering


def test_tables_fit_sixty_columns_without_cutting_numbers(tmp_path: Path) -> None:
    from rich.console import Console

    from calctool.render import rich as rich_renderer
    from calctool.render.report import build_report

    # A checkout deep in a temporary directory gives a path wider than the
    # terminal: it must fold, not end in "…".
    deep = tmp_path / ("checkout-" + "d" * 40) / "fixtures"
    deep.mkdir(parents=True)
    path = deep / "mlp.py"
    path.write_text(Path(MLP).read_text())
    loss, broken = _spec(f"{path}:loss"), _spec("broken_grad", str(path))
    x = uc.UserPoint(uc.random_point(31, 3), "--dim 31 --seed 3 (standard normal)", 3)
    results = [
        gradcheck(NEURON, f"-{DL_DW}, {DL_DB}", at=NEURON_AT, variables="w,b"),
        gradcheck_function(loss, broken, x, sampling=Sampling(seed=3)),
        gradcheck_function(loss, broken, x, sampling=Sampling(fast=True, seed=3)),
    ]
    for result in results:
        console = Console(file=io.StringIO(), width=60, color_system=None, record=True)
        rich_renderer.render(build_report(result), console)
        text = console.export_text()
        assert "…" not in text
        assert max(len(line) for line in text.splitlines()) <= 60
        for c in result.components:
            assert c.name.split()[-1] in text


# --------------------------------------------------------------------------- kinks and jumps

# The keys of a component in each expression mode: a kink changes values, never keys.
EXPRESSION_COMPONENT_KEYS = COMPONENT_KEYS | {"tolerance", "step"}
GRADIENT_COMPONENT_KEYS = EXPRESSION_COMPONENT_KEYS | {
    "exact", "formula", "expected", "passed_numeric", "passed_exact", "formula_matches"}


@pytest.mark.parametrize(("text", "at", "word", "kind", "eps"), [
    ("abs(x) + 2", "1e-9", "KINK", "kink", None),  # the default step straddles 0
    ("relu(x - 1)*3", "1.0000001", "KINK", "kink", 1e-4),
    ("max(x, 2 - x)", "1.000000001", "KINK", "kink", 1e-5),
    ("leaky_relu(x, 0.1)", "-3e-5", "KINK", "kink", 1e-4),
    ("floor(x)", "0.9999999", "JUMP", "jump", None),
    ("ceiling(2*x)", "0.49999999", "JUMP", "jump", None),
    ("heaviside(x) + 1", "-1e-8", "JUMP", "jump", None),
    ("sign(x)*3", "1e-8", "JUMP", "jump", None),
])
def test_a_step_straddling_a_kink_is_inconclusive_not_pass(text: str, at: str, word: str,
                                                          kind: str, eps: float | None) -> None:
    r = gradcheck(text, at=at, eps=eps)
    assert r.exit_status == 1
    out = shown(r)
    verdict = _verdict(out)
    assert "INCONCLUSIVE" in verdict and f"straddles a {kind}" in verdict
    assert "PASS" not in out and word in out
    assert "farther" in out and "smaller --eps" in out
    d = r.to_dict()
    _check_common(d)
    c = d["components"][0]
    assert d["passed"] is False and d["failed"] == 1 and c["passed"] is False
    assert c["diagnosis"].startswith("inconclusive: the finite-difference step straddles")
    assert set(c) == EXPRESSION_COMPONENT_KEYS | {"diagnosis"}
    # the difference is meaningless indeed: it is far from sympy's derivative
    assert abs(c["numeric"] - c["analytic"]) > 0.01 * max(1.0, abs(c["analytic"]))


def test_the_brief_examples_are_never_a_pass_with_rel_error_one() -> None:
    """abs(x) at 1e-9 and relu(x)*y at x = 1e-7 used to PASS with the difference 0.00017
    (and 0.51) against 1: the kink had inflated the measured noise of f, so the step
    was not refined and the tolerance took anything. Now the noise is measured below
    the kink, the step refined to clear it (checked: the stencil does not straddle 0),
    and the difference is the slope, 1."""
    r = gradcheck("abs(x)", "sign(x)", at="1e-9")
    c = r.components[0]
    assert r.passed is True and c.numeric == pytest.approx(1.0, rel=1e-6)
    assert c.step is not None and 2 * c.step < 1e-9
    assert "rel. error 1.0e+00" not in shown(r)
    r = gradcheck("relu(x)*y", "heaviside(x)*y, relu(x)", at="x=1e-7,y=1")
    assert r.passed is True and r.max_rel_error < 1e-6
    assert [c.numeric for c in r.components] == pytest.approx([1.0, 1e-7], rel=1e-6)
    # with a step that must straddle (eps is used as given), it is inconclusive
    r = gradcheck("relu(x)*y", "heaviside(x)*y, relu(x)", at="x=1e-7,y=1", eps=1e-4)
    assert r.exit_status == 1
    verdict = _verdict(shown(r))
    assert verdict.startswith("result") and "INCONCLUSIVE: ∂f/∂x cannot be checked" in verdict
    assert "(1 of 2)" in verdict
    dx, dy = r.to_dict()["components"]
    assert dx["passed"] is False and dx["passed_exact"] is True
    assert dx["passed_numeric"] is False and "relu(x) where x = 0" in dx["diagnosis"]
    assert dy["passed"] is True
    assert set(dx) == set(dy) | {"diagnosis"} == GRADIENT_COMPONENT_KEYS | {"diagnosis"}


def test_floor_gradcheck_near_a_jump_does_not_crash() -> None:
    r = gradcheck("floor(x)", "0", at="0.9999999")
    assert r.exit_status == 1
    text = shown(r)
    assert "JUMP" in text and "floor(x) where x is an integer" in text
    ok = gradcheck("floor(x)*y", "0, floor(x)", at="x=2.5,y=3")
    assert ok.exit_status == 0 and ok.passed is True
    assert [c.numeric for c in ok.components] == [0.0, 2.0]
    with pytest.raises(DomainError) as at_jump:
        gradcheck("floor(x)", at="1")
    assert at_jump.value.code == "not_differentiable" and at_jump.value.exit_status == 3


def test_a_wrong_formula_near_a_kink_is_still_wrong() -> None:
    """The exact comparison does not need the finite difference: a wrong formula fails."""
    r = gradcheck("abs(x) + 2", "-sign(x)", at="1e-9")
    assert r.exit_status == 1
    text = shown(r)
    assert "FAIL: ∂f/∂x is wrong" in _verdict(text) and "KINK" not in text


@pytest.mark.parametrize(("text", "at"), [
    ("abs(x)", "0.5"), ("relu(x)*y", "x=-2,y=3"), ("floor(x)*x", "2.5"),
    ("max(x, 2 - x)", "3"), ("abs(x - y)", "x=1,y=1.001"), ("atan2(y, x)", "x=1,y=1e-9")])
def test_kinks_away_from_the_stencil_are_not_reported(text: str, at: str) -> None:
    r = gradcheck(text, at=at)
    assert r.passed is True, (text, r)
    assert all(c.diagnosis is None for c in r.components)


def test_atan2_cut_is_a_jump_for_the_component_that_crosses_it() -> None:
    dx, dy = gradcheck("atan2(y, x)", at="x=-1,y=1e-9").components
    assert dx.passed is True  # moving x keeps y > 0: no cut crossed
    assert dy.passed is False and dy.diagnosis is not None
    assert "atan2(y, x) where y = 0 with x ≤ 0" in dy.diagnosis


@pytest.mark.parametrize(("args", "kwargs", "words"), [
    (("sin(x)^2",), {"at": "pi"}, "in absolute terms"),  # sympy's 0 against float(pi)'s
    (("sin(x)^2",), {"at": "pi", "atol": 1e-12}, "within --atol 1e-12"),
    (("x^2", "2.001*x"), {"at": "1", "rtol": 0.01}, "within --rtol 0.01"),
    (("x^3*cos(x)",), {"at": "0.7"}, "(rel. error"),
])
def test_a_pass_never_claims_agreement_with_a_large_relative_error(
        args: tuple[str, ...], kwargs: dict[str, Any], words: str) -> None:
    r = gradcheck(*args, **kwargs)
    assert r.exit_status == 0
    text = shown(r)
    verdict = _verdict(text)
    assert "PASS" in verdict and words in verdict
    if r.max_rel_error > 1e-6:
        assert "rel. error" not in verdict or "--rtol" in verdict
        assert "rel. error 1.0e+00" not in text.split("result", 1)[1].splitlines()[0]


def test_passes_say_why_in_every_mode() -> None:
    """The wording rule on result objects: 'agrees (rel. error e)' only for e <= 1e-6."""
    from calctool.render.views.gradcheck import PLAIN_REL
    from calctool.render.views.gradcheck import _verdict as verdict

    cases = [gradcheck("sin(x)^2", at="pi"), gradcheck("x^2*y", at="x=1,y=2"),
             gradcheck(mlp.loss, mlp.loss_grad, dim=31)]
    for r in cases:
        assert r.passed
        text = verdict(r)
        if r.max_rel_error > PLAIN_REL:
            assert "absolute terms" in text and "rel. error" not in text
        else:
            assert "rel. error" in text


def test_function_mode_noise_is_not_inflated_by_a_kink() -> None:
    """User code with kinks next to the point: the noise measured along a probe that
    crosses them used to be ~1e-6, so every tolerance was ~1 and a component off by
    1e-4 passed. A wrong smooth component is caught now, and no straddled difference
    passes."""

    def f(x: np.ndarray) -> float:
        return float(np.sum(np.abs(x)) + x[1] ** 2)

    def g(x: np.ndarray) -> np.ndarray:
        out = np.sign(x)
        out[1] = out[1] + 2 * x[1] + 1e-4
        return out

    r = gradcheck(f, g, at=[1e-9, 2, -1e-8])
    by_name = {c.name: c for c in r.components}
    assert not by_name["x[1]"].passed  # off by 1e-4: caught
    assert by_name["x[1]"].tolerance < 1e-6
    for c in r.components:
        assert not (c.passed and c.rel_error > 0.5), c


def test_finite_differences_report_the_span_they_evaluated() -> None:
    from calctool.core.engines import finite_diff as fd

    res = fd.gradient(lambda v: float(v[0] ** 2 + 3 * v[1]), np.array([1.0, 2.0]))
    assert res.spans is not None and res.spans.shape == (2, 2)
    for (lo, hi), h in zip(res.spans, res.steps):
        assert lo == pytest.approx(-2 * h) and hi == pytest.approx(2 * h)  # central: ±h, ±2h
    kink = fd.gradient(lambda v: abs(v[0]), np.array([1e-9]))
    assert kink.values[0] == pytest.approx(1.0) and kink.spans[0][0] > -1e-9


@pytest.mark.parametrize(("expr", "at"), [
    ("sin(x)", "x=1e8"),  # h = 600 by default, the period is 6.3
    ("exp(-x^2/1e-16)", "x=1e-8"),  # f varies on a scale of 1e-8
    ("x^2*y + sin(x*y)", "x=1e6,y=1e6"),
])
def test_a_step_too_coarse_for_f_is_refined_not_a_false_alarm(expr: str, at: str) -> None:
    r = gradcheck(expr, at=at)
    assert r.exit_status == 0
    point = r.to_dict()["at"]
    for c in r.components:
        default = 6e-6 * max(1.0, abs(point[c.name]))
        assert c.passed and c.step is not None and c.step < default / 50
    assert "the default step was too coarse" in shown(r)


def test_refinement_never_rescues_a_wrong_gradient() -> None:
    r = gradcheck("sin(x)", "-cos(x)", at="x=1e8")
    assert r.exit_status == 1 and r.components[0].passed is False
    # a wrong hand gradient whose difference was fine is not "refined" at all
    r = gradcheck("x^2", "2*x+1e-3", at="x=3")
    assert r.refined == () and "too coarse" not in shown(r)


def test_an_unresolvable_difference_blames_the_difference_not_sympy() -> None:
    r = gradcheck("cos(1000*x)", at="x=1e6")
    assert r.exit_status == 1
    assert "sympy and the finite difference disagree on ∂f/∂x" in shown(r)


def test_an_eps_below_the_float_spacing_is_a_clear_usage_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning on the way
        with pytest.raises(UsageError) as info:
            gradcheck("sin(x)", at="x=1e8", eps=1e-10)
    assert info.value.code == "bad_value"
    assert "below the spacing of float64 numbers" in info.value.message


@pytest.mark.parametrize("suffix", ["", ".npy"])
def test_a_point_file_that_is_not_numbers_is_never_quoted(cli, tmp_path, suffix: str) -> None:
    """--x0 naming the wrong file (a password file) must not echo its lines."""
    secret = tmp_path / f"passwd{suffix}"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    r = cli("gradcheck", "--func", f"{FIXTURES / 'mlp.py'}:loss",
            "--grad", f"{FIXTURES / 'mlp.py'}:loss_grad", "--x0", str(secret))
    assert r.code == 2 and "root" not in r.stderr.replace(str(tmp_path), "")
    assert "--x0" in r.stderr
