"""`calctool eval`: numeric values at one point or many."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from calctool.cli import options as opt
from calctool.cli.figures import run_saving
from calctool.cli.settings import make_settings, with_syntax
from calctool.core.errors import Spelling, UsageError

EXAMPLES = """\
Examples:

\b
  calctool eval "sin(x)" --at x=pi/4
  calctool eval "sqrt(2)" --digits 50
  calctool eval "x^2*y" --at x=1,y=2 --at x=3,y=4
  calctool eval "exp(-x^2)" --grid x=-2:2:9
  calctool eval "sin(x)" --at x=pi/4 --plot
  calctool eval "x^3*cos(x)" --grid x=0:1:1000000 --summary
  calctool eval "x*y" --csv examples/points.csv
  calctool eval "log(x)" --at 0          # no value there: exit 3
"""

# How the core's messages name its parameters here: by these flags.
FLAGS = Spelling({"at": "--at", "ranges": "--grid", "csv_text": "--csv", "digits": "--digits",
                  "summary": "--summary", "output": "-o", "timeout": "--timeout",
                  "plot": "--plot", "plot_range": "--range", "ylim": "--ylim"})


def eval_(
    expression: opt.Expression,
    at: Annotated[list[str] | None, typer.Option(
        "--at", metavar="POINT", autocompletion=opt.complete_point,
        help="A point (repeat for several): x=1,y=2, or a bare value for one variable.",
        show_default=False)] = None,
    grid: Annotated[list[str] | None, typer.Option(
        "--grid", metavar="X=A:B:N",
        help="N evenly spaced points from A to B (repeat for a grid over several variables).",
        show_default=False)] = None,
    range_: Annotated[list[str] | None, typer.Option(
        "--range", metavar="A:B",
        help="The plot's x range, e.g. -2:2 (with --plot or --save). X=A:B:N, with a count, "
             "is the deprecated spelling of --grid.",
        show_default=False)] = None,
    csv: Annotated[Path | None, typer.Option(
        "--csv", metavar="FILE",
        help="Points from a CSV file with a header of variable names (- for stdin).",
        show_default=False, allow_dash=True)] = None,
    digits: opt.Digits = None,
    plot: opt.Plot = False,
    ylim: opt.Ylim = None,
    save: opt.Save = None,
    summary: Annotated[bool, typer.Option(
        "--summary", help="For many points, print only count, undefined, min, max, mean.")] = False,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE.csv|FILE.npy",
        help="Write the points and values to a CSV or NumPy file; print the summary.",
        show_default=False)] = None,
    json: opt.Json = False,
    latex: opt.Latex = False,
    latex_style: opt.LatexStyle = "display",
    ascii: opt.Ascii = False,
    timeout: opt.Timeout = opt.DEFAULT_TIMEOUT_SECONDS,
    input_syntax: opt.InputSyntax = "auto",
    jobs: opt.Jobs = 1,
) -> None:
    """Evaluate an expression at a point, at several points, on a grid or from CSV.

    Many points are evaluated at once with numpy. Points where the expression
    has no real value (log(0), 1/0, sqrt(-1)) are reported one by one.
    """
    settings = make_settings("eval", json=json, latex=latex, timeout=timeout, ascii=ascii,
                             latex_style=latex_style)
    window, old_grid = _ranges(range_ or [])
    if old_grid:
        opt.deprecated("eval --range X=A:B:N", "--grid X=A:B:N")
        grid = [*(grid or ()), *old_grid]
    opt.plot_window(window, plot or save is not None, ylim)
    csv_text = _read_csv(csv) if csv is not None else None
    if csv_text is not None and expression == "-":
        raise UsageError("--csv - and an expression of - both read stdin; use a file")
    settings = with_syntax(settings, input_syntax)

    def compute(text: str) -> object:
        from calctool.core.ops.eval import evaluate

        return evaluate(text, at=at or (), ranges=grid or (), csv_text=csv_text,
                        digits=digits or 15, summary=summary, output=output,
                        timeout=settings.timeout, spelling=FLAGS,
                        plot=plot or save is not None, plot_range=window, ylim=ylim)

    raise typer.Exit(run_saving(settings, expression, compute, save, jobs))


def _ranges(given: list[str]) -> tuple[str | None, list[str]]:
    """--range values: A:B (or x=A:B) is the plot's window, X=A:B:N the old --grid."""
    window = [r for r in given if r.split("=")[-1].count(":") < 2]
    if len(window) > 1:
        raise UsageError("--range is the plot's x window: give it once", code="bad_option")
    return (window[0] if window else None), [r for r in given if r not in window]


# The largest --csv input read (64 MiB, about 3 million rows of two numbers):
# /dev/zero or a mistaken file name must not fill memory.
MAX_CSV_BYTES = 64 << 20


def _read_csv(path: Path) -> str:
    import sys

    try:
        if str(path) == "-":
            if sys.stdin is None:
                raise UsageError("--csv - reads standard input, which is closed",
                                 code="no_input")
            stdin = getattr(sys.stdin, "buffer", sys.stdin)  # text, as in tests: encoded
            raw = stdin.read(MAX_CSV_BYTES + 1)
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
        else:
            with path.open("rb") as stream:
                data = stream.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", code="bad_file") from None
    if len(data) > MAX_CSV_BYTES:
        raise UsageError(f"{path} is larger than {MAX_CSV_BYTES >> 20} MiB, the most --csv "
                         "reads", code="input_too_long")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is not part of the header
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a UTF-8 text file", code="bad_file") from None
