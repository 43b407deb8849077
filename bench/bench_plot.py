"""Plots: what `--plot` adds to a command, on a colour pseudo-terminal.

    python bench/bench_plot.py [--runs N] [--widths 80,200]

Each hard case runs as a whole command (`python -m calctool ...`) inside
`script` (a real pty, so calctool draws in colour, as in a terminal), with and
without `--plot`, at each width; the median time of each (CPU time of the process
tree: on a shared machine wall time measures the other jobs) and the time
the plot adds are printed. Also, in this process: sampling alone (the core) and
drawing alone (plotext, colour) for the same cases, so the two halves of the
plot's cost can be told apart. The target (issue #13): the plot adds at most
0.5 s at 80 and at 200 columns.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

CASES = [
    ("tan", ["diff", "tan(x)", "--range", "-3:3"]),
    ("1/x", ["diff", "1/x"]),
    ("1/x^2", ["diff", "1/x^2"]),
    ("log", ["diff", "log(x)"]),
    ("sin(1/x)", ["diff", "sin(1/x)", "--range", "-1:1"]),
    ("abs", ["tangent", "abs(x)", "--at", "0"]),
    ("jump", ["limit", "floor(x)", "--to", "1"]),
    ("x^1000", ["diff", "x^1000", "--range", "0:1.1"]),
    ("hole", ["limit", "(1-cos(x))/x^2", "--to", "0"]),
]


def in_pty(args: list[str], width: int, height: int = 50) -> float:
    """CPU time (user + system, of the command and its children) of `python -m calctool
    args` in a pty of width x height. CPU time, not wall time: on a shared machine the
    wall time mostly measures the other jobs."""
    cmd = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "calctool", *args])
    inner = f"stty cols {width} rows {height}; {cmd} > /dev/null"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(["script", "-qec", inner, "/dev/null"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    took = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{args}: exit {done.returncode}")
    return took


def median(f: object, runs: int) -> float:
    return statistics.median(f() for _ in range(runs))  # type: ignore[operator]


def in_process(runs: int, widths: list[int]) -> None:
    import sympy as sp

    from calctool import diff, limit, tangent
    from calctool.render.plot import build

    print("\nIn process (medians, ms): what plot=True adds to the operation (sampling),")
    print("and drawing (plotext, colour), imports done")
    print(f"{'case':10} {'sample':>8}" + "".join(f" {'draw@' + str(w):>9}" for w in widths))
    calls = {"diff": diff, "tangent": tangent, "limit": limit}
    for name, args in CASES:
        verb, text, rest = args[0], args[1], args[2:]
        opts = dict(zip(rest[::2], rest[1::2]))
        kwargs: dict[str, object] = {"plot": True}
        if "--range" in opts:
            kwargs["plot_range"] = opts["--range"]
        if "--at" in opts:
            kwargs["at"] = opts["--at"]
        if "--to" in opts:
            kwargs["to"] = opts["--to"]
        fn = calls[verb]
        fn(text, **kwargs)  # warm: compile once, as a command does
        without = {k: v for k, v in kwargs.items() if k not in ("plot", "plot_range")}
        t_bare = median(lambda fn=fn, text=text, kw=without: _timed(lambda: fn(text, **kw)),
                        runs)
        t_sample = median(lambda fn=fn, text=text, kw=kwargs: _timed(lambda: fn(text, **kw)),
                          runs) - t_bare
        plot = fn(text, **kwargs).plot
        draws = [median(lambda w=w, p=plot: _timed(
            lambda: build(p, width=w, height=40, color=True)), runs) for w in widths]
        print(f"{name:10} {t_sample * 1e3:8.1f}" + "".join(f" {d * 1e3:9.1f}" for d in draws))
        sp.core.cache.clear_cache()


def _timed(f: object) -> float:
    start = time.perf_counter()
    f()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--widths", default="80,200")
    a = ap.parse_args()
    widths = [int(w) for w in a.widths.split(",")]
    if shutil.which("script") is None:
        raise SystemExit("needs `script` (util-linux) for a pseudo-terminal")
    print("Whole command in a colour pty (CPU seconds, medians of", a.runs, "runs)")
    print(f"{'case':10} {'cols':>4} {'no plot':>8} {'--plot':>8} {'adds':>7}")
    worst = 0.0
    for name, args in CASES:
        for w in widths:
            bare = median(lambda args=args, w=w: in_pty(args, w), a.runs)
            plotted = median(lambda args=args, w=w: in_pty([*args, "--plot"], w), a.runs)
            worst = max(worst, plotted - bare)
            print(f"{name:10} {w:4d} {bare:8.3f} {plotted:8.3f} {plotted - bare:+7.3f}")
    print(f"largest addition: {worst:.3f} s (target: at most 0.5 s)")
    in_process(a.runs, widths)


if __name__ == "__main__":
    main()
