"""The expression parser: what users type, what it means, and what it refuses."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calctool.core.errors import CalcError, DomainError, ParseError, ResourceLimitError
from calctool.core.expr.functions import RealRoot, leaky_relu, relu, sigmoid, softplus
from calctool.core.expr.parse import MAX_LENGTH, parse, parse_input, symbol

x, y, t, w, b = (symbol(n) for n in "xytwb")
f, g = sp.Function("f"), sp.Function("g")


@pytest.mark.parametrize(("text", "expected"), [
    ("x^3*cos(x)", x**3 * sp.cos(x)),
    ("x**3*cos(x)", x**3 * sp.cos(x)),
    ("2x", 2 * x),
    ("3sin(x)", 3 * sp.sin(x)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2(x+1)", 2 * (x + 1)),
    ("x y", x * y),
    ("x(x+1)", x * (x + 1)),
    ("-x^2", -(x**2)),
    ("2^3^2", sp.Integer(512)),
    ("x^-2", x**-2),
    ("2x^2", 2 * x**2),
    ("1/2x", x / 2),
    ("e^x", sp.exp(x)),
    ("exp(x)", sp.exp(x)),
    ("ln(x)", sp.log(x)),
    ("log(x)", sp.log(x)),
    ("log(x, 2)", sp.log(x) / sp.log(2)),
    ("log10(x)", sp.log(x) / sp.log(10)),
    ("log2(x)", sp.log(x) / sp.log(2)),
    ("sqrt(x)", sp.sqrt(x)),
    ("abs(x)", sp.Abs(x)),
    ("arcsin(x) + asin(x)", 2 * sp.asin(x)),
    ("arctan(x)", sp.atan(x)),
    ("tanh(x)", sp.tanh(x)),
    ("arsinh(x)", sp.asinh(x)),
    ("sigmoid(w*x+b)", sigmoid(w * x + b)),
    ("relu(x)", relu(x)),
    ("leaky_relu(x)", leaky_relu(x, sp.Rational(1, 100))),
    ("leaky_relu(x, 0.2)", leaky_relu(x, sp.Rational(1, 5))),
    ("softplus(x)", softplus(x)),
    ("heaviside(x)", sp.Heaviside(x)),
    ("step(x)", sp.Heaviside(x)),
    ("min(x, y)", sp.Min(x, y)),
    ("max(x, 0)", sp.Max(x, 0)),
    ("factorial(5)", sp.Integer(120)),
    ("5!", sp.Integer(120)),
    ("gamma(x)", sp.gamma(x)),
    ("erf(x)", sp.erf(x)),
    ("pi", sp.pi),
    ("π", sp.pi),
    ("oo", sp.oo),
    ("inf", sp.oo),
    ("∞", sp.oo),
    ("e", sp.E),
    ("0.5x", x / 2),
    ("1e-3", sp.Rational(1, 1000)),
    ("2e3", sp.Integer(2000)),
    ("x²+y³", x**2 + y**3),
    ("2·x − 1", 2 * x - 1),
    ("[x+1]*2", 2 * x + 2),
    ("x^(1/3)", RealRoot(x, 3)),
    ("cbrt(x)", RealRoot(x, 3)),
    ("x^(2/3)", RealRoot(x, 3) ** 2),
    ("root(x, 5)", RealRoot(x, 5)),
    ("8^(1/3)", sp.Integer(2)),
    ("(-8)^(1/3)", sp.Integer(-2)),
    ("gamma", symbol("gamma")),
])
def test_parses_ordinary_math(text: str, expected: sp.Expr) -> None:
    got = parse(text)
    assert got == expected or sp.simplify(got - expected) == 0, (text, got)


@pytest.mark.parametrize("name", ["theta", "w1", "x_0", "alpha2", "xy", "lr"])
def test_multi_letter_names_are_single_variables(name: str) -> None:
    got = parse(f"2*{name}")
    assert got == 2 * symbol(name)
    assert got.free_symbols == {symbol(name)}


def test_variables_are_real() -> None:
    assert all(s.is_real for s in parse("x*theta + w1").free_symbols)
    assert sp.diff(parse("abs(x)"), x) == sp.sign(x)


def test_single_letter_applied_is_an_abstract_function() -> None:
    assert parse("f(x)") == f(x)
    assert parse("f(g(x))") == f(g(x))
    assert parse("f(x)*g(x)") == f(x) * g(x)


def test_cube_root_of_negative_is_real() -> None:
    assert float(parse("x^(1/3)").subs(x, -8)) == pytest.approx(-2.0)
    assert float(parse("cbrt(x)").subs(x, -27)) == pytest.approx(-3.0)
    assert float(sp.N(parse("x^(2/3)").subs(x, -8))) == pytest.approx(4.0)


@pytest.mark.parametrize(("text", "position", "fragment"), [
    ("x+)", 2, "unexpected ')'"),
    ("(x+1", 0, "unclosed '('"),
    ("sin(x", 3, "unclosed '('"),
    ("x+", 2, "unexpected end"),
    ("2 3", 2, "operator"),
    ("x^", 2, "exponent"),
    ("sin x", 0, "sin is a function"),
    ("x = 2", 2, "'='"),
    ("x.y", 1, "'.'"),
    ("|x", 0, "unclosed '|'"),
    ("f()", 2, "needs an argument"),
    ("x'", 1, "prime"),
    (".²", 0, "unexpected character '.'"),
    ("x٣", 1, "unexpected character"),
    ("sin(x, y)", 0, "takes 1 argument"),
    ("root(x, 2.5)", 0, "degree"),
])
def test_parse_errors_say_where(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position, info.value.message
    assert fragment in info.value.message
    assert info.value.exit_status == 2


def test_unknown_multi_letter_function_suggests() -> None:
    with pytest.raises(ParseError) as info:
        parse("sinn(x)")
    assert info.value.code == "unknown_function"
    assert info.value.hint == "did you mean sin?"


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_empty_input(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.code == "empty_input"


@pytest.mark.parametrize("text", [
    "__import__('os').system('id')",
    "x.__class__",
    "lambda: 1",
    "().__class__.__bases__[0]",
    "eval('1')",
    "exec('import os')",
    "[c for c in ()]",
    "f'{x}'",
    "os.system('id')",
    "import os",
    "_",
    "x if x else y",
    "getattr(x, 'y')",
    "x; import os",
    "x\uff0e__class__",  # fullwidth full stop
    "\uff3f\uff3fimport\uff3f\uff3f('os')",  # fullwidth low lines
])
def test_injection_attempts_are_parse_errors(text: str) -> None:
    with pytest.raises(CalcError) as info:
        parse(text)
    assert info.value.exit_status == 2


@pytest.mark.parametrize(("text", "code"), [
    ("1/0", "undefined"),
    ("x/0", "undefined"),
    ("log(0)", "undefined"),
    ("oo - oo", "undefined"),
    ("0^-1", "undefined"),
])
def test_undefined_constants_are_domain_errors(text: str, code: str) -> None:
    with pytest.raises(DomainError) as info:
        parse(text)
    assert info.value.code == code
    assert info.value.exit_status == 3


@pytest.mark.parametrize("text", ["9^9^9^9", "factorial(10^9)", "10^10^10", "(10^9)!",
                                  "2^(2^20)", "1e999999", "gamma(10^7)"])
def test_runaway_numbers_are_refused_before_evaluation(text: str) -> None:
    with pytest.raises(ResourceLimitError) as info:
        parse(text)
    assert info.value.exit_status == 3


def test_long_and_deep_inputs_are_bounded() -> None:
    with pytest.raises(ResourceLimitError):
        parse("x+" * MAX_LENGTH + "x")
    with pytest.raises(ParseError) as info:
        parse("(" * 3000 + "x" + ")" * 3000)
    assert info.value.code == "too_deep"
    with pytest.raises(ParseError):
        parse("-" * 5000 + "x")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parse(text)
    except CalcError as exc:
        assert exc.exit_status in (2, 3)
        assert exc.message


_atoms = st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "theta"])
_funcs = st.sampled_from(["sin", "cos", "exp", "sigmoid", "tanh", "atan", "softplus"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(_atoms)
    kind = draw(st.sampled_from(["bin", "fn", "neg"]))
    if kind == "fn":
        return f"{draw(_funcs)}({draw(expressions(depth - 1))})"
    if kind == "neg":
        return f"-({draw(expressions(depth - 1))})"
    op = draw(st.sampled_from(["+", "-", "*", "/", "^"]))
    right = draw(_atoms) if op == "^" else draw(expressions(depth - 1))
    return f"({draw(expressions(depth - 1))}){op}({right})"


@settings(max_examples=150, deadline=None)
@given(expressions())
def test_print_then_parse_is_identity(text: str) -> None:
    try:
        expr = parse(text)
    except (DomainError, ResourceLimitError):
        return
    again = parse(sp.sstr(expr))
    assert sp.simplify(again - expr) == 0


@pytest.mark.parametrize(("text", "found"), [
    ("cosx", [("cosx", "cos(x)")]),
    ("sinx + lnx", [("lnx", "ln(x)"), ("sinx", "sin(x)")]),
    ("tanhx", [("tanhx", "tanh(x)")]),  # the longest function name wins
    ("cost*x + logits + sinh(x)", []),  # words and real calls are left alone
    ("x*y", []),
])
def test_lookalike_names(text: str, found: list[tuple[str, str]]) -> None:
    from calctool.core.expr.parse import lookalike_names

    assert lookalike_names(parse(text)) == found


@pytest.mark.parametrize(("text", "hint"), [
    ("sin^2(x)", "sin(x)^2, not sin^2(x)"),
    ("cos²(x)", "cos(x)^2, not cos^2(x)"),
    ("norm(x, y)", "not one of calctool's functions"),
    ("sum(exp(x))", "sum is not one of calctool's functions; for a product write sum*(...)"),
])
def test_hints_for_common_slips(text: str, hint: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert hint in (info.value.hint or "")


@pytest.mark.parametrize(("text", "position", "words"), [
    ("0x1F*x", 0, "hexadecimal"),  # was 0*x1F*x = 0
    ("3 + 0b101", 4, "hexadecimal"),
    ("x[0]", 1, "indexing"),  # was x*0 = 0
    ("w2[1] + 1", 2, "indexing"),
    ("x\u0387y", 1, "unexpected character"),  # Greek ano teleia, was the variable 'x·y'
    ("x\u037ey", 1, "unexpected character"),  # Greek question mark
])
def test_lookalike_syntax_is_refused_at_the_spot(text: str, position: int, words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position
    assert words in info.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("2[x+1]", "2*x + 2"),  # square brackets still group
    ("x [0]", "0"),  # with a space it is a product, as written
    ("θ^2 + α", "α + θ**2"),  # Greek letters are still names
    ("0x", "0"),  # 0 times x
])
def test_near_misses_still_read_as_before(text: str, expected: str) -> None:
    assert sp.sstr(parse(text)) == expected


def test_sigma_applied_hints_at_sigmoid(cli) -> None:
    r"""calctool writes sigmoid as σ (and \sigma in LaTeX): sigma(z) pasted back is refused
    with a hint naming sigmoid, not "did you mean sign?"."""
    for text in ("sigma(w*x + b)", r"\sigma(wx+b)"):
        r = cli("diff", text, "--json")
        assert r.code == 2 and r.json["error"]["hint"] == \
            "for the logistic function σ(z) write sigmoid(z)", r.stdout


@pytest.mark.parametrize(("text", "product", "note"), [
    ("1/2x", "x/2", "'/2x' is read as /2 times x"),
    ("2x/3y", "2*x*y/3", "for a division by 3·y write /(3*y)"),
    ("x/2 y", "x*y/2", "'/2 y' is read as /2 times y"),
])
def test_a_product_after_a_division_is_read_left_to_right_and_says_so(
        text: str, product: str, note: str) -> None:
    """2x/3y is 2xy/3 by the precedence rules (as 2*x/3*y is), while a reader of
    handwriting means 2x/(3y): the reading is kept and a note says which it is."""
    got = parse_input(text)
    assert got.expr == parse(product)
    assert any(note in n for n in got.notes), got.notes
    assert not parse_input("1/2*x").notes and not parse_input("x/(2y)").notes
