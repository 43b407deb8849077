"""`--ascii`: every character a command prints is ASCII, on a terminal and in a pipe."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calctool.render.ascii import text

COMMANDS = [
    ["diff", "x^2*y"],
    ["diff", "x^2*y", "--wrt", "x,y"],
    ["diff", "x^3*cos(x)", "--steps"],
    ["diff", "f(g(x))", "--steps"],
    ["diff", "x^4", "--order", "4"],
    ["diff", "sin(x)", "--plot"],
    ["diff", "abs(x)+x^2", "--at", "x=1"],
    ["tangent", "x^2", "--at", "1", "--secants", "--plot"],
    ["tangent", "abs(x)", "--at", "0"],
    ["tangent", "x^2+y^2", "--at", "x=1,y=2"],
    ["limit", "sin(x)/x", "--to", "x=0", "--table"],
    ["limit", "1/x", "--to", "x=0", "--plot"],
    ["limit", "(1+1/x)^x", "--to", "x=oo", "--table"],
    ["gradcheck", "x^2*y", "--at", "x=1,y=2", "--grad", "2*x*y, x"],
    ["hessian", "x^2*y", "--at", "x=1,y=2"],
    ["hessian", "x^3-3*x+y^2", "--critical"],
    ["eval", "sqrt(2)*pi"],
    ["eval", "1/x", "--grid", "x=-1:1:5"],
    ["eval", "log(x)", "--grid", "x=-1:1:5", "--summary"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_ascii_output_is_ascii(cli, args: list[str], terminal: bool) -> None:
    # on a terminal: the rich renderer (without colour codes)
    r = cli(*args, "--ascii", env={"COLUMNS": "60", "LINES": "30", "NO_COLOR": "1"},
            tty=terminal)
    assert r.code in (0, 1), r.stderr
    assert r.stdout.strip()
    bad = [line for line in (r.stdout + r.stderr).splitlines() if not line.isascii()]
    assert not bad


def test_without_ascii_the_terminal_gets_unicode(cli) -> None:
    r = cli("diff", "x^2*y", env={"COLUMNS": "80", "NO_COLOR": "1"}, tty=True)
    assert "∂f/∂x" in r.stdout and "∇f" in r.stdout


@pytest.mark.parametrize(("unicode", "ascii"), [
    ("∂²f/∂y∂x", "d^2f/dydx"),
    ("H = ∇²f", "H = hessian f"),
    ("∇f ≠ 0", "grad f != 0"),
    ("from below (x → 0⁻)", "from below (x -> 0-)"),
    ("f⁽⁴⁾(x)", "f^(4)(x)"),
    ("h = 6.1e-6·max(1, |xᵢ|)", "h = 6.1e-6*max(1, |x_i|)"),
    ("±∞", "+/-oo"),
    ("α−β", "alpha-beta"),
    ("plain text", "plain text"),
])
def test_text_spells_symbols_in_ascii(unicode: str, ascii: str) -> None:
    assert text(unicode) == ascii


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_text_is_always_ascii(s: str) -> None:
    assert text(s).isascii()
