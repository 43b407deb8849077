"""`calctool diff`: symbolic derivatives."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.runner import run
from calctool.cli.settings import make_settings
from calctool.core.errors import Spelling

EXAMPLES = """\
Examples:

\b
  calctool diff "x^3*cos(x)"
  calctool diff "x^3*cos(x)" --steps
  calctool diff "sin(x)" --order 3
  calctool diff "x^2*y + y^3" --wrt x,y
  calctool diff "x^2 + 3*x*y" --at x=1,y=2
  calctool diff "f(g(x))"
  calctool diff "abs(x)" --at 0
  calctool diff -- -x^2
  printf 'x^2\\nsin(x)\\n' | calctool diff - --json
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"wrt": "--wrt", "order": "--order", "at": "--at", "simplify": "--simplify",
                  "steps": "--steps", "plot": "--plot", "plot_range": "--range",
                  "timeout": "--timeout"})


def diff(
    expression: opt.Expression,
    wrt: Annotated[str | None, typer.Option(
        "--wrt", metavar="VAR[,VAR...]",
        help="Differentiate by this variable; x,y gives the mixed partial d/dy(d/dx f).",
        show_default=False)] = None,
    order: Annotated[int, typer.Option("--order", "-n", min=1, max=100,
                                       help="The order of the derivative.")] = 1,
    at: opt.At = None,
    simplify: Annotated[bool, typer.Option("--simplify", help="Simplify the answer.")] = False,
    steps: Annotated[bool, typer.Option(
        "--steps", help="Show the derivation rule by rule (linearity, power, product, "
                        "quotient, chain, table derivatives).")] = False,
    plot: opt.Plot = False,
    range_: opt.Range = None,
    json: opt.Json = False,
    latex: opt.Latex = False,
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    jobs: opt.Jobs = 1,
) -> None:
    """Differentiate an expression: derivatives of any order, partials, gradients.

    With several variables and no --wrt the answer is the gradient. With --at
    the derivative's value there is given too; at a kink or jump (abs(x) at 0)
    it is reported as not existing, with both one-sided values.
    """
    settings = make_settings("diff", json=json, latex=latex, timeout=timeout, ascii=ascii)

    def compute(text: str) -> object:
        from calctool.core.ops.diff import diff as differentiate

        return differentiate(text, wrt=wrt, order=order, at=at, simplify=simplify,
                             plot=plot, plot_range=range_, steps=steps,
                             timeout=settings.timeout, spelling=FLAGS)

    raise typer.Exit(run(settings, expression, compute, jobs))  # type: ignore[arg-type]
