"""What a terminal shows: matrices as matrices, tables that fit without broken numbers.

The commands run in-process with stdout a terminal of the given width, without colour:
what the rich renderer draws there is what a person sees.
"""

from __future__ import annotations

import re

import pytest

from calctool.render import rich as rich_renderer


def draw(cli, args: list[str], width: int) -> str:
    r = cli(*args, env={"COLUMNS": str(width), "LINES": "40", "NO_COLOR": "1"}, tty=True)
    assert r.code in (0, 1), r.stderr  # 1: a gradient check that fails, on purpose
    assert "\x1b[" not in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= width
    return r.stdout


@pytest.mark.parametrize("width", [60, 160])
def test_a_small_hessian_is_drawn_as_a_matrix(cli, width: int) -> None:
    text = draw(cli, ["hessian", "x^3*y - 3*x + y^2*z", "--at", "x=1,y=2,z=1"], width)
    assert "⎡6x·y  3x²  0 ⎤" in text
    assert "⎢3x²   2z   2y⎥" in text
    assert "⎣0     2y   0 ⎦" in text
    # numbers are right-aligned
    assert "⎡12  3  0⎤" in text and "⎢ 3  2  4⎥" in text and "⎣ 0  4  0⎦" in text


def test_a_hessian_too_wide_for_the_terminal_lists_its_entries(cli) -> None:
    narrow = draw(cli, ["hessian", "sin(x*y*z*w)*exp(x+y+z+w)"], 60)
    assert "⎡" not in narrow
    labels = re.findall(r"^\s+(∂²f/∂\w+(?:∂\w+|²))\s+=", narrow, flags=re.M)
    # the 10 entries on and above the diagonal of a symmetric 4×4 matrix
    assert labels == ["∂²f/∂w²", "∂²f/∂w∂x", "∂²f/∂w∂y", "∂²f/∂w∂z", "∂²f/∂x²",
                      "∂²f/∂x∂y", "∂²f/∂x∂z", "∂²f/∂y²", "∂²f/∂y∂z", "∂²f/∂z²"]


SIGMOID_GRAD = ("x*sigmoid(w*x+b)*(1-sigmoid(w*x+b)), sigmoid(w*x+b)^2, "
                "w*sigmoid(w*x+b)*(1-sigmoid(w*x+b))")


@pytest.mark.parametrize("width", [60, 160])
def test_a_narrow_table_rounds_numbers_rather_than_breaking_them(cli, width: int) -> None:
    args = ["gradcheck", "sigmoid(w*x+b)", "--at", "w=0.5,b=0.1,x=2", "--grad", SIGMOID_GRAD]
    components = cli(*args, "--json").json["components"]
    text = draw(cli, args, width)
    rows = [line for line in text.splitlines() if line.strip().startswith("∂f/∂")
            and line.rstrip().endswith(("PASS", "FAIL"))]
    assert len(rows) == 3
    # no digits folded onto a line of their own under a row
    fragments = re.compile(r"\s*[\d.e+−-]+(\s+[\d.e+−-]+)*\s*")
    assert not [line for line in text.splitlines() if fragments.fullmatch(line)]
    assert len(components) == 3
    for c, row in zip(components, rows, strict=True):
        yours, sympy_value, numeric = (float(v) for v in row.split()[1:4])
        assert yours == pytest.approx(c["analytic"], rel=1e-3)
        assert sympy_value == pytest.approx(c["exact"], rel=1e-3)
        assert numeric == pytest.approx(c["numeric"], rel=1e-3)


@pytest.mark.parametrize(("text", "digits", "shown"), [
    ("0.0936849", 4, "0.09368"),
    ("0.37474", 4, "0.3747"),
    ("2.0e-11", 4, "2.0e-11"),  # already short: left as it is
    ("1e-1", 4, "1e-1"),
    ("−1234567", 4, "−1.235e+06"),
    ("PASS", 4, "PASS"),
    ("12", 4, "12"),
])
def test_round_shortens_only_long_decimals(text: str, digits: int, shown: str) -> None:
    assert rich_renderer._round(text, digits) == shown


@pytest.mark.parametrize("ascii", [False, True])
def test_without_colour_each_series_has_its_own_marker(ascii: bool) -> None:
    from calctool.core.ops.diff import diff
    from calctool.render.plot import build

    result = diff("sin(x)", plot=True)
    text = build(result.plot, width=80, height=20, color=False, ascii=ascii)
    # The legend, under the plot: "─── f(x)   ╌╌╌ f'(x)" (ASCII: "... f(x)   xxx f'(x)")
    legend = text.splitlines()[-1]
    marks = [part.split()[-1] for part in legend.split(" f")[:2]]
    assert len(marks) == 2 and marks[0] != marks[1], legend


def test_rounding_keeps_numbers_that_differ_different() -> None:
    # a near miss in the 7th digit: 6 digits tell them apart (2.65222, 2.65223)
    assert rich_renderer._distinct_digits(["2.652221", "2.652229", "3.0e-06"], 4) == 6
    assert rich_renderer._distinct_digits(["0.37474", "0.18737"], 4) == 4
    assert rich_renderer._distinct_digits(["1.5", "1.50", "—", "—"], 4) == 4
