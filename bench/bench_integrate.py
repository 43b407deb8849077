"""Integrals: calctool's checked integrate vs sympy's bare `integrate`, per problem.

    python bench/bench_integrate.py [--runs N] [--limit K]

Both compute the same problems in this one process (imports done first, sympy's
cache cleared before every run): sympy's `integrate(f, x)` (or with bounds), and
`calctool.integrate`, which adds the real forms (ln|u|), the check that F' = f
(symbolic simplification and 8 random points), and for definite integrals the
search for singular points and kinks, one-sided limits per piece and the mpmath
quadrature cross-check. Prints the median time per problem of each, their ratio,
and the slowest problems. The problems are tests/data/integrals.tsv (its indefinite
and definite rows).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import time
from pathlib import Path

import sympy as sp
from sympy.core.cache import clear_cache

import calctool
from calctool.core.errors import CalcError

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "integrals.tsv"


def problems(limit: int | None) -> list[tuple[str, str, str]]:
    lines = [ln.split("\t") for ln in DATA.read_text().splitlines()
             if ln and not ln.startswith("#")][1:]
    rows = [(r[2], r[3], r[4]) for r in lines if r[1] in ("indefinite", "definite")]
    return rows[:limit] if limit else rows


def timed(fn) -> float:
    clear_cache()
    start = time.perf_counter()
    with contextlib.suppress(CalcError, ValueError, NotImplementedError, TypeError):
        fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    x = sp.Symbol("x", real=True)
    rows = []
    calctool.integrate("x")  # imports
    for expr, lo, hi in problems(args.limit):
        f = sp.parse_expr(expr, local_dict={"x": x, "E": sp.E})
        text = re.sub(r"\bE\b", "e", expr.replace("Abs(", "abs("))
        if lo:
            a = sp.parse_expr(lo, local_dict={"E": sp.E, "oo": sp.oo})
            b = sp.parse_expr(hi, local_dict={"E": sp.E, "oo": sp.oo})
            bare = statistics.median(timed(lambda f=f, a=a, b=b: sp.integrate(f, (x, a, b)))
                                     for _ in range(args.runs))
            ours = statistics.median(timed(lambda t=text, lo=lo, hi=hi: calctool.integrate(
                t, lower=re.sub(r"\bE\b", "e", lo), upper=re.sub(r"\bE\b", "e", hi)))
                for _ in range(args.runs))
        else:
            bare = statistics.median(timed(lambda f=f: sp.integrate(f, x))
                                     for _ in range(args.runs))
            ours = statistics.median(timed(lambda t=text: calctool.integrate(t))
                                     for _ in range(args.runs))
        rows.append((expr, lo, hi, bare, ours))
    for kind, picked in (("indefinite", [r for r in rows if not r[1]]),
                         ("definite", [r for r in rows if r[1]])):
        if not picked:
            continue
        bare = statistics.median(r[3] for r in picked)
        ours = statistics.median(r[4] for r in picked)
        print(f"{kind:10s} {len(picked):4d} problems: median sympy {bare:.3f} s, "
              f"calctool {ours:.3f} s, ratio {ours / bare:.2f}x "
              f"(total {sum(r[3] for r in picked):.1f} s vs {sum(r[4] for r in picked):.1f} s)")
    print("slowest for calctool:")
    for expr, lo, hi, bare, ours in sorted(rows, key=lambda r: -r[4])[:8]:
        where = f" from {lo} to {hi}" if lo else ""
        print(f"  {ours:6.2f} s (sympy {bare:6.2f} s)  {expr}{where}")


if __name__ == "__main__":
    main()
