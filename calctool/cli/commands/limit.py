"""`calctool limit`: limits from both sides, from one side, at ±∞."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.figures import run_saving
from calctool.cli.settings import make_settings, with_syntax
from calctool.core.errors import Spelling

FLAGS = Spelling({"to": "--to", "direction": "--dir", "k_max": "--k-max", "table": "--table",
                  "numeric_only": "--numeric", "plot": "--plot", "plot_range": "--range",
                  "assume": "--assume", "timeout": "--timeout", "ylim": "--ylim"})

EXAMPLES = """\
Examples:

\b
  calctool limit "sin(x)/x" --to 0
  calctool limit "abs(x)/x" --to 0
  calctool limit "1/x" --to 0 --dir +
  calctool limit "(1 + 1/x)^x" --to oo
  calctool limit "sin(1/x)" --to x=0 --table
  calctool limit "(1 - cos(x))/x^2" --to 0 --plot
  calctool limit "tan(x)" --to x=pi/2 --json
  calctool limit "a*x" --to x=oo --assume "a>0"
  calctool limit "(sin(x) - sin(a))/(x - a)" --to x=a
  calctool limit "piecewise(x < 1: x, x + 1)" --to 1
"""


def limit(
    expression: opt.Expression,
    to: Annotated[str | None, typer.Option(
        "--to", metavar="[VAR=]A",
        help="The point approached: x=0, 0, pi/2, oo or -oo; or an expression in other "
             "symbols (x=a): the answer is then in terms of them.", show_default=False)] = None,
    direction: Annotated[str | None, typer.Option(
        "--dir", metavar="+|-", autocompletion=opt.complete_words("+", "-"),
        help="+ from above, - from below; absent: both sides (the two-sided limit).",
        show_default=False)] = None,
    table: Annotated[bool, typer.Option(
        "--table", help="Numeric evidence: f(a ± 10^-k) for k = 1..K (x = ±10^k at ±oo).")
    ] = False,
    k_max: Annotated[int, typer.Option(
        "--k-max", metavar="K", min=1, max=30, help="The last row of --table is k = K.")] = 8,
    numeric: Annotated[bool, typer.Option(
        "--numeric", help="Skip the symbolic engine: estimate the limit numerically.")] = False,
    assume: Annotated[str | None, typer.Option(
        "--assume", metavar="FACTS",
        help="What is known about the other symbols: \"a>0, n integer\" (a name compared "
             "with 0, or a name and words: positive, negative, nonnegative, nonpositive, "
             "nonzero, integer, even, odd). Without it, an answer that depends on the sign "
             "of a symbol gives the cases.", show_default=False)] = None,
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
    """The limit of an expression as a variable approaches a point or ±∞.

    Two-sided unless --dir is given: when the limits from below and from
    above differ, the limit does not exist and both are shown. When the
    symbolic engine fails or runs out of time, a numeric estimate is given
    and marked as numeric.
    """
    settings = make_settings("limit", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    opt.plot_window(range_, plot or save is not None, ylim)

    def compute(text: str) -> object:
        from calctool.core.ops.limit import limit as limit_op

        return limit_op(text, to=to, direction=direction, table=table, k_max=k_max,
                        plot=plot or save is not None, plot_range=range_,
                        numeric_only=numeric, assume=assume,
                        timeout=settings.timeout, spelling=FLAGS, ylim=ylim)
    settings = with_syntax(settings, input_syntax)

    raise typer.Exit(run_saving(settings, expression, compute, save, jobs))
