"""Activation functions (#14): values, exact derivatives and numpy forms, each checked
against an independent mpmath formula (central differences at 50 digits), not against
sympy's own differentiation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from calctool.core.engines.numeric import compile_numpy
from calctool.core.expr.parse import parse, symbol

x, y, z = (symbol(n) for n in "xyz")
mp.mp.dps = 50

LAMBDA = mp.mpf("1.0507009873554804934193349852946")
ALPHA = mp.mpf("1.6732632423543772848170429916717")


def _elu(v: Any, a: Any = 1) -> Any:
    return v if v > 0 else a * (mp.exp(v) - 1)


# Each function written out again here, with mpmath, from its textbook definition.
REFERENCE: dict[str, Callable[[Any], Any]] = {
    "gelu(x)": lambda v: v / 2 * (1 + mp.erf(v / mp.sqrt(2))),
    "gelu_tanh(x)": lambda v: v / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi)
                                                  * (v + mp.mpf("0.044715") * v**3))),
    "silu(x)": lambda v: v / (1 + mp.exp(-v)),
    "swish(x)": lambda v: v / (1 + mp.exp(-v)),
    "mish(x)": lambda v: v * mp.tanh(mp.log(1 + mp.exp(v))),
    "softsign(x)": lambda v: v / (1 + abs(v)),
    "elu(x)": _elu,
    "elu(x, 0.3)": lambda v: _elu(v, mp.mpf("0.3")),
    "selu(x)": lambda v: LAMBDA * _elu(v, ALPHA),
    "hard_sigmoid(x)": lambda v: min(mp.mpf(1), max(mp.mpf(0), v / 6 + mp.mpf(1) / 2)),
    "hard_tanh(x)": lambda v: min(mp.mpf(1), max(mp.mpf(-1), v)),
}
# Away from the kinks (0 for elu/selu, ±1 hard_tanh, ±3 hard_sigmoid).
POINTS = ["-3.7", "-2.5", "-0.6", "0.35", "0.9", "1.6", "2.2", "4.1"]


def central(f: Callable[[Any], Any], v: Any) -> Any:
    h = mp.mpf("1e-15")
    return (f(v + h) - f(v - h)) / (2 * h)


@pytest.mark.parametrize("text", list(REFERENCE))
def test_derivative_matches_a_central_difference(text: str) -> None:
    f = parse(text)
    derivative = sp.diff(f, x)
    assert not derivative.has(sp.Derivative, sp.Subs)  # a closed form, not unevaluated
    for p in POINTS:
        v = mp.mpf(p)
        got = mp.mpf(str(sp.N(derivative.subs(x, sp.Rational(p)), 40)))
        want = central(REFERENCE[text], v)
        assert abs(got - want) <= mp.mpf("1e-20") * max(1, abs(want)), (text, p, got, want)


@pytest.mark.parametrize("text", list(REFERENCE))
def test_values_and_numpy_form_match_mpmath(text: str) -> None:
    f = parse(text)
    fn = compile_numpy(f, [x])
    grid = np.array([float(p) for p in POINTS] + [0.0, -1.0, 1.0, 3.0, -3.0, 30.0, -30.0])
    vectorised = fn(grid)
    for k, v in enumerate(grid):
        want = REFERENCE[text](mp.mpf(float(v)))
        exact = mp.mpf(str(sp.N(f.subs(x, sp.Float(float(v), 30)), 30)))
        assert abs(exact - want) <= mp.mpf("1e-25") * max(1, abs(want)), (text, v)
        assert vectorised[k] == pytest.approx(float(want), rel=1e-13, abs=1e-15), (text, v)


def test_logsumexp_gradient_is_the_softmax() -> None:
    f = parse("logsumexp(x, y, z)")

    def ref(a: Any, b: Any, c: Any) -> Any:
        return mp.log(mp.exp(a) + mp.exp(b) + mp.exp(c))

    point = {x: sp.Rational(1, 3), y: sp.Rational(-7, 4), z: sp.Rational(5, 2)}
    args = [mp.mpf(1) / 3, mp.mpf(-7) / 4, mp.mpf(5) / 2]
    for k, var in enumerate((x, y, z)):
        got = mp.mpf(str(sp.N(sp.diff(f, var).subs(point), 40)))

        def along(t: Any, k: int = k) -> Any:
            moved = list(args)
            moved[k] = t
            return ref(*moved)

        assert abs(got - central(along, args[k])) < mp.mpf("1e-20")
    # Large arguments do not overflow, numerically or vectorised.
    assert float(sp.N(f.subs({x: 1000, y: 1000, z: -5}), 20)) == pytest.approx(
        1000 + float(mp.log(2)), rel=1e-15)
    fn = compile_numpy(f, [x, y, z])
    assert fn(np.array([1000.0]), np.array([1000.0]), np.array([-5.0]))[0] == pytest.approx(
        1000 + float(mp.log(2)), rel=1e-15)


@pytest.mark.parametrize(("text", "kinks", "smooth"), [
    ("hard_tanh(x)", ["-1", "1"], ["0", "2"]),
    ("hard_sigmoid(x)", ["-3", "3"], ["0"]),
    ("elu(x, 0.3)", ["0"], ["1"]),
    ("selu(x)", ["0"], ["-1"]),
])
def test_kinks_are_found_and_smooth_points_are_not(text: str, kinks: list[str],
                                                   smooth: list[str]) -> None:
    from calctool.core.engines.pointwise import derivative_at

    f = parse(text)
    for p in kinks:
        d = derivative_at(f, x, {x: sp.Rational(p)})
        assert not d.exists and d.kind == "corner", (text, p, d)
        ref, a, h = REFERENCE[text], mp.mpf(p), mp.mpf("1e-25")
        left, right = (ref(a) - ref(a - h)) / h, (ref(a + h) - ref(a)) / h
        assert float(d.left) == pytest.approx(float(left), rel=1e-9, abs=1e-12)
        assert float(d.right) == pytest.approx(float(right), rel=1e-9, abs=1e-12)
    for p in smooth:
        assert derivative_at(f, x, {x: sp.Rational(p)}).exists


def test_elu_with_slope_one_has_a_derivative_at_zero() -> None:
    from calctool.core.engines.pointwise import derivative_at

    d = derivative_at(parse("elu(x)"), x, {x: sp.Integer(0)})
    assert d.exists and d.value == 1


@pytest.mark.parametrize(("args", "point", "reference"), [
    (("gelu(x)",), "0.7", REFERENCE["gelu(x)"]),
    (("silu(x)",), "-1.3", REFERENCE["silu(x)"]),
])
def test_cli_derivative_values(cli: Callable[..., Any], args: tuple[str, ...], point: str,
                               reference: Callable[[Any], Any]) -> None:
    r = cli("diff", *args, "--at", point, "--json")
    assert r.code == 0
    assert r.json["value"] == pytest.approx(float(central(reference, mp.mpf(point))), rel=1e-13)


def test_cli_logsumexp_wrt_y(cli: Callable[..., Any]) -> None:
    r = cli("diff", "logsumexp(x, y, z)", "--wrt", "y", "--at", "x=1,y=2,z=3", "--json")
    assert r.code == 0
    want = mp.exp(2) / (mp.exp(1) + mp.exp(2) + mp.exp(3))
    assert r.json["value"] == pytest.approx(float(want), rel=1e-14)
    assert r.json["notes"] == []


@pytest.mark.parametrize("text", ["gelu(x)", "hard_tanh(x)", "logsumexp(x, y)", "elu(x, 0.5)"])
def test_printed_forms_read_back(text: str) -> None:
    f = parse(text)
    assert parse(sp.sstr(f)) == f


def test_steps_use_the_activation_table(cli: Callable[..., Any]) -> None:
    d = cli("diff", "gelu(x)", "--steps", "--json").json
    assert d["steps"]["substeps"][0]["rule"] == "activation"
