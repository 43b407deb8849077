"""Limits: calctool's cross-examined limit vs sympy's bare `limit`, per problem.

    python bench/bench_limit.py [--runs N] [--corpus FILE]

Both compute the same problems in this one process (imports done first,
sympy's cache cleared before every run):
sympy's `limit` taken once per side (as calctool asks it), and
`calctool.limit`, which adds the real-values check, the evidence of three
approach sequences and the search for poles closing in on the point. Prints
the median time per problem of each and their ratio, overall and for the
slowest problems. The corpus is tests/data/limits.tsv (its `expr`, `to` and `dir`
columns) when present, else a built-in list unlike the tests'.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path

import sympy as sp
from sympy.core.cache import clear_cache

from calctool.core.errors import CalcError
from calctool.core.expr.functions import to_elementary
from calctool.core.expr.parse import free_variables, parse

BUILT_IN = [
    ("(exp(3*x) - 1)/x", "0"), ("(x^2 - 4)/(x - 2)", "2"), ("tan(3*x)/sin(5*x)", "0"),
    ("(1 - cos(2*x))/(x*sin(x))", "0"), ("x*log(x)^2", "0", "+"), ("(3*x^2 + 1)/(x^2 - 7)", "oo"),
    ("sqrt(x^2 + x) - x", "oo"), ("(1 + 2/x)^(3*x)", "oo"), ("x^(1/x)", "oo"),
    ("atan(x)", "-oo"), ("sigmoid(x)", "oo"), ("tanh(5*x)/x", "0"), ("softplus(x) - x", "oo"),
    ("abs(x - 1)/(x - 1)", "1"), ("floor(x)", "2"), ("sign(x)*x", "0"), ("cbrt(x)/x", "0"),
    ("exp(-1/x^2)/x^4", "0"), ("sin(x)^2/x", "0"), ("log(1 + x)/x", "0"),
    ("(2^x - 3^x)/x", "0"), ("x*sin(3/x)", "0"), ("cos(1/x)", "0"), ("1/(x - 3)", "3"),
    ("(x - sin(x))/x^3", "0"), ("gamma(x)", "0", "+"), ("erf(x)", "oo"),
    ("relu(x)/x", "0", "+"), ("heaviside(x - 1)", "1", "-"), ("x^2*sin(1/x)", "0"),
]


def load(path: Path | None) -> list[tuple[str, ...]]:
    """(expr, point, direction) rows: the corpus TSV (columns named by its header line)
    when there is one, else the built-in list."""
    if path is None or not path.exists():
        return BUILT_IN
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        cells = dict(zip(header, line.split("\t")))
        direction = cells.get("dir", "")
        rows.append((cells["expr"], cells["to"], direction if direction in "+-" else ""))
    return [tuple(c for c in r if c) for r in rows]


def bare_sympy(text: str, point: str, direction: str | None) -> None:
    f = to_elementary(parse(text))
    var = (free_variables(f) or [sp.Symbol("x")])[0]
    a = sp.sympify(point.split("=")[-1])
    for side in ([direction] if direction else ["-", "+"]):
        with contextlib.suppress(NotImplementedError, ValueError, TypeError):
            sp.limit(f, var, a, side)


def with_calctool(text: str, point: str, direction: str | None) -> None:
    # calctool.limit, or compute_limit before the library-first API (to time an
    # older checkout the same way: PYTHONPATH=that/checkout python bench/bench_limit.py)
    from calctool.core.ops import limit as op

    fn = getattr(op, "limit", None) or getattr(op, "compute_limit")  # noqa: B009
    with contextlib.suppress(CalcError):
        fn(text, to=point, direction=direction, timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parent.parent / "tests" / "data"
                        / "limits.tsv")
    args = parser.parse_args()
    corpus = load(args.corpus)
    timings: dict[str, list[float]] = {"sympy": [], "calctool": []}
    per_problem: list[tuple[float, float, str]] = []
    for problem in corpus:
        text, point, *rest = problem
        direction = rest[0] if rest and rest[0] in "+-" else None
        pair = []
        for name, fn in (("sympy", bare_sympy), ("calctool", with_calctool)):
            runs = []
            for _ in range(args.runs):
                clear_cache()  # sympy caches results: every run computes afresh
                start = time.perf_counter()
                fn(text, point, direction)
                runs.append(time.perf_counter() - start)
            timings[name].append(statistics.median(runs))
            pair.append(statistics.median(runs))
        per_problem.append((pair[0], pair[1], f"{text} -> {point} {direction or ''}"))
    total = {k: sum(v) for k, v in timings.items()}
    print(f"{len(corpus)} problems, median of {args.runs} runs each")
    for name in ("sympy", "calctool"):
        median = statistics.median(timings[name]) * 1000
        print(f"  {name:9} total {total[name]:7.2f} s   median {median:7.1f} ms")
    ratios = [c / s for s, c, _ in per_problem if s > 0]
    print(f"  ratio calctool/sympy: total {total['calctool'] / total['sympy']:.2f}x, "
          f"median per problem {statistics.median(ratios):.2f}x")
    print("slowest for calctool:")
    for s, c, what in sorted(per_problem, key=lambda t: -t[1])[:5]:
        print(f"  {c * 1000:8.1f} ms (sympy {s * 1000:8.1f} ms)  {what}")


if __name__ == "__main__":
    main()
