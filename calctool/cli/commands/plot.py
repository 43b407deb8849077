"""`calctool plot`: graph functions of one variable in the terminal."""

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
  calctool plot "sin(x)" "cos(x)" --range -pi:pi
  calctool plot "tan(x)" --range -3:3
  calctool plot "x^3 - 3*x" --derivative --range -2.5:2.5
  calctool plot "x^2" --tangent-at 1 --range -1:3
  calctool plot "1/x^2" --ylim 0:10
  calctool plot "log(x)" --json
  printf 'x^2\\n1/x\\n' | calctool plot - --json --jobs 2
  calctool plot "sin(x)" "cos(x)" --range -pi:pi --save trig.svg
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"plot_range": "--range", "ylim": "--ylim", "tangent_at": "--tangent-at",
                  "derivative": "--derivative", "timeout": "--timeout", "plot": "plot",
                  "at": "a single variable"})


def plot(
    expressions: Annotated[list[str], typer.Argument(
        metavar="EXPR...", help="One or more functions of one variable, e.g. \"sin(x)\" "
                                "\"cos(x)\"; - reads one expression a line from stdin.",
        show_default=False)],
    range_: opt.Range = None,
    ylim: opt.Ylim = None,
    derivative: Annotated[bool, typer.Option(
        "--derivative", help="Draw each function's derivative too (where the function "
                             "is defined).")] = False,
    tangent_at: Annotated[str | None, typer.Option(
        "--tangent-at", metavar="A", help="Draw the tangent to the first function at x = A.",
        show_default=False)] = None,
    save: opt.Save = None,
    json: opt.Json = False,
    latex: opt.Latex = False,
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    digits: opt.Digits = None,
    latex_style: opt.LatexStyle = "display",
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """Graph functions of one variable: sampled where each is defined, cut at poles and jumps.

    Nothing is drawn where a function is undefined or not real; curves are never
    joined across a pole or a jump, and vertical asymptotes are marked. The
    y-range leaves out the spikes near poles (--ylim sets it). With --json, the
    sampled series (x, y with null in the gaps, breaks) for drawing elsewhere.
    """
    settings = make_settings("plot", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    settings = with_syntax(settings, input_syntax)
    batch = expressions == ["-"]
    text = "-" if batch else "; ".join(expressions)

    def compute(text: str) -> object:
        from calctool.core.ops.plot import plot as plot_op

        return plot_op(text if batch else expressions, plot_range=range_, ylim=ylim,
                       derivative=derivative, tangent_at=tangent_at,
                       timeout=settings.timeout, spelling=FLAGS)

    raise typer.Exit(run_saving(settings, text, compute, save, jobs))
