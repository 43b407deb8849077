"""Soak tests (slow: CI runs them): a fuzz run with a fresh seed, a 10,000-line hostile batch.

The fuzz seed is printed (and can be fixed with CALCTOOL_FUZZ_SEED) so that a
failure found in CI can be replayed: `python bench/fuzz.py --seed N`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FUZZ_SECONDS = float(os.environ.get("CALCTOOL_FUZZ_SECONDS", "90"))


def _fuzz_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("calctool_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fuzz_every_command_single_and_batch(capsys: pytest.CaptureFixture[str]) -> None:
    seed = int(os.environ.get("CALCTOOL_FUZZ_SEED") or random.SystemRandom().randrange(10**6))
    fuzz = _fuzz_module()
    tried, failures, codes = fuzz.fuzz(FUZZ_SECONDS, seed)
    with capsys.disabled():
        print(f"\nfuzz: seed {seed}, {tried} inputs in {FUZZ_SECONDS:g} s, exit statuses "
              f"{dict(sorted(codes.items()))}, {len(failures)} failures")
    assert tried > 100
    assert not failures, f"seed {seed}:\n" + "\n\n".join(failures[:5])


def _hostile_batch(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    fuzz = _fuzz_module()
    good = [b"x^2", b"sin(x)*exp(x)", b"sigmoid(3*x)", b"x^3*cos(x)", b"log(1+x^2)"]
    slow = b"x^x^x^x^x^x^x^x^x^x^x^x^x^x"  # may run into --timeout: an error line, in place
    lines = []
    for k in range(n):
        roll = rng.random()
        if k % 2500 == 1234:
            lines.append(slow)
        elif roll < 0.55:
            lines.append(rng.choice(good))
        elif roll < 0.75:
            lines.append(fuzz.random_text(rng).encode("utf-8", errors="replace")
                         .replace(b"\n", b" ").replace(b"\r", b" "))
        else:
            lines.append(rng.choice(fuzz.HOSTILE_LINES).removesuffix(b"\r"))
    return lines


def test_ten_thousand_hostile_lines_give_ten_thousand_answers_in_order() -> None:
    """Valid, invalid, huge-integer, slow, undecodable and injection lines in a real
    process: exactly one JSON line per input line, each echoing its input."""
    lines = _hostile_batch(10_000, seed=19)
    answers = _one_answer_per_line(lines)
    assert answers["x^2"] == "0"  # third derivative
    assert answers["x^3*cos(x)"] == "x**3*sin(x) - 9*x**2*cos(x) - 18*x*sin(x) + 6*cos(x)"


def test_ten_thousand_hostile_lines_with_two_workers_lose_shift_or_repeat_none() -> None:
    """The same kind of batch answered by --jobs 2: the pool writes exactly one answer per
    input line, in input order, even with lines that run into --timeout among them."""
    lines = _hostile_batch(10_000, seed=23)
    lines[5000:5000] = [b"x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x"] * 3  # slow lines, side by side
    answers = _one_answer_per_line(lines, "--jobs", "2")
    assert answers["sin(x)*exp(x)"] == "-2*exp(x)*sin(x) + 2*exp(x)*cos(x)"
    assert answers["x^3*cos(x)"] == "x**3*sin(x) - 9*x**2*cos(x) - 18*x*sin(x) + 6*cos(x)"


def _one_answer_per_line(lines: list[bytes], *flags: str) -> dict[str, str]:
    """Run `diff - --json --order 3 --timeout 2` (plus flags) on the lines in a real
    process; check that exactly one JSON line answers each input line, in order, echoing
    it, and none is an internal error. Returns input -> result of the lines that worked."""
    r = subprocess.run([sys.executable, "-m", "calctool", "diff", "-", "--json", "--order", "3",
                        "--timeout", "2", *flags], input=b"\n".join(lines) + b"\n",
                       capture_output=True, timeout=1200)
    assert r.returncode in (2, 3), r.stderr[-2000:]
    assert b"Traceback" not in r.stderr
    out = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    for k, (line, doc) in enumerate(zip(lines, out, strict=True)):
        expected = line.decode("utf-8", errors="replace")
        if k == 0:
            expected = expected.removeprefix("\ufeff")
        assert doc["input"] == expected, k
        assert doc["ok"] or doc["error"]["code"] not in (None, "internal_error"), (k, doc)
    return {doc["input"]: doc["result"] for doc in out if doc["ok"]}
