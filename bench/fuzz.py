"""Long fuzz run: random inputs to every command, checking the CLI's promises.

    python bench/fuzz.py --minutes 10 [--seed 1] [--out fuzz-failures.txt]

Each input runs in-process through calctool's entry point with --json, and
must end with an exit status in {0, 1, 2, 3}, print no traceback, and print
exactly one valid JSON document whose error (if any) has a code. Inputs are
random printable text, token soups from the expression grammar, valid
expressions from a small grammar, and random option values. One run in ten
is a batch (`-` on stdin) of random lines — valid, invalid, huge, hostile,
undecodable bytes, a byte-order mark, blank lines — which must give exactly
one JSON line per input line, in order, each echoing its input. Failures are
written to --out with the command line, for reproduction.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import time
from collections import Counter

from calctool.cli.app import main as calctool_main

TOKENS = ["x", "y", "z", "t", "w", "2", "0", "0.5", "1e308", "1e-308", "e", "pi", "oo", "-oo",
          "+", "-", "*", "/", "^", "**", "(", ")", "[", "]", ",", "!", " ", "sin", "cos", "tan",
          "log", "ln", "exp", "sqrt", "cbrt", "abs", "sigmoid", "relu", "leaky_relu", "softplus",
          "heaviside", "min", "max", "factorial", "gamma", "erf", "asin", "atanh", "f", "g",
          "__", ".", "'", "=", "|", "lambda", "import", "π", "∞", "²", "−", "·", "١", "\u200b"]
FUNCS = ["sin", "cos", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "atan", "cbrt",
         "softplus", "erf"]
ATOMS = ["x", "y", "2", "3", "0.5", "pi", "e", "1"]
OPTION_VALUES = ["1", "0", "-1", "x=1", "x=1,y=2", "x=pi/4", "x=oo", "y=0", "abc", "", "x=",
                 "=1", "x=1,x=2", "1e999", "x=1/0", "0:1:5", "x=0:1:3", "2:1", "x=0:1:abc",
                 "10000000000", "-", "--json", "x=sqrt(-1)", "x=__import__('os')"]


def expression(rng: random.Random, depth: int = 3) -> str:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(ATOMS)
    kind = rng.random()
    if kind < 0.35:
        return f"{rng.choice(FUNCS)}({expression(rng, depth - 1)})"
    op = rng.choice(["+", "-", "*", "/", "^"])
    right = rng.choice(["2", "3", "x", "0.5"]) if op == "^" else expression(rng, depth - 1)
    return f"({expression(rng, depth - 1)}){op}({right})"


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 20)))
    if kind < 0.6:
        return "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 12)))
    return expression(rng)


def random_args(rng: random.Random) -> list[str]:
    text = random_text(rng)
    command = rng.choice(["diff", "eval", "tangent", "limit", "gradcheck", "hessian"])
    args = [command, "--json", "--timeout", "3"]
    names = sorted({c for c in text if c in "xyzwt"}) or ["x"]
    point = ",".join(f"{n}={rng.choice(['0', '1', '-2', '0.5', 'pi/4'])}" for n in names)
    if command in ("eval", "tangent", "gradcheck") or (command != "limit" and rng.random() < 0.3):
        args += ["--at", point if rng.random() < 0.8 else rng.choice(OPTION_VALUES)]
    if command == "limit":
        args += ["--to", rng.choice([f"{names[0]}=0", f"{names[0]}=oo", "1", "-oo", "x=pi/2",
                                     rng.choice(OPTION_VALUES)])]
        if rng.random() < 0.3:
            args += ["--dir", rng.choice(["+", "-", "?"])]
    if command == "diff" and rng.random() < 0.3:
        args += [rng.choice(["--order", "--wrt", "--steps", "--simplify"])]
        if args[-1] in ("--order", "--wrt"):
            args += [rng.choice(["2", "x", "x,y", "0", "abc", "y"])]
    if command == "hessian" and rng.random() < 0.4:
        args += ["--critical"]
    if command == "gradcheck" and rng.random() < 0.4:
        args += ["--grad", ", ".join(expression(rng, 1) for _ in names)]
    if rng.random() < 0.05:
        args += [rng.choice(["--bogus", "--plot", "--table", "--secants", "--latex"])]
    if text.strip() == "-":
        text = "x-"  # "-" alone would read stdin (batch mode), which is fuzzed elsewhere
    args += ["--", text] if text.startswith("-") else [text]
    return args


HOSTILE_LINES = [b"__import__('os').system('id')", b"9^9^9^9", b"x" * 20_000, b"\xff\xfe",
                 b"", b"   ", b"factorial(10^9)", b"x^3*cos(x)\x00", b"\xef\xbb\xbfx^2",
                 b"9^31000*9^31000*x", b"exp(exp(exp(exp(10))))", b"f(x)", b"0x1F*x", b"x[0]",
                 "x\u0387y".encode(), b"sin(x", b"1/0", b"oo - oo", b"x\r"]


def random_batch(rng: random.Random) -> tuple[list[str], list[bytes]]:
    """A command line reading `-` and the lines it is fed."""
    command = rng.choice(["diff", "eval", "tangent", "limit", "hessian"])
    args = [command, "-", "--json", "--timeout", "3"]
    args += {"eval": ["--at", "x=0.5"], "tangent": ["--at", "x=1"], "limit": ["--to", "x=0"],
             "diff": [], "hessian": []}[command]
    lines = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.5:
            lines.append(expression(rng).encode())
        elif roll < 0.8:
            lines.append(random_text(rng).encode("utf-8", errors="replace").replace(b"\n", b" "))
        else:
            lines.append(rng.choice(HOSTILE_LINES))
    return args, lines


def run_once(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                calctool_main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def check_batch(lines: list[bytes], code: int, out: str, err: str) -> str | None:
    """One JSON line per input line, in order, each echoing its input."""
    if code not in (0, 1, 2, 3):
        return f"exit status {code}"
    if "Traceback" in out + err:
        return "traceback"
    answers = out.splitlines()
    if len(answers) != len(lines):
        return f"{len(lines)} lines in, {len(answers)} out"
    for k, (line, answer) in enumerate(zip(lines, answers)):
        try:
            doc = json.loads(answer)
        except json.JSONDecodeError:
            return f"line {k + 1}: not JSON"
        expected = line.decode("utf-8", errors="replace").removesuffix("\r")
        if k == 0:
            expected = expected.removeprefix("\ufeff")
        if len(line) <= 1 << 20 and doc.get("input") != expected:
            return f"line {k + 1}: input {doc.get('input')!r} is not {expected!r}"
        if not doc.get("ok") and not doc.get("error", {}).get("code"):
            return f"line {k + 1}: JSON without error.code"
    return None


def fuzz(seconds: float, seed: int) -> tuple[int, list[str], Counter[int]]:
    """Run random inputs for `seconds`: (inputs tried, failures, exit statuses)."""
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    tried, failures = 0, []
    codes: Counter[int] = Counter()
    while time.monotonic() < deadline:
        if rng.random() < 0.1:
            argv, lines = random_batch(rng)
            code, out, err = run_once(argv, b"\n".join(lines) + b"\n")
            problem = check_batch(lines, code, out, err)
            shown = f"calctool {' '.join(argv)} <<< {lines!r}"
        else:
            argv = random_args(rng)
            code, out, err = run_once(argv)
            problem = check(argv, code, out, err)
            shown = f"calctool {' '.join(repr(a) for a in argv)}"
        tried += 1
        codes[code] += 1
        if problem:
            failures.append(f"{problem}: {shown}\n{err[-2000:]}")
        if tried % 500 == 0:
            print(f"{tried} inputs, {len(failures)} failures", file=sys.stderr)
    return tried, failures, codes


def check(args: list[str], code: int, out: str, err: str) -> str | None:
    if code not in (0, 1, 2, 3):
        return f"exit status {code}"
    if "Traceback" in out + err:
        return "traceback"
    if "--json" in args and "--latex" not in args:
        try:
            doc = json.loads(out)
        except json.JSONDecodeError:
            return "stdout is not one JSON document"
        if "ok" not in doc or (not doc["ok"] and not doc.get("error", {}).get("code")):
            return "JSON without ok or error.code"
        if any(f": {bare}" in out or f"[{bare}" in out for bare in ("NaN", "Infinity")):
            return "bare NaN/Infinity in JSON"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz-failures.txt")
    args = parser.parse_args()
    tried, failures, codes = fuzz(60 * args.minutes, args.seed)
    print(f"inputs tried: {tried}; exit statuses: {dict(sorted(codes.items()))}; "
          f"failures: {len(failures)}")
    if failures:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write("\n\n".join(failures))
        print(f"failures written to {args.out}")
        sys.exit(1)


if __name__ == "__main__":
    main()
