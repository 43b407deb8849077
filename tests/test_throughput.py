"""Per-line speed-ups change no answer: the printers that share their work write exactly
what sympy's write, and a batch (any --jobs) answers each line as a single call does."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from calctool.core.expr.parse import parse
from calctool.core.results import printing

BENCH = Path(__file__).resolve().parent.parent / "bench"
CORPORA = ["corpus.txt", "corpus_composite.txt", "corpus_poly.txt", "corpus_grad.txt"]


def _sample(k: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [line for name in CORPORA
            for line in rng.sample((BENCH / name).read_text().splitlines(), k)]


def test_the_shared_printers_write_exactly_what_sympy_writes() -> None:
    for text in _sample(15, seed=1):
        expr = parse(text)
        variables = sorted(expr.free_symbols, key=str)
        for e in [expr, *(sp.diff(expr, v) for v in variables)]:
            # twice: the second answer comes from the tables, and must not differ
            for _ in range(2):
                assert printing.sstr(e) == sp.sstr(e), text
                assert printing.latex(e) == sp.latex(e), text
        matrix = sp.Matrix([sp.diff(expr, v) for v in variables])
        assert printing.latex(matrix) == sp.latex(matrix)


def test_a_look_alike_of_another_precision_is_printed_as_itself() -> None:
    """0.5 with 15 digits and with 30 hash alike yet print differently: each is printed
    as itself, whichever came first."""
    low, high = sp.Float("0.5", 15), sp.Float("0.5", 30)
    assert hash(low) == hash(high)
    for e in (low, high, low, high):
        assert printing.sstr(e) == sp.sstr(e)
        assert printing.latex(e) == sp.latex(e)
    assert printing.sstr(low) != printing.sstr(high)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_answers_are_the_single_calls_answers(jobs: str) -> None:
    lines = _sample(4, seed=2)
    r = subprocess.run([sys.executable, "-m", "calctool", "diff", "-", "--json", "--jobs", jobs],
                       input="\n".join(lines) + "\n", capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    batch = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["input"] for d in batch] == lines
    for text, doc in zip(lines[::4], batch[::4], strict=True):  # a real process per line
        single = subprocess.run([sys.executable, "-m", "calctool", "diff", "--json", "--", text],
                                capture_output=True, text=True, timeout=120)
        assert json.loads(single.stdout) == doc, text
