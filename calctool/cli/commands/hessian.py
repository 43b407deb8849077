"""`calctool hessian`: second derivatives, the second-derivative test, critical points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from calctool.cli import options as opt
from calctool.cli.runner import run
from calctool.cli.settings import make_settings, with_syntax
from calctool.core.errors import Spelling, UsageError

if TYPE_CHECKING:
    from calctool.core.engines.usercode import UserCode, UserPoint

EXAMPLES = """\
Examples:

\b
  calctool hessian "x^2 + 3*x*y - y^3"
  calctool hessian "x^3 - 3*x + y^2" --critical
  calctool hessian "x^2 - y^2" --at x=0,y=0
  calctool hessian "x^4 + y^4" --at x=0,y=0 --fd-check
  calctool hessian "x*y*z" --vars z,y,x --latex
  calctool hessian "x^2 + a*y^2" --vars x,y --critical --at a=-1
  calctool hessian --func examples/model.py:loss --at 0.5,1,-2 --json
  calctool hessian --func examples/model.py:loss --grad loss_grad --hvp --dim 100000
"""

FUNC = "Python code (--func)"
# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "variables": "--vars", "critical": "--critical",
                  "numeric": "--fd-check", "f": "--func", "timeout": "--timeout",
                  "top": "--top", "max_iter": "--max-iter"})
HVP = "Large n (--hvp)"


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
        "--at", metavar="POINT", autocompletion=opt.complete_point,
        help="The point: x=1,y=-2 (values may be expressions: x=pi/4). Gives the matrix "
             "there, its eigenvalues, determinant and the classification: local minimum (all "
             "eigenvalues > 0), local maximum (all < 0), saddle point (both signs), "
             "inconclusive (a zero eigenvalue). With --critical: values for the names not in "
             "--vars. With --func: numbers, 0.5,1,-2.", show_default=False)] = None,
    critical: Annotated[bool, typer.Option(
        "--critical", help="Solve ∇f = 0 (sympy, within --timeout) and classify every real "
                           "critical point found; says when there may be more.")] = False,
    fd_check: Annotated[bool, typer.Option(
        "--fd-check", help="Also the finite-difference Hessian at --at (2n²+1 evaluations, "
                           "twice, for its error estimate) and its largest difference from "
                           "the symbolic one.")] = False,
    numeric: Annotated[bool, typer.Option(
        "--numeric", hidden=True,
        help="Deprecated alias of --fd-check (--numeric means numeric only elsewhere).")] = False,
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
    digits: opt.Digits = None,
    takes: Annotated[str | None, typer.Option(
        "--as", metavar="numpy|torch|jax",
        help="For --func: what your code takes. numpy (default): a float64 array; torch or "
             "jax: that framework's array (imported from your environment only then). It "
             "may return torch or JAX arrays either way.", rich_help_panel=FUNC,
        show_default=False)] = None,
    hvp: Annotated[bool, typer.Option(
        "--hvp", help="For --func with --grad, at large n: no matrix; the extreme eigenvalues "
                      "by Lanczos on Hessian-vector products (central differences of the "
                      "gradient, 2 evaluations each). A negative smallest one proves the "
                      "point is not a minimum.", rich_help_panel=HVP)] = False,
    grad: Annotated[str | None, typer.Option(
        "--grad", metavar="FILE.py:NAME", help="With --hvp: the gradient function (NAME alone "
                                               "means the --func file).",
        rich_help_panel=HVP, show_default=False)] = None,
    dim: Annotated[int | None, typer.Option(
        "--dim", metavar="N", help="With --hvp: a random standard normal point of N "
                                   "parameters (see --seed).", rich_help_panel=HVP,
        show_default=False)] = None,
    seed: Annotated[int, typer.Option(
        "--seed", help="With --hvp: the seed of the point (--dim) and of the start vector.",
        rich_help_panel=HVP)] = 0,
    top: Annotated[int, typer.Option(
        "--top", metavar="K", help="With --hvp: how many of the largest (and smallest) "
                                   "eigenvalues.", rich_help_panel=HVP)] = 3,
    max_iter: Annotated[int, typer.Option(
        "--max-iter", metavar="M", min=2, max=10_000,
        help="With --hvp: at most M Hessian-vector products.", rich_help_panel=HVP)] = 60,
    json: opt.Json = False,
    latex: opt.Latex = False,
    latex_style: opt.LatexStyle = "display",
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """The Hessian matrix of second derivatives, and what it says about a point.

    With --at: the matrix at the point, eigenvalues, determinant and the
    second-derivative test (with a note when ∇f is not zero there, so the
    point is not a critical point). With --critical: every critical point
    sympy finds, classified. Signs of eigenvalues are decided exactly for
    rational matrices, else within a tolerance scaled to the matrix.
    """
    settings = make_settings("hessian", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    if numeric:
        opt.deprecated("hessian --numeric", "--fd-check")
        fd_check = True
    if expression is None and func is None:
        raise UsageError("give an expression (calctool hessian \"x^2*y\"), or --func "
                         "FILE.py:NAME with a point", code="missing_argument")
    settings = with_syntax(settings, input_syntax)

    def compute(text: str) -> object:
        from calctool.core.ops import hessian as op

        if func is None:
            if x0 is not None or takes is not None:
                raise UsageError("--x0 and --as are for --func; an expression's point is --at "
                                 "x=1,y=2", code="bad_option")
            options = op.HessianOptions(critical, fd_check, solve_seconds=0.8 * settings.timeout,
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
        if hvp:
            return _hvp(op, func, grad, at=at, x0=x0, dim=dim, seed=seed, top=top,
                        max_iter=max_iter, takes=takes)
        if grad is not None or dim is not None:
            raise UsageError("--grad and --dim go with --hvp (the Hessian of a large model "
                             "from Hessian-vector products)", code="bad_option")
        f, x = _user_code(func, at=at, x0=x0)
        from calctool.core.engines.usercode import converted

        return op.hessian_function(converted(f, takes), x, budget=settings.timeout,
                                   spelling=FLAGS)

    text = expression if expression is not None else func
    assert text is not None
    raise typer.Exit(run(settings, text, compute, jobs))  # type: ignore[arg-type]


def _hvp(op: Any, func: str, grad: str | None, *, at: str | None, x0: str | None,
         dim: int | None, seed: int, top: int, max_iter: int, takes: str | None) -> object:
    """--hvp: f and its gradient loaded, the point from --at, --x0 or --dim."""
    from calctool.core.engines import usercode as uc

    if grad is None:
        raise UsageError("--hvp needs --grad FILE.py:NAME: each Hessian-vector product is a "
                         "central difference of the gradient", code="missing_argument")
    fspec = uc.parse_spec(func, option="--func")
    gspec = uc.parse_spec(grad, option="--grad", default_file=fspec.path)
    given = [name for name, v in (("--at", at), ("--x0", x0), ("--dim", dim)) if v is not None]
    if len(given) > 1:
        raise UsageError(f"give the point one way: {' or '.join(given)}", code="bad_option")
    if dim is not None:
        x = uc.UserPoint(uc.random_point(dim, seed, option="--dim"),
                         f"--dim {dim} --seed {seed} (standard normal)", seed)
    elif x0 is not None:
        x = uc.UserPoint(uc.point_from_file(x0), f"--x0 {x0}")
    elif at is not None:
        x = uc.UserPoint(uc.parse_numbers(at, option="--at"), f"--at {at}")
    else:
        raise UsageError("give the point: --dim N (random), --x0 FILE.npy or --at 1,2",
                         code="missing_point")
    return op.hessian_hvp(uc.converted(uc.load_spec(fspec), takes),
                          uc.converted(uc.load_spec(gspec), takes), x, k=top,
                          max_iter=max_iter, seed=seed, spelling=FLAGS)


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
