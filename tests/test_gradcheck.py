"""gradcheck: the lecture's single neuron, student mistakes, user code, the JSON contract."""

from __future__ import annotations

import io
import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

from calctool.core.engines import usercode as uc
from calctool.core.errors import ComputeError
from calctool.core.ops.gradcheck import Sampling, gradcheck, gradcheck_function

FIXTURES = Path(__file__).parent / "fixtures"
MLP = str(FIXTURES / "mlp.py")
FAULTY = str(FIXTURES / "faulty.py")
BASE_KEYS = {"ok", "command", "input", "expression"}


def _spec(text: str, default_file: str | Path | None = None) -> uc.UserCode:
    """FILE.py:NAME loaded as --func and --grad load it."""
    spec = uc.parse_spec(text, option="--func",
                         default_file=Path(default_file) if default_file else None)
    return uc.load_spec(spec)


def _dim(n: int, seed: int = 0) -> uc.UserPoint:
    """The random point of --dim N --seed S."""
    return uc.UserPoint(uc.random_point(n, seed), f"--dim {n} --seed {seed} (standard normal)",
                        seed)
SPEC_KEYS = {"passed", "max_abs_error", "max_rel_error", "components"}
COMPONENT_KEYS = {"name", "analytic", "numeric", "abs_error", "rel_error", "passed"}

NEURON = "(sigmoid(w*x + b) - t)^2"
NEURON_AT = "w=0.5,b=0.1,x=2,t=0.8"
S = "sigmoid(w*x + b)"
DL_DW = f"2*({S} - t)*{S}*(1 - {S})*x"
DL_DB = f"2*({S} - t)*{S}*(1 - {S})"


def _neuron_gradient() -> tuple[float, float]:
    """dL/dw and dL/db of L = (sigmoid(w x + b) - t)^2 by hand, as in the lecture."""
    w, b, x, t = 0.5, 0.1, 2.0, 0.8
    y = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dl_dy = 2.0 * (y - t)
    dy_dz = y * (1.0 - y)
    return dl_dy * dy_dz * x, dl_dy * dy_dz


# --------------------------------------------------------------------------- the seed example


def test_single_neuron_sympy_gradient_agrees_with_finite_differences(cli) -> None:
    r = cli("gradcheck", NEURON, "--vars", "w,b", "--at", NEURON_AT, "--json")
    assert r.code == 0, r.stdout + r.stderr
    d = r.json
    assert d["passed"] is True and d["mode"] == "expression"
    assert [c["name"] for c in d["components"]] == ["w", "b"]
    dw, db = _neuron_gradient()
    by_name = {c["name"]: c for c in d["components"]}
    assert by_name["w"]["analytic"] == pytest.approx(dw, rel=1e-14)
    assert by_name["b"]["analytic"] == pytest.approx(db, rel=1e-14)
    for c in d["components"]:
        assert c["rel_error"] < 1e-8 and c["passed"] is True
        assert c["abs_error"] <= c["tolerance"]
    assert d["at"] == {"w": 0.5, "b": 0.1, "x": 2.0, "t": 0.8}


def test_single_neuron_hand_gradient_passes(cli) -> None:
    r = cli("gradcheck", NEURON, "--vars", "w,b", "--at", NEURON_AT,
            "--grad", f"{DL_DW}, {DL_DB}", "--json")
    assert r.code == 0, r.stdout
    d = r.json
    assert d["mode"] == "gradient" and d["passed"] is True
    for c in d["components"]:
        assert c["passed_numeric"] and c["passed_exact"] and c["formula_matches"]
        assert c["analytic"] == pytest.approx(c["exact"], rel=1e-14)


def test_single_neuron_text_output_reads(cli) -> None:
    r = cli("gradcheck", NEURON, "--vars", "w,b", "--at", NEURON_AT)
    assert r.code == 0
    assert "PASS: both components agree" in r.stdout
    assert "∂f/∂w" in r.stdout and "∂f/∂b" in r.stdout
    assert "w=0.5, b=0.1, x=2, t=0.8" in r.stdout


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
def test_student_mistakes_fail_and_name_the_component(cli, expr: str, at: str,
                                                      variables: str | None, grad: str,
                                                      wrong: str, words: str) -> None:
    args = ["gradcheck", expr, "--at", at, "--grad", grad]
    if variables:
        args += ["--vars", variables]
    r = cli(*args, "--json")
    assert r.code == 1, r.stdout + r.stderr
    d = r.json
    assert d["passed"] is False
    failing = [c["name"] for c in d["components"] if not c["passed"]]
    assert failing == [wrong]
    bad = next(c for c in d["components"] if c["name"] == wrong)
    assert bad["passed_exact"] is False and bad["formula_matches"] is False
    assert words in bad["diagnosis"]
    text = cli(*args)
    assert text.code == 1
    assert f"∂f/∂{wrong} is wrong" in text.stdout and words in text.stdout
    assert "FAIL" in text.stdout


def test_a_formula_right_only_at_the_point_passes_with_a_warning(cli) -> None:
    r = cli("gradcheck", "x^3", "--at", "0", "--grad", "3*x", "--json")
    assert r.code == 0
    c = r.json["components"][0]
    assert c["passed"] is True and c["formula_matches"] is False
    text = cli("gradcheck", "x^3", "--at", "0", "--grad", "3*x")
    assert "passes at this point only" in text.stdout


def test_grad_order_follows_vars_and_is_stated(cli) -> None:
    r = cli("gradcheck", "x^2*y", "--at", "x=1,y=3", "--vars", "y,x", "--grad", "x^2, 2*x*y")
    assert r.code == 0, r.stdout
    assert "∂f/∂y, ∂f/∂x (the order of --vars)" in r.stdout
    r = cli("gradcheck", "x^2*y", "--at", "x=1,y=3", "--grad", "x^2, 2*x*y")
    assert r.code == 1  # sorted order is x, y: both components are swapped
    assert "(sorted variable order)" in r.stdout


def test_other_variables_are_constants_fixed_by_at(cli) -> None:
    d = cli("gradcheck", "a*x^2", "--vars", "x", "--at", "x=2,a=3", "--json").json
    assert [c["name"] for c in d["components"]] == ["x"]
    assert d["components"][0]["analytic"] == pytest.approx(12.0)


@pytest.mark.parametrize("method", ["forward", "central", "richardson", "complex"])
def test_every_method_passes_a_correct_gradient(cli, method: str) -> None:
    r = cli("gradcheck", "exp(x)*sin(y) + x*y^3", "--at", "x=0.7,y=-1.2", "--method", method,
            "--json")
    assert r.code == 0, r.stdout
    d = r.json
    assert d["method"] == method and d["passed"] is True
    bound = {"forward": 1e-6, "central": 1e-9, "richardson": 1e-11, "complex": 1e-14}[method]
    assert d["max_rel_error"] < bound


def test_tolerance_options_loosen_and_eps_sets_the_step(cli) -> None:
    wrong = cli("gradcheck", "x^2", "--at", "1", "--grad", "2.001*x", "--json")
    assert wrong.code == 1
    d = cli("gradcheck", "x^2", "--at", "1", "--eps", "1e-4", "--json").json
    assert d["eps"] == 1e-4 and d["components"][0]["step"] == pytest.approx(1e-4, rel=1e-6)
    loose = cli("gradcheck", "x^2", "--at", "1", "--grad", "2.001*x", "--rtol", "1e-2",
                "--json")
    assert loose.json["components"][0]["passed_numeric"] is True


def test_kink_at_the_point_is_not_silently_checked(cli) -> None:
    r = cli("gradcheck", "abs(x)", "--at", "0", "--json")
    assert r.code == 3
    assert r.json["error"]["code"] == "not_differentiable"
    assert r.json["error"]["left"] == -1.0 and r.json["error"]["right"] == 1.0


def test_batch_reads_expressions_from_stdin(cli) -> None:
    r = cli("gradcheck", "-", "--at", "x=1", "--json", stdin="x^2\nsin(x)\nx+)\n")
    lines = r.json_lines
    assert [d["ok"] for d in lines] == [True, True, False]
    assert lines[0]["passed"] is True and lines[2]["error"]["code"] == "parse_error"
    assert r.code == 2


# --------------------------------------------------------------------------- user code


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_mlp_correct_backprop_passes(cli, fast: bool) -> None:
    args = ["gradcheck", "--func", f"{MLP}:loss", "--grad", "loss_grad", "--dim", "31",
            "--seed", "3", "--json"] + (["--fast"] if fast else [])
    r = cli(*args)
    assert r.code == 0, r.stdout + r.stderr
    d = r.json
    assert d["passed"] is True and d["fast"] is fast and d["n"] == 31
    assert d["expression"] is None and d["input"] == f"{MLP}:loss"
    assert d["failed"] == 0 and d["failing"] == []


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
@pytest.mark.parametrize("broken", ["broken_grad", "bias_sign_grad"])
def test_mlp_broken_backprop_is_caught(cli, fast: bool, broken: str) -> None:
    args = ["gradcheck", "--func", f"{MLP}:loss", "--grad", f"{MLP}:{broken}", "--dim", "31",
            "--seed", "3", "--json"] + (["--fast"] if fast else [])
    r = cli(*args)
    assert r.code == 1, r.stdout + r.stderr
    d = r.json
    assert d["passed"] is False and d["failed"] >= 1
    if not fast and broken == "bias_sign_grad":
        assert d["failing"] == [30]  # only the output bias, the last parameter
        worst = d["components"][0]
        assert worst["name"] == "theta[30]" and worst["passed"] is False
        assert worst["analytic"] == pytest.approx(-worst["numeric"], rel=1e-6)
    if not fast and broken == "broken_grad":
        # the missing tanh' factor spoils the first layer (W1, b1), not w2 and b2
        assert set(d["failing"]) <= set(range(24)) and len(d["failing"]) >= 12


def test_full_check_text_shows_the_worst_components(cli) -> None:
    r = cli("gradcheck", "--func", f"{MLP}:loss", "--grad", "bias_sign_grad", "--dim", "31",
            "--seed", "3")
    assert r.code == 1
    assert "the 10 worst of 31 components" in r.stdout
    assert "wrong: theta[30]" in r.stdout
    assert r.stdout.count("FAIL") >= 2  # the verdict and the row


def _write_model(tmp_path: Path, n_wrong: int = 0, delta: float = 0.0) -> Path:
    """f(x) = sum(a sin x + x^2/2) with known a; the gradient with `n_wrong` component off."""
    path = tmp_path / "big.py"
    path.write_text(textwrap.dedent(f"""
        import numpy as np

        def _a(n):
            return np.linspace(0.5, 2.0, n)

        def loss(x):
            return float(_a(x.size) @ np.sin(x) + 0.5 * (x @ x))

        def grad(x):
            return _a(x.size) * np.cos(x) + x

        def one_wrong(x):
            g = grad(x)
            rms = np.sqrt(np.mean(g * g))
            g[{n_wrong}] += {delta} * rms
            return g
    """))
    return path


def test_fast_mode_catches_one_component_off_by_1e3_rms_at_large_n(cli, tmp_path: Path) -> None:
    path = _write_model(tmp_path, n_wrong=12345, delta=1e-3)
    for seed in range(3):
        good = cli("gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--dim", "100000",
                   "--seed", str(seed), "--fast", "--json")
        assert good.code == 0, good.stdout
        bad = cli("gradcheck", "--func", f"{path}:loss", "--grad", "one_wrong", "--dim",
                  "100000", "--seed", str(seed), "--fast", "--json")
        assert bad.code == 1, bad.stdout
        d = bad.json
        assert d["evaluations"] < 100 and d["gradient_evaluations"] == 1
        assert len(d["components"]) == 8
        assert {c["name"] for c in d["components"]} == {f"direction {k}" for k in range(1, 9)}


def test_fast_defaults_to_richardson_and_reports_its_resolution(cli, tmp_path: Path) -> None:
    path = _write_model(tmp_path)
    runs = {}
    for method in (None, "central"):
        args = ["gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--dim", "10000",
                "--fast", "--json"] + (["--method", method] if method else [])
        runs[method] = cli(*args).json
    assert runs[None]["method"] == "richardson" and runs["central"]["method"] == "central"
    # richardson's smaller error resolves far smaller mistakes, for a few more evaluations
    assert runs[None]["resolution"] < runs["central"]["resolution"] / 30
    assert runs[None]["evaluations"] - runs["central"]["evaluations"] < 30
    full = cli("gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--dim", "5", "--json")
    assert full.json["method"] == "central"
    text = cli("gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--dim", "10000",
               "--fast")
    assert "resolution: one component off by more than" in text.stdout


def test_points_checks_a_sample_of_components(cli, tmp_path: Path) -> None:
    path = _write_model(tmp_path, n_wrong=7, delta=1.0)
    d = cli("gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--dim", "5000",
            "--points", "50", "--json").json
    assert d["sampled"] is True and d["checked"] == 50 and d["n"] == 5000 and d["passed"]
    assert d["evaluations"] < 300
    assert len(d["components"]) == 10 and d["shown"] == "worst"
    fast = cli("gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--dim", "5000",
               "--fast", "--points", "3", "--json").json
    assert fast["checked"] == 3 and len(fast["components"]) == 3


def test_large_full_check_lists_all_failures_by_index(cli, tmp_path: Path) -> None:
    path = _write_model(tmp_path, n_wrong=77, delta=1e-2)
    d = cli("gradcheck", "--func", f"{path}:loss", "--grad", "one_wrong", "--dim", "300",
            "--json").json
    assert d["failing"] == [77] and d["failed"] == 1 and d["checked"] == 300
    assert d["components"][0]["index"] == 77 and d["components"][0]["name"] == "x[77]"
    assert len(d["components"]) == 10


def test_point_from_npy_keeps_its_shape(cli, tmp_path: Path) -> None:
    np.save(tmp_path / "w.npy", np.arange(6.0).reshape(2, 3) / 10)
    path = _write_model(tmp_path)
    (tmp_path / "mat.py").write_text(
        "import numpy as np\n\ndef loss(W):\n    assert W.shape == (2, 3)\n"
        "    return float(np.sum(np.sin(W)))\n\ndef grad(W):\n    return np.cos(W)\n")
    d = cli("gradcheck", "--func", f"{tmp_path / 'mat.py'}:loss", "--grad", "grad", "--x0",
            str(tmp_path / "w.npy"), "--json").json
    assert d["passed"] is True and d["shape"] == [2, 3]
    assert [c["name"] for c in d["components"]][:4] == ["W[0, 0]", "W[0, 1]", "W[0, 2]",
                                                          "W[1, 0]"]
    d = cli("gradcheck", "--func", f"{path}:loss", "--grad", "grad", "--at", "0.5,1,pi/4",
            "--json").json
    assert d["n"] == 3 and d["passed"] is True


def test_nan_in_the_gradient_fails_with_json_strings(cli, tmp_path: Path) -> None:
    (tmp_path / "nan.py").write_text(
        "import numpy as np\n\ndef loss(x):\n    return float(np.sum(x**2))\n\n"
        "def grad(x):\n    g = 2*x\n    g[1] = np.nan\n    return g\n")
    r = cli("gradcheck", "--func", f"{tmp_path / 'nan.py'}:loss", "--grad", "grad", "--at",
            "1,2,3", "--json")
    assert r.code == 1
    assert "NaN" not in r.stdout
    d = r.json
    assert d["failing"] == [1] and d["max_abs_error"] == "nan"
    assert d["components"][1]["analytic"] == "nan"


def test_user_prints_do_not_corrupt_json(cli) -> None:
    r = cli("gradcheck", "--func", f"{FAULTY}:noisy", "--grad", "grad", "--dim", "3", "--json")
    assert r.code == 0
    assert json.loads(r.stdout)["passed"] is True
    assert "debug: loss called" in r.stderr


def test_progress_callback_and_time_budget() -> None:
    calls: list[tuple[int, int]] = []
    loss, grad = _spec(f"{MLP}:loss"), _spec("loss_grad", MLP)
    r = gradcheck_function(loss, grad, _dim(31),
                           progress=lambda done, total: calls.append((done, total)))
    assert r.passed and calls and calls[-1] == (31, 31)
    with pytest.raises(ComputeError) as info:
        gradcheck_function(loss, grad, _dim(31), budget=1e-9)
    assert info.value.code == "too_slow" and "fast" in (info.value.hint or "")


# --------------------------------------------------------------------------- the contract


def _check_common(d: dict) -> None:
    assert d.keys() >= BASE_KEYS | SPEC_KEYS
    assert d["ok"] is True and d["command"] == "gradcheck"
    assert isinstance(d["passed"], bool)
    for c in d["components"]:
        assert c.keys() >= COMPONENT_KEYS
        assert isinstance(c["name"], str) and isinstance(c["passed"], bool)
        for key in ("analytic", "numeric", "abs_error", "rel_error"):
            assert isinstance(c[key], (int, float)) or c[key] in ("inf", "-inf", "nan")


def test_json_contract_in_every_mode(cli) -> None:
    d = cli("gradcheck", "x^2*y", "--at", "x=1,y=2", "--json").json
    _check_common(d)
    assert d["expression"] == "x**2*y" and d["variables"] == ["x", "y"]
    assert {"mode", "method", "rtol", "atol", "eps", "at", "n", "evaluations"} <= d.keys()
    d = cli("gradcheck", "x^2*y", "--at", "x=1,y=2", "--grad", "2*x*y, x^2", "--json").json
    _check_common(d)
    assert {"exact", "formula", "expected", "formula_matches"} <= d["components"][0].keys()
    for fast in ([], ["--fast"]):
        d = cli("gradcheck", "--func", f"{MLP}:loss", "--grad", "loss_grad", "--dim", "31",
                "--json", *fast).json
        _check_common(d)
        assert d["expression"] is None and d["func"] == f"{MLP}:loss"
        assert d["grad"] == "loss_grad" and d["n"] == 31
        assert {"failed", "failing", "shown", "evaluations", "point", "seed"} <= d.keys()
    assert {"noise_floor", "tolerance", "step"} <= d["components"][0].keys()


BAD_INPUT = [
    (["gradcheck", "x^2*y"], 2, "missing_variable"),
    (["gradcheck", "x^2*y", "--at", "x=1,y=2", "--grad", "2*x*y"], 2, "wrong_gradient_length"),
    (["gradcheck", "x^2*y", "--at", "x=1,y=2", "--grad", "2*x*y, x^2, 1"], 2,
     "wrong_gradient_length"),
    (["gradcheck", "x^2", "--at", "1", "--grad", "2*x+"], 2, "parse_error"),
    (["gradcheck", "x^2", "--at", "1", "--grad", "2*z"], 2, "unknown_variable"),
    (["gradcheck", "x^2", "--at", "1", "--vars", "y"], 2, "unknown_variable"),
    (["gradcheck", "x^2", "--at", "1", "--fast"], 2, "bad_option"),
    (["gradcheck", "x^2", "--at", "1", "--method", "magic"], 2, "bad_value"),
    (["gradcheck", "x^2", "--at", "1", "--eps", "-1"], 2, "bad_value"),
    (["gradcheck", "log(x)", "--at", "0"], 3, "undefined"),
    (["gradcheck"], 2, "missing_argument"),
    (["gradcheck", "x", "--func", f"{FAULTY}:loss"], 2, "bad_option"),
    (["gradcheck", "--func", "model.py", "--grad", "g", "--dim", "3"], 2, "bad_function_spec"),
    (["gradcheck", "--func", "no_such_file.py:loss", "--grad", "g", "--dim", "3"], 2,
     "file_not_found"),
    (["gradcheck", "--func", f"{FAULTY}:missing", "--grad", "grad", "--dim", "3"], 2,
     "function_not_found"),
    (["gradcheck", "--func", f"{FAULTY}:NOT_A_FUNCTION", "--grad", "grad", "--dim", "3"], 2,
     "not_callable"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--dim", "3"], 2, "missing_argument"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad"], 2, "missing_point"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "short_grad", "--dim", "3"], 2,
     "bad_output"),
    (["gradcheck", "--func", f"{FAULTY}:returns_none", "--grad", "grad", "--dim", "3"], 2,
     "bad_output"),
    (["gradcheck", "--func", f"{FAULTY}:returns_vector", "--grad", "grad", "--dim", "3"], 2,
     "bad_output"),
    (["gradcheck", "--func", f"{FAULTY}:two_args", "--grad", "grad", "--dim", "3"], 2,
     "bad_signature"),
    (["gradcheck", "--func", f"{FAULTY}:raises", "--grad", "grad", "--dim", "3"], 3,
     "user_code_error"),
    (["gradcheck", "--func", f"{FAULTY}:exits", "--grad", "grad", "--dim", "3"], 3,
     "user_code_error"),
    (["gradcheck", "--func", f"{FAULTY}:loss", "--grad", "grad", "--at", "x=1"], 2,
     "bad_value"),
]


@pytest.mark.parametrize(("args", "code", "error_code"), BAD_INPUT,
                         ids=[" ".join(a[1:])[-60:] for a, _, _ in BAD_INPUT])
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


def test_syntax_error_in_their_file_is_theirs(cli, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import numpy as np\n\ndef loss(w)\n    return 1\n")
    r = cli("gradcheck", "--func", f"{tmp_path / 'broken.py'}:loss", "--grad", "g", "--dim",
            "3", "--json")
    assert r.code == 3 and r.json["error"]["code"] == "user_code_error"
    assert "line 3" in r.json["error"]["traceback"]
    text = cli("gradcheck", "--func", f"{tmp_path / 'broken.py'}:loss", "--grad", "g", "--dim",
               "3")
    assert "broken.py is not valid Python" in text.stderr and "def loss(w)" in text.stderr


def test_user_code_error_shows_their_traceback_only(cli) -> None:
    r = cli("gradcheck", "--func", f"{FAULTY}:raises", "--grad", "grad", "--dim", "3")
    assert r.code == 3
    assert "Traceback from your code" in r.stderr
    assert 'faulty.py", line' in r.stderr and "in _inner" in r.stderr and "in raises" in r.stderr
    assert "weights @ w" in r.stderr and "ValueError" in r.stderr
    assert "calctool/" not in r.stderr.replace(str(FIXTURES), "")
    d = cli("gradcheck", "--func", f"{FAULTY}:raises", "--grad", "grad", "--dim", "3",
            "--json").json
    assert "in _inner" in d["error"]["traceback"]
    assert "Traceback" not in d["error"]["message"]


# --------------------------------------------------------------------------- rendering


def test_tables_fit_sixty_columns_without_cutting_numbers(tmp_path: Path) -> None:
    from rich.console import Console

    from calctool.render import rich as rich_renderer
    from calctool.render.report import build_report

    # A checkout deep in a temporary directory gives a path wider than the
    # terminal: it must fold, not end in "…".
    deep = tmp_path / ("checkout-" + "d" * 40) / "fixtures"
    deep.mkdir(parents=True)
    mlp = deep / "mlp.py"
    mlp.write_text(Path(MLP).read_text())
    results = [
        gradcheck(NEURON, at=NEURON_AT, variables="w,b", grad=f"-{DL_DW}, {DL_DB}"),
        gradcheck_function(_spec(f"{mlp}:loss"), _spec("broken_grad", mlp), _dim(31, 3),
                           sampling=Sampling(seed=3)),
        gradcheck_function(_spec(f"{mlp}:loss"), _spec("broken_grad", mlp), _dim(31),
                           sampling=Sampling(fast=True)),
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


def _verdict(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("result"))


@pytest.mark.parametrize(("text", "at", "word", "kind", "eps"), [
    ("abs(x) + 2", "1e-9", "KINK", "kink", None),  # the default step straddles 0
    ("relu(x - 1)*3", "1.0000001", "KINK", "kink", "1e-4"),
    ("max(x, 2 - x)", "1.000000001", "KINK", "kink", "1e-5"),
    ("leaky_relu(x, 0.1)", "-3e-5", "KINK", "kink", "1e-4"),
    ("floor(x)", "0.9999999", "JUMP", "jump", None),
    ("ceiling(2*x)", "0.49999999", "JUMP", "jump", None),
    ("heaviside(x) + 1", "-1e-8", "JUMP", "jump", None),
    ("sign(x)*3", "1e-8", "JUMP", "jump", None),
])
def test_a_step_straddling_a_kink_is_inconclusive_not_pass(cli, text: str, at: str, word: str,
                                                          kind: str, eps: str | None) -> None:
    args = ["gradcheck", text, "--at", at] + (["--eps", eps] if eps else [])
    r = cli(*args)
    assert r.code == 1, r.stdout + r.stderr
    verdict = _verdict(r.stdout)
    assert "INCONCLUSIVE" in verdict and f"straddles a {kind}" in verdict
    assert "PASS" not in r.stdout and word in r.stdout
    assert "farther" in r.stdout and "smaller --eps" in r.stdout
    d = cli(*args, "--json").json
    _check_common(d)
    c = d["components"][0]
    assert d["passed"] is False and d["failed"] == 1 and c["passed"] is False
    assert c["diagnosis"].startswith("inconclusive: the finite-difference step straddles")
    assert set(c) == EXPRESSION_COMPONENT_KEYS | {"diagnosis"}
    # the difference is meaningless indeed: it is far from sympy's derivative
    assert abs(c["numeric"] - c["analytic"]) > 0.01 * max(1.0, abs(c["analytic"]))


def test_the_brief_examples_are_never_a_pass_with_rel_error_one(cli) -> None:
    """abs(x) at 1e-9 and relu(x)*y at x = 1e-7 used to PASS with the difference 0.00017
    (and 0.51) against 1: the kink had inflated the measured noise of f, so the step
    was not refined and the tolerance took anything. Now the noise is measured below
    the kink, the step refined to clear it (checked: the stencil does not straddle 0),
    and the difference is the slope, 1."""
    d = cli("gradcheck", "abs(x)", "--grad", "sign(x)", "--at", "1e-9", "--json").json
    c = d["components"][0]
    assert d["passed"] is True and c["numeric"] == pytest.approx(1.0, rel=1e-6)
    assert 2 * c["step"] < 1e-9
    r = cli("gradcheck", "abs(x)", "--grad", "sign(x)", "--at", "1e-9")
    assert r.code == 0 and "rel. error 1.0e+00" not in r.stdout
    d = cli("gradcheck", "relu(x)*y", "--grad", "heaviside(x)*y, relu(x)", "--at",
            "x=1e-7,y=1", "--json").json
    assert d["passed"] is True and d["max_rel_error"] < 1e-6
    assert [c["numeric"] for c in d["components"]] == pytest.approx([1.0, 1e-7], rel=1e-6)
    # with a step that must straddle (--eps is used as given), it is inconclusive
    r = cli("gradcheck", "relu(x)*y", "--grad", "heaviside(x)*y, relu(x)", "--at",
            "x=1e-7,y=1", "--eps", "1e-4")
    assert r.code == 1
    verdict = _verdict(r.stdout)
    assert verdict.startswith("result") and "INCONCLUSIVE: ∂f/∂x cannot be checked" in verdict
    assert "(1 of 2)" in verdict
    d = cli("gradcheck", "relu(x)*y", "--grad", "heaviside(x)*y, relu(x)", "--at",
            "x=1e-7,y=1", "--eps", "1e-4", "--json").json
    dx, dy = d["components"]
    assert dx["passed"] is False and dx["passed_exact"] is True
    assert dx["passed_numeric"] is False and "relu(x) where x = 0" in dx["diagnosis"]
    assert dy["passed"] is True
    assert set(dx) == set(dy) | {"diagnosis"} == GRADIENT_COMPONENT_KEYS | {"diagnosis"}


def test_floor_gradcheck_near_a_jump_does_not_crash(cli) -> None:
    r = cli("gradcheck", "floor(x)", "--grad", "0", "--at", "0.9999999")
    assert r.code == 1 and "internal error" not in r.stderr
    assert "JUMP" in r.stdout and "floor(x) where x is an integer" in r.stdout
    ok = cli("gradcheck", "floor(x)*y", "--grad", "0, floor(x)", "--at", "x=2.5,y=3", "--json")
    assert ok.code == 0 and ok.json["passed"] is True
    assert [c["numeric"] for c in ok.json["components"]] == [0.0, 2.0]
    at_jump = cli("gradcheck", "floor(x)", "--at", "1", "--json")
    assert at_jump.code == 3 and at_jump.json["error"]["code"] == "not_differentiable"


def test_a_wrong_formula_near_a_kink_is_still_wrong(cli) -> None:
    """The exact comparison does not need the finite difference: a wrong formula fails."""
    r = cli("gradcheck", "abs(x) + 2", "--grad", "-sign(x)", "--at", "1e-9")
    assert r.code == 1 and "FAIL: ∂f/∂x is wrong" in _verdict(r.stdout)
    assert "KINK" not in r.stdout


def test_kinks_away_from_the_stencil_are_not_reported(cli) -> None:
    for text, at in (("abs(x)", "0.5"), ("relu(x)*y", "x=-2,y=3"), ("floor(x)*x", "2.5"),
                     ("max(x, 2 - x)", "3"), ("abs(x - y)", "x=1,y=1.001"),
                     ("atan2(y, x)", "x=1,y=1e-9")):
        d = cli("gradcheck", text, "--at", at, "--json").json
        assert d["passed"] is True, (text, d)
        assert all("diagnosis" not in c for c in d["components"])


def test_atan2_cut_is_a_jump_for_the_component_that_crosses_it(cli) -> None:
    d = cli("gradcheck", "atan2(y, x)", "--at", "x=-1,y=1e-9", "--json").json
    dx, dy = d["components"]
    assert dx["passed"] is True  # moving x keeps y > 0: no cut crossed
    assert dy["passed"] is False and "atan2(y, x) where y = 0 with x ≤ 0" in dy["diagnosis"]


@pytest.mark.parametrize(("args", "words"), [
    (["sin(x)^2", "--at", "pi"], "in absolute terms"),  # sympy's 0 against float(pi)'s
    (["sin(x)^2", "--at", "pi", "--atol", "1e-12"], "within --atol 1e-12"),
    (["x^2", "--grad", "2.001*x", "--at", "1", "--rtol", "0.01"], "within --rtol 0.01"),
    (["x^3*cos(x)", "--at", "0.7"], "(rel. error"),
])
def test_a_pass_never_claims_agreement_with_a_large_relative_error(cli, args: list[str],
                                                                  words: str) -> None:
    r = cli("gradcheck", *args)
    assert r.code == 0, r.stdout
    verdict = _verdict(r.stdout)
    assert "PASS" in verdict and words in verdict
    d = cli("gradcheck", *args, "--json").json
    if d["max_rel_error"] > 1e-6:
        assert "rel. error" not in verdict or "--rtol" in verdict
        assert "rel. error 1.0e+00" not in r.stdout.split("result", 1)[1].splitlines()[0]


def test_passes_say_why_in_every_mode() -> None:
    """The wording rule on result objects: 'agrees (rel. error e)' only for e <= 1e-6."""
    from calctool.render.views.gradcheck import PLAIN_REL
    from calctool.render.views.gradcheck import _verdict as verdict

    cases = [gradcheck("sin(x)^2", at="pi"), gradcheck("x^2*y", at="x=1,y=2"),
             gradcheck_function(_spec(f"{MLP}:loss"), _spec("loss_grad", MLP), _dim(31))]
    for r in cases:
        assert r.passed
        text = verdict(r)
        if r.max_rel_error > PLAIN_REL:
            assert "absolute terms" in text and "rel. error" not in text
        else:
            assert "rel. error" in text


def test_function_mode_noise_is_not_inflated_by_a_kink(tmp_path: Path) -> None:
    """User code with kinks next to the point: the noise measured along a probe that
    crosses them used to be ~1e-6, so every tolerance was ~1 and a component off by
    1e-4 passed. A wrong smooth component is caught now, and no straddled difference
    passes."""
    code = tmp_path / "kinky.py"
    code.write_text(textwrap.dedent("""
        import numpy as np
        def f(x):
            return float(np.sum(np.abs(x)) + x[1] ** 2)
        def g(x):
            out = np.sign(x)
            out[1] = out[1] + 2 * x[1] + 1e-4
            return out
    """))
    r = gradcheck_function(_spec(f"{code}:f"), _spec("g", code),
                           uc.parse_numbers("1e-9, 2, -1e-8", option="--at"))
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
def test_a_step_too_coarse_for_f_is_refined_not_a_false_alarm(cli, expr: str, at: str) -> None:
    r = cli("gradcheck", expr, "--at", at, "--json")
    assert r.code == 0, r.stdout
    for c in r.json["components"]:
        default = 6e-6 * max(1.0, abs(r.json["at"][c["name"]]))
        assert c["passed"] and c["step"] < default / 50
    assert "the default step was too coarse" in cli("gradcheck", expr, "--at", at).stdout


def test_refinement_never_rescues_a_wrong_gradient(cli) -> None:
    r = cli("gradcheck", "sin(x)", "--at", "x=1e8", "--grad", "-cos(x)", "--json")
    assert r.code == 1 and r.json["components"][0]["passed"] is False
    # a wrong hand gradient whose difference was fine is not "refined" at all
    text = cli("gradcheck", "x^2", "--at", "x=3", "--grad", "2*x+1e-3").stdout
    assert "too coarse" not in text


def test_an_unresolvable_difference_blames_the_difference_not_sympy(cli) -> None:
    r = cli("gradcheck", "cos(1000*x)", "--at", "x=1e6")
    assert r.code == 1
    assert "sympy and the finite difference disagree on ∂f/∂x" in r.stdout


def test_an_eps_below_the_float_spacing_is_a_clear_usage_error(cli) -> None:
    r = cli("gradcheck", "sin(x)", "--at", "x=1e8", "--eps", "1e-10")
    assert r.code == 2 and "below the spacing of float64 numbers" in r.stderr
    assert "Warning" not in r.stderr
