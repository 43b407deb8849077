"""backprop: the computational graph, forward values and adjoints by a reverse sweep (#16).

Expected numbers are computed here, independently: the notebook's forward and
backward pass written out in mpmath (week 2, section 2.4), and 50-digit mpmath
central differences of functions written by hand.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import calctool

mpmath.mp.dps = 50
NEURON = "(sigmoid(w*x+b) - t)^2"
POINT = "w=0.5,b=0.1,x=2,t=0.8"


def sigma(z):
    return 1 / (1 + mpmath.exp(-z))


def central(f, point: dict[str, float], name: str) -> float:
    h = mpmath.mpf("1e-20")
    up = {k: mpmath.mpf(v) for k, v in point.items()}
    down = dict(up)
    up[name] += h
    down[name] -= h
    return float((f(**up) - f(**down)) / (2 * h))


def test_the_notebooks_single_neuron(cli) -> None:
    r = cli("backprop", NEURON, "--vars", "w,b", "--at", POINT, "--json")
    assert r.code == 0, r.stderr
    d = r.json
    nodes = {n["id"]: n for n in d["nodes"]}
    # forward pass, as the notebook computes it
    w, b, x, t = (mpmath.mpf(v) for v in ("0.5", "0.1", "2", "0.8"))
    z = w * x + b
    y = sigma(z)
    loss = (y - t) ** 2
    # backward pass, as the notebook writes it
    dl_dy = 2 * (y - t)
    dl_dz = dl_dy * y * (1 - y)
    by_expression = {n["expression"]: n for n in d["nodes"]}
    assert by_expression["b + w*x"]["value"] == pytest.approx(float(z), rel=1e-15)
    assert by_expression["sigmoid(b + w*x)"]["value"] == pytest.approx(float(y), rel=1e-15)
    assert d["value"] == pytest.approx(float(loss), rel=1e-14)
    assert by_expression["sigmoid(b + w*x)"]["adjoint"] == pytest.approx(float(dl_dy), rel=1e-14)
    assert by_expression["b + w*x"]["adjoint"] == pytest.approx(float(dl_dz), rel=1e-14)
    assert nodes["w"]["adjoint"] == pytest.approx(float(dl_dz * x), rel=1e-14)
    assert nodes["b"]["adjoint"] == pytest.approx(float(dl_dz), rel=1e-14)
    # the final adjoints are the gradient, equal to central differences
    point = {"w": 0.5, "b": 0.1, "x": 2.0, "t": 0.8}

    def f(w, b, x, t):
        return (sigma(w * x + b) - t) ** 2

    assert list(d["gradient"]) == ["w", "b"]
    for name in ("w", "b"):
        assert d["gradient"][name] == pytest.approx(central(f, point, name), rel=1e-13)
    assert d["finite_difference"]["agrees"] is True
    assert d["nodes"][-1]["id"] == d["output"] and d["nodes"][-1]["adjoint"] == 1.0


def test_nodes_are_in_topological_order_and_roles_are_named() -> None:
    d = calctool.backprop(NEURON, variables="w,b", at=POINT).to_dict()
    seen: set[str] = set()
    for n in d["nodes"]:
        assert all(i in seen for i in n["inputs"]), n
        assert len(n["local"]) == len(n["inputs"])
        seen.add(n["id"])
    roles = {n["id"]: n["role"] for n in d["nodes"]}
    assert roles["w"] == roles["b"] == "parameter"
    assert roles["x"] == roles["t"] == "constant"
    assert [n["id"] for n in d["nodes"][:2]] == ["w", "b"]  # parameters first


def test_a_shared_node_sums_what_it_receives() -> None:
    # sigmoid(x) is read twice: one node, whose adjoint sums both consumers
    d = calctool.backprop("sigmoid(x)*(1 - sigmoid(x))", at="x=0.3").to_dict()
    sig = [n for n in d["nodes"] if n["op"] == "sigmoid"]
    assert len(sig) == 1
    consumers = [n for n in d["nodes"] if sig[0]["id"] in n["inputs"]]
    assert len(consumers) == 2
    want = central(lambda x: sigma(x) * (1 - sigma(x)), {"x": 0.3}, "x")
    assert d["gradient"]["x"] == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize(("text", "f", "point"), [
    ("tanh(w2*tanh(w1*x))", lambda w1, w2, x: mpmath.tanh(w2 * mpmath.tanh(w1 * x)),
     {"w1": 0.3, "w2": -1.2, "x": 0.7}),
    ("x^y + log(x*y) - 3*x/y", lambda x, y: x ** y + mpmath.log(x * y) - 3 * x / y,
     {"x": 1.7, "y": 0.6}),
    ("exp(-a*x^2)*sin(b*x) + softplus(a - b)",
     lambda a, b, x: (mpmath.exp(-a * x ** 2) * mpmath.sin(b * x)
                      + mpmath.log(1 + mpmath.exp(a - b))),
     {"a": 0.4, "b": 2.5, "x": -0.9}),
    ("sqrt(u^2 + v^2) + relu(u) + leaky_relu(v, 0.1)",
     lambda u, v: mpmath.sqrt(u ** 2 + v ** 2) + u + 0.1 * v, {"u": 1.5, "v": -2.0}),
])
def test_adjoints_equal_central_differences(text: str, f, point: dict[str, float]) -> None:
    at = ",".join(f"{k}={v}" for k, v in point.items())
    d = calctool.backprop(text, at=at).to_dict()
    for name in point:
        assert d["gradient"][name] == pytest.approx(central(f, point, name), rel=1e-12,
                                                    abs=1e-14), name


def test_the_sweep_never_differentiates_the_whole_expression(monkeypatch) -> None:
    """Local derivative rules only: sympy's diff of an expression is never called."""
    from calctool.core.engines import graph
    from calctool.core.expr.parse import parse

    def forbidden(*args, **kwargs):
        raise AssertionError("sympy diff called")

    monkeypatch.setattr(sp, "diff", forbidden)
    monkeypatch.setattr(sp.Expr, "diff", forbidden)
    expr = parse(NEURON)
    point = {s: sp.Rational(v) for s, v in zip(sorted(expr.free_symbols, key=str),
                                                ("0.1", "0.8", "0.5", "2"))}
    nodes = graph.backpropagate(expr, point)
    assert float(nodes[-1].adjoint) == 1.0


def test_kink_at_the_point_is_not_guessed(cli) -> None:
    r = cli("backprop", "relu(w*x)", "--at", "w=0,x=2", "--json")
    assert r.code == 3
    assert r.json["error"]["code"] == "not_differentiable"
    assert cli("backprop", "relu(w*x)", "--at", "w=1,x=2", "--json").json["gradient"] == \
        {"w": 2.0, "x": 1.0}


def test_missing_values_and_no_point(cli) -> None:
    r = cli("backprop", NEURON, "--vars", "w,b", "--at", "w=0.5,b=0.1", "--json")
    assert r.code == 2
    assert "the constants t, x (not in --vars)" in r.json["error"]["message"]
    r = cli("backprop", NEURON, "--json")
    assert r.code == 2 and "runs at a point" in r.json["error"]["message"]


def test_batch_and_latex(cli) -> None:
    r = cli("backprop", "-", "--at", "x=2", "--json", stdin="x^2\nsin(x)\n")
    assert [d["gradient"]["x"] for d in r.json_lines] == pytest.approx([4.0, float(mpmath.cos(2))])
    out = cli("backprop", "x*y", "--at", "x=1,y=2", "--latex").stdout
    assert "\\begin{array}" in out and "\\nabla_{x, y} f" in out
