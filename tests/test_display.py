"""Results in a notebook: `_repr_latex_` is the answer as display math, `_repr_markdown_`
the answer, key fields, markdown tables and notes; the same shape for all six commands."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sympy as sp

import calctool

t = sp.Symbol("t")


def tables(markdown: str) -> list[list[list[str]]]:
    """The markdown tables: rows of cells (header first, the --- line left out), split
    at the unescaped `|` a markdown renderer splits at."""
    found: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if all(set(c) <= {"-", " "} and c for c in cells):
                continue
            if current is None:
                current = []
                found.append(current)
            current.append(cells)
        else:
            current = None
    return found


def fields(markdown: str) -> dict[str, str]:
    """The `- **label**: value` lines."""
    return dict(re.findall(r"^- \*\*(.+?)\*\*: (.*)$", markdown, flags=re.M))


def display_math(result: Any) -> str:
    latex = result._repr_latex_()
    assert latex.startswith("$$\n") and latex.endswith("\n$$")
    inner = latex[3:-3]
    assert f"$$\n{inner}\n$$" in result._repr_markdown_()  # the markdown shows the same answer
    return inner


# --------------------------------------------------------------------------- every result


ALL = [
    lambda: calctool.diff("x^3*cos(x)"),
    lambda: calctool.diff("abs(x) + x*y", at={"x": 1, "y": 2}),
    lambda: calctool.evaluate("sqrt(x)", at=[4, -1, 2]),
    lambda: calctool.tangent("abs(x)", at=0, secants=True),
    lambda: calctool.limit("abs(x)/x", to=0, table=True),
    lambda: calctool.gradcheck("abs(x)*y + x^2", grad="y, x", at={"x": 1, "y": 2}),
    lambda: calctool.hessian("abs(x)*y^2 + x^3 - 3*x", critical=True),
]


@pytest.mark.parametrize("make", ALL)
def test_every_result_shows_itself(make: Any) -> None:
    result = make()
    display_math(result)
    md = result._repr_markdown_()
    assert md.startswith("**") and md.endswith("\n")
    for rows in tables(md):  # |x| in a cell never splits it
        assert all(len(row) == len(rows[0]) for row in rows), rows


# --------------------------------------------------------------------------- each command


def test_diff_shows_leibniz_notation_and_the_derivative() -> None:
    r = calctool.diff("x^3*cos(x)")
    derivative = 3 * t**2 * sp.cos(t) - t**3 * sp.sin(t)
    assert display_math(r) == (r"\frac{d}{dx}\left(x^{3} \cos{\left(x \right)}\right) = "
                               + sp.latex(derivative.subs(t, sp.Symbol("x"))))
    assert fields(r._repr_markdown_())["derivative"] == \
        "$" + sp.latex(derivative.subs(t, sp.Symbol("x"))) + "$"


@pytest.mark.parametrize(("text", "kwargs", "left"), [
    ("sin(x)", {"order": 3}, r"\frac{d^{3}}{dx^{3}}\left(\sin{\left(x \right)}\right) = "
                             r"- \cos{\left(x \right)}"),
    ("x^2*y", {"wrt": "x,y"}, r"\frac{\partial^{2}}{\partial y \partial x}\left(x^{2} y\right)"
                              r" = 2 x"),
    ("x^2*y", {"wrt": "x"}, r"\frac{\partial}{\partial x}\left(x^{2} y\right) = 2 x y"),
    ("x^2*y", {}, r"\nabla\left(x^{2} y\right) = \left[\begin{matrix}2 x y\\x^{2}"
                  r"\end{matrix}\right]"),
    ("x^2", {"at": 3}, r"\frac{d}{dx}\left(x^{2}\right) = 2 x \qquad \text{at } x = 3"
                       r"\text{: } 6"),
])
def test_diff_display_math(text: str, kwargs: dict[str, Any], left: str) -> None:
    assert display_math(calctool.diff(text, **kwargs)) == left


def test_eval_one_point_and_a_table() -> None:
    one = calctool.evaluate("sin(x)", at={"x": sp.pi / 4})
    assert display_math(one) == (r"\left. \sin{\left(x \right)} \right|_{x = \frac{\pi}{4}} = "
                                 r"\frac{\sqrt{2}}{2} \approx 0.707106781186548")
    many = calctool.evaluate("x^2", ranges={"x": (0, 1, 5)})
    md = many._repr_markdown_()
    assert tables(md) == [[["x", "value"], ["0", "$0$"], ["0.25", "$0.0625$"],
                           ["0.5", "$0.25$"], ["0.75", "$0.5625$"], ["1", "$1$"]]]
    assert fields(md)["count"] == "5" and fields(md)["max"] == "1"


def test_eval_table_says_why_a_point_has_no_value() -> None:
    md = calctool.evaluate("log(x)", at=[1, 0, -1])._repr_markdown_()
    assert tables(md) == [[["x", "value", "why"], ["1", "$0$", ""],
                           ["0", "undefined", "infinite (division by zero or log(0))"],
                           ["-1", "undefined", "not a real number"]]]
    assert "> 2 of 3 points have no real value" in md


def test_a_long_table_shows_its_first_rows_and_says_how_many_more() -> None:
    md = calctool.evaluate("x", ranges={"x": (1, 1000, 1000)})._repr_markdown_()
    rows = tables(md)[0]
    assert len(rows) == 1 + 50 and rows[-1] == ["50", "$50$"]
    assert "… 950 more rows (`to_dict()` has them all)" in md


def test_tangent_line_corner_and_secants() -> None:
    r = calctool.tangent("x^2", at=3, secants=True, k_max=2)
    assert display_math(r) == "y = 6 x - 9"
    md = r._repr_markdown_()
    assert fields(md)["slope"] == "$6$" and fields(md)["intercept"] == "$-9$"
    [secants] = tables(md)
    # (f(3+h) - f(3))/h = 6 + h, and h = ±1, ±0.1, ±0.01
    assert [row[0] for row in secants[1:]] == ["1", "0.1", "0.01", "-1", "-0.1", "-0.01"]
    assert [float(row[1]) for row in secants[1:]] == pytest.approx([7, 6.1, 6.01, 5, 5.9, 5.99])
    corner = calctool.tangent("abs(x)", at=0)
    assert display_math(corner) == r"\text{no tangent at }x = 0\text{ (corner)}"
    md = corner._repr_markdown_()
    assert fields(md)["slope from below"] == "$-1$" and fields(md)["slope from above"] == "$1$"
    assert "> no tangent: f has a corner at x = 0" in md


def test_limit_sides_table_and_reason() -> None:
    r = calctool.limit("sin(x)/x", to=0)
    assert display_math(r) == (r"\lim_{x \to 0}\left(\frac{\sin{\left(x \right)}}{x}\right)"
                               " = 1")
    none = calctool.limit("abs(x)/x", to=0, table=True, k_max=3)
    assert display_math(none).endswith(r"\text{ does not exist}")
    md = none._repr_markdown_()
    assert fields(md)["from below"] == "$-1$" and fields(md)["from above"] == "$1$"
    assert tables(md) == [[["h", "f(0 - h)", "f(0 + h)"], ["0.1", "-1", "1"],
                           ["0.01", "-1", "1"], ["0.001", "-1", "1"]]]
    assert "> the one-sided limits differ: -1 from below, 1 from above" in md
    e = calctool.limit("(1 + 1/x)^x", to=sp.oo)
    assert display_math(e) == (r"\lim_{x \to \infty} \left(1 + \frac{1}{x}\right)^{x} = "
                               r"e \approx 2.718281828")


def test_gradcheck_table_marks_the_wrong_component() -> None:
    # d/dx (x^2*y + sin(x*y)) = 2xy + y cos(xy): "2*x*y" drops a term; d/dy is right
    r = calctool.gradcheck("x^2*y + sin(x*y)", grad="2*x*y, x^2 + x*cos(x*y)", at="x=1,y=2")
    assert display_math(r).startswith(r"\text{gradient check: FAIL}")
    md = r._repr_markdown_()
    [rows] = tables(md)
    assert rows[0] == ["", "yours", "sympy", "numeric", "abs. error", "rel. error", "check"]
    assert [(row[0], row[-1]) for row in rows[1:]] == [("x", "FAIL"), ("y", "PASS")]
    assert float(rows[1][1]) == 4.0  # yours: 2*1*2
    assert float(rows[1][2]) == pytest.approx(4 + 2 * float(sp.cos(2)), rel=1e-9)
    assert "missing term y\\*cos(x\\*y)" in md  # a note, its * not read as emphasis


def test_hessian_matrix_point_and_critical_points() -> None:
    r = calctool.hessian("x^2 + 3*x*y - y^3")
    assert display_math(r) == r"H = \begin{bmatrix}2 & 3\\3 & - 6 y\end{bmatrix}"
    at = calctool.hessian("x^2 - y^2", at={"x": 0, "y": 0})
    math = display_math(at)
    assert r"H\big|_{x = 0,\ y = 0} = \begin{bmatrix}2 & 0\\0 & -2\end{bmatrix}" in math
    assert r"\lambda = -2,\ 2 \quad \text{(saddle point)}" in math
    assert fields(at._repr_markdown_())["classification"] == "saddle point"
    # grad(x^3 - 3x + y^2) = (3x^2 - 3, 2y) = 0 at (±1, 0); H = diag(6x, 2)
    crit = calctool.hessian("x^3 - 3*x + y^2", critical=True)
    [rows] = tables(crit._repr_markdown_())
    assert rows == [["(x, y)", "f", "eigenvalues of H", "classification"],
                    [r"$\left( -1, \  0\right)$", "2", r"$-6,\ 2$", "saddle point"],
                    [r"$\left( 1, \  0\right)$", "-2", r"$2,\ 6$", "local minimum"]]


def test_markdown_text_is_escaped_and_math_never_splits_a_cell() -> None:
    from calctool.core.results.base import inline, table, text

    assert text("a*b_c|d$e") == r"a\*b\_c\|d\$e"
    assert inline(sp.Abs(t)) == r"$\left\vert {t}\right\vert $"
    md = table(["f", "note"], [[inline(sp.Abs(t) + sp.Abs(t - 1)), text("a | b")]]).markdown()
    assert tables(md) == [[["f", "note"], [inline(sp.Abs(t) + sp.Abs(t - 1)), r"a \| b"]]]
