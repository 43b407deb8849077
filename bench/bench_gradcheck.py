"""Benchmark of `calctool gradcheck --func` (SPEC section 5), printed as tables.

Run from the repository root:  python bench/bench_gradcheck.py [--quick]

Everything goes through the command's own pipeline (`gradcheck_function` with
user code loaded from a file, as `--func FILE.py:loss --grad FILE.py:grad
--dim N` does), on the separable smooth problem of bench_finite_diff.py,
f(x) = sum a sin x + b x^2/2 + c log(1 + e^-x), at a standard normal point.

1. Cost: --fast (8 random directions) against the full check at n = 10^3,
   10^5, 10^6: seconds, evaluations of f, and their ratios. The full check at
   n >= 10^5 is timed on a random sample of components (--points) and
   extrapolated to all n: it would take minutes to hours.
2. Detection at large n: how often --fast catches a single component off by
   delta x RMS(gradient) (delta = 1e-3, the SPEC's target, and 1e-4, for the
   margin), and how often it flags the correct gradient, over seeds (each
   seed: another point, other directions, another wrong component).
3. The full check's tolerance (10 x the estimated error of each difference)
   on the 2-layer MLP of tests/fixtures/mlp.py over many random points: the
   largest |error| / tolerance seen on the correct backprop (a false alarm
   needs > 1) and the detection of the broken ones.

The accuracy of forward / central / Richardson / complex differences against
exact derivatives on a suite of smooth functions (median and max relative
error, evaluations used) is section 1 of bench/bench_finite_diff.py, which
also judges the same fast-mode samples by PyTorch's fixed rtol for contrast.
No figure here is a pass/fail threshold: tests pin correctness, this prints.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calctool.core.engines import usercode as uc
from calctool.core.ops.gradcheck import CheckOptions, Sampling, gradcheck_function
from calctool.core.results.gradcheck import GradcheckResult

ROOT = Path(__file__).resolve().parents[1]

MODULE = '''
import numpy as np

N = {n}
_rng = np.random.default_rng(7)
A = _rng.uniform(0.5, 2.0, N)
B = _rng.uniform(0.5, 2.0, N)
C = _rng.uniform(0.5, 2.0, N)


def loss(x):
    if {float32}:  # as much ML code does: the forward pass in float32
        x32 = x.astype(np.float32)
        parts = (A.astype(np.float32) * np.sin(x32) + 0.5 * B.astype(np.float32) * (x32 * x32)
                 + C.astype(np.float32) * np.log1p(np.exp(-x32)))
        return float(np.sum(parts, dtype=np.float64))
    return float(A @ np.sin(x) + 0.5 * (B @ (x * x)) + C @ np.log1p(np.exp(-x)))


def grad(x):
    return A * np.cos(x) + B * x - C / (1.0 + np.exp(x))


def wrong(x):
    g = grad(x)
    g[{index}] += {sign} * {delta} * np.sqrt(np.mean(g * g))
    return g
'''


class Models:
    """User modules in a temporary folder, one per (n, wrong index, delta, sign)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def write(self, n: int, index: int = 0, delta: float = 0.0, sign: float = 1.0,
              float32: bool = False) -> Path:
        self.count += 1
        path = self.folder / f"model_{self.count}.py"
        path.write_text(textwrap.dedent(MODULE.format(n=n, index=index, delta=delta,
                                                      sign=sign, float32=float32)))
        return path


def run_check(path: Path, grad: str, n: int, seed: int, *, fast: bool = False,
              method: str | None = None, points: int | None = None) -> GradcheckResult:
    """What `calctool gradcheck --func PATH:loss --grad GRAD --dim N --seed S` computes."""
    f = uc.load_spec(uc.parse_spec(f"{path}:loss", option="--func"))
    g = uc.load_spec(uc.parse_spec(grad, option="--grad", default_file=path))
    x = uc.UserPoint(uc.random_point(n, seed), f"--dim {n} --seed {seed}", seed)
    return gradcheck_function(f, g, x, CheckOptions(method), Sampling(fast, points, seed))


def check(path: Path, grad: str, n: int, seed: int, **options: object) -> tuple[GradcheckResult,
                                                                                 float]:
    start = time.perf_counter()
    result = run_check(path, grad, n, seed, **options)  # type: ignore[arg-type]
    return result, time.perf_counter() - start


# --------------------------------------------------------------------------- 1. cost


def cost(models: Models, sizes: list[int], samples: dict[int, int]) -> None:
    print("\n## 1. Cost: --fast (8 directions; central, and richardson, its default) against")
    print("   the full check (central), per n")
    print("   seconds and evaluations of f; ratios: full / --fast (richardson); full checks")
    print("   of many components are timed on a random sample (--points), scaled to all n\n")
    print(f"{'n':>9}{'central':>10}{'evals':>7}{'richardson':>12}{'evals':>7}"
          f"{'full':>12}{'evals':>11}{'time ratio':>12}{'evals':>9}  full measured on")
    for n in sizes:
        path = models.write(n)
        check(path, "grad", n, 0, fast=True)  # warm up: import, caches
        fast, t_fast = _best(lambda p=path, k=n: check(p, "grad", k, 0, fast=True,
                                                       method="central"))
        rich, t_rich = _best(lambda p=path, k=n: check(p, "grad", k, 0, fast=True,
                                                       method="richardson"))
        m = samples.get(n, n)
        full, t_full = check(path, "grad", n, 0, points=m if m < n else None)
        evals_full = full.evaluations if m >= n else 4 * n + 12
        t_all = t_full * n / m if m < n else t_full
        measured = "all components" if m >= n else f"{m:,} components, scaled x{n // m:,}"
        assert fast.passed and rich.passed and full.passed
        print(f"{n:>9,}{_seconds(t_fast):>10}{fast.evaluations:>7}{_seconds(t_rich):>12}"
              f"{rich.evaluations:>7}"
              f"{_seconds(t_all):>12}{evals_full:>11,}{t_all / t_rich:>12,.0f}"
              f"{evals_full / rich.evaluations:>9,.0f}  {measured}")


def _best(run: Callable[[], tuple[GradcheckResult, float]],
          repeat: int = 3) -> tuple[GradcheckResult, float]:
    """The fastest of a few runs: the timing least disturbed by the machine."""
    runs = [run() for _ in range(repeat)]
    return min(runs, key=lambda r: r[1])


def _seconds(t: float) -> str:
    if t < 1:
        return f"{t * 1e3:.1f} ms"
    if t < 100:
        return f"{t:.2f}"
    if t < 7200:
        return f"{t / 60:.0f} min"
    return f"{t / 3600:.1f} h"


# --------------------------------------------------------------------------- 2. detection


def detection(models: Models, n: int, seeds: int, methods: list[str],
              deltas: tuple[float, ...] = (1e-3, 1e-4), float32: bool = False) -> None:
    where = "a loss computed in float32" if float32 else "the float64 loss"
    print(f"\n## 2{'b' if float32 else 'a'}. --fast at n = {n:,}, {where}: one component off "
          "by delta x RMS(grad)")
    print(f"   {seeds} seeds; each: a new point (--dim {n} --seed s), new directions, a random")
    print("   wrong component and sign. 'margin' = the largest |u.g - numeric| / tolerance on")
    print("   the correct gradient (a false alarm needs > 1); 'resolution' = the reported")
    print("   smallest visible error of one component, in RMS units (median over seeds)\n")
    print(f"{'n':>9} {'method':<11}{'evals':>6}{'false alarms':>14}"
          + "".join(f"{'caught ' + format(d, '.0e'):>15}" for d in deltas)
          + f"{'margin':>8}{'resolution':>12}{'s/check':>9}")
    for method in methods:
        false_alarms = 0
        detected = dict.fromkeys(deltas, 0)
        margin = 0.0
        seconds = 0.0
        evaluations = 0
        resolutions = []
        for seed in range(seeds):
            path = models.write(n, float32=float32)
            good, t = check(path, "grad", n, seed, fast=True, method=method)
            seconds += t
            evaluations = good.evaluations
            false_alarms += not good.passed
            margin = max(margin, max(c.abs_error / c.tolerance for c in good.components))
            resolutions.append(good.resolution or float("nan"))
            pick = np.random.default_rng(1000 + seed)
            index = int(pick.integers(n))
            sign = 1.0 if pick.random() < 0.5 else -1.0
            for delta in deltas:
                bad_path = models.write(n, index, delta, sign, float32=float32)
                bad, _ = check(bad_path, "wrong", n, seed, fast=True, method=method)
                detected[delta] += not bad.passed
        print(f"{n:>9,} {method:<11}{evaluations:>6}{f'{false_alarms}/{seeds}':>14}"
              + "".join(f"{f'{detected[d]}/{seeds}':>15}" for d in deltas)
              + f"{margin:>8.2f}{float(np.median(resolutions)):>12.0e}{seconds / seeds:>9.2f}")


# --------------------------------------------------------------------------- 3. full check


def full_tolerance(points: int) -> None:
    mlp = ROOT / "tests" / "fixtures" / "mlp.py"
    print(f"\n## 3. Full check on the 2-layer MLP (tests/fixtures/mlp.py, 31 parameters), "
          f"{points} random points")
    print("   largest |analytic - numeric| / tolerance over all components of the correct")
    print("   backprop (a false alarm needs > 1), and how often each broken one is caught\n")
    print(f"{'method':<12}{'false alarms':>14}{'margin':>9}{'no tanh':>10}{'bias sign':>11}"
          f"{'evals':>7}")
    for method in ("central", "forward", "richardson"):
        false_alarms = 0
        margin = 0.0
        caught = {"broken_grad": 0, "bias_sign_grad": 0}
        evals = 0
        for seed in range(points):
            good = run_check(mlp, "loss_grad", 31, seed, method=method)
            evals = good.evaluations
            false_alarms += not good.passed
            margin = max(margin, max(c.abs_error / c.tolerance for c in good.components))
            for name in caught:
                bad = run_check(mlp, name, 31, seed, method=method)
                caught[name] += not bad.passed
        no_tanh = f"{caught['broken_grad']}/{points}"
        bias = f"{caught['bias_sign_grad']}/{points}"
        print(f"{method:<12}{f'{false_alarms}/{points}':>14}{margin:>9.2f}{no_tanh:>10}"
              f"{bias:>11}{evals:>7}")
    print("\n   (only the shown components' ratios enter 'margin' when n > 30: the worst 10,")
    print("    which are the largest ones)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="n up to 10^5, 3 seeds, fewer MLP points (about 20 s)")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        models = Models(Path(folder))
        methods = ["central", "richardson"]
        if args.quick:
            cost(models, [10**3, 10**5], {10**5: 200})
            detection(models, 10**5, 3, methods)
            detection(models, 10**4, 3, methods, (1e-1, 1e-2), float32=True)
            full_tolerance(10)
        else:
            cost(models, [10**3, 10**5, 10**6], {10**5: 1000, 10**6: 100})
            detection(models, 10**6, 6, methods)
            detection(models, 10**5, 5, methods, (1e-1, 1e-2), float32=True)
            full_tolerance(40)
    print(f"\n(total {time.perf_counter() - start:.0f} s; accuracy of the methods: "
          "python bench/bench_finite_diff.py)")


if __name__ == "__main__":
    main()
