"""`calctool hessian`: second derivatives, the second-derivative test, critical points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.runner import run
from calctool.cli.settings import make_settings
from calctool.core.errors import Spelling, UsageError

if TYPE_CHECKING:
    from calctool.core.engines.usercode import UserCode, UserPoint

EXAMPLES = """\
Examples:

\b
  calctool hessian "x^2 + 3*x*y - y^3"
  calctool hessian "x^3 - 3*x + y^2" --critical
  calctool hessian "x^2 - y^2" --at x=0,y=0
  calctool hessian "x^4 + y^4" --at x=0,y=0 --numeric
  calctool hessian "x*y*z" --vars z,y,x --latex
  calctool hessian "x^2 + a*y^2" --vars x,y --critical --at a=-1
  calctool hessian --func model.py:loss --at 0.5,1,-2 --json
"""

FUNC = "Python code (--func)"
# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "variables": "--vars", "critical": "--critical",
                  "numeric": "--numeric", "f": "--func", "timeout": "--timeout"})


def hessian(
    expression: Annotated[str | None, typer.Argument(
        metavar="[EXPRESSION]",
        help="The function, e.g. \"x^3 - 3*x + y^2\"; - reads one per line from stdin. "
             "Leave it out with --func.", show_default=False)] = None,
    variables: Annotated[str | None, typer.Option(
        "--vars", metavar="X,Y,...",
        help="The variables of the Hessian, in this order (default: all, sorted); other "
             "names stay symbolic.", show_default=False)] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="POINT",
        help="The point: x=1,y=-2 (values may be expressions: x=pi/4). Gives the matrix "
             "there, its eigenvalues, determinant and the classification: local minimum (all "
             "eigenvalues > 0), local maximum (all < 0), saddle point (both signs), "
             "inconclusive (a zero eigenvalue). With --critical: values for the names not in "
             "--vars. With --func: numbers, 0.5,1,-2.", show_default=False)] = None,
    critical: Annotated[bool, typer.Option(
        "--critical", help="Solve ∇f = 0 (sympy, within --timeout) and classify every real "
                           "critical point found; says when there may be more.")] = False,
    numeric: Annotated[bool, typer.Option(
        "--numeric", help="Also the finite-difference Hessian at --at (2n²+1 evaluations, "
                          "twice, for its error estimate) and its largest difference from "
                          "the symbolic one.")] = False,
    func: Annotated[str | None, typer.Option(
        "--func", metavar="FILE.py:NAME",
        help="The finite-difference Hessian of Python code: NAME(x) takes a numpy array and "
             "returns a number; the point is --at 0.5,1,-2 or --x0. Errors in your code are "
             "shown with your traceback (exit 3).", rich_help_panel=FUNC,
        show_default=False)] = None,
    x0: Annotated[str | None, typer.Option(
        "--x0", metavar="FILE.npy", help="For --func: the point as a .npy array or a text "
                                         "file of numbers.", rich_help_panel=FUNC,
        show_default=False)] = None,
    json: opt.Json = False,
    latex: opt.Latex = False,
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    jobs: opt.Jobs = 1,
) -> None:
    """The Hessian matrix of second derivatives, and what it says about a point.

    With --at: the matrix at the point, eigenvalues, determinant and the
    second-derivative test (with a note when ∇f is not zero there, so the
    point is not a critical point). With --critical: every critical point
    sympy finds, classified. Signs of eigenvalues are decided exactly for
    rational matrices, else within a tolerance scaled to the matrix.
    """
    settings = make_settings("hessian", json=json, latex=latex, timeout=timeout, ascii=ascii)
    if expression is None and func is None:
        raise UsageError("give an expression (calctool hessian \"x^2*y\"), or --func "
                         "FILE.py:NAME with a point", code="missing_argument")

    def compute(text: str) -> object:
        from calctool.core.ops import hessian as op

        if func is None:
            if x0 is not None:
                raise UsageError("--x0 is for --func; an expression's point is --at x=1,y=2",
                                 code="bad_option")
            options = op.HessianOptions(critical, numeric, solve_seconds=0.8 * settings.timeout,
                                        spelling=FLAGS)
            return op.hessian_expression(text, variables=variables, at=at, options=options)
        if expression is not None:
            raise UsageError("give either an expression or --func FILE.py:NAME, not both",
                             code="bad_option")
        for flag, given in (("--vars", variables is not None), ("--critical", critical)):
            if given:
                why = ("solves grad f = 0 symbolically" if flag == "--critical"
                       else "names an expression's variables")
                raise UsageError(f"{flag} {why}: it needs an expression, not --func",
                                 code="bad_option")
        f, x = _user_code(func, at=at, x0=x0)
        return op.hessian_function(f, x, budget=settings.timeout, spelling=FLAGS)

    text = expression if expression is not None else func
    assert text is not None
    raise typer.Exit(run(settings, text, compute, jobs))  # type: ignore[arg-type]


def _user_code(func: str, *, at: str | None, x0: str | None) -> tuple[UserCode, UserPoint]:
    """--func loaded from its file, and the point of --at or --x0."""
    from calctool.core.engines import usercode as uc

    spec = uc.parse_spec(func, option="--func")
    if at is not None and x0 is not None:
        raise UsageError("give the point one way: --at or --x0", code="bad_option")
    if x0 is not None:
        x = uc.UserPoint(uc.point_from_file(x0), f"--x0 {x0}")
    elif at is not None:
        x = uc.UserPoint(uc.parse_numbers(at, option="--at"), f"--at {at}")
    else:
        raise UsageError("give the point: --at 1,2 (one number per parameter) or --x0 "
                         "FILE.npy", code="missing_point")
    return uc.load_spec(spec), x
