"""Vectorised evaluation of 10^6 points: calctool's compiled function vs hand-written numpy.

    python bench/bench_eval.py [--n 1000000] [--runs 7]

1. The kernel, in one process: calctool.core.engines.numeric.evaluate_many (cse,
   integer powers as multiplications, cache-sized blocks) against the
   formula written plainly with numpy (`x**3*np.cos(x)`), best of --runs,
   and against sympy's plain lambdify. SPEC 5 goal: <= 0.5x numpy's time.
2. End to end, as a user runs it: `calctool eval ... --grid x=-3:3:N` with
   --summary, -o out.npy and -o out.csv, against a numpy script that does the
   same (start-up included in both).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sympy as sp

from calctool.core.engines.numeric import evaluate_many
from calctool.core.expr.parse import parse, symbol

FORMULAS: list[tuple[str, Callable[[np.ndarray], np.ndarray], str]] = [
    ("x^3*cos(x)", lambda x: x**3 * np.cos(x), "x**3*np.cos(x)"),
    ("3x^4 - 2x^3 + x^2 - 5x + 1", lambda x: 3 * x**4 - 2 * x**3 + x**2 - 5 * x + 1,
     "3*x**4 - 2*x**3 + x**2 - 5*x + 1"),
    ("sigmoid(x)*(1 - sigmoid(x))",
     lambda x: 1 / (1 + np.exp(-x)) * (1 - 1 / (1 + np.exp(-x))),
     "1/(1+np.exp(-x))*(1-1/(1+np.exp(-x)))"),
    ("exp(-x^2)*sin(3x) + x^2*exp(-x^2)",
     lambda x: np.exp(-x**2) * np.sin(3 * x) + x**2 * np.exp(-x**2),
     "np.exp(-x**2)*np.sin(3*x) + x**2*np.exp(-x**2)"),
]


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def kernels(n: int, runs: int) -> None:
    x = np.linspace(-3, 3, n)
    var = symbol("x")
    print(f"1. kernel, {n} points, best of {runs} (compile time excluded)")
    print(f"{'formula':36} {'numpy s':>8} {'calctool':>9} {'lambdify':>9}")
    ratios = []
    for text, hand, _ in FORMULAS:
        expr = parse(text)
        evaluate_many(expr, [var], [x[:10]])  # compile once (cached below by sympy)
        from calctool.core.engines.numeric import compile_numpy

        fn = compile_numpy(expr, [var])
        plain = sp.lambdify([var], expr.rewrite(sp.exp) if "sigmoid" in text else expr, "numpy")
        got = evaluate_many(expr, [var], [x])
        assert np.allclose(got, hand(x), rtol=1e-12, atol=1e-12), text
        t_hand = best(lambda hand=hand: hand(x), runs)
        t_ours = best(lambda fn=fn: _blocks(fn, x), runs)
        t_plain = best(lambda plain=plain: plain(x), runs)
        ratios.append(t_ours / t_hand)
        print(f"{text:36} {t_hand:8.4f} {t_ours / t_hand:8.2f}x {t_plain / t_hand:8.2f}x")
    print(f"median calctool/numpy ratio: {statistics.median(ratios):.2f}x (goal <= 0.50x)")


def _blocks(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    from calctool.core.engines.numeric import CHUNK

    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        for start in range(0, len(x), CHUNK):
            out[start:start + CHUNK] = fn(x[start:start + CHUNK])
    return out


def end_to_end(n: int, runs: int) -> None:
    text, _, numpy_text = FORMULAS[0]
    print(f"\n2. end to end, `{text}` on {n} points, median of {runs} runs (start-up included)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cases = {
            "--summary": (["--summary"], "print(y.min(), y.max(), y.mean())"),
            "-o out.npy": (["-o", str(out / "a.npy")],
                           f"np.save('{out / 'b.npy'}', np.column_stack([x, y]))"),
            "-o out.csv": (["-o", str(out / "a.csv")],
                           f"np.savetxt('{out / 'b.csv'}', np.column_stack([x, y]), "
                           f"delimiter=',', fmt='%.17g')"),
        }
        print(f"{'output':12} {'numpy script s':>15} {'calctool s':>11} {'ratio':>6}")
        for label, (flags, tail) in cases.items():
            tool = [sys.executable, "-m", "calctool", "eval", text, "--grid",
                    f"x=-3:3:{n}", *flags]
            script = (f"import numpy as np\nx = np.linspace(-3, 3, {n})\n"
                      f"y = {numpy_text}\n{tail}\n")
            hand = [sys.executable, "-c", script]
            t_tool = statistics.median(_timed(tool) for _ in range(runs))
            t_hand = statistics.median(_timed(hand) for _ in range(runs))
            print(f"{label:12} {t_hand:15.3f} {t_tool:11.3f} {t_tool / t_hand:5.2f}x")


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    kernels(args.n, args.runs)
    end_to_end(args.n, max(3, args.runs // 2))


if __name__ == "__main__":
    main()
