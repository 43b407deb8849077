"""`calctool jacobian`: the matrix of first partials of a vector-valued function."""

from __future__ import annotations

from typing import Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.runner import run
from calctool.cli.settings import make_settings, with_syntax
from calctool.core.errors import Spelling, UsageError

EXAMPLES = """\
Examples:

\b
  calctool jacobian "x*y, x+y, sin(x)" --vars x,y --at x=1,y=2
  calctool jacobian "r*cos(theta), r*sin(theta)" --vars r,theta
  calctool jacobian "a*x + y, x*y" --vars x,y --at x=1,y=2,a=3 --json
  calctool jacobian "x^2*y, x + y" --latex
  calctool jacobian --func mapping.py:polar --at 2,0.5

Exit status: 0 an answer (an entry that does not exist at the point is an
answer: exists false, with its one-sided values), 2 bad input, 3 no answer
(an entry undefined or infinite there, your code raised).
"""

FUNC = "Python code (--func)"
# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "variables": "--vars", "f": "--func", "timeout": "--timeout"})


def jacobian(
    expression: Annotated[str | None, typer.Argument(
        metavar="[FUNCTIONS]",
        help="The functions, comma-separated: \"x*y, x+y, sin(x)\" (one row each); - reads "
             "one list per line from stdin. Leave it out with --func.",
        show_default=False)] = None,
    variables: Annotated[str | None, typer.Option(
        "--vars", metavar="X,Y,...",
        help="The variables (the columns), in this order (default: all, sorted); the other "
             "symbols are constants, which need values in --at when a number is asked for.",
        show_default=False)] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="POINT",
        help="The point: x=1,y=2 (values may be expressions: x=pi/4). Gives J there, det J "
             "when square, and a finite-difference check. With --func: numbers, 0.5,1,-2.",
        show_default=False)] = None,
    func: Annotated[str | None, typer.Option(
        "--func", metavar="FILE.py:NAME",
        help="The finite-difference Jacobian of Python code: NAME(x) takes a numpy array and "
             "returns m numbers (a list or an array). The point is --at 0.5,1,-2 or --x0. "
             "Errors in your code are shown with your traceback (exit 3).",
        rich_help_panel=FUNC, show_default=False)] = None,
    x0: Annotated[str | None, typer.Option(
        "--x0", metavar="FILE.npy", help="For --func: the point as a .npy array or a text "
                                         "file of numbers.", rich_help_panel=FUNC,
        show_default=False)] = None,
    takes: Annotated[str | None, typer.Option(
        "--as", metavar="numpy|torch|jax",
        help="For --func: what your code takes. numpy (default): a float64 array; torch or "
             "jax: that framework's array (imported from your environment only then). It "
             "may return torch or JAX arrays either way.", rich_help_panel=FUNC,
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
    """The Jacobian matrix J = [∂f_i/∂x_j] of several functions of several variables.

    One row per function, one column per variable (--vars chooses and orders
    them). The determinant when J is square. With --at: J at the point,
    checked against finite differences; an entry at a kink (abs(x) at 0) does
    not exist and is reported with both one-sided values. With --func: Python
    code, by central differences with an error estimate per entry.
    """
    settings = make_settings("jacobian", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    settings = with_syntax(settings, input_syntax)
    if expression is None and func is None:
        raise UsageError("give the functions (calctool jacobian \"x*y, x+y\"), or --func "
                         "FILE.py:NAME with a point", code="missing_argument")

    def compute(text: str) -> object:
        from calctool.core.ops import jacobian as op

        if func is None:
            if x0 is not None or takes is not None:
                raise UsageError("--x0 and --as are for --func; the functions' point is --at "
                                 "x=1,y=2", code="bad_option")
            return op.jacobian_expression(text, variables=variables, at=at, spelling=FLAGS)
        if expression is not None:
            raise UsageError("give either the functions or --func FILE.py:NAME, not both",
                             code="bad_option")
        if variables is not None:
            raise UsageError("--vars names the functions' variables: it needs expressions, "
                             "not --func (whose parameters are the array's entries)",
                             code="bad_option")
        from calctool.core.engines import usercode as uc

        spec = uc.parse_spec(func, option="--func")
        if at is not None and x0 is not None:
            raise UsageError("give the point one way: --at or --x0", code="bad_option")
        if x0 is not None:
            point = uc.UserPoint(uc.point_from_file(x0), f"--x0 {x0}")
        elif at is not None:
            point = uc.UserPoint(uc.parse_numbers(at, option="--at"), f"--at {at}")
        else:
            raise UsageError("give the point: --at 1,2 (one number per parameter) or --x0 "
                             "FILE.npy", code="missing_point")
        return op.jacobian_function(uc.converted(uc.load_spec(spec), takes), point,
                                    spelling=FLAGS)

    text = expression if expression is not None else func
    assert text is not None
    raise typer.Exit(run(settings, text, compute, jobs))  # type: ignore[arg-type]
