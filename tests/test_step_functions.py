"""floor and ceiling in every command: derivative 0 between the jumps, none at them.

sympy leaves d/dx floor(x) unevaluated; calctool's parser builds subclasses of
floor and ceiling that know their derivative (calctool.core.expr.functions), so no
command shows Derivative(floor(x), x), crashes compiling it to numpy, or calls it an
indeterminate form — while sympy's own floor and ceiling stay as they were.
"""

from __future__ import annotations

import pytest
import sympy as sp

from calctool.core.expr.parse import parse, symbol

x, y = symbol("x"), symbol("y")


def test_parsed_floor_and_ceiling_differentiate_to_zero() -> None:
    for name in ("floor", "ceil", "ceiling"):
        assert sp.diff(parse(f"{name}(x^2 + 3*y)"), x) == 0
        assert sp.diff(parse(f"x*{name}(x^2 + 3*y)"), x) == parse(f"{name}(x^2 + 3*y)")
        assert sp.hessian(parse(f"{name}(x)*y"), (x, y)) == sp.zeros(2, 2)
        # printed as sympy's own, so JSON strings parse back with sympy
        assert sp.sstr(parse(f"{name}(x)")) == ("floor(x)" if name == "floor" else "ceiling(x)")


def test_importing_calctool_leaves_sympy_floor_alone() -> None:
    """No import side effects: sympy's floor keeps its (unevaluated) derivative."""
    import subprocess
    import sys

    probe = ("import sympy as sp\n"
             "import calctool.core.expr.parse, calctool.core.engines.steps\n"
             "import calctool.core.ops.diff\n"
             "x = sp.Symbol('x')\n"
             "print(sp.diff(sp.floor(x), x), sp.diff(sp.ceiling(x), x))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "Derivative(floor(x), x) Derivative(ceiling(x), x)"


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
    from calctool.core.ops.tangent import tangent

    flat = tangent("floor(x)", at="0.5").to_dict()
    assert flat["exists"] is True and flat["slope"] == 0.0 and flat["point"] == {"x": 0.5,
                                                                                 "y": 0.0}
    jump = tangent("floor(x)", at="1").to_dict()
    assert jump["exists"] is False


def test_tangent_at_a_jump_says_so(cli) -> None:
    r = cli("tangent", "floor(x)", "--at", "1")
    assert r.code == 0 and "jump" in r.stdout and "Derivative(" not in r.stdout


def test_hessian_of_floor_times_y_is_zero_where_floor_is_constant(cli) -> None:
    """f = floor(x)*y is 0 on 0 < x < 1: every second derivative there is 0 (the
    finite-difference Hessian agrees), not [[0, 1], [1, 0]] (that is x*y's)."""
    d = cli("hessian", "floor(x)*y", "--at", "x=0.5,y=1", "--fd-check", "--json").json
    assert d["matrix"] == [["0", "0"], ["0", "0"]]
    assert d["values"] == [[0.0, 0.0], [0.0, 0.0]]
    assert d["numeric_values"] == [[0.0, 0.0], [0.0, 0.0]]
    d = cli("hessian", "floor(x)*y", "--json").json
    assert d["matrix"] == [["0", "0"], ["0", "0"]]
    # where floor(x) is not 0, its y-derivative is floor(x): the Hessian of x*floor(x)*y
    d = cli("hessian", "x*floor(x)*y", "--at", "x=2.5,y=1", "--fd-check", "--json").json
    assert d["values"] == [[0.0, 2.0], [2.0, 0.0]]
    assert d["numeric_values"] == [[pytest.approx(0.0, abs=1e-6), pytest.approx(2.0)],
                                   [pytest.approx(2.0), pytest.approx(0.0, abs=1e-6)]]
