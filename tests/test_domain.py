"""The domain an input was written with survives sympy's simplification."""

from __future__ import annotations

import pytest
import sympy as sp

from calctool.core.engines.domain import violation
from calctool.core.expr.parse import parse_input, symbol

x, y = symbol("x"), symbol("y")


@pytest.mark.parametrize(("text", "simplified", "kind", "arg"), [
    ("sqrt(x)^2", "x", "nonneg", "x"),
    ("x/x", "1", "nonzero", "x"),
    ("x^2/x", "x", "nonzero", "x"),
    ("0*log(x)", "0", "positive", "x"),
    ("exp(log(x))", "x", "positive", "x"),
    ("(x^(1/4))^4", "x", "nonneg", "x"),
    ("(x-1)/(x-1)", "1", "nonzero", "x - 1"),
])
def test_erased_conditions_are_kept(text: str, simplified: str, kind: str, arg: str) -> None:
    parsed = parse_input(text)
    assert sp.sstr(parsed.expr) == simplified
    assert [(c.kind, sp.sstr(c.arg)) for c in parsed.conditions] == [(kind, arg)]


@pytest.mark.parametrize("text", ["sqrt(x)", "1/x", "log(x)", "x^2 + 1", "sin(x)/x"])
def test_conditions_the_result_still_carries_are_not_repeated(text: str) -> None:
    assert parse_input(text).conditions == ()


def test_names_include_those_simplification_removed() -> None:
    assert parse_input("x - x").names == {"x"}
    assert parse_input("x*0 + y").names == {"x", "y"}
    assert parse_input("f(x) + pi*e").names == {"x"}


@pytest.mark.parametrize(("text", "point", "outside"), [
    ("sqrt(x)^2", {x: -4}, True),
    ("sqrt(x)^2", {x: 4}, False),
    ("sqrt(x)^2", {x: 0}, False),
    ("x/x", {x: 0}, True),
    ("x/x", {x: sp.Rational(1, 10**30)}, False),
    ("0*log(x)", {x: 0}, True),
    ("(x-1)/(x-1)", {x: 1}, True),
    ("(x-1)/(x-1)", {x: sp.pi}, False),
    ("sqrt(x)^2 + y", {y: 1}, False),  # x not fixed: cannot be decided here
])
def test_violation(text: str, point: dict, outside: bool) -> None:
    assert (violation(parse_input(text).conditions, point) is not None) is outside


@pytest.mark.parametrize("args", [
    ["tangent", "sqrt(x)^2", "--at", "-4"],
    ["tangent", "x^2/x", "--at", "0"],
    ["tangent", "exp(log(x))", "--at=-1"],
    ["hessian", "sqrt(x)^2*y^2", "--at", "x=-1,y=1"],
])
def test_points_outside_the_written_domain_are_undefined(cli, args: list[str]) -> None:
    r = cli(*args, "--json")
    assert r.code == 3 and r.json["error"]["code"] == "undefined"
    assert "before simplification" in r.json["error"]["message"]


def test_values_for_vanished_variables_are_accepted(cli) -> None:
    d = cli("tangent", "x - x", "--at", "3", "--json").json
    assert d["ok"] and d["slope"] == 0
    d = cli("hessian", "x^2 + 0*z", "--at", "x=1,z=5", "--json").json
    assert d["ok"] and d["values"] == [[2.0]]
    d = cli("tangent", "sqrt(x)^2", "--at", "4", "--json").json
    assert d["ok"] and d["slope"] == 1


def test_eval_keeps_the_written_domain(cli) -> None:
    r = cli("eval", "sqrt(x)^2", "--at", "-4", "--json")
    assert r.code == 3 and "sqrt(x) needs x ≥ 0" in r.json["error"]["message"]
    assert cli("eval", "x/x", "--at", "0").code == 3
    assert cli("eval", "sqrt(x)^2", "--at", "4", "--json").json["value"] == 4
    assert cli("eval", "x - x", "--at", "3", "--json").json["value"] == 0
    assert cli("eval", "x*0 + y", "--at", "x=1,y=2", "--json").json["value"] == 2
    rows = cli("eval", "0*log(x)", "--grid", "x=-1:1:3", "--json").json["points"]
    assert [r["value"] for r in rows] == [None, None, 0]
    assert "log(x) needs x > 0" in rows[0]["error"]
    summary = cli("eval", "(x-1)/(x-1)", "--grid", "x=0:2:5", "--summary", "--json").json
    assert summary["summary"]["undefined"] == 1 and summary["summary"]["min"] == 1


def test_diff_keeps_the_written_domain(cli) -> None:
    r = cli("diff", "sqrt(x)^2", "--at", "-4", "--json")
    assert r.code == 3 and "sqrt(x) needs x ≥ 0" in r.json["error"]["message"]
    assert cli("diff", "x^2/x", "--at", "0").code == 3
    assert cli("diff", "x^2/x", "--at", "1", "--json").json["value"] == 1
    d = cli("diff", "x - x", "--at", "3", "--json").json
    assert d["ok"] and d["value"] == 0 and d["at"] == {"x": 3.0}
    # d/dy of an expression without y is 0; y's value is accepted
    assert cli("diff", "x^2", "--wrt", "y", "--at", "x=1,y=2", "--json").json["value"] == 0
