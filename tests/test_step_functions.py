"""floor and ceiling in every command: derivative 0 between the jumps, none at them.

sympy leaves d/dx floor(x) unevaluated; calctool teaches floor and ceiling their
derivative (calctool.core.expr.functions), so no command shows Derivative(floor(x), x),
crashes compiling it to numpy, or calls it an indeterminate form.
"""

from __future__ import annotations

import pytest
import sympy as sp

from calctool.core.expr.parse import parse, symbol

x, y = symbol("x"), symbol("y")


def test_sympy_differentiates_floor_and_ceiling_once_calctool_is_loaded() -> None:
    u = x**2 + 3 * y
    for fn in (sp.floor, sp.ceiling):
        assert sp.diff(fn(u), x) == 0
        assert sp.diff(x * fn(u), x) == fn(u)
        assert sp.hessian(fn(x) * y, (x, y)) == sp.zeros(2, 2)
    assert sp.diff(parse("ceil(x)"), x) == 0


@pytest.mark.parametrize("args", [
    ["diff", "floor(x)"], ["diff", "floor(x)", "--at", "0.5"], ["diff", "floor(x)", "--plot"],
    ["diff", "floor(x)", "--steps"], ["diff", "ceiling(x)*y"], ["tangent", "floor(x)", "--at",
                                                                "0.5"],
    ["tangent", "floor(x)", "--at", "0.5", "--plot"], ["eval", "floor(x)", "--at", "2.5"],
    ["limit", "floor(x)", "--to", "1"], ["hessian", "floor(x)*y", "--at", "x=0.5,y=1"],
    ["gradcheck", "floor(x)*y", "--at", "x=2.5,y=1"],
])
def test_every_command_handles_floor(cli, args: list[str]) -> None:
    r = cli(*args, env={"COLUMNS": "80"})
    assert r.code == 0, r.stdout + r.stderr
    assert "Derivative(" not in r.stdout and "internal error" not in r.stderr


def test_tangent_of_floor() -> None:
    from calctool.core.ops.tangent import compute_tangent

    flat = compute_tangent("floor(x)", at="0.5").to_dict()
    assert flat["exists"] is True and flat["slope"] == 0.0 and flat["point"] == {"x": 0.5,
                                                                                 "y": 0.0}
    jump = compute_tangent("floor(x)", at="1").to_dict()
    assert jump["exists"] is False


def test_tangent_at_a_jump_says_so(cli) -> None:
    r = cli("tangent", "floor(x)", "--at", "1")
    assert r.code == 0 and "jump" in r.stdout and "Derivative(" not in r.stdout


def test_hessian_of_floor_times_y_is_zero_where_floor_is_constant(cli) -> None:
    """f = floor(x)*y is 0 on 0 < x < 1: every second derivative there is 0 (the
    finite-difference Hessian agrees), not [[0, 1], [1, 0]] (that is x*y's)."""
    d = cli("hessian", "floor(x)*y", "--at", "x=0.5,y=1", "--numeric", "--json").json
    assert d["matrix"] == [["0", "0"], ["0", "0"]]
    assert d["values"] == [[0.0, 0.0], [0.0, 0.0]]
    assert d["numeric_values"] == [[0.0, 0.0], [0.0, 0.0]]
    d = cli("hessian", "floor(x)*y", "--json").json
    assert d["matrix"] == [["0", "0"], ["0", "0"]]
    # where floor(x) is not 0, its y-derivative is floor(x): the Hessian of x*floor(x)*y
    d = cli("hessian", "x*floor(x)*y", "--at", "x=2.5,y=1", "--numeric", "--json").json
    assert d["values"] == [[0.0, 2.0], [2.0, 0.0]]
    assert d["numeric_values"] == [[pytest.approx(0.0, abs=1e-6), pytest.approx(2.0)],
                                   [pytest.approx(2.0), pytest.approx(0.0, abs=1e-6)]]
