"""`calctool gradcheck`: an analytic gradient against finite differences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
  calctool gradcheck "(sigmoid(w*x + b) - t)^2" --vars w,b --at w=0.5,b=0.1,x=2,t=0.8
  calctool gradcheck "x^2*y + sin(x*y)" --grad "2*x*y + y*cos(x*y), x^2 + x*cos(x*y)" --at x=1,y=2
  calctool gradcheck "x^3*cos(x)" --at 2 --method richardson --json
  calctool gradcheck --func examples/model.py:loss --grad loss_grad --dim 1000
  calctool gradcheck --func examples/model.py:loss --grad wrong_grad --dim 50000 --fast  # exit 1
  calctool gradcheck --func examples/model.py:loss --grad loss_grad --dim 20000 --points 200
  calctool gradcheck --func examples/mapping.py:polar --vjp polar_vjp --at 2,0.5

Exit status: 0 every component (or direction) passes, 1 one fails or the
check is INCONCLUSIVE (--func: nothing fails but the resolution is worse
than --resolution, e.g. f computes in float32), 2 bad input, 3 no check
possible (f undefined at the point, your code raised).
"""

FUNC = "Python code (--func)"
NUMERICS = "Numerics"
# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "grad": "--grad", "variables": "--vars", "method": "--method",
                  "eps": "--eps", "rtol": "--rtol", "atol": "--atol", "fast": "--fast",
                  "points": "--points", "dim": "--dim", "timeout": "--timeout",
                  "resolution": "--resolution"})


def gradcheck(
    expression: Annotated[str | None, typer.Argument(
        metavar="[EXPRESSION]",
        help="The function, e.g. \"(sigmoid(w*x+b) - t)^2\"; - reads one per line from stdin. "
             "Leave it out with --func.", show_default=False)] = None,
    at: opt.At = None,
    grad: Annotated[str | None, typer.Option(
        "--grad", metavar="\"G1, G2, ...\" | FILE.py:NAME",
        help="The gradient to check. With an expression: your formulas, one per variable, in "
             "sorted variable order or the order of --vars (checked against finite "
             "differences and sympy's derivative). With --func: the Python function returning "
             "the gradient array (NAME alone means the --func file).",
        show_default=False)] = None,
    variables: Annotated[str | None, typer.Option(
        "--vars", metavar="X,Y,...",
        help="The variables to differentiate by, in this order (default: all, sorted); the "
             "others are constants fixed by --at.", show_default=False)] = None,
    func: Annotated[str | None, typer.Option(
        "--func", metavar="FILE.py:NAME",
        help="Check Python code: NAME(x) takes a numpy array and returns a number. The file is "
             "loaded from that path; errors in it are shown with your traceback (exit 3).",
        rich_help_panel=FUNC, show_default=False)] = None,
    vjp: Annotated[str | None, typer.Option(
        "--vjp", metavar="FILE.py:NAME",
        help="Instead of --grad: check a vector-Jacobian product, the product backprop "
             "computes. --func returns m numbers; NAME(x, u) returns J(x)^T u. One random unit "
             "cotangent u (--seed) makes it the gradient of u·f(x), checked as --grad is "
             "(every component, --points, or --fast directions).",
        rich_help_panel=FUNC, show_default=False)] = None,
    x0: Annotated[str | None, typer.Option(
        "--x0", metavar="FILE.npy",
        help="The point for --func: a .npy array (any shape) or a text file of numbers. "
             "Or --at 0.5,1,-2 (numbers), or --dim.", rich_help_panel=FUNC,
        show_default=False)] = None,
    dim: Annotated[int | None, typer.Option(
        "--dim", metavar="N", help="For --func: a random standard normal point of N "
                                   "parameters (see --seed).", rich_help_panel=FUNC,
        show_default=False)] = None,
    fast: Annotated[bool, typer.Option(
        "--fast", help="For --func: compare K random directional derivatives u·∇f with "
                       "finite differences along u (richardson by default, see --method): "
                       "~60 evaluations of f whatever n is, where the full check costs 4 per "
                       "parameter. Catches one component off by 1e-3 of the gradient's RMS "
                       "at n = 10^6, with a wide margin. Does not say which component: run "
                       "the full check, or --points, to find it.",
        rich_help_panel=FUNC)] = False,
    points: Annotated[int | None, typer.Option(
        "--points", metavar="K",
        help="With --fast: the number of random directions (default 8). Without: check K "
             "random components instead of all.", rich_help_panel=FUNC,
        show_default=False)] = None,
    takes: Annotated[str | None, typer.Option(
        "--as", metavar="numpy|torch|jax",
        help="For --func: what your functions take. numpy (default): a float64 array. torch "
             "or jax: that framework's array, made from it (imported from your environment "
             "only then). What they return may be any of these whatever --as says: numpy "
             "reads torch and JAX arrays (__array__, DLPack), detaching one that requires "
             "grad.", rich_help_panel=FUNC, show_default=False)] = None,
    seed: Annotated[int, typer.Option(
        "--seed", help="Seed of the random point (--dim), directions (--fast) and sampled "
                       "components (--points).", rich_help_panel=FUNC)] = 0,
    method: Annotated[str | None, typer.Option(
        "--method", metavar="central|forward|richardson|complex",
        autocompletion=opt.complete_words("central", "forward", "richardson", "complex"),
        help="central: the default of the full check, 4 evaluations per component, "
             "errors ~1e-10. richardson: the default of --fast, where one wrong component "
             "among n is diluted to ~1/sqrt(n) of u·∇f: its ~1e-12 errors give ~300x the "
             "margin of central (a component off by 1e-3 of the RMS at n = 10^6 exceeds the "
             "tolerance 1000x rather than 5x, and it still works when f computes in "
             "float32) for 16 more evaluations (59 instead of 43). forward: cheaper, "
             "~1e-7. complex: machine precision when f accepts complex input.",
        rich_help_panel=NUMERICS, show_default=False)] = None,
    eps: Annotated[float | None, typer.Option(
        "--eps", metavar="H",
        help="The finite-difference step, instead of the scaled default h = c·max(1, |xᵢ|) "
             "(c = 6e-6 for central).", rich_help_panel=NUMERICS, show_default=False)] = None,
    rtol: Annotated[float, typer.Option(
        "--rtol", help="Add rtol·|g| to each tolerance. Default 0: the tolerance is 10x the "
                       "estimated error of each finite difference (rounding from the measured "
                       "noise of f, plus truncation), as tight as float64 allows; correct "
                       "float64 gradients pass it.", rich_help_panel=NUMERICS)] = 0.0,
    atol: Annotated[float, typer.Option(
        "--atol", help="Add atol to each tolerance.",
        rich_help_panel=NUMERICS)] = 0.0,
    digits: opt.Digits = None,
    resolution: Annotated[float, typer.Option(
        "--resolution", metavar="R",
        help="For --func: every check reports its resolution, the smallest relative error "
             "per component it could have detected (tolerance / max(|gᵢ|, 1e-2·RMS(g)); "
             "with --fast one component's error in units of RMS(g)). A pass whose "
             "resolution is worse than R is INCONCLUSIVE (exit 1): f is too noisy (float32?) "
             "to verify the gradient. Default 1e-3; a larger R loosens it.",
        rich_help_panel=NUMERICS)] = 1e-3,
    json: opt.Json = False,
    latex: opt.Latex = False,
    latex_style: opt.LatexStyle = "display",
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """Check a gradient against finite differences, component by component.

    Three ways: sympy's gradient of EXPRESSION at --at (they agree: a
    demonstration); your hand-derived --grad "g1, g2, ..." (checked against
    finite differences and sympy's derivative, with the likely mistake named:
    sign error, missing factor, dropped term); or your Python code, --func
    FILE.py:loss --grad FILE.py:loss_grad, numpy arrays in and out, n up to
    10^6 (--fast). Exits 1 when any component fails, so scripts and CI can
    rely on it.
    """
    settings = make_settings("gradcheck", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             digits=digits, latex_style=latex_style)
    if expression is None and func is None:
        raise UsageError("give an expression to check (calctool gradcheck \"x^2*y\" --at "
                         "x=1,y=2), or --func FILE.py:NAME --grad FILE.py:NAME",
                         code="missing_argument")
    settings = with_syntax(settings, input_syntax)

    def compute(text: str) -> object:
        from calctool.core.ops import gradcheck as op

        options = op.CheckOptions(method, eps, rtol, atol, spelling=FLAGS,
                                  resolution=resolution)
        sampling = op.Sampling(fast, points, seed).check(FLAGS)
        if func is None:
            _expression_flags(grad, fast=fast, x0=x0, dim=dim, points=points)
            if vjp is not None:
                raise UsageError("--vjp is for --func (Python code returning m outputs)",
                                 code="bad_option")
            if takes is not None:
                raise UsageError("--as is for --func (what your Python code takes)",
                                 code="bad_option")
            return op.gradcheck_expression(text, grad=grad, at=at, variables=variables,
                                           options=options)
        if expression is not None:
            raise UsageError("give either an expression or --func FILE.py:NAME, not both",
                             code="bad_option")
        if variables is not None:
            raise UsageError("--vars names an expression's variables; with --func the "
                             "parameters are the array's entries", code="bad_option")
        grad_spec: str | None = grad
        if vjp is not None:
            if grad is not None:
                raise UsageError("give --grad (a gradient) or --vjp (a vector-Jacobian "
                                 "product), not both", code="bad_option")
            grad_spec = vjp
        f, g, x = _user_code(func, grad_spec, at=at, x0=x0, dim=dim, seed=seed)
        from calctool.core.engines.usercode import converted

        f, g = converted(f, takes), converted(g, takes)
        from calctool.render.progress import task_bar

        with task_bar(settings.output, "checking components") as progress:
            if vjp is not None:
                return op.gradcheck_vjp(f, g, x, options, sampling, progress=progress,
                                        budget=settings.timeout)
            return op.gradcheck_function(f, g, x, options, sampling, progress=progress,
                                         budget=settings.timeout)

    text = expression if expression is not None else func
    assert text is not None
    raise typer.Exit(run(settings, text, compute, jobs))  # type: ignore[arg-type]


def _expression_flags(grad: str | None, *, fast: bool, x0: str | None, dim: int | None,
                      points: int | None) -> None:
    """The flags of Python code given with an expression: a usage error."""
    for flag, given in (("--fast", fast), ("--x0", x0 is not None), ("--dim", dim is not None),
                        ("--points", points is not None)):
        if given:
            raise UsageError(f"{flag} is for --func (Python code with many parameters); an "
                             "expression's gradient is checked component by component at --at",
                             code="bad_option")
    if grad is not None and _looks_like_spec(grad):
        raise UsageError("--grad FILE.py:NAME goes with --func FILE.py:NAME; with an "
                         "expression, --grad takes the gradient's formulas: \"g1, g2, ...\"",
                         code="bad_option")


def _looks_like_spec(text: str) -> bool:
    head, sep, name = text.strip().rpartition(":")
    return bool(sep) and head.endswith(".py") and name.isidentifier()


def _user_code(func: str, grad: str | None, *, at: str | None, x0: str | None,
               dim: int | None, seed: int) -> tuple[UserCode, UserCode, UserPoint]:
    """--func and --grad loaded from their files, and the point of --at, --x0 or --dim."""
    from calctool.core.engines import usercode as uc

    fspec = uc.parse_spec(func, option="--func")
    if grad is None:
        raise UsageError("--func needs --grad FILE.py:NAME (the gradient function to check)",
                         code="missing_argument")
    if not _looks_like_spec(grad) and not grad.strip().isidentifier() and ":" not in grad:
        raise UsageError("with --func, --grad names the gradient function: FILE.py:NAME, or "
                         "NAME in the --func file", code="bad_function_spec")
    gspec = uc.parse_spec(grad, option="--grad", default_file=fspec.path)
    given = [name for name, v in (("--at", at), ("--x0", x0), ("--dim", dim)) if v is not None]
    if len(given) > 1:
        raise UsageError(f"give the point one way: {' or '.join(given)}", code="bad_option")
    if x0 is not None:
        x = uc.UserPoint(uc.point_from_file(x0), f"--x0 {x0}")
    elif dim is not None:
        x = uc.UserPoint(uc.random_point(dim, seed, option="--dim"),
                         f"--dim {dim} --seed {seed} (standard normal)", seed)
    elif at is not None:
        x = uc.UserPoint(uc.parse_numbers(at, option="--at"), f"--at {at}")
    else:
        raise UsageError("give the point: --x0 FILE.npy, --dim N for a random point (with "
                         "--seed S), or --at 0.5,1,-2", code="missing_point")
    return uc.load_spec(fspec), uc.load_spec(gspec), x
