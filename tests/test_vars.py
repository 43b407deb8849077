"""--vars: the gradient over chosen parameters (diff, tangent), the others constants (#16).

Numbers are checked against central differences computed here with mpmath at
50 digits, on the function written in mpmath by hand (not sympy's derivative).
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import pytest

import calctool
from calctool.core.errors import UsageError

mpmath.mp.dps = 50


def central(f: Callable[..., mpmath.mpf], point: dict[str, float], name: str) -> float:
    """(f(p + h e) - f(p - h e)) / 2h at 50 digits, h = 1e-20: error ~1e-40."""
    h = mpmath.mpf("1e-20")
    args = {k: mpmath.mpf(v) for k, v in point.items()}
    up, down = dict(args), dict(args)
    up[name] += h
    down[name] -= h
    return float((f(**up) - f(**down)) / (2 * h))


def neuron_loss(w: mpmath.mpf, b: mpmath.mpf, x: mpmath.mpf, t: mpmath.mpf) -> mpmath.mpf:
    return (1 / (1 + mpmath.exp(-(w * x + b))) - t) ** 2


def test_must_show_gradient_over_w_and_b_only(cli) -> None:
    r = cli("diff", "(sigmoid(w*x+b) - t)^2", "--vars", "w,b",
            "--at", "w=0.5,b=0.1,x=2,t=0.8", "--json")
    assert r.code == 0, r.stderr
    d = r.json
    assert d["variables"] == ["w", "b"]
    assert list(d["gradient"]) == ["w", "b"]
    assert list(d["value"]) == ["w", "b"]
    point = {"w": 0.5, "b": 0.1, "x": 2.0, "t": 0.8}
    for name in ("w", "b"):
        assert d["value"][name] == pytest.approx(central(neuron_loss, point, name), rel=1e-13)


def test_order_of_vars_is_kept_and_symbolic_without_point() -> None:
    d = calctool.diff("w^2*x + b*t", variables="b,w").to_dict()
    assert d["variables"] == ["b", "w"]
    assert d["gradient"] == {"b": "t", "w": "2*w*x"}
    assert "value" not in d


def test_one_parameter_is_still_a_gradient() -> None:
    d = calctool.diff("a*x^3", variables=["x"], at={"a": 2, "x": 1}).to_dict()
    assert d["gradient"] == {"x": "3*a*x**2"}
    assert d["value"] == {"x": pytest.approx(6.0)}


@pytest.mark.parametrize(("at", "named"), [
    ("w=0.5,b=0.1", "the constants t, x (not in --vars)"),
    ("x=2,t=0.8,b=0.1", "the parameter w"),
    ("x=2", "the parameters w, b and the constant t"),
])
def test_missing_values_are_named_exit_2(cli, at: str, named: str) -> None:
    r = cli("diff", "(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at", at)
    assert r.code == 2
    assert named in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--vars", "w", "--wrt", "w"], "not both"),
    (["--vars", "w", "--order", "2"], "--order applies to a single --wrt"),
    (["--vars", "w,z"], "'z' is not a variable"),
    (["--vars", "w,w"], "names w twice"),
])
def test_bad_combinations_are_usage_errors(cli, args: list[str], message: str) -> None:
    r = cli("diff", "w*x + b", *args, "--json")
    assert r.code == 2
    assert message in r.json["error"]["message"]


def test_wrt_keeps_meaning_the_differentiation_sequence() -> None:
    # --wrt w,b is the mixed partial, --vars w,b the gradient: both differ as they must
    mixed = calctool.diff("w^2*b^3", wrt="w,b").to_dict()
    grad = calctool.diff("w^2*b^3", variables="w,b").to_dict()
    assert mixed["result"] == "6*b**2*w"
    assert grad["gradient"] == {"w": "2*b**3*w", "b": "3*b**2*w**2"}


def test_help_says_which_is_which(cli) -> None:
    out = " ".join(cli("diff", "--help").stdout.split())
    assert "differentiation sequence" in out
    assert "gradient over these variables" in out


def test_api_error_names_the_parameter() -> None:
    with pytest.raises(UsageError, match="no value for the constant t"):
        calctool.diff("(sigmoid(w*x+b) - t)^2", variables=["w", "b"],
                      at={"w": 1, "b": 2, "x": 3})


@pytest.mark.parametrize("command", ["diff", "hessian", "gradcheck"])
def test_missing_constant_reads_the_same_in_every_command(cli, command: str) -> None:
    r = cli(command, "(sigmoid(w*x+b) - t)^2", "--vars", "w,b", "--at", "w=0.5,b=0.1,x=2",
            "--json")
    assert r.code == 2
    assert r.json["error"]["code"] == "missing_variable"
    assert "no value for the constant t (not in --vars)" in r.json["error"]["message"]


def test_tangent_over_chosen_variables_fixes_the_constants() -> None:
    d = calctool.tangent("a*x^2 + c", variables="x", at="x=1,a=2,c=3").to_dict()
    # the curve 2x^2 + 3 at x = 1: slope 4, value 5
    assert d["slope"] == pytest.approx(4.0)
    assert d["point"] == {"x": 1.0, "y": 5.0}
    plane = calctool.tangent("a*x^2 + c*y", variables=["x", "y"],
                             at={"x": 1, "y": 1, "a": 2, "c": 3}).to_dict()
    assert plane["gradient"] == {"x": pytest.approx(4.0), "y": pytest.approx(3.0)}


def test_tangent_vars_needs_the_constants(cli) -> None:
    r = cli("tangent", "a*x^2 + c", "--vars", "x", "--at", "x=1,a=2")
    assert r.code == 2
    assert "no value for c" in r.stderr
