"""The finite-difference engine: accuracy, domain safety, error estimates, gradcheck fast mode.

Accuracy figures are pinned loosely, as correctness bounds (the benchmark in
bench/bench_finite_diff.py prints the real figures); nothing here is timed.
"""

from __future__ import annotations

import hashlib
import json
import math
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calctool.core.engines import finite_diff as fd
from calctool.core.errors import CalcError

# --------------------------------------------------------------------------- suite


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# name, f, f', sample interval, log-spaced, domain
SMOOTH: list[tuple[str, Callable, Callable, float, float, bool, tuple[float, float] | None]] = [
    ("sin", np.sin, np.cos, -5, 5, False, None),
    ("exp", np.exp, np.exp, -5, 5, False, None),
    ("log(1+x^2)", lambda x: np.log(1 + x**2), lambda x: 2 * x / (1 + x**2), -5, 5, False, None),
    ("x^3", lambda x: x**3, lambda x: 3 * x**2, -5, 5, False, None),
    ("sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), -6, 6, False, None),
    ("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, -3, 3, False, None),
    ("1/(1+x^2)", lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2, -5, 5, False, None),
    (
        "exp(sin x)",
        lambda x: np.exp(np.sin(x)),
        lambda x: np.cos(x) * np.exp(np.sin(x)),
        -5,
        5,
        False,
        None,
    ),
    (
        "poly",
        lambda x: 3 * x**5 - 2 * x**3 + x - 7,
        lambda x: 15 * x**4 - 6 * x**2 + 1,
        -2,
        2,
        False,
        None,
    ),
    ("atan", np.arctan, lambda x: 1 / (1 + x**2), -5, 5, False, None),
    ("sqrt near 0", np.sqrt, lambda x: 0.5 / np.sqrt(x), 1e-12, 1, True, (0.0, math.inf)),
    ("log near 0", np.log, lambda x: 1 / x, 1e-12, 1, True, (0.0, math.inf)),
]


def _suite_errors(method: fd.Method, points: int = 6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2024)
    errors, evaluations = [], []
    for _name, f, df, lo, hi, log_spaced, domain in SMOOTH:
        if log_spaced:
            xs = 10.0 ** rng.uniform(math.log10(lo), math.log10(hi), points)
        else:
            xs = rng.uniform(lo, hi, points)
        for x in xs:
            res = fd.derivative(f, float(x), method=method, domain=domain)
            exact = float(df(np.float64(x)))
            errors.append(abs(res.value - exact) / abs(exact))
            evaluations.append(res.evaluations)
    return np.array(errors), np.array(evaluations)


@pytest.mark.parametrize(
    ("method", "median_bound", "max_bound"),
    [
        ("forward", 1e-7, 1e-4),
        ("central", 1e-10, 1e-7),
        ("richardson", 1e-12, 1e-9),
        ("complex", 1e-15, 1e-13),
    ],
)
def test_accuracy_on_smooth_suite(method: fd.Method, median_bound: float, max_bound: float):
    errors, _ = _suite_errors(method)
    assert np.all(np.isfinite(errors))
    assert np.median(errors) <= median_bound
    assert errors.max() <= max_bound


def test_evaluation_counts_at_an_interior_point():
    """A handful of evaluations: the value plus the points that measure its error."""
    expected = {"forward": 3, "central": 4, "richardson": 6, "complex": 1}
    for method, count in expected.items():
        res = fd.derivative(np.sin, 0.7, method=method)
        assert res.evaluations == count, method
        assert res.method == method


def test_error_estimates_are_honest_for_central():
    rng = np.random.default_rng(5)
    for x in rng.uniform(-3, 3, 30):
        res = fd.derivative(np.exp, float(x))
        assert abs(res.value - math.exp(x)) <= 10 * res.error_estimate + 1e-300


def test_richardson_error_bound_is_conservative():
    for x in (-2.0, 0.3, 1.7):
        res = fd.derivative(lambda v: np.exp(np.sin(v)), x, method="richardson")
        exact = math.cos(x) * math.exp(math.sin(x))
        assert abs(res.value - exact) <= res.error_bound
        assert res.error_estimate <= res.error_bound


# --------------------------------------------------------------------------- steps


@pytest.mark.parametrize("method", ["forward", "central", "richardson"])
def test_default_steps_are_exactly_representable_and_scaled(method: fd.Method):
    x = np.array([0.0, 1e-300, 0.1, 1.0, 3.7, -123.456, 1e8, -7e15])
    h = fd.default_step(x, method)
    assert isinstance(h, np.ndarray)
    assert np.all((x + h) - x == h)
    assert np.all(h > 0)
    # scaled to the point: relative to max(1, |x|) the step is the same up to rounding
    rel = h / np.maximum(1.0, np.abs(x))
    assert np.allclose(rel, rel[0], rtol=1e-3)


def test_default_step_scalar_and_complex():
    assert isinstance(fd.default_step(2.0, "central"), float)
    assert fd.default_step(2.0, "complex") == 1e-20
    assert fd.default_step(2.0, "forward") < fd.default_step(2.0, "central")
    assert fd.default_step(2.0, "central") < fd.default_step(2.0, "richardson")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_steps_representable_property(x: float):
    for method in ("forward", "central", "richardson"):
        h = fd.default_step(x, method)
        assert (x + h) - x == h > 0


# --------------------------------------------------------------------------- domain


class _Recorder:
    """f that remembers every point it was evaluated at."""

    def __init__(self, f: Callable[[np.ndarray], np.ndarray]) -> None:
        self.f = f
        self.points: list[float] = []

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.points.extend(np.atleast_1d(np.real(x)).tolist())
        return self.f(x)


@pytest.mark.parametrize("method", ["forward", "central", "richardson"])
@pytest.mark.parametrize(
    ("f", "df", "x", "bound"),
    [
        (np.log, lambda x: 1 / x, 1e-9, 1e-9),
        (np.sqrt, lambda x: 0.5 / math.sqrt(x), 1e-12, 1e-9),
        # |log x| = 690 amplifies rounding: relative error ~eps |f| / (h f')
        (np.log, lambda x: 1 / x, 1e-300, 1e-8),
    ],
)
def test_steps_never_leave_a_given_domain(method: fd.Method, f, df, x: float, bound: float):
    rec = _Recorder(f)
    res = fd.derivative(rec, x, method=method, domain=(0.0, math.inf))
    assert min(rec.points) > 0
    if method == "forward":
        bound = 1e-6
    assert abs(res.value - df(x)) <= bound * abs(df(x))


@pytest.mark.parametrize("method", ["central", "richardson"])
def test_domain_found_from_nan_values(method: fd.Method):
    """Without a domain, nan at x - h is the boundary; the answer is still finite and accurate."""
    for x in (1e-9, 1e-4, 0.02):
        res = fd.derivative(np.log, x, method=method)
        assert abs(res.value * x - 1) <= 1e-9
    upper = fd.derivative(lambda v: np.log(1 - v), 1 - 2**-30, method=method)
    assert abs(upper.value * 2**-30 + 1) <= 1e-9


def test_one_sided_stencil_next_to_an_artificial_boundary():
    """f smooth across the boundary but undefined beyond it: one side, full step, wins."""
    f = lambda v: np.exp(v) + 0 * np.log(v)  # noqa: E731 - nan for v <= 0
    for domain in (None, (0.0, math.inf)):
        res = fd.derivative(f, 1e-7, domain=domain)
        assert res.stencil == "forward"
        assert abs(res.value - math.exp(1e-7)) <= 1e-9
    back = fd.derivative(lambda v: np.exp(v) + 0 * np.log(-v), -1e-7)
    assert back.stencil == "backward"
    assert abs(back.value - math.exp(-1e-7)) <= 1e-9


def test_not_finite_at_the_point_is_a_domain_error():
    for x in (0.0, -1.0):
        with pytest.raises(fd.NonFiniteValueError, match="not finite") as info:
            fd.derivative(np.log, x)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, CalcError)
        assert info.value.code == "domain_error"


def test_point_outside_domain_and_bad_arguments():
    with pytest.raises(ValueError, match="domain"):
        fd.derivative(np.log, -1.0, domain=(0.0, math.inf))
    with pytest.raises(ValueError, match="method"):
        fd.derivative(np.sin, 1.0, method="backwards")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step"):
        fd.derivative(np.sin, 1.0, h=-1e-3)


def test_user_step_is_used_as_given():
    res = fd.derivative(np.sin, 1.0, h=1e-3)
    assert res.step == pytest.approx(1e-3, rel=1e-12)
    assert abs(res.value - math.cos(1.0)) < 1e-6


# --------------------------------------------------------------------------- complex step


def test_complex_step_reaches_machine_precision():
    for x in (0.3, -2.0, 10.0):
        res = fd.derivative(lambda v: np.exp(np.sin(v)) / (1 + v**2), x, method="complex")
        exact = (math.cos(x) * (1 + x**2) - 2 * x) * math.exp(math.sin(x)) / (1 + x**2) ** 2
        assert abs(res.value - exact) <= 4 * fd.EPS * abs(exact)


@pytest.mark.parametrize(
    "f",
    [
        np.abs,  # returns real values: would silently give 0
        lambda x: np.array([math.sin(v) for v in x]),  # math functions reject complex
        lambda x: np.logaddexp(0.0, x),  # ufunc without a complex loop
    ],
)
def test_complex_step_unsupported_is_a_readable_value_error(f):
    with pytest.raises(ValueError, match="complex") as info:
        fd.derivative(f, 0.5, method="complex")
    assert isinstance(info.value, fd.ComplexStepUnsupportedError)
    assert "central" in str(info.value)


def test_complex_step_unsupported_in_gradient():
    with pytest.raises(fd.ComplexStepUnsupportedError):
        fd.gradient(lambda v: float(np.sum(v**2)), np.ones(3), method="complex")


# --------------------------------------------------------------------------- richardson


def test_richardson_table_removes_even_powers_exactly():
    def d(h: float) -> float:
        return 2.0 + 3 * h**2 - 5 * h**4

    value, bound = fd.richardson([d(0.1), d(0.05), d(0.025)])
    assert value == pytest.approx(2.0, abs=1e-14)
    assert bound > 0
    with pytest.raises(ValueError):
        fd.richardson([1.0])


# --------------------------------------------------------------------------- gradient


def _quadratic(n: int, seed: int = 0):
    """0.5 x'Ax + b'x + sum sin(x); f returns a numpy scalar, complex for complex x."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, n))
    a = m @ m.T / n + np.eye(n)
    b = rng.standard_normal(n)

    def f(x: np.ndarray):
        return 0.5 * x @ a @ x + b @ x + np.sum(np.sin(x))

    def grad(x: np.ndarray) -> np.ndarray:
        return a @ x + b + np.cos(x)

    return f, grad


@pytest.mark.parametrize(
    ("method", "per_component", "bound"),
    [("forward", 2, 1e-6), ("central", 4, 1e-9), ("richardson", 6, 1e-11), ("complex", 1, 1e-14)],
)
def test_gradient_accuracy_and_cost(method: fd.Method, per_component: int, bound: float):
    n = 6
    f, grad = _quadratic(n)
    x = np.linspace(-1, 1, n)
    res = fd.gradient(f, x, method=method)
    exact = grad(x)
    assert np.max(np.abs(res.values - exact)) <= bound * np.max(np.abs(exact))
    noise_probe = 0 if method == "complex" else 11  # f(x) and 10 points measuring its noise
    assert res.evaluations == per_component * n + noise_probe
    assert res.values.shape == res.steps.shape == res.error_estimates.shape == (n,)
    assert np.all(np.abs(res.values - exact) <= 10 * res.error_estimates + 1e-15)


def test_gradient_cheap_mode_progress_indices_and_no_mutation():
    f, grad = _quadratic(5, seed=1)
    x = np.arange(5.0)
    before = x.copy()
    calls: list[tuple[int, int]] = []
    res = fd.gradient(
        f, x, estimate_error=False, noise="eps", progress=lambda d, t: calls.append((d, t))
    )
    assert res.evaluations == 10
    assert np.array_equal(x, before)
    assert calls[-1] == (5, 5)
    part = fd.gradient(f, x, indices=[4, 1])
    assert np.allclose(part.values, grad(x)[[4, 1]], rtol=1e-8)


def test_gradient_error_estimates_use_the_measured_noise():
    """log(cosh x) near 0 loses digits inside f: its noise is ~eps, not eps |f| ~ 1e-20."""
    x = np.array([0.0085, -0.003, 0.02, 0.011])

    def f(v: np.ndarray) -> float:
        return float(np.sum(np.log(np.cosh(v))))

    res = fd.gradient(f, x)
    assert np.all(np.abs(res.values - np.tanh(x)) <= 5 * res.error_estimates)
    assumed = fd.gradient(f, x, noise="eps")
    assert np.all(assumed.error_estimates < res.error_estimates)


def test_gradient_component_near_a_singularity():
    """log(x_0) with x_0 = 1e-10: the step shrinks to stay inside and stays accurate."""
    x = np.array([1e-10, 0.5, 2.0])
    for method in ("central", "richardson", "forward"):
        res = fd.gradient(lambda v: float(np.sum(np.log(v))), x, method=method)
        assert np.allclose(res.values, 1 / x, rtol=1e-6), method


def test_gradient_at_a_million_parameters_stays_linear_in_memory():
    n = 10**6
    x = np.linspace(-1, 1, n)

    def f(v: np.ndarray) -> float:
        return float(np.sum(v * v))

    tracemalloc.start()
    res = fd.gradient(f, x, indices=[0, n // 2, n - 1])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 * 2**20  # a few n-vectors, nothing like n x n
    assert np.allclose(res.values, 2 * x[[0, n // 2, n - 1]], atol=1e-3)


# --------------------------------------------------------------------------- directional check


class Separable:
    """sum a sin(x) + b x^2 / 2 + c log(1 + exp(-x)): the shape of a realistic loss."""

    def __init__(self, n: int, seed: int = 3) -> None:
        rng = np.random.default_rng(seed)
        self.x = rng.standard_normal(n)
        self.a, self.b, self.c = (rng.uniform(0.5, 2.0, n) for _ in range(3))

    def f(self, x: np.ndarray) -> float:
        return float(self.a @ np.sin(x) + 0.5 * (self.b @ (x * x)) + self.c @ np.log1p(np.exp(-x)))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.a * np.cos(x) + self.b * x - self.c / (1.0 + np.exp(x))


def _one_wrong(g: np.ndarray, delta: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bad = g.copy()
    bad[rng.integers(g.size)] += (1 if rng.random() < 0.5 else -1) * delta * np.sqrt(np.mean(g * g))
    return bad


@pytest.mark.parametrize(("method", "delta"), [("central", 1e-3), ("richardson", 1e-5)])
def test_fast_mode_n1000_detects_one_wrong_component_without_false_alarms(
    method: fd.Method, delta: float
):
    prob = Separable(1000)
    g = prob.grad(prob.x)
    for seed in range(25):
        sample = fd.directional_derivatives(prob.f, prob.x, seed=seed, method=method)
        good = fd.compare_directional(sample, g)
        assert good.passed, (seed, good.max_abs_error)
        bad = fd.compare_directional(sample, _one_wrong(g, delta, seed))
        assert not bad.passed, seed


def test_fast_mode_meets_the_spec_at_a_million_parameters():
    """SPEC 5: one component off by 1e-3 x RMS at n = 10^6 is detected; no false alarm."""
    prob = Separable(10**6)
    g = prob.grad(prob.x)
    sample = fd.directional_derivatives(prob.f, prob.x, seed=0)
    assert sample.evaluations < 60
    units = sample.directions()
    assert fd.compare_directional(sample, g, directions=units).passed
    for trial in range(3):
        bad = _one_wrong(g, 1e-3, trial)
        assert not fd.compare_directional(sample, bad, directions=units).passed


def test_directional_check_result_shape_and_reproducibility():
    prob = Separable(50)
    g = prob.grad(prob.x)
    res = fd.directional_check(prob.f, g, prob.x, k=5, seed=11)
    again = fd.directional_check(prob.f, g, prob.x, k=5, seed=11)
    assert res == again
    assert res.passed and len(res.directions) == 5
    for d in res.directions:
        assert d.passed and d.abs_error <= d.tolerance
        assert d.noise_floor > 0 and d.tolerance >= 10 * d.noise_floor
        assert abs(d.analytic - d.numeric) == pytest.approx(d.abs_error)
    assert res.max_rel_error <= 1e-6
    assert fd.directional_check(prob.f, g, prob.x, seed=None).passed
    json.dumps(res.to_dict(), allow_nan=False)
    sample = fd.directional_derivatives(prob.f, prob.x, k=5, seed=11)
    assert fd.compare_directional(sample, g, directions=sample.directions()) == res


def test_directional_cost_does_not_grow_with_n():
    counts = set()
    for n in (10, 10_000):
        prob = Separable(n)
        counts.add(fd.directional_check(prob.f, prob.grad(prob.x), prob.x).evaluations)
    assert len(counts) == 1


def _rosenbrock(x: np.ndarray):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def _rosenbrock_grad(x: np.ndarray) -> np.ndarray:
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return g


def _logsumexp(x: np.ndarray) -> float:
    m = np.max(x)
    return float(m + np.log(np.sum(np.exp(x - m))))


def _logsumexp_grad(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - np.max(x))
    return e / e.sum()


def _sin_of_sum(x: np.ndarray):
    return np.sin(np.sum(x)) + np.sum(x**2)


@pytest.mark.parametrize(
    ("f", "grad"),
    [
        (_rosenbrock, _rosenbrock_grad),
        (_logsumexp, _logsumexp_grad),
        (_sin_of_sum, lambda x: np.cos(np.sum(x)) + 2 * x),
    ],
)
@pytest.mark.parametrize("method", ["central", "richardson", "complex"])
def test_fast_mode_on_non_separable_functions(f, grad, method: fd.Method):
    if method == "complex" and f is _logsumexp:
        pytest.skip("max() of complex values is not analytic")
    rng = np.random.default_rng(9)
    x = rng.uniform(-1.5, 1.5, 20)
    g = grad(x)
    for seed in range(10):
        sample = fd.directional_derivatives(f, x, seed=seed, method=method)
        assert fd.compare_directional(sample, g).passed, seed
        assert not fd.compare_directional(sample, _one_wrong(g, 1e-3, seed)).passed, seed


def test_fast_mode_tolerance_follows_the_measured_noise():
    """f with noise far above eps |f|: a fixed eps-based floor would flag the correct gradient."""
    prob = Separable(200)

    def noisy(x: np.ndarray) -> float:
        digest = hashlib.blake2b(x.tobytes(), digest_size=8).digest()
        jitter = int.from_bytes(digest, "little") / 2**64 - 0.5
        return prob.f(x) + 1e-8 * jitter

    g = prob.grad(prob.x)
    for seed in range(15):
        sample = fd.directional_derivatives(noisy, prob.x, seed=seed)
        assert sample.noise_level > 1e-9
        assert fd.compare_directional(sample, g).passed, seed
        assert not fd.compare_directional(sample, _one_wrong(g, 3e-2, seed)).passed, seed


def test_fast_mode_keeps_steps_inside_the_domain():
    """sum log(x) with coordinates near 0: directions must shrink, not produce nan."""
    rng = np.random.default_rng(4)
    x = rng.uniform(1e-3, 2.0, 500)
    x[:5] = 1e-6

    def f(v: np.ndarray) -> float:
        return float(np.sum(np.log(v)))

    res = fd.directional_check(f, 1 / x, x, method="central")
    assert res.passed
    assert all(math.isfinite(d.numeric) for d in res.directions)
    assert not fd.directional_check(f, _one_wrong(1 / x, 1e-3, 0), x).passed


def test_fast_mode_options():
    prob = Separable(30)
    g = prob.grad(prob.x)
    bad = _one_wrong(g, 1e-2, 0)
    assert not fd.directional_check(prob.f, bad, prob.x).passed
    assert fd.directional_check(prob.f, bad, prob.x, rtol=0.5).passed  # rtol only loosens
    assert fd.directional_check(prob.f, bad, prob.x, atol=10.0).passed
    with pytest.raises(ValueError, match="components"):
        fd.directional_check(prob.f, g[:-1], prob.x)
    nan_grad = g.copy()
    nan_grad[3] = np.nan
    assert not fd.directional_check(prob.f, nan_grad, prob.x).passed


# --------------------------------------------------------------------------- hessian


def test_hessian_of_rosenbrock_is_accurate_and_symmetric():
    x = np.array([1.0, 1.0])
    res = fd.hessian(_rosenbrock, x)
    assert np.allclose(res.values, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-6)
    assert np.array_equal(res.values, res.values.T)
    assert res.evaluations == 2 * 2 * 2 + 1
    json.dumps(res.to_dict(), allow_nan=False)


@given(
    st.lists(st.floats(-3, 3), min_size=3, max_size=3),
    st.integers(min_value=0, max_value=2**31),
)
@settings(max_examples=30, deadline=None)
def test_hessian_symmetric_and_close_property(point: list[float], seed: int):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((3, 3))
    a = m + m.T

    def f(v: np.ndarray) -> float:
        return float(0.5 * v @ a @ v + np.sum(np.cos(v)))

    x = np.array(point)
    res = fd.hessian(f, x)
    exact = a - np.diag(np.cos(x))
    assert np.array_equal(res.values, res.values.T)
    assert np.allclose(res.values, exact, atol=1e-5 * (1 + np.abs(a).max()))


def test_hessian_stays_in_the_domain():
    x = np.array([1e-6, 1.0])
    res = fd.hessian(lambda v: float(np.sum(np.log(v))), x)
    assert np.all(np.isfinite(res.values))
    assert res.values[0, 0] == pytest.approx(-1 / x[0] ** 2, rel=1e-2)
    with pytest.raises(fd.NonFiniteValueError):
        fd.hessian(lambda v: float(np.sum(np.log(v))), np.array([0.0, 1.0]))


# --------------------------------------------------------------------------- property: derivative


@given(
    st.floats(-4, 4),
    st.sampled_from([0, 1, 2, 3]),
    st.floats(0.2, 3.0),
)
@settings(max_examples=60, deadline=None)
def test_derivative_matches_exact_property(x: float, kind: int, scale: float):
    fs = [
        (lambda v: np.sin(scale * v), lambda v: scale * math.cos(scale * v)),
        (lambda v: np.exp(scale * v / 4), lambda v: scale / 4 * math.exp(scale * v / 4)),
        (lambda v: np.tanh(scale * v), lambda v: scale * (1 - math.tanh(scale * v) ** 2)),
        (lambda v: v**3 - scale * v, lambda v: 3 * v**2 - scale),
    ]
    f, df = fs[kind]
    exact = df(x)
    for method, rel in (("central", 1e-7), ("richardson", 1e-9), ("complex", 1e-13)):
        res = fd.derivative(f, x, method=method)
        assert abs(res.value - exact) <= rel * max(1.0, abs(exact)), method


def test_results_serialise_to_json():
    res = fd.derivative(np.sin, 1.0)
    assert json.loads(json.dumps(res.to_dict(), allow_nan=False))["stencil"] == "central"
    grad = fd.gradient(lambda v: float(np.sum(v**2)), np.ones(2))
    json.dumps(grad.to_dict(), allow_nan=False)
    assert fd._json_float(float("nan")) == "nan"
    assert fd._json_float(float("-inf")) == "-inf"


def test_points_of_any_shape_reach_f_unchanged():
    """A weight matrix stays a matrix: f sees the caller's shape, the gradient has it too."""
    w = np.arange(6.0).reshape(2, 3) / 5

    def f(m: np.ndarray) -> float:
        assert m.shape == (2, 3)
        return float(np.sum(np.sin(m)) + m[0, 1] * m[1, 2])

    grad = np.cos(w)
    grad[0, 1] += w[1, 2]
    grad[1, 2] += w[0, 1]
    res = fd.gradient(f, w)
    assert res.values.shape == (2, 3)
    assert np.allclose(res.values, grad, rtol=1e-9)
    assert fd.directional_check(f, grad, w).passed
    assert fd.hessian(f, w).values.shape == (6, 6)
