"""Batch throughput: `calctool diff - --json` vs a bare sympy loop, per corpus; --jobs.

    python bench/bench_batch.py [--runs N] [--corpus NAME ...] [--no-jobs]

Corpora (bench/make_corpus.py and bench/make_corpora.py write them): `project`
(corpus.txt, 1000 homework problems), `composite` (sqrt/log/atan/tanh
compositions, products, quotients), `poly` (long polynomials and rational
functions), `grad` (functions of x, y, z: the gradient). The bare loop does
what a user's script would: sympify, diff (by each variable, sorted, when
there are several), str, and one JSON line per problem.

Both run as separate processes, interleaved, N times; the figures are medians.
Because the machine may be shared, each run reports its CPU time (user + sys
of the process and its children) as well as wall time: the throughput ratio
is given for both, and CPU time is the steadier one. Every calctool answer is
checked against the loop's at x = 0.7 (y = 0.3, z = -0.4).

`--jobs`: `calctool diff - --json --jobs 2` vs `--jobs 1` on the first 1000
lines of corpus.txt + composite + poly, wall time (the point of more workers),
with the answers byte-identical.
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

HERE = Path(__file__).parent
CORPORA = {"project": HERE / "corpus.txt", "composite": HERE / "corpus_composite.txt",
           "poly": HERE / "corpus_poly.txt", "grad": HERE / "corpus_grad.txt"}
BARE_LOOP = (
    "import json, sys\n"
    "from sympy import sympify, diff, Symbol\n"
    "x = Symbol('x')\n"
    "for line in sys.stdin:\n"
    "    e = sympify(line)\n"
    "    names = sorted(e.free_symbols, key=str) or [x]\n"
    "    answers = [str(diff(e, v)) for v in names]\n"
    "    result = answers[0] if len(answers) == 1 else answers\n"
    "    print(json.dumps({'input': line.rstrip('\\n'), 'result': result}))\n"
)
PROBE = {"x": sp.Rational(7, 10), "y": sp.Rational(3, 10), "z": sp.Rational(-2, 5)}


def timed(argv: list[str], text: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + sys) and stdout of one run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_PROGRESS"] = "1"
    before = os.times()
    start = time.perf_counter()
    out = subprocess.run(argv, input=text, capture_output=True, text=True, check=False,
                         env=env).stdout
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + \
        (after.children_system - before.children_system)
    return wall, cpu, out


def _value(text: str) -> complex:
    e = sp.sympify(text)
    e = e.subs({s: PROBE.get(s.name, sp.Rational(1, 3)) for s in e.free_symbols})
    return complex(sp.N(e))


def mismatches(tool_out: str, bare_out: str) -> int:
    wrong = 0
    for tool_line, bare_line in zip(tool_out.splitlines(), bare_out.splitlines(), strict=True):
        doc, bare = json.loads(tool_line), json.loads(bare_line)
        got = list(doc["gradient"].values()) if "gradient" in doc else [doc.get("result")]
        want = bare["result"] if isinstance(bare["result"], list) else [bare["result"]]
        if None in got or len(got) != len(want):
            wrong += 1
            continue
        if any(abs(_value(g) - _value(w)) > 1e-9 * max(1.0, abs(_value(w)))
               for g, w in zip(got, want)):
            wrong += 1
    return wrong


def corpus_ratios(names: list[str], runs: int) -> None:
    print(f"calctool diff - --json vs the bare sympy loop, median of {runs} interleaved runs")
    print(f"{'corpus':10} {'lines':>5} {'bare/s':>8} {'tool/s':>8} {'ratio wall':>10} "
          f"{'bare cpu/s':>10} {'tool cpu/s':>10} {'ratio cpu':>9} {'differ':>6}")
    for name in names:
        text = CORPORA[name].read_text()
        n = len(text.splitlines())
        tool_wall, tool_cpu, bare_wall, bare_cpu = [], [], [], []
        tool_out = bare_out = ""
        for _ in range(runs):
            w, c, tool_out = timed([sys.executable, "-m", "calctool", "diff", "-", "--json"],
                                   text)
            tool_wall.append(w)
            tool_cpu.append(c)
            w, c, bare_out = timed([sys.executable, "-c", BARE_LOOP], text)
            bare_wall.append(w)
            bare_cpu.append(c)
        med = statistics.median
        rates = [n / med(v) for v in (bare_wall, tool_wall, bare_cpu, tool_cpu)]
        print(f"{name:10} {n:5d} {rates[0]:8.1f} {rates[1]:8.1f} {rates[1] / rates[0]:9.2f}x "
              f"{rates[2]:10.1f} {rates[3]:10.1f} {rates[3] / rates[2]:8.2f}x "
              f"{mismatches(tool_out, bare_out):6d}")


def jobs_ratio(runs: int) -> None:
    lines = (CORPORA["project"].read_text().splitlines()[:400]
             + CORPORA["composite"].read_text().splitlines()
             + CORPORA["poly"].read_text().splitlines())
    text = "\n".join(lines) + "\n"
    base = [sys.executable, "-m", "calctool", "diff", "-", "--json", "--jobs"]
    one, two = [], []
    outs = {}
    for _ in range(runs):
        w, _, outs[1] = timed([*base, "1"], text)
        one.append(w)
        w, _, outs[2] = timed([*base, "2"], text)
        two.append(w)
    a, b = statistics.median(one), statistics.median(two)
    print(f"\n--jobs on {len(lines)} lines ({os.cpu_count()} cores), median of {runs} "
          f"interleaved runs, wall time")
    print(f"--jobs 1 {a:7.2f} s   --jobs 2 {b:7.2f} s   speed-up {a / b:.2f}x "
          f"(each run: {', '.join(f'{x / y:.2f}' for x, y in zip(one, two))}); "
          f"output identical: {outs[1] == outs[2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", nargs="*", choices=sorted(CORPORA), default=list(CORPORA))
    parser.add_argument("--no-jobs", action="store_true", help="skip the --jobs comparison")
    args = parser.parse_args()
    if args.corpus:
        corpus_ratios(args.corpus, args.runs)
    if not args.no_jobs:
        jobs_ratio(args.runs)


if __name__ == "__main__":
    main()
