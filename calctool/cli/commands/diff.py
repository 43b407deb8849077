"""`calctool diff`: symbolic derivatives."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.figures import run_saving
from calctool.cli.settings import make_settings, with_syntax
from calctool.core.errors import Spelling

EXAMPLES = """\
Examples:

\b
  calctool diff "x^3*cos(x)"
  calctool diff "x^3*cos(x)" --steps
  calctool diff "sin(x)" --order 3
  calctool diff "x^2*y + y^3" --wrt x,y
  calctool diff "x^2 + 3*x*y" --at x=1,y=2
  calctool diff "(sigmoid(w*x+b) - t)^2" --vars w,b
  calctool diff "(sigmoid(w*x+b) - t)^2" --vars w,b --at w=0.5,b=0.1,x=2,t=0.8
  calctool diff "f(g(x))"
  calctool diff "abs(x)" --at 0          # does not exist: slopes -1 and 1 (exit 0)
  calctool diff "f(x) = x^2 + 3x - 4"
  calctool diff '\\frac{d}{dx}\\left(x^{3}\\cos x\\right)'
  calctool diff "gelu(x)" --at 1
  calctool diff "x^2 + y^2 = 1" --implicit y
  calctool diff "x^2 + y^2 = 1" --implicit y --order 2 --at x=3/5,y=4/5 --steps
  calctool diff -- -x^2
  printf 'x^2\\nsin(x)\\n' | calctool diff - --json
  cat examples/homework.txt | calctool diff - --json
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"wrt": "--wrt", "order": "--order", "at": "--at", "simplify": "--simplify",
                  "steps": "--steps", "plot": "--plot", "plot_range": "--range",
                  "ylim": "--ylim",
                  "digits": "--digits", "timeout": "--timeout", "implicit": "--implicit",
                  "variables": "--vars"})


def diff(
    expression: opt.Expression,
    wrt: Annotated[str | None, typer.Option(
        "--wrt", metavar="VAR[,VAR...]",
        help="The differentiation sequence: differentiate by this variable; x,y gives the "
             "mixed partial d/dy(d/dx f). For the gradient over some variables use --vars.",
        show_default=False)] = None,
    variables: Annotated[str | None, typer.Option(
        "--vars", metavar="W,B,...",
        help="The parameters: the answer is the gradient over these variables, in this "
             "order; the other symbols are constants (data), which need values in --at when "
             "a number is asked for. Not with --wrt.",
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
    digits: opt.Digits = None,
    ylim: opt.Ylim = None,
    save: opt.Save = None,
    json: opt.Json = False,
    latex: opt.Latex = False,
    latex_style: opt.LatexStyle = "display",
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    implicit: Annotated[str | None, typer.Option(
        "--implicit", metavar="Y",
        help="The expression is an equation (x^2 + y^2 = 1) defining Y as a function of the "
             "other variable (or of --wrt): the answer is dY/dx on the curve.",
        show_default=False)] = None,
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """Differentiate an expression: derivatives of any order, partials, gradients.

    With several variables and no --wrt the answer is the gradient; --vars w,b
    makes it the gradient over those parameters only. With --at
    the derivative's value there is given too; at a kink or jump (abs(x) at 0)
    it is reported as not existing, with both one-sided values.
    """
    settings = make_settings("diff", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    opt.plot_window(range_, plot or save is not None, ylim)

    def compute(text: str) -> object:
        from calctool.core.ops.diff import diff as differentiate

        return differentiate(text, wrt=wrt, order=order, at=at, simplify=simplify,
                             digits=digits or 15, variables=variables,
                             plot=plot or save is not None, plot_range=range_, steps=steps,
                             timeout=settings.timeout, spelling=FLAGS, implicit=implicit,
                             ylim=ylim)
    settings = with_syntax(settings, input_syntax)

    raise typer.Exit(run_saving(settings, expression, compute, save, jobs))
