"""Reading what people type (#14): notes on how input was read, |x| and radicals,
d/dx, definitions f(x) = ..., equations refused, and notes in every command's JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sympy as sp

from calctool.core.errors import ParseError, UsageError
from calctool.core.expr.equation import definition, leibniz_prefix, split_equation
from calctool.core.expr.notes import collecting
from calctool.core.expr.parse import parse, parse_input, symbol

x, y, t = (symbol(n) for n in "xyt")
xy = symbol("xy")


# --------------------------------------------------------------------------- notes


@pytest.mark.parametrize(("text", "expr", "fragments"), [
    # 2xy is 2 times the ONE variable xy (SPEC: names are never split), and the note says so
    ("2xy", 2 * xy, ["'xy' is read as one variable named xy", "write x*y"]),
    ("xy^2", xy**2, ["write x*y"]),
    ("xe^x", symbol("xe") ** x, ["'xe'", "write x*e"]),
    ("abc + 1", symbol("abc") + 1, ["write a*b*c"]),
    ("sinx", symbol("sinx"), ["if you meant sin(x), write sin(x)"]),
])
def test_names_that_split_into_letters_get_a_note(text: str, expr: sp.Expr,
                                                  fragments: list[str]) -> None:
    parsed = parse_input(text)
    assert parsed.expr == expr
    assert len(parsed.notes) == 1
    for fragment in fragments:
        assert fragment in parsed.notes[0]


@pytest.mark.parametrize("text", [
    "theta + alpha", "mu*x + nu", "x_0 + w1", "cost + loss", "x*y", "x y", "exp(x)", "pi*r",
    "e^x", "tanh(x)",
])
def test_names_that_are_not_products_get_no_note(text: str) -> None:
    assert parse_input(text).notes == ()


def test_notes_reach_the_running_operation() -> None:
    with collecting() as notes:
        parse("2xy")
    assert notes and "x*y" in notes[0]
    parse("2xy")  # outside an operation: dropped, no error


COMMANDS: list[tuple[str, ...]] = [
    ("diff", "2xy"),
    ("eval", "2xy", "--at", "xy=1"),
    ("tangent", "2xy", "--at", "1"),
    ("limit", "2xy", "--to", "0"),
    ("hessian", "xy^2*z"),
    ("gradcheck", "xy^2*z", "--at", "xy=1,z=2"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[a[0] for a in COMMANDS])
def test_every_command_reports_the_note_in_json_and_on_the_terminal(
        cli: Callable[..., Any], args: tuple[str, ...]) -> None:
    r = cli(*args, "--json")
    assert r.code == 0, r.stdout
    d = r.json
    assert any("'xy' is read as one variable" in n for n in d["notes"])
    plain = cli(*args)
    assert "note: 'xy' is read as one variable named xy; for the product write x*y" in plain.stderr


def test_notes_is_always_a_list(cli: Callable[..., Any]) -> None:
    assert cli("diff", "x^2", "--json").json["notes"] == []


def test_python_api_results_carry_the_notes() -> None:
    import calctool

    r = calctool.diff("2xy")
    assert r.to_dict()["notes"] == list(r.input_notes) and "x*y" in r.input_notes[0]


def test_wrt_a_variable_not_in_f_is_a_note(cli: Callable[..., Any]) -> None:
    r = cli("diff", "x^2", "--wrt", "y", "--json")
    assert r.code == 0
    d = r.json
    assert d["result"] == "0"
    assert d["notes"] == ["f does not depend on y, so its derivative with respect to y is 0"]
    assert "does not depend on y" in cli("diff", "x^2", "--wrt", "y").stderr
    # a variable the simplification took out is still "in f": no note
    assert cli("diff", "x - x + y", "--wrt", "x", "--json").json["notes"] == []


def test_limit_keeps_its_own_notes_after_the_input_notes(cli: Callable[..., Any]) -> None:
    d = cli("limit", "ab*x", "--to", "x=oo", "--assume", "ab>0", "--json").json
    assert d["notes"][0].startswith("'ab' is read")
    assert d["notes"][1].startswith("assumed: ab")


# --------------------------------------------------------------------------- |x|, √, ∛


@pytest.mark.parametrize(("text", "expected"), [
    ("|x|", sp.Abs(x)),
    ("|x - 1| + 2", sp.Abs(x - 1) + 2),
    ("2|x|", 2 * sp.Abs(x)),
    ("|x||y|", sp.Abs(x) * sp.Abs(y)),
    ("||x| - 1|", sp.Abs(sp.Abs(x) - 1)),
    ("|x*(|y| + 1)|", sp.Abs(x * (sp.Abs(y) + 1))),
    ("|x|^2", sp.Abs(x) ** 2),
    ("√x", sp.sqrt(x)),
    ("√(x + 1)", sp.sqrt(x + 1)),
    ("2√x", 2 * sp.sqrt(x)),
    ("√x^2", sp.Abs(x)),  # √ takes the power that follows, as - does: √(x^2)
    ("∜x", x ** sp.Rational(1, 4)),
])
def test_bars_and_radicals(text: str, expected: sp.Expr) -> None:
    assert sp.simplify(parse(text) - expected) == 0


def test_cube_root_sign_is_the_real_root() -> None:
    assert float(parse("∛x").subs(x, -8)) == pytest.approx(-2.0)


@pytest.mark.parametrize(("text", "position", "fragment"), [
    ("|x", 0, "unclosed '|'"),
    ("|x + |", 6, "unexpected end"),
    ("√", 1, "unexpected end"),
])
def test_bar_errors_point_at_the_spot(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position and fragment in info.value.message


# --------------------------------------------------------------------------- d/dx


@pytest.mark.parametrize(("text", "expected", "var", "order"), [
    ("d/dx x^2", x**2, "x", 1),
    ("d/dx(x^2 + 1)", x**2 + 1, "x", 1),
    ("d/dt (t^3)", t**3, "t", 1),
    ("d^2/dx^2 sin(x)", sp.sin(x), "x", 2),
    ("d²/dx² x^4", x**4, "x", 2),
    ("f(x) = d/dx x^3", x**3, "x", 1),
])
def test_leibniz_prefix_is_read_for_diff(text: str, expected: sp.Expr, var: str,
                                         order: int) -> None:
    parsed = parse_input(text, derivative=True)
    assert parsed.expr == expected
    assert parsed.leibniz == (symbol(var), order)


@pytest.mark.parametrize("text", ["d/dx * 2", "d/dx + 1", "dx/dt"])
def test_d_over_dx_as_a_quotient_is_left_alone(text: str) -> None:
    assert parse_input(text, derivative=True).leibniz is None


@pytest.mark.parametrize(("args", "expected"), [
    (("d/dx x^2",), "2*x"),
    (("d/dx(x^3*y)",), "3*x**2*y"),  # the variable is x, not the gradient
    (("d/dt(sin(t))",), "cos(t)"),
    (("d^2/dx^2 x^4",), "12*x**2"),
    (("d/dx x^2", "--wrt", "x"), "2*x"),
])
def test_diff_takes_the_variable_from_d_over_dx(cli: Callable[..., Any], args: tuple[str, ...],
                                                expected: str) -> None:
    r = cli("diff", *args, "--json")
    assert r.code == 0, r.stdout
    assert sp.simplify(sp.sympify(r.json["result"]) - sp.sympify(expected)) == 0


def test_diff_refuses_a_conflicting_wrt() -> None:
    import calctool

    with pytest.raises(UsageError):
        calctool.diff("d/dx x^2*y", wrt="y")
    with pytest.raises(UsageError):
        calctool.diff("d^2/dx^2 x^4", order=3)


@pytest.mark.parametrize("command", [("eval", "--at", "1"), ("tangent", "--at", "1"),
                                     ("limit", "--to", "0"), ("hessian",)])
def test_other_commands_point_to_diff(cli: Callable[..., Any], command: tuple[str, ...]) -> None:
    r = cli(command[0], "d/dx x^2", *command[1:])
    assert r.code == 2
    assert "calctool diff" in r.stderr and "^" in r.stderr


def test_d_over_dx_needs_an_expression() -> None:
    with pytest.raises(ParseError, match="needs an expression"):
        parse_input("d/dx", derivative=True)
    with pytest.raises(ParseError, match="do not match"):
        parse_input("d^2/dx x", derivative=True)


# --------------------------------------------------------------------------- definitions


@pytest.mark.parametrize(("text", "expected", "name"), [
    ("f(x) = x^2 + 3x - 4", x**2 + 3 * x - 4, "f"),
    ("g(t) = t^3", t**3, "g"),
    ("y = x^2", x**2, "y"),
    ("y=sin(x)", sp.sin(x), "y"),
])
def test_definitions_are_read_with_their_name(text: str, expected: sp.Expr, name: str) -> None:
    parsed = parse_input(text)
    assert parsed.expr == expected and parsed.function == name


@pytest.mark.parametrize(("text", "position"), [
    ("x + y = 1", 6),  # an equation, not a definition
    ("y = x*y", 2),  # y on both sides
    ("x = 2", 2),  # a value, not a function: --at
    ("f(x) = x = 1", 9),  # two '='
    ("2x = 4", 3),
])
def test_other_equations_are_refused_at_the_equals_sign(text: str, position: int) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position


def test_diff_names_the_derivative_after_the_definition(cli: Callable[..., Any]) -> None:
    r = cli("diff", "g(x) = x^3")
    assert r.code == 0 and "g'(x) = 3*x**2" in r.stdout
    assert cli("diff", "g(x) = x^3", "--json").json["function"] == "g"
    r = cli("diff", "f(x) = x^2 + 3x - 4", "--json")
    assert r.json["result"] == "2*x + 3"


def test_errors_in_the_right_side_point_into_the_whole_input() -> None:
    with pytest.raises(ParseError) as info:
        parse("f(x) = x + )")
    assert info.value.position == 11 and info.value.source == "f(x) = x + )"


def test_split_equation_is_reusable() -> None:
    eq = split_equation("x^2 + y^2 = 1")
    assert eq is not None and (eq.lhs, eq.rhs, eq.position) == ("x^2 + y^2 ", " 1", 10)
    assert split_equation("piecewise(x <= 0: 1, 2)") is None
    assert split_equation("x >= 1") is None
    assert definition("f(x) ") is not None and definition("x + y") is None
    assert leibniz_prefix("sin(x)") is None


def test_bars_in_diff_at_a_point(cli: Callable[..., Any]) -> None:
    d = cli("diff", "|x|", "--at", "1", "--json").json
    assert d["expression"] == "Abs(x)" and d["value"] == 1.0
    d = cli("diff", "|x|", "--at", "-3", "--json").json
    assert d["value"] == -1.0
