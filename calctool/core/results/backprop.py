"""The result of `backprop`: the computational graph, forward values, adjoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy as sp

from calctool.core.engines.graph import Node
from calctool.core.results.base import (
    Display,
    Result,
    expr_str,
    inline,
    json_number,
    number,
    point_dict,
    point_math,
    table,
    tex,
)


@dataclass(frozen=True)
class FDGradientCheck:
    """The gradient over the parameters by central differences, against the adjoints."""

    values: tuple[float, ...]
    max_abs_difference: float
    max_error_estimate: float
    agrees: bool
    evaluations: int

    def to_dict(self) -> dict[str, Any]:
        return {"values": [json_number(v) for v in self.values],
                "max_abs_difference": json_number(self.max_abs_difference),
                "max_error_estimate": json_number(self.max_error_estimate),
                "agrees": self.agrees, "evaluations": self.evaluations}


def node_role(n: Node, parameters: set[str]) -> str:
    if not n.is_input:
        return "operation"
    return "parameter" if n.name in parameters else "constant"


@dataclass(frozen=True)
class BackpropResult(Result):
    """Nodes in topological order: the inputs (parameters first), the operations, the
    output last. `gradient()`: the parameters' adjoints."""

    command: ClassVar[str] = "backprop"
    variables: tuple[sp.Symbol, ...] = ()  # the parameters
    constants: tuple[sp.Symbol, ...] = ()
    point: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    nodes: tuple[Node, ...] = ()
    fd_check: FDGradientCheck | None = None
    notes: tuple[str, ...] = ()

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    def gradient(self) -> dict[str, float]:
        adj = {n.name: float(n.adjoint) for n in self.nodes}
        return {v.name: adj[v.name] for v in self.variables}

    def to_dict(self) -> dict[str, Any]:
        out = self.base_dict()
        out["notes"] = self.all_notes()
        out["variables"] = [v.name for v in self.variables]
        out["constants"] = [v.name for v in self.constants]
        out["at"] = point_dict(self.point)
        out["value"] = json_number(float(self.output.value))
        out["gradient"] = {k: json_number(v) for k, v in self.gradient().items()}
        params = {v.name for v in self.variables}
        out["nodes"] = [{
            "id": n.name,
            "role": node_role(n, params),
            "op": n.op,
            "inputs": list(n.inputs),
            "formula": expr_str(n.formula),
            "expression": expr_str(n.expression),
            "value": json_number(float(n.value)),
            "local": [json_number(float(d)) for d in n.local],
            "adjoint": json_number(float(n.adjoint)),
        } for n in self.nodes]
        out["output"] = self.output.name
        if self.fd_check is not None:
            out["finite_difference"] = self.fd_check.to_dict()
        return out

    def display(self) -> Display:
        params = {v.name for v in self.variables}
        rows = [[n.name, inline(n.formula) if not n.is_input else node_role(n, params),
                 number(float(n.value)), number(float(n.adjoint))] for n in self.nodes]
        grad = self.gradient()
        answer = (f"\\nabla_{{{', '.join(tex(v) for v in self.variables)}}} f = "
                  + "\\begin{bmatrix}" + " \\\\ ".join(number(g) for g in grad.values())
                  + "\\end{bmatrix}")
        fields = (("f", inline(self.expression)), ("at", inline(point_math(self.point))),
                  ("f there", number(float(self.output.value))))
        return Display(f"Backpropagation through {inline(self.expression)}", answer, fields,
                       (table(["node", "computes", "value", "adjoint ∂f/∂node"], rows),),
                       self.notes)
