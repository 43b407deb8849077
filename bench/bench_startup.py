"""Start-up cost of one calctool call, as ratios against baselines measured in the same run.

    python bench/bench_startup.py [--runs N]

Runs each command N times, interleaved (so machine noise hits all alike), and
prints the median wall time, the peak memory (max RSS), and the ratio to its
baseline:

* `calctool diff "x^3*cos(x)"` vs a bare script that imports sympy, parses,
  differentiates and prints (SPEC 5: at most 1.1x);
* `calctool --help`, `--version` and a completion request vs `python -c pass`
  and vs `python -c "import typer"` (SPEC 5: no sympy; at most 2x typer).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

BARE_SYMPY = (
    "from sympy import parse_expr, diff, Symbol\n"
    "e = parse_expr('x**3*cos(x)')\n"
    "print(diff(e, Symbol('x')))\n"
)
PY = sys.executable
CALCTOOL = [PY, "-m", "calctool"]

CASES: dict[str, tuple[list[str], dict[str, str]]] = {
    "python -c pass": ([PY, "-c", "pass"], {}),
    "python -c 'import typer'": ([PY, "-c", "import typer"], {}),
    "bare sympy diff script": ([PY, "-c", BARE_SYMPY], {}),
    'calctool diff "x^3*cos(x)"': ([*CALCTOOL, "diff", "x^3*cos(x)"], {}),
    "calctool diff --json": ([*CALCTOOL, "diff", "x^3*cos(x)", "--json"], {}),
    "calctool --help": ([*CALCTOOL, "--help"], {}),
    "calctool --version": ([*CALCTOOL, "--version"], {}),
    "calctool completion (TAB)": ([*CALCTOOL], {"_CALCTOOL_COMPLETE": "complete_bash",
                                                 "COMP_WORDS": "calctool diff --",
                                                 "COMP_CWORD": "2"}),
}
RATIOS = [
    ('calctool diff "x^3*cos(x)"', "bare sympy diff script", 1.1),
    ("calctool diff --json", "bare sympy diff script", 1.1),
    ("calctool --help", "python -c 'import typer'", 2.0),
    ("calctool --version", "python -c 'import typer'", 2.0),
    ("calctool completion (TAB)", "python -c 'import typer'", 2.0),
]


def run_once(argv: list[str], extra_env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run."""
    env = {**os.environ, **extra_env}
    # As installed for real: bytecode is cached (the warm-up run writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    rss: dict[str, float] = dict.fromkeys(CASES, 0.0)
    for argv, env in CASES.values():  # warm the caches once
        run_once(argv, env)
    for _ in range(args.runs):
        for name, (argv, env) in CASES.items():
            t, m = run_once(argv, env)
            times[name].append(t)
            rss[name] = max(rss[name], m)
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"start-up, median of {args.runs} interleaved runs ({os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}); resource limit {resource.getpagesize()} B pages")
    print(f"{'command':34} {'median s':>9} {'peak MiB':>9}")
    for name in CASES:
        print(f"{name:34} {medians[name]:9.3f} {rss[name]:9.1f}")
    print()
    print(f"{'ratio':62} {'value':>6} {'target':>7}")
    for subject, baseline, target in RATIOS:
        ratio = medians[subject] / medians[baseline]
        verdict = "ok" if ratio <= target else "OVER"
        print(f"{subject + ' / ' + baseline:62} {ratio:6.2f} {target:6.2f}x {verdict}")


if __name__ == "__main__":
    main()
