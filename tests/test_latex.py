"""LaTeX input (#14): what slides and notebooks paste, carets in the LaTeX, refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calctool.core.errors import CalcError, ParseError
from calctool.core.expr.parse import looks_like_latex, parse, parse_input, symbol

x, y, t, b = (symbol(n) for n in "xytb")


@pytest.mark.parametrize(("latex", "plain"), [
    (r"\frac{1}{x}", "1/x"),
    (r"x^{2}", "x^2"),
    (r"e^{2x}", "exp(2*x)"),
    (r"\sqrt{x}", "sqrt(x)"),
    (r"\sqrt[3]{x}", "cbrt(x)"),
    (r"\sqrt[4]{x+1}", "root(x+1, 4)"),
    (r"\sin x", "sin(x)"),
    (r"\sin 2x \cos x", "sin(2x)*cos(x)"),
    (r"\sin x + \cos^2 x", "sin(x) + cos(x)^2"),
    (r"\sin^{2}(x)", "sin(x)^2"),
    (r"\ln x", "ln(x)"),
    (r"\ln\left(1+x\right)", "ln(1+x)"),
    (r"\log_2 x", "log(x, 2)"),
    (r"\log_{b}(x)", "log(x, b)"),
    (r"\exp(-x^2)", "exp(-x^2)"),
    (r"2\pi x", "2*pi*x"),
    (r"\infty", "oo"),
    (r"x \cdot y", "x*y"),
    (r"x \times y", "x*y"),
    (r"$xy$", "x*y"),  # LaTeX letters are separate symbols
    (r"$2xy$", "2*x*y"),
    (r"x_{0}^{2} + x_1", "x_0^2 + x_1"),
    (r"\theta + \alpha", "theta + alpha"),
    (r"\left(x + 1\right)\left[x - 1\right]", "(x+1)*(x-1)"),
    (r"\left|x\right| + \lvert y \rvert", "abs(x) + abs(y)"),
    (r"\operatorname{relu}(x) + \operatorname{gelu}(x)", "relu(x) + gelu(x)"),
    (r"\mathrm{e}^{x}", "exp(x)"),
    (r"\frac12 + \frac{x}{2}", "1/2 + x/2"),
    (r"\dfrac{x^{2}+1}{x-1}", "(x^2+1)/(x-1)"),
    (r"$e^{2x}\sqrt{x}$", "exp(2x)*sqrt(x)"),
    (r"$$x^2$$", "x^2"),
    (r"\(x^2\)", "x^2"),
    (r"\[ \tanh x \]", "tanh(x)"),
    (r"x\,\cdot\;y", "x*y"),
    (r"f(x) = \frac{x^{2}}{2}", "x^2/2"),
    (r"\frac{\sin x}{x}", "sin(x)/x"),
    (r"e^{-\frac{x^2}{2}}", "exp(-x^2/2)"),
])
def test_latex_reads_as_its_plain_form(latex: str, plain: str) -> None:
    assert looks_like_latex(latex)
    got, want = parse_input(latex).expr, parse(plain)
    assert got == want or sp.simplify(got - want) == 0


def test_latex_letters_written_together_are_products() -> None:
    assert parse(r"{xy}") == x * y
    assert parse(r"$2xy$") == 2 * x * y


@pytest.mark.parametrize(("latex", "var", "order", "expr"), [
    (r"\frac{d}{dx}\left(x^{3}\cos x\right)", "x", 1, x**3 * sp.cos(x)),
    (r"\frac{d}{dx} x^2", "x", 1, x**2),
    (r"\frac{\mathrm{d}}{\mathrm{d}t}\sin t", "t", 1, sp.sin(t)),
    (r"\frac{d^2}{dx^2} x^4", "x", 2, x**4),
    (r"\frac{d^{2}}{dx^{2}}(x^4)", "x", 2, x**4),
])
def test_frac_d_dx_is_differentiate(latex: str, var: str, order: int, expr: sp.Expr) -> None:
    parsed = parse_input(latex, derivative=True)
    assert parsed.expr == expr and parsed.leibniz == (symbol(var), order)


@pytest.mark.parametrize(("latex", "position", "fragment"), [
    (r"\input{/etc/passwd}", 0, r"\input is not supported"),
    (r"\def\x{1} \x", 0, r"\def is not supported"),
    (r"x^{2} \catcode`\^=11", 6, r"\catcode is not supported"),
    (r"\newcommand{\f}{x}", 0, "not supported"),
    (r"\write18{id}", 0, "not supported"),
    (r"\begin{cases} 1 \end{cases}", 0, "not supported"),
    (r"\frac{1}{x", 10, "missing '}'"),
    (r"x^{2} + \sin", 12, "needs an argument"),
    (r"\frac{1}{x} + )", 14, "unexpected ')'"),  # the plain parser's caret, in the LaTeX
    (r"x^{2} & y", 6, "no meaning"),
    (r"$x$ + $y$", 2, "unexpected '$'"),
])
def test_latex_errors_point_into_the_latex(latex: str, position: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(latex)
    assert info.value.exit_status == 2
    assert fragment in info.value.message
    assert info.value.position == position, info.value.message
    assert info.value.source == latex


def test_deep_nesting_is_refused_before_any_work() -> None:
    deep = r"\frac{1}{" * 60 + "x" + "}" * 60
    with pytest.raises(ParseError) as info:
        parse(deep)
    assert info.value.code == "too_deep" and info.value.exit_status == 2
    with pytest.raises(ParseError):
        parse("{" * 3000 + "x" + "}" * 3000)


@pytest.mark.parametrize("latex", [r"\input{/etc/passwd}", r"\def\a{x}\a", r"\catcode`\{=12",
                                   r"\frac{1}{" * 200 + "x" + "}" * 200])
def test_injection_attempts_exit_2_in_the_cli(cli: Callable[..., Any], latex: str) -> None:
    r = cli("diff", latex, "--json")
    assert r.code == 2 and r.json["ok"] is False


def test_must_show_derivatives(cli: Callable[..., Any]) -> None:
    import mpmath as mp

    mp.mp.dps = 40
    cases = [
        (r"\frac{d}{dx}\left(x^{3}\cos x\right)", lambda v: v**3 * mp.cos(v)),
        (r"$e^{2x}\sqrt{x}$", lambda v: mp.exp(2 * v) * mp.sqrt(v)),
    ]
    for latex, reference in cases:
        for point in ("0.3", "1.7"):
            d = cli("diff", latex, "--at", point, "--json").json
            assert d["variables"] == ["x"]
            want = mp.diff(reference, mp.mpf(point))
            assert d["value"] == pytest.approx(float(want), rel=1e-13), latex


def test_other_commands_refuse_frac_d_dx(cli: Callable[..., Any]) -> None:
    r = cli("eval", r"\frac{d}{dx} x^2", "--at", "1")
    assert r.code == 2 and "calctool diff" in r.stderr


# --------------------------------------------------------------------------- property


def _pair(draw: Any, depth: int) -> tuple[str, str]:
    """A random (LaTeX, plain) pair from the supported grammar."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["num", "x", "y", "pi"]))
        if kind == "num":
            n = draw(st.integers(1, 9))
            return str(n), str(n)
        if kind == "pi":
            return r"\pi", "pi"
        return kind, kind
    op = draw(st.sampled_from(["add", "sub", "cdot", "times", "frac", "pow", "sqrt", "root",
                               "fn", "fn_bare", "exp", "paren", "abs", "neg"]))
    a, pa = _pair(draw, depth - 1)
    if op in ("add", "sub", "cdot", "times", "frac"):
        c, pc = _pair(draw, depth - 1)
        if op == "add":
            return f"{a} + {c}", f"({pa}) + ({pc})"
        if op == "sub":
            return rf"{a} - \left({c}\right)", f"({pa}) - ({pc})"
        if op == "frac":
            return rf"\frac{{{a}}}{{{c}}}", f"({pa})/({pc})"
        word = "cdot" if op == "cdot" else "times"
        return rf"\left({a}\right) \{word} \left({c}\right)", f"({pa})*({pc})"
    if op == "pow":
        n = draw(st.integers(2, 3))
        return rf"\left({a}\right)^{{{n}}}", f"({pa})^{n}"
    if op == "sqrt":
        return rf"\sqrt{{{a}}}", f"sqrt({pa})"
    if op == "root":
        return rf"\sqrt[3]{{{a}}}", f"cbrt({pa})"
    if op == "fn":
        fn = draw(st.sampled_from(["sin", "cos", "tanh", "ln", "arctan"]))
        return rf"\{fn}\left({a}\right)", f"{fn}({pa})"
    if op == "fn_bare":  # \sin x: a bare argument, one symbol
        fn = draw(st.sampled_from(["sin", "cos", "tan", "exp"]))
        v = draw(st.sampled_from(["x", "y", "2x", r"\pi x"]))
        pv = {"2x": "2*x", r"\pi x": "pi*x"}.get(v, v)
        return rf"\{fn} {v}", f"{fn}({pv})"
    if op == "exp":
        return rf"e^{{{a}}}", f"exp({pa})"
    if op == "abs":
        return rf"\left|{a}\right|", f"abs({pa})"
    if op == "neg":
        return rf"-\left({a}\right)", f"-({pa})"
    return rf"\left({a}\right)", f"({pa})"


@st.composite
def latex_pairs(draw: Any) -> tuple[str, str]:
    return _pair(draw, 4)


def _read(text: str) -> sp.Expr | str:
    try:
        return parse(text)
    except CalcError as exc:
        return type(exc).__name__


@settings(max_examples=150, deadline=None)
@given(latex_pairs())
def test_random_latex_parses_to_its_plain_form(pair: tuple[str, str]) -> None:
    latex, plain = pair
    got, want = _read(latex), _read(plain)
    if isinstance(want, str) or isinstance(got, str):
        assert got == want, (latex, plain)
        return
    assert got == want or sp.simplify(got - want) == 0, (latex, plain)


def test_input_flag_forces_the_syntax(cli: Callable[..., Any]) -> None:
    # plain: a brace is the plain parser's error; latex: letters are separate symbols
    r = cli("diff", "x^{2}", "--input", "plain")
    assert r.code == 2 and "'{'" in r.stderr
    d = cli("diff", "xy", "--input", "latex", "--wrt", "x", "--json").json
    assert d["result"] == "y" and d["notes"] == []
    d = cli("diff", "xy", "--input", "auto", "--json").json
    assert d["variables"] == ["xy"] and d["notes"]
    # --at values stay in the plain syntax: pi is pi, not p*i
    d = cli("eval", "x", "--input", "latex", "--at", "x=pi", "--json").json
    assert d["value"] == pytest.approx(3.141592653589793)
    r = cli("diff", "x", "--input", "tex")
    assert r.code == 2 and "--input" in r.stderr


def test_input_syntax_in_python() -> None:
    import calctool
    from calctool.core.expr.syntax import input_syntax

    with input_syntax("latex"):
        assert calctool.diff("xy", wrt="x").derivative == y
    assert calctool.diff("xy").derivative == 1


@pytest.mark.parametrize(("latex", "plain"), [
    (r"\sin^{-1} x", "asin(x)"),  # the textbook notation: sin^{-1} x = arcsin x, not 1/sin x
    (r"\tan^{-1}(x)", "atan(x)"),
    (r"\cos^{-1}\left(x\right)", "acos(x)"),
    (r"\sinh^{-1} x", "asinh(x)"),
    (r"\sin^{ -1 } x", "asin(x)"),
    (r"\sin^{2} x", "sin(x)^2"),  # other powers stay powers
    (r"\sin^{-2} x", "sin(x)^(-2)"),
])
def test_inverse_trig_notation(latex: str, plain: str) -> None:
    assert parse_input(latex).expr == parse(plain)


@pytest.mark.parametrize("latex", [r"\sqrt{x+1}\,dx", r"x^{2} \, dx", r"$e^{t}\,\mathrm{d}t$",
                                   r"x\;dx"])
def test_a_trailing_differential_is_refused_not_multiplied(latex: str) -> None:
    """The dx of a pasted integrand is not the product d·x: x^2 dx read as d*x^3
    would give a confident wrong integral (∫ x^2 dx = x^3/3, not d x^4/4)."""
    with pytest.raises(ParseError) as info:
        parse_input(latex)
    assert "differential" in info.value.message


def test_letters_d_and_x_inside_stay_a_product() -> None:
    assert parse_input(r"$dx$").expr == parse("d*x")
