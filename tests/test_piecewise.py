"""Piecewise input (#14): piecewise(cond: value, ..., otherwise), comparisons, and/or,
heaviside/step with the value at the jump; each command at a corner and at a jump.

Reference values are worked by hand from the definitions (a corner: slopes -1 and
0; a jump: limits 1 and 2), not computed by the code under test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sympy as sp

from calctool.core.errors import ParseError
from calctool.core.expr.parse import parse, symbol

x, y = symbol("x"), symbol("y")
CORNER = "piecewise(x < 0: -x, x^2)"  # continuous at 0; slopes -1 (left) and 0 (right)
JUMP = "piecewise(x < 1: x, x + 1)"  # 1 from the left, 2 from the right; f(1) = 2


@pytest.mark.parametrize(("text", "expected"), [
    (CORNER, sp.Piecewise((-x, x < 0), (x**2, True))),
    ("piecewise(x <= 0: 0, x > 0: x)", sp.Piecewise((0, x <= 0), (x, x > 0))),
    ("piecewise(0 <= x < 1: x, 1)", sp.Piecewise((x, (x >= 0) & (x < 1)), (1, True))),
    ("piecewise(x < -1 or x > 1: 0, x^2)",
     sp.Piecewise((0, (x < -1) | (x > 1)), (x**2, True))),
    ("piecewise(x > 0 and y > 0: x*y, 0)", sp.Piecewise((x * y, (x > 0) & (y > 0)), (0, True))),
    ("piecewise(x >= 0: x, -x) + 1", sp.Piecewise((x, x >= 0), (-x, True)) + 1),
])
def test_piecewise_syntax(text: str, expected: sp.Expr) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "position", "fragment"), [
    ("x < 1", 2, "unexpected '<'"),
    ("piecewise(x < 0, 1)", 15, "needs its value after ':'"),
    ("piecewise(1, x < 0: 2)", 13, "comes last"),
    ("piecewise(x: 1)", 10, "expected a condition"),
    ("piecewise(x < 0: 1", 9, "unclosed"),
    ("piecewise(x and y: 1)", 12, "joins conditions"),
])
def test_piecewise_errors(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert fragment in info.value.message and info.value.position == position
    assert info.value.exit_status == 2


def test_comparisons_outside_piecewise_get_a_hint() -> None:
    with pytest.raises(ParseError) as info:
        parse("x < 0")
    assert "piecewise(x < 0: -x, x^2)" in (info.value.hint or "")


@pytest.mark.parametrize(("text", "value"), [
    ("heaviside(x)", 0.5), ("heaviside(x, 1)", 1.0), ("heaviside(x, 0)", 0.0),
    ("step(x, 1)", 1.0), ("Heaviside(x, 0)", 0.0),
])
def test_the_value_at_the_jump_is_chosen(cli: Callable[..., Any], text: str,
                                         value: float) -> None:
    assert cli("eval", text, "--at", "0", "--json").json["value"] == value
    assert cli("eval", text, "--at", "-1", "--json").json["value"] == 0.0
    assert cli("eval", text, "--at", "1", "--json").json["value"] == 1.0


def test_diff_at_the_break_gives_both_sides_as_abs_does(cli: Callable[..., Any]) -> None:
    reference = cli("diff", "abs(x)", "--at", "0", "--json")
    r = cli("diff", CORNER, "--at", "0", "--json")
    assert r.code == reference.code == 0  # the same exit rule as abs at its kink
    d = r.json
    assert d["exists"] is False and d["kind"] == "corner"
    assert d["left_slope"] == -1.0 and d["right_slope"] == 0.0
    r = cli("diff", JUMP, "--at", "1", "--json")
    assert r.code == reference.code
    d = r.json
    assert d["exists"] is False and d["kind"] == "jump"


def test_diff_away_from_the_break(cli: Callable[..., Any]) -> None:
    assert cli("diff", CORNER, "--at", "-2", "--json").json["value"] == -1.0
    assert cli("diff", CORNER, "--at", "3", "--json").json["value"] == 6.0


def test_tangent_at_and_away_from_the_break(cli: Callable[..., Any]) -> None:
    d = cli("tangent", CORNER, "--at", "0", "--json").json
    assert d["exists"] is False and d["left_slope"] == -1.0 and d["right_slope"] == 0.0
    d = cli("tangent", JUMP, "--at", "1", "--json").json
    assert d["exists"] is False and d["left_slope"] == "inf" and d["right_slope"] == 1.0
    d = cli("tangent", CORNER, "--at", "2", "--json").json
    assert d["exists"] is True and d["slope"] == 4.0 and d["intercept"] == -4.0


def test_limits_from_both_sides(cli: Callable[..., Any]) -> None:
    d = cli("limit", JUMP, "--to", "1", "--json").json
    assert d["exists"] is False and (d["left"], d["right"]) == ("1", "2")
    assert d["numeric"] is False  # the symbolic engine takes the right piece on each side
    assert cli("limit", JUMP, "--to", "1", "--dir", "-", "--json").json["result"] == "1"
    assert cli("limit", JUMP, "--to", "1", "--dir", "+", "--json").json["result"] == "2"
    d = cli("limit", CORNER, "--to", "0", "--json").json
    assert d["exists"] is True and d["result"] == "0"
    d = cli("limit", "piecewise(x < 0: -1, x > 0: 1, 0)", "--to", "0", "--json").json
    assert (d["left"], d["right"], d["exists"]) == ("-1", "1", False)


def test_eval_at_points_and_on_a_grid(cli: Callable[..., Any]) -> None:
    d = cli("eval", JUMP, "--at", "1", "--json").json
    assert d["value"] == 2.0  # x < 1 is false at 1: the second piece
    three = "piecewise(x < 0: -x, 0 <= x <= 1: x^2, 2)"
    d = cli("eval", three, "--range", "x=-1:2:7", "--json").json
    values = [p["value"] for p in d["points"]]
    assert values == [1.0, 0.5, 0.0, 0.25, 1.0, 2.0, 2.0]


def test_uncovered_points_have_no_value(cli: Callable[..., Any]) -> None:
    r = cli("eval", "piecewise(x < 0: -x, x > 0: x)", "--at", "0", "--json")
    assert r.code == 3 and r.json["error"]["code"] == "undefined"


def test_gradcheck_and_hessian_treat_the_break_as_a_kink(cli: Callable[..., Any]) -> None:
    r = cli("gradcheck", CORNER, "--at", "0", "--json")
    assert r.code != 0 and "corner" in r.stdout  # no gradient to check at the corner
    d = cli("gradcheck", CORNER, "--at", "1", "--json").json
    assert d["passed"] is True and d["components"][0]["analytic"] == 2.0
    d = cli("hessian", f"{CORNER} + y^2", "--at", "x=1,y=0", "--json").json
    assert d["values"] == [[2.0, 0.0], [0.0, 2.0]]


def test_a_definite_integral_of_a_piecewise_function(cli) -> None:
    """sympy cannot find where a Piecewise is continuous; integrate looks at each piece on
    its part of the interval instead of giving up (exit 3)."""
    r = cli("integrate", "piecewise(x < 0: -x, x^2)", "--from", "-1", "--to", "1", "--json")
    assert r.code == 0, r.stdout
    assert r.json["result"] == "5/6" and r.json["converges"] is True
    r = cli("integrate", "2*piecewise(x < 0: -x, x^2) + 1", "--from", "-1", "--to", "1",
            "--json")
    assert r.code == 0 and r.json["result"] == "11/3", r.stdout
