"""Golden files of the plot renderer: sampled data in, text out, for the hard cases.

Each case samples one or more curves with the plotting engine and draws them
with `calctool.render.plot.build` at a fixed size (80 x 24), without colour, in
unicode (and one case in ASCII); the text is compared with
tests/golden_plot/<case>.txt. A change in sampling or drawing shows as a diff
to review:

    python -m pytest tests/test_golden_plot.py --update-golden
    git diff tests/golden_plot
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from calctool.core.engines.plotdata import PlotData, sample
from calctool.core.expr.parse import parse
from calctool.render.plot import build

GOLDEN = Path(__file__).resolve().parent / "golden_plot"
X = sp.Symbol("x")


def curves(*texts: str, derivative: bool = False) -> list[tuple[str, sp.Expr, sp.Expr | None]]:
    out: list[tuple[str, sp.Expr, sp.Expr | None]] = []
    for t in texts:
        f = parse(t)
        var = next(iter(f.free_symbols), X)
        out.append((t, f, None))
        if derivative:
            out.append((f"d/dx {t}", sp.diff(f, var), f))
    return out


def data(texts: tuple[str, ...], lo: float, hi: float, *, derivative: bool = False,
         points: tuple[tuple[str, float, float, bool], ...] = ()) -> PlotData:
    cs = curves(*texts, derivative=derivative)
    var = next(iter(cs[0][1].free_symbols), X)
    return sample(cs, var, lo, hi, title=", ".join(texts), points=points)


# name -> (expressions, range, with derivatives, marked points)
CASES = {
    "tan": (("tan(x)",), (-3.0, 3.0), True, ()),
    "reciprocal": (("1/x",), (-5.0, 5.0), False, ()),
    "inverse-square": (("1/x^2",), (-5.0, 5.0), True, ()),
    "log": (("log(x)",), (-5.0, 5.0), True, ()),
    "sin-reciprocal": (("sin(1/x)",), (-1.0, 1.0), False, ()),
    "abs": (("abs(x)",), (-2.0, 2.0), True, ()),
    "jump": (("floor(x)",), (-2.5, 2.5), False, ()),
    "power-1000": (("x^1000",), (0.0, 1.1), False, ()),
    "hole": (("(1-cos(x))/x^2",), (-2.0, 2.0), False, (("limit 1/2", 0.0, 0.5, True),)),
    "two-curves": (("sin(x)", "cos(x)"), (-3.14159, 3.14159), False, ()),
}


def rendered(name: str, ascii: bool = False) -> str:
    texts, (lo, hi), derivative, points = CASES[name]
    text = build(data(texts, lo, hi, derivative=derivative, points=points),
                 width=80, height=24, color=False, ascii=ascii)
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


@pytest.mark.parametrize("name", list(CASES))
def test_golden_plot(name: str, request: pytest.FixtureRequest) -> None:
    check(request, GOLDEN / f"{name}.txt", rendered(name))


def test_golden_plot_ascii(request: pytest.FixtureRequest) -> None:
    check(request, GOLDEN / "tan.ascii.txt", rendered("tan", ascii=True))


def check(request: pytest.FixtureRequest, path: Path, text: str) -> None:
    assert "\x1b[" not in text
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run with --update-golden and review"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} renders differently; if intended: python -m pytest "
        "tests/test_golden_plot.py --update-golden, then review git diff")
