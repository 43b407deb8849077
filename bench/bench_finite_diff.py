"""Benchmark of the finite-difference engine (SPEC section 5), printed as tables.

Run from the repository root:  python bench/bench_finite_diff.py [--quick]

1. Accuracy: every method on a suite of smooth functions at random points
   (median and max relative error against the exact derivative, evaluations
   used), and how many stencil points left the domain when one was given.
2. gradcheck fast mode (directional_check) at n = 10^3, 10^5, 10^6: how often
   a single component off by 1e-3 x RMS(gradient) is caught, and how often a
   correct gradient is flagged, over several seeds; for comparison, the same
   samples judged with a fixed rtol = 1e-3, atol = 1e-5 (PyTorch's defaults).
3. Cost of the fast mode against the full per-component gradient, as a ratio.

No figure here is a pass/fail threshold: tests pin correctness, this prints.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calctool.core.engines import finite_diff as fd

Fn = Callable[[np.ndarray], np.ndarray]


# --------------------------------------------------------------------------- 1. accuracy


@dataclass(frozen=True)
class Case:
    """A smooth function, its exact derivative, where to sample it, and its domain."""

    name: str
    f: Fn
    df: Fn
    lo: float
    hi: float
    log_spaced: bool = False
    domain: tuple[float, float] | None = None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


SUITE: list[Case] = [
    Case("sin", np.sin, np.cos, -5, 5),
    Case("exp", np.exp, np.exp, -5, 5),
    Case("log(1+x^2)", lambda x: np.log(1 + x**2), lambda x: 2 * x / (1 + x**2), -5, 5),
    Case("x^3", lambda x: x**3, lambda x: 3 * x**2, -5, 5),
    Case("sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), -6, 6),
    Case("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2, -3, 3),
    Case("1/(1+x^2)", lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2, -5, 5),
    Case("exp(sin x)", lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)), -5, 5),
    Case(
        "3x^5-2x^3+x-7",
        lambda x: 3 * x**5 - 2 * x**3 + x - 7,
        lambda x: 15 * x**4 - 6 * x**2 + 1,
        -2,
        2,
    ),
    Case("atan", np.arctan, lambda x: 1 / (1 + x**2), -5, 5),
    Case(
        "x exp(-x^2)",
        lambda x: x * np.exp(-(x**2)),
        lambda x: (1 - 2 * x**2) * np.exp(-(x**2)),
        -3,
        3,
    ),
    Case("cos(x^2)", lambda x: np.cos(x**2), lambda x: -2 * x * np.sin(x**2), -3, 3),
    Case("log(cosh x)", lambda x: np.log(np.cosh(x)), np.tanh, -5, 5),
    Case("softplus", lambda x: np.log1p(np.exp(x)), _sigmoid, -6, 6),
    Case("asinh", np.arcsinh, lambda x: 1 / np.sqrt(1 + x**2), -5, 5),
    Case("sin(x)/x", lambda x: np.sin(x) / x, lambda x: (x * np.cos(x) - np.sin(x)) / x**2, 0.5, 6),
    Case("1/x", lambda x: 1 / x, lambda x: -1 / x**2, 0.1, 10),
    Case("sqrt near 0", np.sqrt, lambda x: 0.5 / np.sqrt(x), 1e-12, 1, True, (0, np.inf)),
    Case("log near 0", np.log, lambda x: 1 / x, 1e-12, 1, True, (0, np.inf)),
    Case("x^1.5 near 0", lambda x: x**1.5, lambda x: 1.5 * np.sqrt(x), 1e-10, 1, True, (0, np.inf)),
    Case("x log x", lambda x: x * np.log(x), lambda x: np.log(x) + 1, 1e-8, 3, True, (0, np.inf)),
]

METHODS: tuple[fd.Method, ...] = ("forward", "central", "richardson", "complex")


def _points(case: Case, rng: np.random.Generator, count: int) -> np.ndarray:
    if case.log_spaced:
        return 10.0 ** rng.uniform(np.log10(case.lo), np.log10(case.hi), count)
    return rng.uniform(case.lo, case.hi, count)


class _Recorder:
    """Wraps f to record the smallest distance to the domain of every point evaluated."""

    def __init__(self, f: Fn, domain: tuple[float, float]) -> None:
        self.f = f
        self.domain = domain
        self.outside = 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        xr = np.real(x)
        self.outside += int(np.count_nonzero((xr <= self.domain[0]) | (xr >= self.domain[1])))
        return self.f(x)


def accuracy(points_per_case: int) -> None:
    rng = np.random.default_rng(12345)
    table = {m: ([], []) for m in METHODS}  # relative errors, evaluations
    worst: dict[str, tuple[float, str]] = {}
    by_case: dict[str, dict[str, float]] = {}
    outside = 0
    for case in SUITE:
        xs = _points(case, rng, points_per_case)
        for method in METHODS:
            errs = []
            for x in xs:
                f = case.f
                domain = case.domain
                if domain is not None and method != "complex":
                    rec = _Recorder(case.f, domain)
                    f = rec
                res = fd.derivative(f, float(x), method=method, domain=domain)
                if domain is not None and method != "complex":
                    outside += rec.outside
                exact = float(case.df(np.float64(x)))
                rel = abs(res.value - exact) / abs(exact)
                errs.append(rel)
                table[method][0].append(rel)
                table[method][1].append(res.evaluations)
            by_case.setdefault(case.name, {})[method] = float(np.median(errs))
            if max(errs) > worst.get(method, (-1.0, ""))[0]:
                worst[method] = (max(errs), case.name)
    n_cases = len(SUITE) * points_per_case
    print(f"\n## 1. Derivative accuracy: {len(SUITE)} functions x {points_per_case} random points")
    print("   relative error |estimate - exact| / |exact|; evaluations of f per derivative\n")
    print(
        f"{'method':<11}{'median':>10}{'90%':>10}{'max':>10}   {'evals median':>12}"
        f"{'mean':>7}{'max':>6}   worst function"
    )
    for method in METHODS:
        errs, evals = (np.array(v) for v in table[method])
        print(
            f"{method:<11}{np.median(errs):>10.1e}{np.quantile(errs, 0.9):>10.1e}"
            f"{errs.max():>10.1e}   {np.median(evals):>12.0f}{evals.mean():>7.1f}{evals.max():>6d}"
            f"   {worst[method][1]}"
        )
    print(
        f"\n   ({n_cases} derivatives per method; with a domain given, stencil points "
        f"outside it: {outside})"
    )
    print("\n   median relative error per function:")
    print(f"   {'function':<16}" + "".join(f"{m:>12}" for m in METHODS))
    for name, row in by_case.items():
        print(f"   {name:<16}" + "".join(f"{row[m]:>12.1e}" for m in METHODS))


# --------------------------------------------------------------------------- 2. fast mode


@dataclass(frozen=True)
class Problem:
    """f(x) = sum a sin(x) + b x^2 / 2 + c log(1 + exp(-x)): separable, smooth, realistic."""

    x: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray

    @classmethod
    def make(cls, n: int, seed: int = 7) -> Problem:
        rng = np.random.default_rng(seed)
        return cls(
            rng.standard_normal(n),
            rng.uniform(0.5, 2.0, n),
            rng.uniform(0.5, 2.0, n),
            rng.uniform(0.5, 2.0, n),
        )

    def f(self, x: np.ndarray) -> float:
        return float(self.a @ np.sin(x) + 0.5 * (self.b @ (x * x)) + self.c @ np.log1p(np.exp(-x)))

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.a * np.cos(x) + self.b * x - self.c / (1.0 + np.exp(x))


def _torch_like_flags(result: fd.DirectionalResult, rtol: float = 1e-3, atol: float = 1e-5) -> bool:
    """Would a fixed tolerance |a - num| <= atol + rtol |num| flag this sample?"""
    return any(d.abs_error > atol + rtol * abs(d.numeric) for d in result.directions)


def _frac(count: int, total: int) -> str:
    return f"{count}/{total}"


def fast_mode(plan: list[tuple[int, int]], methods: list[fd.Method]) -> None:
    """plan: (n, seeds) pairs."""
    print("\n## 2. gradcheck fast mode: k = 8 random directions; rows: n, method, seeds")
    print("   detection: one component off by delta x RMS(grad), random component and sign;")
    print("   false alarms: the correct gradient flagged. 'fixed rtol' = the same samples")
    print("   judged by |a - num| <= 1e-5 + 1e-3 |num| (PyTorch's fast-mode defaults).\n")
    deltas = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7)
    print(f"{'':>21}{'false':>8}{'detected, delta =':>22}{'fixed rtol':>32}")
    print(
        f"{'n':>9} {'method':<11}{'evals':>6}{'alarms':>8}"
        + "".join(f"{format(d, '.0e'):>8}" for d in deltas)
        + f"{'det 1e-3':>12}{'margin':>8}{'s/check':>9}"
    )
    for n, seeds in plan:
        prob = Problem.make(n)
        g = prob.grad(prob.x)
        rms = float(np.sqrt(np.mean(g * g)))
        for method in methods:
            false_alarms = 0
            detected = dict.fromkeys(deltas, 0)
            torch_detected = 0
            margin = 0.0
            evals = []
            seconds = 0.0
            for seed in range(seeds):
                start = time.perf_counter()
                sample = fd.directional_derivatives(prob.f, prob.x, k=8, seed=seed, method=method)
                good = fd.compare_directional(sample, g)
                seconds += time.perf_counter() - start
                units = sample.directions()  # generated once for the wrong gradients
                evals.append(sample.evaluations)
                false_alarms += not good.passed
                margin = max(margin, max(d.abs_error / d.tolerance for d in good.directions))
                pick = np.random.default_rng(1000 + seed)
                i = int(pick.integers(n))
                sign = 1.0 if pick.random() < 0.5 else -1.0
                for delta in deltas:
                    bad = g.copy()
                    bad[i] += sign * delta * rms
                    result = fd.compare_directional(sample, bad, directions=units)
                    detected[delta] += not result.passed
                    if delta == 1e-3:
                        torch_detected += _torch_like_flags(result)
            print(
                f"{n:>9} {method:<11}{np.mean(evals):>6.0f}{_frac(false_alarms, seeds):>8}"
                + "".join(f"{_frac(detected[d], seeds):>8}" for d in deltas)
                + f"{_frac(torch_detected, seeds):>12}{margin:>8.2f}{seconds / seeds:>9.2f}"
            )
    print("\n   margin: the largest |u.g - numeric| / tolerance seen on a correct gradient")
    print("   (a false alarm needs > 1). The tolerance is 10 x the estimated error from the")
    print("   measured noise of f (ECnoise difference table) and the truncation bound.")


# --------------------------------------------------------------------------- 3. cost


def cost(sizes: list[int], full_sample: int) -> None:
    print("\n## 3. Cost: fast mode (k = 8, central) against the full central gradient")
    print("   (full mode: 4 evaluations per component, 2 for the value + 2 for its error")
    print(f"    estimate; for n > {full_sample} timed on {full_sample} components and scaled;")
    print("    both modes add f(x) and 10 evaluations measuring the noise of f)\n")
    print(
        f"{'n':>9}{'fast s':>10}{'full s':>12}{'full / fast':>13}"
        f"{'evals fast':>12}{'evals full':>12}"
    )
    for n in sizes:
        prob = Problem.make(n)
        g = prob.grad(prob.x)
        start = time.perf_counter()
        fast = fd.directional_check(prob.f, g, prob.x, seed=0)
        t_fast = time.perf_counter() - start
        m = min(n, full_sample)
        idx = np.arange(m)
        start = time.perf_counter()
        full = fd.gradient(prob.f, prob.x, indices=idx)
        t_full = (time.perf_counter() - start) * n / m
        evals_full = full.evaluations + 4 * (n - m)  # 4 per component, f(x) + noise once
        print(
            f"{n:>9}{t_fast:>10.3f}{t_full:>12.2f}{t_full / t_fast:>13.0f}"
            f"{fast.evaluations:>12}{evals_full:>12}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points and seeds, no 10^6")
    parser.add_argument("--full", action="store_true", help="20 seeds (not 10) at n >= 10^5")
    args = parser.parse_args()
    start = time.perf_counter()
    methods: list[fd.Method] = ["central", "richardson"]
    accuracy(10 if args.quick else 100)
    if args.quick:
        fast_mode([(10**3, 5), (10**5, 5)], methods)
    else:
        many = 20 if args.full else 10
        fast_mode([(10**3, 100), (10**5, many), (10**6, many)], methods)
    cost([10**3, 10**5], 200)
    print(f"\n(total {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
