"""`calctool series`: Taylor polynomials, Laurent and Puiseux series, checked."""

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
  calctool series "sin(x)" --order 7
  calctool series "log(x)" --at 1
  calctool series "1/(1-x)"
  calctool series "exp(x)*cos(y)" --at x=0,y=0 --order 2
  calctool series "1/x" --at 0
  calctool series "cos(x)" --order 4 --x 0.5 --table
  calctool series "exp(x)" --order 3 --steps
  calctool series "sin(x)" --order 7 --plot --range -6:6
  printf 'sin(x)\\nexp(x)\\n' | calctool series - --order 3 --json
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "order": "--order", "x": "--x", "table": "--table",
                  "steps": "--steps", "digits": "--digits", "timeout": "--timeout",
                  "plot": "--plot", "plot_range": "--range", "ylim": "--ylim"})


def series(
    expression: opt.Expression,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="POINT",
        help="The centre a: x=1, a bare value for one variable, or x=0,y=0 for a Taylor "
             "polynomial in several variables. Default 0 (Maclaurin).",
        show_default=False)] = None,
    order: Annotated[int | None, typer.Option(
        "--order", "-n", metavar="N", min=0,
        help="Keep the terms below (x - a)^(N+1). Default 5 (2 with several variables).",
        show_default=False)] = None,
    x: Annotated[str | None, typer.Option(
        "--x", metavar="X",
        help="Compare the approximation with f's true value at this point (x=0.5 or 0.5).",
        show_default=False)] = None,
    table: Annotated[bool, typer.Option(
        "--table", help="With --x: the error at X for every order 0..N.")] = False,
    steps: Annotated[bool, typer.Option(
        "--steps", help="Show the derivatives f^(k)(a) the coefficients f^(k)(a)/k! "
                        "come from.")] = False,
    digits: opt.Digits = None,
    plot: opt.Plot = False,
    range_: opt.Range = None,
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
    """The series of f about a point: Taylor (Maclaurin about 0), Laurent or Puiseux.

    Order N keeps the terms up to (x - a)^N; a Taylor series comes with its
    Lagrange remainder. Where f has a pole (1/x at 0) the series is a Laurent
    series, at a branch point (sqrt(x) at 0) a Puiseux series. Every series is
    checked numerically against f near the point before it is shown.
    """
    settings = make_settings("series", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    settings = with_syntax(settings, input_syntax)
    opt.plot_window(range_, plot or save is not None, ylim)

    def compute(text: str) -> object:
        from calctool.core.ops.series import series as series_op

        return series_op(text, at=at, order=order, x=x, table=table, steps=steps,
                         digits=min(digits or 10, 100), plot=plot or save is not None,
                         plot_range=range_, ylim=ylim,
                         timeout=settings.timeout, spelling=FLAGS)

    raise typer.Exit(run_saving(settings, expression, compute, save, jobs))
