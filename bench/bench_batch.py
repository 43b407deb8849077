"""Batch throughput: `calctool diff - --json` over bench/corpus.txt vs a bare sympy loop.

    python bench/bench_batch.py [--runs N]

Both read the same 1000 problems (bench/make_corpus.py writes them) in one
process each. Prints problems per second, the ratio (SPEC 5: at least 0.8x
the bare loop), and checks every calctool answer equals the loop's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sympy as sp

CORPUS = Path(__file__).with_name("corpus.txt")
BARE_LOOP = (
    "import sys\n"
    "from sympy import parse_expr, diff, Symbol\n"
    "x = Symbol('x')\n"
    "for line in sys.stdin:\n"
    "    print(diff(parse_expr(line), x))\n"
)


def timed(argv: list[str], text: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    out = subprocess.run(argv, input=text, capture_output=True, text=True, check=True,
                         env=env).stdout
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = CORPUS.read_text()
    n = len(text.splitlines())
    tool, bare = [], []
    for _ in range(args.runs):
        t, tool_out = timed([sys.executable, "-m", "calctool", "diff", "-", "--json"], text)
        tool.append(t)
        t, bare_out = timed([sys.executable, "-c", BARE_LOOP], text)
        bare.append(t)
    tool_rate, bare_rate = n / statistics.median(tool), n / statistics.median(bare)
    results = [json.loads(line) for line in tool_out.splitlines()]
    x_plain, x_real = sp.Symbol("x"), sp.Symbol("x", real=True)
    mismatches = 0
    for r, expected in zip(results, bare_out.splitlines(), strict=True):
        got = sp.sympify(r["result"]).subs(x_plain, x_real)
        want = sp.sympify(expected).subs(x_plain, x_real)
        probe = {x_real: sp.Rational(7, 10)}
        if abs(complex(sp.N((got - want).subs(probe)))) > 1e-9:
            mismatches += 1
    print(f"{n} problems, median of {args.runs} runs")
    print(f"bare sympy loop      {bare_rate:8.1f} problems/s")
    print(f"calctool diff - --json {tool_rate:6.1f} problems/s")
    ratio = tool_rate / bare_rate
    print(f"ratio {ratio:.2f} (target >= 0.80: {'ok' if ratio >= 0.8 else 'UNDER'}); "
          f"answers differing at x=0.7: {mismatches}")


if __name__ == "__main__":
    main()
