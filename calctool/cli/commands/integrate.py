"""`calctool integrate`: antiderivatives (checked) and definite integrals (cross-checked)."""

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
  calctool integrate "x^2*exp(x)"
  calctool integrate "1/x"
  calctool integrate "sin(x)^2" --steps
  calctool integrate "x/sqrt(1-x^2)" --latex
  calctool integrate "exp(-x^2)" --from -oo --to oo
  calctool integrate "1/x^2" --from -1 --to 1
  calctool integrate "sin(x)/x" --from 0 --to 1
  calctool integrate "x^2" --from 0 --to 1 --riemann mid --n 4,8,16,32
  calctool integrate "sin(x)" --from 0 --to 2*pi --plot
  calctool integrate "a*x^2" --wrt x --from 0 --to b
  printf 'x^2\\ncos(x)\\n' | calctool integrate - --json
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"wrt": "--wrt", "lower": "--from", "upper": "--to", "steps": "--steps",
                  "riemann": "--riemann", "n": "--n", "digits": "--digits", "plot": "--plot",
                  "plot_range": "--range", "ylim": "--ylim", "timeout": "--timeout"})


def integrate(
    expression: opt.Expression,
    wrt: Annotated[str | None, typer.Option(
        "--wrt", metavar="VAR",
        help="The variable of integration (absent: the only variable).",
        show_default=False)] = None,
    lower: Annotated[str | None, typer.Option(
        "--from", metavar="A",
        help="Lower bound of a definite integral: a number, pi/2, -oo, or a symbol.",
        show_default=False)] = None,
    upper: Annotated[str | None, typer.Option(
        "--to", metavar="B",
        help="Upper bound of a definite integral: a number, pi/2, oo, or a symbol.",
        show_default=False)] = None,
    steps: Annotated[bool, typer.Option(
        "--steps", help="Show the antiderivative rule by rule (substitution, parts, partial "
                        "fractions, trigonometric identities, table integrals).")] = False,
    riemann: Annotated[str | None, typer.Option(
        "--riemann", metavar="left|right|mid|trapezoid|simpson",
        help="A table of Riemann sums converging to the definite integral, with errors "
             "and the observed order.", show_default=False)] = None,
    n: Annotated[str | None, typer.Option(
        "--n", metavar="N[,N...]",
        help="Numbers of subintervals for --riemann (default 4,8,16,32,64,128).",
        show_default=False)] = None,
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
    """Integrate an expression: an antiderivative + C, or a definite integral.

    An antiderivative is shown only after it is checked (its derivative is f
    again, at random points and symbolically); for real x, ∫ 1/x dx = ln|x| + C.
    A definite integral is split where f is not continuous, so a pole inside
    is never integrated across: it diverges (exit 0, converges: false) or
    converges, and every value is cross-checked by numeric quadrature. With
    no closed form the value is numeric, with an error estimate.
    """
    settings = make_settings("integrate", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    settings = with_syntax(settings, input_syntax)
    opt.plot_window(range_, plot or save is not None, ylim)

    def compute(text: str) -> object:
        from calctool.core.ops.integrate import integrate as integrate_op

        return integrate_op(text, wrt=wrt, lower=lower, upper=upper, steps=steps,
                            riemann=riemann, n=n, digits=digits or 15,
                            plot=plot or save is not None, plot_range=range_, ylim=ylim,
                            timeout=settings.timeout, spelling=FLAGS)

    raise typer.Exit(run_saving(settings, expression, compute, save, jobs))
