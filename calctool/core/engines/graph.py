"""Reverse-mode differentiation of an expression at a point, shown node by node.

The expression tree becomes a computational graph (a DAG: equal
subexpressions are one node), listed in topological order: the inputs (the
free symbols) first, then one node per operation, the output last. Numbers
are not nodes: they stay in the operation that uses them (3*x is one node,
"3·x"), and a term -X of a sum is a subtraction (y - t is one node).

Forward pass: each node's value from its inputs' values, in 30-digit floats.
Backward pass: the output's adjoint is 1; walking the nodes in reverse,
each node passes adjoint × (local partial derivative) to each input, and
an input used by several nodes sums what it receives. A local partial is
the derivative of ONE operation with respect to ONE of its arguments
(sympy's `fdiff` of that function class, evaluated at the forward values:
the table of an autodiff system), never a derivative of the whole
expression; so the adjoints of the inputs are the gradient by the chain
rule, as backpropagation computes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from calctool.core.errors import ComputeError, DomainError, ResourceLimitError

DIGITS = 30
MAX_NODES = 400


@dataclass(frozen=True)
class Node:
    """One node: `name` (a variable's name, or v1, v2, ...), `op` (input, add, mul, pow,
    or the function's name), `inputs` (names of the nodes it reads), `formula` (the
    operation in terms of those names), `expression` (what it computes, in the original
    variables), `local` (∂node/∂input, one per input), `value` and `adjoint` (∂f/∂node)."""

    name: str
    op: str
    inputs: tuple[str, ...]
    formula: sp.Expr
    expression: sp.Expr
    local: tuple[sp.Float, ...]
    value: sp.Float
    adjoint: sp.Float

    @property
    def is_input(self) -> bool:
        return self.op == "input"


@dataclass
class _Building:
    expression: sp.Expr
    op: str
    inputs: list[int]
    formula: sp.Expr
    local_exprs: list[sp.Expr]  # in terms of the inputs' name symbols


def _op_name(e: sp.Expr) -> str:
    if isinstance(e, sp.Add):
        return "add"
    if isinstance(e, sp.Mul):
        return "mul"
    if isinstance(e, sp.Pow):
        return "pow"
    return type(e).__name__


class _Graph:
    def __init__(self, variables: list[sp.Symbol]) -> None:
        self.nodes: list[_Building] = []
        self.index: dict[sp.Expr, int] = {}
        self.names: list[sp.Symbol] = []
        for v in variables:
            self._add(v, _Building(v, "input", [], v, []), v)

    def _add(self, e: sp.Expr, b: _Building, name: sp.Symbol) -> int:
        if len(self.nodes) >= MAX_NODES:
            raise ResourceLimitError(f"the graph has more than {MAX_NODES} nodes: too large to "
                                     "show", code="too_large")
        self.nodes.append(b)
        self.names.append(name)
        self.index[e] = len(self.nodes) - 1
        return self.index[e]

    def node(self, e: sp.Expr) -> int:
        """The node computing e (made, with the nodes it needs, when new). Iterative
        post-order, so deep expressions cannot overflow the stack."""
        todo: list[tuple[sp.Expr, bool]] = [(e, False)]
        while todo:
            cur, ready = todo.pop()
            if cur in self.index:
                continue
            parts = self._parts(cur)
            if not ready:
                todo.append((cur, True))
                todo.extend((p, False) for p in parts if p not in self.index)
                continue
            self._make(cur, parts)
        return self.index[e]

    @staticmethod
    def _parts(e: sp.Expr) -> list[sp.Expr]:
        """The non-numeric operands of e (the nodes it reads)."""
        if isinstance(e, sp.Add):
            return [t.as_coeff_Mul()[1] for t in e.args if not t.is_number]
        if isinstance(e, sp.Mul):
            return [a for a in e.as_coeff_mul()[1] if not a.is_number]
        if isinstance(e, sp.Symbol):
            return []
        return [a for a in e.args if not a.is_number]

    def _make(self, e: sp.Expr, parts: list[sp.Expr]) -> None:
        ids = [self.index[p] for p in parts]
        syms = {p: self.names[i] for p, i in zip(parts, ids)}
        if isinstance(e, sp.Add):
            const = sp.Integer(0)
            formula_terms = []
            local = []
            for t in e.args:
                if t.is_number:
                    const += t
                    continue
                c, core = t.as_coeff_Mul()
                formula_terms.append(c * syms[core])
                local.append(c)
            formula = sp.Add(*formula_terms, const, evaluate=False) if const != 0 \
                else sp.Add(*formula_terms, evaluate=False)
        elif isinstance(e, sp.Mul):
            c, factors = e.as_coeff_mul()
            names = [syms[f] for f in factors]
            formula = sp.Mul(c, *names, evaluate=False) if c != 1 else \
                sp.Mul(*names, evaluate=False)
            local = [sp.Mul(c, *[n for j, n in enumerate(names) if j != k])
                     for k in range(len(names))]
        elif isinstance(e, sp.Pow):
            base, exp = e.args
            b = syms.get(base, base)
            x = syms.get(exp, exp)
            formula = sp.Pow(b, x, evaluate=False)
            local = []
            if not base.is_number:
                local.append(x * b ** (x - 1))
            if not exp.is_number:
                local.append(b ** x * sp.log(b))
        elif isinstance(e, sp.Function) or hasattr(e, "fdiff"):
            args = [syms.get(a, a) for a in e.args]
            formula = e.func(*args, evaluate=False)
            local = []
            for k, a in enumerate(e.args, start=1):
                if a.is_number:
                    continue
                try:
                    local.append(e.func(*args).fdiff(k))
                except (ValueError, TypeError, NotImplementedError, AttributeError) as exc:
                    raise ComputeError(f"{type(e).__name__} has no derivative rule for "
                                       f"backpropagation ({type(exc).__name__})",
                                       code="unsupported") from None
        else:
            raise ComputeError(f"backpropagation through {type(e).__name__} "
                               f"({sp.sstr(e)}) is not supported", code="unsupported")
        name = sp.Symbol(f"v{sum(1 for n in self.nodes if n.op != 'input') + 1}")
        self._add(e, _Building(e, _op_name(e), ids, formula, list(local)), name)


def _float(e: sp.Expr, what: str) -> sp.Float:
    v = sp.N(e, DIGITS)
    if not v.is_real or v.is_infinite or v.has(sp.nan, sp.zoo) or not v.is_Number:
        raise DomainError(f"{what} is {sp.sstr(sp.N(e, 6))}: not a finite real number",
                          code="undefined")
    return sp.Float(v, DIGITS)


def backpropagate(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr],
                  order: list[sp.Symbol] | None = None) -> list[Node]:
    """The graph of `expr` at `point` (a value for every free symbol), forward values and
    adjoints ∂expr/∂node, in topological order (the inputs first, in `order` when given,
    the output last)."""
    variables = [*(order or []), *sorted(expr.free_symbols - set(order or []),
                                         key=lambda s: s.name)]
    if expr.has(sp.Piecewise):
        raise ComputeError("backpropagation through a piecewise expression is not supported",
                           code="unsupported")
    if not variables:
        raise DomainError("the expression is a constant: it has no graph to differentiate",
                          code="no_variable")
    g = _Graph(variables)
    root = g.node(expr)
    n = len(g.nodes)
    values: list[sp.Float] = []
    env: dict[sp.Symbol, sp.Float] = {}
    for i, b in enumerate(g.nodes):
        name = g.names[i]
        if b.op == "input":
            value = _float(point[name], f"{name}")
        else:
            value = _float(b.formula.xreplace(env).doit(), f"{name} = {sp.sstr(b.formula)}")
        env[name] = value
        values.append(value)
    locals_: list[tuple[sp.Float, ...]] = []
    for i, b in enumerate(g.nodes):
        locals_.append(tuple(_float(d.xreplace(env), f"∂{g.names[i]}/∂{g.names[j]}")
                             for d, j in zip(b.local_exprs, b.inputs)))
    adjoint = [sp.Float(0, DIGITS)] * n
    adjoint[root] = sp.Float(1, DIGITS)
    for i in range(n - 1, -1, -1):  # the backward pass
        for j, d in zip(g.nodes[i].inputs, locals_[i]):
            adjoint[j] = adjoint[j] + adjoint[i] * d
    return [Node(str(g.names[i]), b.op, tuple(str(g.names[j]) for j in b.inputs), b.formula,
                 b.expression, locals_[i], values[i], adjoint[i])
            for i, b in enumerate(g.nodes) if i <= root]
