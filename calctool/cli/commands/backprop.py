"""`calctool backprop`: the chain rule as backpropagation, node by node, at a point."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.runner import run
from calctool.cli.settings import make_settings, with_syntax
from calctool.core.errors import Spelling

EXAMPLES = """\
Examples:

\b
  calctool backprop "(sigmoid(w*x+b) - t)^2" --vars w,b --at w=0.5,b=0.1,x=2,t=0.8
  calctool backprop "tanh(w2*tanh(w1*x))" --vars w1,w2 --at w1=0.3,w2=-1.2,x=0.7
  calctool backprop "x*y + sin(x)" --at x=1,y=2 --latex
  calctool backprop "(sigmoid(w*x+b) - t)^2" --vars w,b --at w=0.5,b=0.1,x=2,t=0.8 --json
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "variables": "--vars", "timeout": "--timeout"})


def backprop(
    expression: opt.Expression,
    variables: Annotated[str | None, typer.Option(
        "--vars", metavar="W,B,...",
        help="The parameters, whose adjoints are the gradient (default: every symbol); the "
             "other symbols are constants (data), which need values in --at too.",
        show_default=False)] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="POINT",
        help="The point, every symbol: w=0.5,b=0.1,x=2,t=0.8 (values may be expressions).",
        show_default=False)] = None,
    json: opt.Json = False,
    latex: opt.Latex = False,
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    digits: opt.Digits = None,
    latex_style: opt.LatexStyle = "display",
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """Backpropagation shown: the computational graph, forward values and adjoints.

    The expression as a graph in topological order (inputs, then one node per
    operation, the output last). Forward pass: each node's value at the point.
    Backward pass: the output's adjoint is 1; each node passes its adjoint
    times the local derivative of its operation to its inputs, which sum what
    they receive. The parameters' adjoints are the gradient (checked against
    finite differences). The same gradient as diff --vars, computed the way
    autodiff computes it.
    """
    settings = make_settings("backprop", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    settings = with_syntax(settings, input_syntax)

    def compute(text: str) -> object:
        from calctool.core.ops.backprop import backprop as op

        return op(text, variables=variables, at=at, timeout=settings.timeout, spelling=FLAGS)

    raise typer.Exit(run(settings, expression, compute, jobs))  # type: ignore[arg-type]
