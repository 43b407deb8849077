"""gradcheck knows its resolution: float32 code is INCONCLUSIVE, not PASS (#16).

tests/fixtures/mlp32.py is a perceptron computed in float32. The true
gradient used to judge the verdicts is its correct backward pass computed in
float64 (`loss_grad`), not anything the check computes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calctool.core.engines import usercode as uc
from calctool.core.ops.gradcheck import (
    DEFAULT_RESOLUTION,
    RESOLUTION_FLOOR,
    CheckOptions,
    Sampling,
    gradcheck,
    gradcheck_function,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MLP32 = str(FIXTURES / "mlp32.py")
mlp32 = uc.load_module(Path(MLP32))
mlp = uc.load_module(FIXTURES / "mlp.py")
X = uc.random_point(31, 3)


def true_gradient(x: np.ndarray) -> np.ndarray:
    return mlp32.loss_grad(x)


def weak_or_good(r) -> None:
    """PASS only where the resolution is good: a passing component is WEAK exactly when
    its resolution is worse than the threshold, and a PASS has no WEAK component."""
    for c in r.components:
        assert c.resolution is not None
        if c.passed:
            assert c.weak == (c.resolution > r.resolution_threshold)
    if r.passed:
        assert not any(c.weak for c in r.components)


def test_float32_correct_gradient_is_inconclusive_with_the_resolution_named() -> None:
    r = gradcheck(mlp32.loss, mlp32.loss_grad, at=X)
    assert not r.passed and r.inconclusive and r.failed == 0
    assert r.outcome == "INCONCLUSIVE"
    assert r.precision == "float32"
    assert r.resolution is not None and r.resolution > DEFAULT_RESOLUTION
    text = " ".join(r.notes)
    assert "float32" in text and "float64" in text
    assert f"{r.resolution:.1e}" in text  # the resolution, and where, in words
    weak_or_good(r)
    assert r.exit_status == 1


@pytest.mark.parametrize("broken", ["broken_grad", "scaled_grad"])
@pytest.mark.parametrize("sampling", [Sampling(), Sampling(points=12, seed=4)])
def test_float32_broken_gradient_never_passes_a_component_wrong_beyond_the_resolution(
        broken: str, sampling: Sampling) -> None:
    r = gradcheck_function(mlp32.loss, getattr(mlp32, broken), X, sampling=sampling)
    assert not r.passed
    truth = true_gradient(X)
    g = np.asarray(getattr(mlp32, broken)(X))
    rms = float(np.sqrt(np.mean(g * g)))
    for c in r.components:
        scale = max(abs(c.analytic), abs(c.numeric), RESOLUTION_FLOOR * rms)
        true_error = abs(c.analytic - truth[c.index]) / scale
        if true_error > c.resolution:
            assert not c.passed, (c.name, true_error, c.resolution)
    weak_or_good(r)


def test_scaled_component_is_not_passed_over() -> None:
    """theta[14] off by 20%: the check may be unable to see it, but it never says PASS."""
    r = gradcheck(mlp32.loss, mlp32.scaled_grad, at=X)
    assert r.outcome in ("FAIL", "INCONCLUSIVE")
    assert not r.passed


def test_loosening_the_threshold_accepts_a_noisy_pass(cli) -> None:
    args = ["gradcheck", "--func", f"{MLP32}:loss", "--grad", "loss_grad", "--dim", "31",
            "--seed", "3", "--json"]
    r = cli(*args)
    assert r.code == 1
    assert r.json["inconclusive"] is True and r.json["passed"] is False
    assert r.json["precision"] == "float32"
    loose = cli(*args, "--resolution", str(10 * r.json["resolution"]))
    assert loose.code == 0 and loose.json["passed"] is True
    assert cli(*args, "--resolution", "0").code == 2


def test_float64_passes_with_a_fine_resolution() -> None:
    r = gradcheck(mlp.loss, mlp.loss_grad, at=X)
    assert r.passed and not r.inconclusive
    assert r.precision is None
    assert r.resolution < 1e-5
    weak_or_good(r)


@pytest.mark.parametrize("method", [None, "central"])
def test_fast_mode_reports_resolution_per_direction(method: str | None) -> None:
    options = CheckOptions(method=method)
    r = gradcheck_function(mlp32.loss, mlp32.loss_grad, X, options,
                           Sampling(fast=True, seed=3))
    for c in r.components:
        assert c.resolution is not None
    weak_or_good(r)
    if method == "central":  # float32 noise through central differences: hopeless
        assert r.inconclusive and not r.passed
    r64 = gradcheck_function(mlp.loss, mlp.loss_grad, X, options, Sampling(fast=True, seed=3))
    assert r64.passed and all(c.resolution < DEFAULT_RESOLUTION for c in r64.components)
