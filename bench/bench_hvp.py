"""Benchmark of `hessian --func --grad --hvp` at large n: Lanczos on finite-difference
Hessian-vector products, numpy only.

Run from the repository root:  python bench/bench_hvp.py [--n 100000] [--seeds 3]

The problem is a quadratic with a known spectrum, f(x) = y^T diag(d) y / 2 with
y = Q^T x and Q a product of three random Householder reflections (so H =
Q diag(d) Q^T is dense, yet its gradient costs O(n)): a bulk of n - 5
eigenvalues uniform in [0.01, 1] (as a trained network's Hessian has) and five
outliers 100, 50, 20, 10, -5. The user code goes through the command's own
pipeline (`hessian_hvp` with the functions loaded from a file, as --func
FILE.py:loss --grad FILE.py:grad --dim N does).

Printed per seed: Hessian-vector products, gradient evaluations, seconds, the
relative error of the top eigenvalue (target 1e-6), and of the most negative.
Baseline: the dense Hessian would be n^2 doubles (n = 10^5: 80 GB) and n
gradient differences (2n = 200,000 gradient evaluations); the ratio of
gradient evaluations is printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from calctool.core.engines import usercode as uc
from calctool.core.ops.hessian import hessian_hvp

CODE = textwrap.dedent('''
    import numpy as np
    N = {n}
    _rng = np.random.default_rng({seed})
    D = _rng.uniform(0.01, 1.0, N)
    D[:5] = [100.0, 50.0, 20.0, 10.0, -5.0]
    _rng.shuffle(D)
    V = [v / np.linalg.norm(v) for v in _rng.standard_normal((3, N))]

    def _qt(x):  # Q^T x, Q = H1 H2 H3 (Householder reflections, each its own inverse)
        for v in V:
            x = x - 2.0 * v * (v @ x)
        return x

    def _q(y):
        for v in reversed(V):
            y = y - 2.0 * v * (v @ y)
        return y

    def loss(x):
        y = _qt(x)
        return 0.5 * float(y @ (D * y))

    def grad(x):
        return _q(D * _qt(x))
''')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    n = args.n
    print(f"hessian --hvp on a quadratic of n = {n:,} parameters; known spectrum: "
          "bulk U(0.01, 1), outliers 100, 50, 20, 10, -5")
    print(f"{'seed':>4}  {'products':>8}  {'grad evals':>10}  {'seconds':>8}  "
          f"{'rel err lambda_max':>18}  {'rel err lambda_min':>18}  {'vs dense (2n evals)':>19}")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seeds):
            path = Path(tmp) / f"quad{seed}.py"
            path.write_text(CODE.format(n=n, seed=seed))
            f = uc.load_spec(uc.parse_spec(f"{path}:loss", option="--func"))
            g = uc.load_spec(uc.parse_spec(f"{path}:grad", option="--grad"))
            x = uc.UserPoint(uc.random_point(n, seed), f"--dim {n} --seed {seed}", seed)
            start = time.perf_counter()
            r = hessian_hvp(f, g, x, k=3, seed=seed)
            seconds = time.perf_counter() - start
            top = abs(r.largest[0] - 100.0) / 100.0
            low = abs(r.smallest[0] + 5.0) / 5.0
            ratio = r.gradient_evaluations / (2 * n)
            print(f"{seed:>4}  {r.iterations:>8}  {r.gradient_evaluations:>10}  {seconds:>8.2f}  "
                  f"{top:>18.1e}  {low:>18.1e}  {ratio:>18.1e}x")
            print(f"      classification: {r.classification}; converged: {r.converged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
