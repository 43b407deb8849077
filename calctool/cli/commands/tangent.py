"""`calctool tangent`: the tangent line (or plane) at a point."""

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
  calctool tangent "x^2" --at 3
  calctool tangent "sin(x)" --at pi/4 --secants
  calctool tangent "x^2" --at 3 --plot
  calctool tangent "abs(x)" --at 0
  calctool tangent "cbrt(x)" --at 0
  calctool tangent "x^2 + y^2" --at x=1,y=2
  calctool tangent "a*x^2 + c" --vars x --at x=1,a=2,c=3
  calctool tangent "x^3" --at=-1 --json
  calctool tangent "x^2 + y^2 = 25" --at x=3,y=4
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "secants": "--secants", "k_max": "--k-max", "plot": "--plot",
                  "plot_range": "--range", "timeout": "--timeout", "ylim": "--ylim",
                  "variables": "--vars"})


def tangent(
    expression: opt.Expression,
    at: opt.At = None,
    variables: Annotated[str | None, typer.Option(
        "--vars", metavar="X[,Y]",
        help="The variables of the graph (a line over one, a plane over several); the other "
             "symbols are constants, fixed at their values in --at.",
        show_default=False)] = None,
    secants: Annotated[bool, typer.Option(
        "--secants", help="A table of secant slopes (f(a+h) - f(a))/h for h = ±10^-k, "
                          "k = 0..K, computed in float64.")] = False,
    k_max: Annotated[int, typer.Option(
        "--k-max", metavar="K", min=0, max=20,
        help="The smallest step of --secants is 10^-K.")] = 8,
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
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """The tangent line to y = f(x) at x = a: slope f'(a), y = f(a) + f'(a)(x - a), normal.

    At a corner or a jump (abs(x) at 0) there is no tangent: both one-sided
    slopes are shown. A vertical tangent (cbrt(x) at 0) is x = a. With
    several variables the answer is the tangent plane z = f(p) + ∇f(p)·(x - p).
    """
    settings = make_settings("tangent", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    opt.plot_window(range_, plot or save is not None, ylim)

    def compute(text: str) -> object:
        from calctool.core.ops.tangent import tangent as tangent_op

        return tangent_op(text, at=at, secants=secants, k_max=k_max,
                          plot=plot or save is not None, plot_range=range_,
                          timeout=settings.timeout, spelling=FLAGS, variables=variables,
                          ylim=ylim)
    settings = with_syntax(settings, input_syntax)

    raise typer.Exit(run_saving(settings, expression, compute, save, jobs))
