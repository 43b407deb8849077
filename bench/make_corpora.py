"""Write the extra batch corpora of bench_batch.py, deterministic (seeded):

    python bench/make_corpora.py

* corpus_composite.txt: 300 lines like x**3*cos(2*x) + sqrt(x**2 + 2)/(1 + x**2):
  products, quotients and compositions of sqrt, log, atan, tanh, exp, sin, cos;
* corpus_poly.txt: 300 long polynomials and rational functions;
* corpus_grad.txt: 300 functions of x, y (and z): calctool answers with the gradient.

Each line is valid both for calctool and for sympy's parse_expr (explicit * and
**), so one file serves the tool and the bare-sympy baseline. (corpus.txt, the
project's first corpus, is written by make_corpus.py.)
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).parent
LINES = 300
OUTER = ["sqrt", "log", "atan", "tanh", "exp", "sin", "cos"]


def _coef(rng: random.Random) -> str:
    return rng.choice(["", "2*", "3*", "5*", "7*", "-4*", "1/2*"])


def _monomial(rng: random.Random, var: str = "x") -> str:
    return f"{_coef(rng)}{var}**{rng.randint(1, 4)}"


def _inner(rng: random.Random) -> str:
    """An argument for an outer function: kept positive where the function needs it."""
    return rng.choice([f"{rng.randint(1, 5)}*x", f"x**2 + {rng.randint(1, 4)}",
                       f"1 + x**{rng.choice([2, 4])}", f"{rng.randint(2, 3)}*x + 1",
                       f"x**2 + x + {rng.randint(1, 3)}"])


def _composite_factor(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return f"{rng.choice(OUTER)}({_inner(rng)})"
    if roll < 0.7:
        inner = f"{rng.choice(OUTER)}({_inner(rng)})"
        outer = rng.choice(["sqrt", "log", "atan", "tanh"])
        return f"{outer}({inner}**2 + 1)" if outer in ("sqrt", "log") else f"{outer}({inner})"
    return _monomial(rng)


def composite(rng: random.Random) -> str:
    terms = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        a, b = _composite_factor(rng), _composite_factor(rng)
        if roll < 0.5:
            terms.append(f"{a}*{b}")
        elif roll < 0.8:
            terms.append(f"{a}/({_inner(rng)})")
        else:
            terms.append(a)
    return " + ".join(terms)


def _polynomial(rng: random.Random, degree: int) -> str:
    terms = [f"{rng.randint(-9, 9)}*x**{k}" for k in range(degree, 0, -1)
             if rng.random() < 0.8]
    return " + ".join([*terms, str(rng.randint(1, 9))])


def poly(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return _polynomial(rng, rng.randint(8, 16))
    num, den = _polynomial(rng, rng.randint(2, 6)), _polynomial(rng, rng.randint(2, 6))
    return f"({num})/({den})"


def _multi_factor(rng: random.Random, names: list[str]) -> str:
    a, b = rng.choice(names), rng.choice(names)
    return rng.choice([
        f"{a}**{rng.randint(1, 3)}*{b}", f"sin({a}*{b})", f"exp(-{a}**2 - {b}**2)",
        f"log(1 + {a}**2 + {b}**2)", f"sqrt({a}**2 + {b}**2 + 1)", f"atan({a}/({b}**2 + 1))",
        f"tanh({a} - {b})", f"cos({a})*{b}**2", f"{a}*{b}/(1 + {a}**2)",
    ])


def grad(rng: random.Random) -> str:
    names = ["x", "y", "z"] if rng.random() < 0.4 else ["x", "y"]
    line = " + ".join(_multi_factor(rng, names) for _ in range(rng.randint(1, 3)))
    for name in names:  # every variable present, so the gradient has its components
        if name not in line.replace("exp", ""):
            line += f" + {name}"
    return line


def main() -> None:
    for name, make, seed in (("composite", composite, 20261129), ("poly", poly, 20261130),
                             ("grad", grad, 20261131)):
        rng = random.Random(seed)
        lines = [make(rng) for _ in range(LINES)]
        path = HERE / f"corpus_{name}.txt"
        path.write_text("\n".join(lines) + "\n")
        print(f"wrote {len(lines)} problems to {path}")


if __name__ == "__main__":
    main()
