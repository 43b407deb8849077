"""Write bench/corpus.txt: 1000 homework-style derivative problems, deterministic.

    python bench/make_corpus.py

Each line is valid both for calctool and for sympy's parse_expr (explicit *
and **), so one file serves the tool and the bare-sympy baseline.
"""

from __future__ import annotations

import random
from pathlib import Path

UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "atan", "tanh", "sinh", "cosh"]


def term(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth == 0 or roll < 0.3:
        coefficient = rng.choice(["", "2*", "3*", "5*", "x*"])
        return f"{coefficient}x**{rng.randint(1, 6)}"
    if roll < 0.6:
        return f"{rng.choice(UNARY)}({term(rng, depth - 1)})"
    if roll < 0.8:
        return f"({term(rng, depth - 1)})*({term(rng, depth - 1)})"
    return f"({term(rng, depth - 1)})/({term(rng, depth - 1)} + 1)"


def main() -> None:
    rng = random.Random(20261122)
    lines = [" + ".join(term(rng, 2) for _ in range(rng.randint(1, 3))) for _ in range(1000)]
    path = Path(__file__).with_name("corpus.txt")
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} problems to {path}")


if __name__ == "__main__":
    main()
